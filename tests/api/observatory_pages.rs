//! The observatory's pages and open data: the map (one mark per city with published
//! deployments, none for proposals), the exports (CSV, GeoJSON, Atom) matching the published
//! list and its filters, the city dossier, and proposing from the web form.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, text, TestApp};

fn record(title: &str, technology: &str, city: &str, status: &str, company: &str) -> Value {
    json!({
        "title": title,
        "technology": technology,
        "city": city,
        "status": status,
        "started": "2023-11",
        "companies": [company],
        "description": "Un dispositif **documenté**.",
        "sources": [{"url": "https://technopolice.fr/dossier", "title": "Le dossier", "publisher": "Technopolice"}]
    })
}

/// Proposes as `member`, publishes as `admin` (unless `publish` is false); returns the id.
async fn deployment(app: &TestApp, admin: &str, member: &str, body: Value, publish: bool) -> i64 {
    let res = app
        .api(
            Method::POST,
            "/api/v1/deployments",
            Some(member),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_i64().expect("id");
    if publish {
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/deployments/{id}/review"),
                Some(admin),
                Some(json!({"decision": "publish"})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    id
}

fn marks(svg: &str) -> Vec<String> {
    svg.match_indices("<path class=\"mark ")
        .map(|(i, _)| {
            let rest = &svg[i..];
            let start = rest.find("data-city=\"").expect("data-city") + 11;
            let end = rest[start..].find('"').expect("end");
            rest[start..start + end].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_map_marks_each_city_with_published_deployments_and_no_proposal() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("cartographe").await;
    deployment(
        &app,
        &admin,
        &member,
        record("VSA gare", "vsa", "nice", "deployed", "Briefcam"),
        true,
    )
    .await;
    deployment(
        &app,
        &admin,
        &member,
        record("Drones", "drones", "nice", "trial", "Parrot"),
        true,
    )
    .await;
    deployment(
        &app,
        &admin,
        &member,
        record(
            "Capteurs",
            "capteurs-sonores",
            "marseille",
            "announced",
            "Serenicity",
        ),
        true,
    )
    .await;
    // A proposal nobody published yet stays off the map.
    deployment(
        &app,
        &admin,
        &member,
        record("Caméras", "vsa", "lyon", "trial", "Briefcam"),
        false,
    )
    .await;

    let res = app.get("/observatoire/carte.svg").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("image/svg+xml"));
    let mut cities = marks(&res.body);
    cities.sort();
    assert_eq!(cities, vec!["marseille", "nice"], "{}", res.body);
    // Nice's mark takes the most advanced status of its two deployments.
    assert!(
        res.body.contains("<path class=\"mark status-deployed\""),
        "{}",
        res.body
    );
    // Served alone, the map draws its legend; in a page, the legend is the page's text.
    assert!(res.body.contains("<g class=\"legend\""));

    // The page embeds the same map, with an accessible list beside it; filters apply.
    let page = app.get("/observatoire/carte").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(marks(&page.body).len(), 2);
    assert!(page.body.contains("href=\"/c/nice\""));
    assert!(!page.body.contains("<g class=\"legend\""));
    assert!(page.body.contains("<ul class=\"map-legend\""));
    assert!(page.body.contains("<use href=\"#map-key-deployed\"/>"));
    assert!(page.body.contains("<symbol id=\"map-key-deployed\""));
    let filtered = app.get("/observatoire/carte.svg?technology=drones").await;
    assert_eq!(marks(&filtered.body), vec!["nice"]);
    let index = app.get("/observatory?status=announced").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(marks(&index.body), vec!["marseille"]);
    assert!(!page.body.contains("lyon"), "no trace of the proposal");
}

#[tokio::test]
async fn exports_parse_and_match_the_published_list_and_its_filters() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("archiviste").await;
    let a = deployment(
        &app,
        &admin,
        &member,
        record("VSA, \"gare\"", "vsa", "nice", "deployed", "Briefcam"),
        true,
    )
    .await;
    let b = deployment(
        &app,
        &admin,
        &member,
        record("Drones", "drones", "paris", "trial", "Parrot"),
        true,
    )
    .await;
    deployment(
        &app,
        &admin,
        &member,
        record("Pas encore", "vsa", "lyon", "trial", "Briefcam"),
        false,
    )
    .await;

    let listed = app
        .api(Method::GET, "/api/v1/deployments", None, None)
        .await
        .json();
    let mut listed_ids: Vec<i64> = listed["deployments"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["id"].as_i64())
        .collect();
    listed_ids.sort();
    assert_eq!(listed_ids, vec![a, b]);

    // CSV: a header and one row per published deployment, quoting intact.
    let res = app.get("/observatoire/export.csv").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(res.body.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let id_col = headers.iter().position(|h| h == "id").expect("id column");
    let title_col = headers
        .iter()
        .position(|h| h == "title")
        .expect("title column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let mut csv_ids: Vec<i64> = rows
        .iter()
        .map(|r| r[id_col].parse().expect("id"))
        .collect();
    csv_ids.sort();
    assert_eq!(csv_ids, listed_ids);
    assert!(rows.iter().any(|r| &r[title_col] == "VSA, \"gare\""));

    // GeoJSON: one point per deployment at the city's coordinates, with the licence.
    let res = app.get("/observatoire/export.geojson").await;
    assert_eq!(res.status, StatusCode::OK);
    let geo: Value = serde_json::from_str(&res.body).expect("GeoJSON is JSON");
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(geo["licence"]["name"], "CC BY-SA 4.0");
    let features = geo["features"].as_array().expect("features");
    assert_eq!(features.len(), 2);
    let nice = features
        .iter()
        .find(|f| f["properties"]["city"] == "nice")
        .expect("nice");
    let coords = nice["geometry"]["coordinates"]
        .as_array()
        .expect("coordinates");
    assert!(
        (coords[0].as_f64().unwrap_or(0.0) - 7.27).abs() < 0.1,
        "longitude first"
    );
    assert!((coords[1].as_f64().unwrap_or(0.0) - 43.7).abs() < 0.1);

    // Filters apply to the exports too, under both prefixes.
    let res = app
        .get("/observatory/export.geojson?technology=drones")
        .await;
    let geo: Value = serde_json::from_str(&res.body).expect("JSON");
    assert_eq!(geo["features"].as_array().map(Vec::len), Some(1));
    let res = app
        .get("/observatoire/export.csv?country=FR&status=deployed")
        .await;
    let count = csv::Reader::from_reader(res.body.as_bytes())
        .records()
        .count();
    assert_eq!(count, 1);

    // Atom: one entry per published deployment, escaped, with the licence.
    let res = app.get("/observatoire/feed.atom").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("application/atom+xml"));
    assert_eq!(res.body.matches("<entry>").count(), 2, "{}", res.body);
    assert!(res.body.contains("VSA, &quot;gare&quot;") || res.body.contains("VSA, \"gare\""));
    assert!(res.body.contains("CC BY-SA 4.0"));
    assert!(!res.body.contains("Pas encore"));
}

#[tokio::test]
async fn the_city_page_shows_its_dossier_once_published() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("veilleuse").await;
    // Warm the visitors' cache: publishing must refresh the city page.
    assert!(!text(&app.get("/c/nice").await.body).contains("Reconnaissance au port"));
    let id = deployment(
        &app,
        &admin,
        &member,
        record(
            "Reconnaissance au port",
            "reconnaissance-faciale",
            "nice",
            "trial",
            "Idemia",
        ),
        false,
    )
    .await;
    assert!(!text(&app.get("/c/nice").await.body).contains("Reconnaissance au port"));
    app.api(
        Method::POST,
        &format!("/api/v1/deployments/{id}/review"),
        Some(&admin),
        Some(json!({"decision": "publish"})),
    )
    .await;
    let page = app.get("/c/nice").await;
    assert!(
        text(&page.body).contains("Reconnaissance au port"),
        "{}",
        text(&page.body)
    );
    assert!(page.body.contains(&format!("/observatoire/d/{id}")));
    // Its discussion thread sits in the city's threads.
    let d = app
        .api(
            Method::GET,
            &format!("/api/v1/deployments/{id}"),
            None,
            None,
        )
        .await
        .json();
    let thread = d["thread_id"].as_i64().expect("a discussion thread");
    assert!(page.body.contains(&format!("/t/{thread}")));
}

#[tokio::test]
async fn members_propose_from_the_form_and_bad_input_comes_back_with_the_text() {
    let app = TestApp::spawn().await;
    let web = browser();
    app.register_with(&web, "proposante").await;
    let fields = [
        ("title", "Caméras augmentées au marché"),
        ("technology", "vsa"),
        ("city", "Montpellier"),
        ("status", "announced"),
        ("started", "2025-02"),
        ("ended", ""),
        ("companies", "Briefcam, Two-i"),
        ("funding", ""),
        ("description", "Annoncé en conseil municipal."),
        ("source_url_0", "javascript:alert(1)"),
        ("source_title_0", "Délibération"),
    ];
    let res = app
        .post_form_with(
            &web,
            "/observatoire/proposer",
            "/observatoire/proposer",
            &fields,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Caméras augmentées au marché"),
        "the text is kept"
    );
    assert!(res.body.contains("Annoncé en conseil municipal."));

    let mut good = fields.to_vec();
    good.retain(|(k, _)| *k != "source_url_0");
    good.push(("source_url_0", "https://www.montpellier.fr/deliberation-42"));
    let res = app
        .post_form_with(
            &web,
            "/observatoire/proposer",
            "/observatoire/proposer",
            &good,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location().to_owned();
    assert!(location.starts_with("/observatoire/d/"), "{location}");
    // The proposer sees it, marked unpublished; a visitor gets a 404.
    let own = app.get_with(&web, &location).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(text(&own.body).contains("Caméras augmentées au marché"));
    // The preview shows what was entered, companies and sources included, before publication.
    assert!(
        text(&own.body).contains("Briefcam, Two-i"),
        "the proposer's preview shows the companies: {}",
        text(&own.body)
    );
    assert!(own
        .body
        .contains("https://www.montpellier.fr/deliberation-42"));
    assert_eq!(app.get(&location).await.status, StatusCode::NOT_FOUND);
    // The form's status list starts with an empty, required choice (valid HTML: a required
    // select's first option must have an empty value).
    let form = app.get_with(&web, "/observatoire/proposer").await;
    let select = &form.body[form
        .body
        .find("id=\"field-status\"")
        .expect("status select")..];
    let first = &select[select.find("<option").expect("an option")..];
    assert!(first.starts_with("<option value=\"\">"), "{}", &first[..60]);
}
