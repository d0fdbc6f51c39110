//! Abuse resistance: one member's input cannot take the site down, flood the logs, or turn an
//! export into a spreadsheet formula; concurrent writers each get back their own rows.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, Binary, TestApp};

/// A valid deployment record.
fn record(title: &str, company: &str) -> Value {
    json!({
        "title": title,
        "technology": "vsa",
        "city": "nice",
        "status": "deployed",
        "started": "2024-03",
        "companies": [company],
        "funding": "Budget municipal",
        "description": "Des caméras *augmentées*.",
        "sources": [{"url": "https://technopolice.fr/nice", "title": "Le dossier", "publisher": "Technopolice"}]
    })
}

/// Proposes `body` as `member`; returns the new deployment's id.
async fn propose(app: &TestApp, member: &str, body: Value) -> i64 {
    let res = app
        .api(
            Method::POST,
            "/api/v1/deployments",
            Some(member),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_i64().expect("deployment id")
}

/// The text of the reply form's body field on a page.
fn reply_textarea(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("textarea[name=body]").expect("selector");
    doc.select(&selector)
        .next()
        .unwrap_or_else(|| panic!("no body field in page: {html}"))
        .text()
        .collect()
}

#[tokio::test]
async fn deeply_nested_quotes_are_refused_with_the_text_kept_and_normal_nesting_renders() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "citeuse").await;
    let thread = app
        .new_thread_with(
            &member,
            "general",
            "Citations imbriquées",
            "Premier message",
            "",
        )
        .await;

    // 49,900 quote markers: refused up front, the body field flagged and its text kept.
    let bomb = ">".repeat(49_900);
    let res = app.reply_with(&member, thread, &bomb).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"reply-body-error\""), "{}", res.body);
    assert_eq!(
        reply_textarea(&res.body),
        bomb,
        "the text stays in the form"
    );

    // The JSON API refuses it too, naming the field.
    let token = app.api_login("citeuse").await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&token),
            Some(json!({ "body": bomb })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "validation_failed");
    assert_eq!(res.json()["error"]["field"], "body");

    // An ordinary quote of a quote of … five levels deep is posted and rendered.
    let nested = "> > > > > cinq niveaux";
    let res = app.reply_with(&member, thread, nested).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&format!("/t/{thread}")).await;
    let doc = scraper::Html::parse_document(&page.body);
    let five = scraper::Selector::parse(
        "blockquote > blockquote > blockquote > blockquote > blockquote > p",
    )
    .expect("selector");
    let quoted: Vec<String> = doc
        .select(&five)
        .map(|p| p.text().collect::<String>())
        .collect();
    assert_eq!(quoted, ["cinq niveaux"], "{}", page.body);
}

#[tokio::test]
async fn misplaced_table_markup_does_not_flood_the_log() {
    // A member with an API token, made through an in-process server on the test database…
    let app = TestApp::spawn().await;
    let token = app.api_user("tabliere").await;

    // … then the real binary on that same database, logging warnings to standard error.
    let server = Binary::start(&app, "warn,vigie=info", &[]).await;

    // A post whose raw HTML puts table rows and text where HTML does not allow them.
    let body = "x <table><tr><td>x</td></tr> y ".repeat(200);
    let res = reqwest::Client::new()
        .post(server.url("/api/v1/boards/general/threads"))
        .bearer_auth(&token)
        .json(&json!({"title": "Tableaux mal placés", "body": body}))
        .send()
        .await
        .expect("post through the binary");
    assert_eq!(res.status(), StatusCode::CREATED);

    // The post was cooked before the answer came: whatever it logged is in the pipe.
    let log = server.stop().await;
    let flood = log
        .lines()
        .filter(|l| l.contains("foster parenting"))
        .count();
    assert_eq!(flood, 0, "html5ever warnings in the log:\n{log}");
}

#[tokio::test]
async fn a_deployment_description_nested_too_deep_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let member = app.api_user("documentaliste").await;
    let mut body = record("Caméras du port", "Briefcam");
    body["description"] = json!("> ".repeat(40) + "trop profond");
    let res = app
        .api(
            Method::POST,
            "/api/v1/deployments",
            Some(&member),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "validation_failed");
    assert_eq!(res.json()["error"]["field"], "description");
}

#[tokio::test]
async fn the_csv_export_never_hands_a_spreadsheet_a_formula() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("exportatrice").await;
    let title = "=HYPERLINK(\"http://evil\",\"x\")";
    let id = propose(&app, &member, record(title, "+cmd")).await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/deployments/{id}/review"),
            Some(&admin),
            Some(json!({"decision": "publish"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let res = app.get("/observatoire/export.csv").await;
    assert_eq!(res.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(res.body.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (title_col, companies_col) = (column("title"), column("companies"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][title_col], format!("'{title}"));
    assert_eq!(&rows[0][companies_col], "'+cmd");

    // The JSON API and the GeoJSON export carry the text as it was written.
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/deployments/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let json = res.json();
    assert_eq!(json["title"], title, "{json}");
    let res = app.get("/observatoire/export.geojson").await;
    let geo: Value = serde_json::from_str(&res.body).expect("GeoJSON is JSON");
    let properties = &geo["features"][0]["properties"];
    assert_eq!(properties["title"], title, "{geo}");
    assert_eq!(properties["companies"], json!(["+cmd"]), "{geo}");
}

#[tokio::test]
async fn concurrent_proposals_each_get_back_their_own_deployment_and_revision() {
    let app = TestApp::spawn().await;
    let mut members = Vec::new();
    for i in 0..8 {
        let name = format!("proposante{i}");
        let token = app.api_user(&name).await;
        members.push((name, token));
    }
    // Eight members propose at the same moment; the first of them also proposes three more.
    let mut proposals: Vec<(String, String)> = members
        .iter()
        .map(|(name, token)| (token.clone(), format!("Caméras vues par {name}")))
        .collect();
    for n in 0..3 {
        proposals.push((members[0].1.clone(), format!("Autre dossier numéro {n}")));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (token, title) in proposals {
        let client = reqwest::Client::new();
        let url = app.url("/api/v1/deployments");
        tasks.spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(&token)
                .json(&record(&title, "Briefcam"))
                .send()
                .await
                .expect("proposal");
            let status = res.status();
            let body: Value = res.json().await.expect("JSON answer");
            (token, title, status, body)
        });
    }
    let mut ids = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (token, title, status, body) = done.expect("proposal task");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_i64().expect("id");
        let revision = body["revision_id"].as_i64().expect("revision id");
        // The id answered is the proposer's own deployment, and the revision is its revision.
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/deployments/{id}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let shown = res.json();
        assert_eq!(shown["title"], title.as_str(), "{shown}");
        let revisions: Vec<i64> = shown["revisions"]
            .as_array()
            .expect("revisions")
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        assert_eq!(revisions, [revision], "{shown}");
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 11, "every proposal made its own deployment");
}
