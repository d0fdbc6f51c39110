//! The observatory's JSON API: members propose deployments and edits, reviewers (administrators,
//! global moderators, moderators of the observatory's board) publish, reject or revert them, and
//! everyone reads the published record, its history, its filters and its catalogue.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Page, TestApp, PASSWORD};

// ----- Helpers -----

/// A complete, valid deployment record with one source and one company.
fn record(title: &str, technology: &str, city: &str, status: &str) -> Value {
    json!({
        "title": title,
        "technology": technology,
        "city": city,
        "status": status,
        "started": "2024-03",
        "companies": ["Briefcam"],
        "funding": "Fonds interministériel de prévention de la délinquance",
        "description": "Des caméras *augmentées* aux abords du stade.",
        "sources": [{
            "url": "https://www.laquadrature.net/2024/03/vsa-stade",
            "title": "La VSA arrive au stade",
            "publisher": "La Quadrature du Net",
            "date": "2024-03-05",
            "archive_url": "https://web.archive.org/web/2024/https://www.laquadrature.net/2024/03/vsa-stade"
        }]
    })
}

/// `record` with some fields replaced.
fn with(mut base: Value, changes: Value) -> Value {
    if let (Value::Object(b), Value::Object(c)) = (&mut base, changes) {
        b.extend(c);
    }
    base
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> Page {
    app.api(Method::POST, path, token, Some(body)).await
}

/// Proposes a new deployment and checks it was accepted; returns the answer.
async fn propose(app: &TestApp, token: &str, body: Value) -> Value {
    let res = post(app, "/api/v1/deployments", Some(token), body).await;
    assert_eq!(res.status, StatusCode::CREATED, "proposal: {}", res.body);
    res.json()
}

/// `POST /api/v1/deployments/{id}/review`.
async fn review(app: &TestApp, token: Option<&str>, id: i64, body: Value) -> Page {
    post(
        app,
        &format!("/api/v1/deployments/{id}/review"),
        token,
        body,
    )
    .await
}

/// Publishes the oldest pending revision of a deployment and checks it worked.
async fn publish(app: &TestApp, token: &str, id: i64) -> Value {
    let res = review(app, Some(token), id, json!({"decision": "publish"})).await;
    assert_eq!(res.status, StatusCode::OK, "publication: {}", res.body);
    res.json()
}

/// A deployment proposed by `member` and published by `reviewer`; returns its id.
async fn published(app: &TestApp, reviewer: &str, member: &str, body: Value) -> i64 {
    let id = propose(app, member, body).await["id"]
        .as_i64()
        .expect("deployment id");
    publish(app, reviewer, id).await;
    id
}

/// `GET /api/v1/deployments/{id}` as `token` (or a visitor).
async fn deployment(app: &TestApp, token: Option<&str>, id: i64) -> Page {
    app.api(
        Method::GET,
        &format!("/api/v1/deployments/{id}"),
        token,
        None,
    )
    .await
}

/// The published list for a query string, as a visitor sees it.
async fn list(app: &TestApp, query: &str) -> Vec<Value> {
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/deployments{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.body);
    res.json()["deployments"]
        .as_array()
        .cloned()
        .expect("deployments")
}

/// The ids in the published list for a query string, sorted.
async fn listed_ids(app: &TestApp, query: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = list(app, query)
        .await
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}

/// The `field` of each item of a JSON array.
fn fields(items: &Value, field: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Asserts a 422 naming `field`.
fn assert_invalid(res: &Page, field: &str, what: &str) {
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}: {}",
        res.body
    );
    let error = &res.json()["error"];
    assert_eq!(error["code"], "validation_failed", "{what}: {}", res.body);
    assert_eq!(error["field"], field, "{what}: {}", res.body);
}

/// Makes `who` a moderator of `board`.
async fn board_moderator(app: &TestApp, admin: &str, who: &str, board: &str) {
    let res = post(
        app,
        &format!("/api/v1/admin/users/{who}/boards"),
        Some(admin),
        json!({"board": board, "moderates": true}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

// ----- Proposal, review, edits, history -----

#[tokio::test]
async fn a_proposal_stays_hidden_until_published_then_edits_are_reviewed_kept_in_history_and_reverted(
) {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let proposer = app.api_user("proposante").await;
    let other = app.api_user("correcteur").await;

    let answer = propose(
        &app,
        &proposer,
        record("VSA aux abords du stade", "vsa", "nice", "trial"),
    )
    .await;
    let id = answer["id"].as_i64().expect("id");
    let first_revision = answer["revision_id"].as_i64().expect("revision id");
    assert_eq!(answer["possible_duplicates"], json!([]));

    // Unpublished: listed for nobody, readable only by its proposer and reviewers.
    assert!(list(&app, "").await.is_empty());
    assert_eq!(
        deployment(&app, Some(&other), id).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        deployment(&app, None, id).await.status,
        StatusCode::NOT_FOUND
    );
    let own = deployment(&app, Some(&proposer), id).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["published"], false);
    assert_eq!(own.json()["title"], "VSA aux abords du stade");
    let seen = deployment(&app, Some(&admin), id).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.json()["published"], false);

    // Published by the administrator: listed for everyone, with its sources and companies.
    let done = publish(&app, &admin, id).await;
    assert_eq!(done["first_publication"], true, "{done}");
    assert_eq!(done["revision_id"], first_revision);
    let listed = list(&app, "").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let d = &listed[0];
    assert_eq!(d["id"], id);
    assert_eq!(d["published"], true);
    assert_eq!(d["status"], "trial");
    assert_eq!(d["city"], "nice");
    assert_eq!(d["country"], "FR");
    assert_eq!(d["technology"], "vsa");
    assert_eq!(
        d["sources"],
        json!([{
            "url": "https://www.laquadrature.net/2024/03/vsa-stade",
            "title": "La VSA arrive au stade",
            "publisher": "La Quadrature du Net",
            "date": "2024-03-05",
            "archive_url": "https://web.archive.org/web/2024/https://www.laquadrature.net/2024/03/vsa-stade"
        }])
    );
    assert_eq!(fields(&d["companies"], "name"), ["Briefcam"]);
    assert_eq!(
        deployment(&app, None, id).await.status,
        StatusCode::OK,
        "a visitor reads it now"
    );

    // Its discussion thread is in the observatory's board, attached to the city.
    let thread_id = d["thread_id"].as_i64().expect("a discussion thread");
    let thread = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(thread.status, StatusCode::OK, "{}", thread.body);
    assert_eq!(thread.json()["city"], "nice");
    assert_eq!(thread.json()["board"], "actions-locales");
    assert_eq!(thread.json()["title"], "VSA aux abords du stade");

    // Another member proposes an edit: nothing changes until a reviewer publishes it.
    let edit = post(
        &app,
        &format!("/api/v1/deployments/{id}/revisions"),
        Some(&other),
        with(
            record("VSA aux abords du stade", "vsa", "nice", "deployed"),
            json!({"note": "Le conseil municipal a voté la généralisation."}),
        ),
    )
    .await;
    assert_eq!(edit.status, StatusCode::CREATED, "{}", edit.body);
    let edit_revision = edit.json()["revision_id"].as_i64().expect("revision id");
    assert_eq!(edit.json()["possible_duplicates"], json!([]));
    let before = deployment(&app, None, id).await.json();
    assert_eq!(before["status"], "trial");
    assert_eq!(
        fields(&before["revisions"], "state"),
        ["published"],
        "visitors see only published revisions"
    );
    let mine = deployment(&app, Some(&other), id).await.json();
    assert_eq!(
        fields(&mine["revisions"], "state"),
        ["published", "pending"],
        "the edit's author sees their pending edit"
    );
    assert_eq!(list(&app, "").await[0]["status"], "trial");

    let done = review(
        &app,
        Some(&admin),
        id,
        json!({"decision": "publish", "revision": edit_revision}),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["first_publication"], false);
    let after = deployment(&app, None, id).await.json();
    assert_eq!(after["status"], "deployed");
    assert_eq!(after["thread_id"], thread_id, "no second thread");
    let revisions = after["revisions"].as_array().cloned().expect("revisions");
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert_eq!(revisions[0]["id"], first_revision);
    assert!(
        fields(&revisions[0]["changes"], "field").contains(&"title".to_owned()),
        "the first revision introduces every field: {}",
        revisions[0]
    );
    assert_eq!(revisions[1]["id"], edit_revision);
    assert_eq!(revisions[1]["state"], "published");
    assert_eq!(revisions[1]["author"], "correcteur");
    assert_eq!(revisions[1]["reviewer"], "root_admin");
    assert_eq!(
        revisions[1]["note"],
        "Le conseil municipal a voté la généralisation."
    );
    assert_eq!(
        revisions[1]["changes"],
        json!([{"field": "status", "before": "trial", "after": "deployed"}])
    );

    // Reverted to the first revision: the status is back, the history has one more revision.
    let res = post(
        &app,
        &format!("/api/v1/deployments/{id}/revert"),
        Some(&admin),
        json!({"revision": first_revision}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let reverted = deployment(&app, None, id).await.json();
    assert_eq!(reverted["status"], "trial");
    let revisions = reverted["revisions"]
        .as_array()
        .cloned()
        .expect("revisions");
    assert_eq!(revisions.len(), 3, "{revisions:?}");
    assert_eq!(revisions[2]["state"], "published");
    assert_eq!(revisions[2]["id"], res.json()["revision_id"]);
    assert_eq!(
        revisions[2]["changes"],
        json!([{"field": "status", "before": "deployed", "after": "trial"}])
    );
    assert_eq!(list(&app, "").await[0]["status"], "trial");
}

#[tokio::test]
async fn a_proposal_without_a_source_can_be_made_but_not_published() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("pressee").await;

    let id = propose(
        &app,
        &member,
        with(
            record(
                "Drones au-dessus des manifestations",
                "drones",
                "paris",
                "deployed",
            ),
            json!({"sources": []}),
        ),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let res = review(&app, Some(&admin), id, json!({"decision": "publish"})).await;
    assert_invalid(&res, "sources", "publication without a source");
    assert!(list(&app, "").await.is_empty());
    let own = deployment(&app, Some(&member), id).await.json();
    assert_eq!(own["published"], false);
    assert_eq!(fields(&own["revisions"], "state"), ["pending"]);
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_at_fault() {
    let app = TestApp::spawn().await;
    let member = app.api_user("brouillonne").await;
    let base = record(
        "Caméras thermiques au port",
        "cameras-thermiques",
        "marseille",
        "trial",
    );
    let source = |changes: Value| {
        let mut s = base["sources"][0].clone();
        if let (Value::Object(s), Value::Object(c)) = (&mut s, changes) {
            s.extend(c);
        }
        json!({ "sources": [s] })
    };
    let cases = [
        (source(json!({"url": "javascript:alert(1)"})), "sources"),
        (
            source(json!({"url": "ftp://exemple.fr/rapport.pdf"})),
            "sources",
        ),
        (
            source(json!({"archive_url": "javascript:alert(1)"})),
            "sources",
        ),
        (
            source(json!({"archive_url": "ftp://exemple.fr/archive"})),
            "sources",
        ),
        (source(json!({"date": "2023-02-30"})), "sources"),
        (json!({"started": "2023-02-30"}), "started"),
        (json!({"started": "2024-13"}), "started"),
        (json!({"ended": "2023-02-30"}), "ended"),
        (json!({"ended": "2024-13"}), "ended"),
        (json!({"started": "2024-05", "ended": "2024-04"}), "ended"),
        (
            json!({"started": "2024-05-20", "ended": "2024-05-19"}),
            "ended",
        ),
        (json!({"technology": "teleportation"}), "technology"),
        (json!({"city": "atlantide-sous-mer"}), "city"),
        (json!({"status": "rumoured"}), "status"),
        (json!({"title": ""}), "title"),
        (json!({"title": "   "}), "title"),
    ];
    for (changes, field) in cases {
        let res = post(
            &app,
            "/api/v1/deployments",
            Some(&member),
            with(base.clone(), changes.clone()),
        )
        .await;
        assert_invalid(&res, field, &changes.to_string());
    }

    // The same rules hold for an edit.
    let admin = app.admin_token().await;
    let id = published(&app, &admin, &member, base.clone()).await;
    let res = post(
        &app,
        &format!("/api/v1/deployments/{id}/revisions"),
        Some(&member),
        with(base.clone(), source(json!({"url": "javascript:alert(1)"}))),
    )
    .await;
    assert_invalid(&res, "sources", "edit with a javascript: source");
    let res = post(
        &app,
        &format!("/api/v1/deployments/{id}/revisions"),
        Some(&member),
        with(base.clone(), json!({"city": "atlantide-sous-mer"})),
    )
    .await;
    assert_invalid(&res, "city", "edit with an unknown city");
    let history = deployment(&app, Some(&member), id).await.json();
    assert_eq!(
        fields(&history["revisions"], "state"),
        ["published"],
        "no refused edit was kept"
    );
}

#[tokio::test]
async fn a_rejected_proposal_stays_hidden_and_its_proposer_reads_the_reason() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let proposer = app.api_user("enqueteuse").await;
    let other = app.api_user("passante").await;

    let id = propose(
        &app,
        &proposer,
        record(
            "Micros dans les rues",
            "capteurs-sonores",
            "lyon",
            "announced",
        ),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let reason = "La source parle de Saint-Étienne, pas de Lyon.";
    let res = review(
        &app,
        Some(&admin),
        id,
        json!({"decision": "reject", "reason": reason}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["decision"], "reject");
    assert_eq!(res.json()["first_publication"], false);

    assert!(list(&app, "").await.is_empty());
    assert_eq!(
        deployment(&app, None, id).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        deployment(&app, Some(&other), id).await.status,
        StatusCode::NOT_FOUND
    );
    let own = deployment(&app, Some(&proposer), id).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let own = own.json();
    assert_eq!(own["published"], false);
    assert_eq!(own["thread_id"], Value::Null);
    let revisions = own["revisions"].as_array().cloned().expect("revisions");
    assert_eq!(revisions.len(), 1, "{revisions:?}");
    assert_eq!(revisions[0]["state"], "rejected");
    assert_eq!(revisions[0]["review_reason"], reason);
    assert_eq!(revisions[0]["reviewer"], "root_admin");
}

// ----- Who may do what -----

#[tokio::test]
async fn visitors_may_not_propose_edit_review_or_revert() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("fondatrice").await;
    let body = record("LAPI en centre-ville", "lapi", "lyon", "deployed");
    let answer = propose(&app, &member, body.clone()).await;
    let id = answer["id"].as_i64().expect("id");
    let revision = answer["revision_id"].clone();
    publish(&app, &admin, id).await;

    let attempts = [
        ("/api/v1/deployments".to_owned(), body.clone()),
        (
            format!("/api/v1/deployments/{id}/revisions"),
            with(body.clone(), json!({"status": "abandoned"})),
        ),
        (
            format!("/api/v1/deployments/{id}/review"),
            json!({"decision": "publish"}),
        ),
        (
            format!("/api/v1/deployments/{id}/revert"),
            json!({ "revision": revision }),
        ),
    ];
    for (path, body) in attempts {
        let res = post(&app, &path, None, body).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}: {}", res.body);
    }
    let record = deployment(&app, Some(&admin), id).await.json();
    assert_eq!(record["status"], "deployed");
    assert_eq!(fields(&record["revisions"], "state"), ["published"]);
    assert_eq!(listed_ids(&app, "").await, [id]);
}

#[tokio::test]
async fn a_plain_member_may_not_review_and_learns_nothing_of_others_proposals() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let author = app.api_user("autrice").await;
    let editor = app.api_user("editrice").await;
    let stranger = app.api_user("inconnue").await;

    // A published deployment with a pending edit.
    let body = record("Drones au carnaval", "drones", "nice", "trial");
    let public = published(&app, &admin, &author, body.clone()).await;
    let res = post(
        &app,
        &format!("/api/v1/deployments/{public}/revisions"),
        Some(&editor),
        with(body, json!({"status": "deployed"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // An unpublished proposal.
    let hidden = propose(
        &app,
        &author,
        record(
            "Police prédictive",
            "police-predictive",
            "paris",
            "announced",
        ),
    )
    .await["id"]
        .as_i64()
        .expect("id");

    for (who, token) in [("stranger", &stranger), ("editor", &editor)] {
        let res = review(&app, Some(token), public, json!({"decision": "publish"})).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], "forbidden");
    }
    let res = review(
        &app,
        Some(&stranger),
        hidden,
        json!({"decision": "publish"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = review(&app, Some(&author), hidden, json!({"decision": "publish"})).await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "proposers do not publish their own proposals: {}",
        res.body
    );
    let res = post(
        &app,
        &format!("/api/v1/deployments/{hidden}/revisions"),
        Some(&stranger),
        record("Police prédictive", "police-predictive", "paris", "trial"),
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "no edit of a hidden proposal: {}",
        res.body
    );

    // Nothing changed.
    let d = deployment(&app, None, public).await.json();
    assert_eq!(d["status"], "trial");
    assert_eq!(fields(&d["revisions"], "state"), ["published"]);
    assert_eq!(
        deployment(&app, None, hidden).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(listed_ids(&app, "").await, [public]);
}

#[tokio::test]
async fn a_member_reverting_someone_elses_hidden_proposal_learns_nothing_of_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let author = app.api_user("discrete").await;
    let stranger = app.api_user("fouineuse").await;
    let answer = propose(
        &app,
        &author,
        record(
            "Portiques au lycée",
            "portiques-biometriques",
            "marseille",
            "trial",
        ),
    )
    .await;
    let hidden = answer["id"].as_i64().expect("id");
    let public = published(
        &app,
        &admin,
        &author,
        record("Hypervision municipale", "hypervision", "nice", "deployed"),
    )
    .await;

    // On a published deployment, a member is told they may not.
    let res = post(
        &app,
        &format!("/api/v1/deployments/{public}/revert"),
        Some(&stranger),
        json!({"revision": answer["revision_id"]}),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // On a hidden proposal that is not theirs, the answer is the same as for no deployment at
    // all, as when reviewing it.
    let res = post(
        &app,
        &format!("/api/v1/deployments/{hidden}/revert"),
        Some(&stranger),
        json!({"revision": answer["revision_id"]}),
    )
    .await;
    let nothing = post(
        &app,
        "/api/v1/deployments/999999/revert",
        Some(&stranger),
        json!({"revision": 1}),
    )
    .await;
    assert_eq!(
        res.status, nothing.status,
        "a hidden proposal's existence shows through revert: {}",
        res.body
    );
    assert_eq!(res.body, nothing.body);
    assert!(
        [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&res.status),
        "{}",
        res.body
    );
    let own = deployment(&app, Some(&author), hidden).await.json();
    assert_eq!(own["published"], false);
    assert_eq!(fields(&own["revisions"], "state"), ["pending"]);
}

#[tokio::test]
async fn documentalists_and_global_moderators_may_publish_but_not_moderators_of_other_boards() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("contributrice").await;
    let documentalist = app.api_user("documentaliste").await;
    let moderator = app.api_user("moderatrice").await;
    let elsewhere = app.api_user("moderateur_general").await;
    board_moderator(&app, &admin, "documentaliste", "actions-locales").await;
    board_moderator(&app, &admin, "moderateur_general", "general").await;
    let res = app
        .api(
            Method::PUT,
            "/api/v1/admin/users/moderatrice/role",
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let first = propose(
        &app,
        &member,
        record(
            "Caméras parlantes place Masséna",
            "cameras-parlantes",
            "nice",
            "deployed",
        ),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let second = propose(
        &app,
        &member,
        record(
            "Reconnaissance faciale au lycée",
            "reconnaissance-faciale",
            "marseille",
            "ruled_unlawful",
        ),
    )
    .await["id"]
        .as_i64()
        .expect("id");

    // A moderator of another board is a plain member here.
    assert_eq!(
        deployment(&app, Some(&elsewhere), first).await.status,
        StatusCode::NOT_FOUND
    );
    let res = review(
        &app,
        Some(&elsewhere),
        first,
        json!({"decision": "publish"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert!(list(&app, "").await.is_empty());

    // The documentalist reads and publishes one, the global moderator the other.
    let seen = deployment(&app, Some(&documentalist), first).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.json()["published"], false);
    assert_eq!(
        publish(&app, &documentalist, first).await["first_publication"],
        true
    );
    let seen = deployment(&app, Some(&moderator), second).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(
        publish(&app, &moderator, second).await["first_publication"],
        true
    );
    let mut both = vec![first, second];
    both.sort_unstable();
    assert_eq!(listed_ids(&app, "").await, both);
    let history = deployment(&app, None, first).await.json();
    assert_eq!(history["revisions"][0]["reviewer"], "documentaliste");
    let history = deployment(&app, None, second).await.json();
    assert_eq!(history["revisions"][0]["reviewer"], "moderatrice");
}

#[tokio::test]
async fn an_account_whose_address_is_unconfirmed_may_not_propose() {
    let app = TestApp::spawn().await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "pas_confirmee", "email": "pas_confirmee@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let token = app.api_login("pas_confirmee").await;
    let res = post(
        &app,
        "/api/v1/deployments",
        Some(&token),
        record("Drones à la frontière", "drones", "nice", "trial"),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "forbidden");

    // Once confirmed, the same proposal is accepted.
    let link = app.verification_link("pas_confirmee@example.org").await;
    assert_eq!(
        app.follow(&reqwest::Client::new(), &link).await.status,
        StatusCode::OK
    );
    propose(
        &app,
        &token,
        record("Drones à la frontière", "drones", "nice", "trial"),
    )
    .await;
}

// ----- Duplicates -----

#[tokio::test]
async fn proposing_what_is_already_published_points_at_the_published_deployment() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let first = app.api_user("premiere").await;
    let second = app.api_user("seconde").await;
    let body = record("VSA dans le tramway", "vsa", "lyon", "trial");
    let existing = published(&app, &admin, &first, body.clone()).await;

    let answer = propose(&app, &second, body.clone()).await;
    assert_eq!(answer["possible_duplicates"], json!([existing]));
    assert_ne!(answer["id"], existing, "a new proposal all the same");
    // Another city or another technology is not a duplicate.
    let answer = propose(&app, &second, with(body.clone(), json!({"city": "paris"}))).await;
    assert_eq!(answer["possible_duplicates"], json!([]));
    let answer = propose(&app, &second, with(body, json!({"technology": "drones"}))).await;
    assert_eq!(answer["possible_duplicates"], json!([]));
}

#[tokio::test]
async fn a_hidden_proposal_is_not_offered_to_others_as_a_duplicate() {
    let app = TestApp::spawn().await;
    let first = app.api_user("premiere").await;
    let second = app.api_user("seconde").await;
    let body = record(
        "Capteurs sonores place du marché",
        "capteurs-sonores",
        "marseille",
        "trial",
    );
    let hidden = propose(&app, &first, body.clone()).await["id"].clone();

    let answer = propose(&app, &second, body).await;
    assert_eq!(
        answer["possible_duplicates"],
        json!([]),
        "only published deployments are duplicates; {hidden} is someone else's hidden proposal"
    );
}

// ----- Publication edge cases -----

#[tokio::test]
async fn one_company_written_two_ways_is_published_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("comptable").await;
    let id = propose(
        &app,
        &member,
        with(
            record(
                "Reconnaissance faciale à la gare",
                "reconnaissance-faciale",
                "paris",
                "trial",
            ),
            json!({"companies": ["Idemia", "IDÉMIA"]}),
        ),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let res = review(&app, Some(&admin), id, json!({"decision": "publish"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let d = deployment(&app, None, id).await.json();
    assert_eq!(fields(&d["companies"], "slug"), ["idemia"], "{d}");
}

/// Proposes a deployment titled `title`: either the proposal refuses the title (422 on
/// "title"), or a reviewer can publish it.
async fn assert_publishable_title(title: &str) {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("titreuse").await;
    let res = post(
        &app,
        "/api/v1/deployments",
        Some(&member),
        record(title, "vsa", "paris", "trial"),
    )
    .await;
    if res.status == StatusCode::UNPROCESSABLE_ENTITY {
        // Refusing the title up front is fine too.
        assert_invalid(&res, "title", title);
        return;
    }
    assert_eq!(res.status, StatusCode::CREATED, "{title}: {}", res.body);
    let id = res.json()["id"].as_i64().expect("id");
    let res = review(&app, Some(&admin), id, json!({"decision": "publish"})).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "the proposal of «{title}» ({} characters) was accepted but cannot be published: {}",
        title.chars().count(),
        res.body
    );
    assert_eq!(deployment(&app, None, id).await.json()["title"], title);
}

#[tokio::test]
async fn a_two_letter_title_is_refused_up_front_or_publishable() {
    assert_publishable_title("JO").await;
}

#[tokio::test]
async fn a_title_over_150_characters_is_refused_up_front_or_publishable() {
    let long: String = "Caméras augmentées autour de la gare "
        .repeat(5)
        .chars()
        .take(158)
        .collect();
    let long = long.trim().to_owned();
    assert!((151..=160).contains(&long.chars().count()), "{long}");
    assert_publishable_title(&long).await;
}

// ----- Reading: filters, catalogue, pages -----

#[tokio::test]
async fn filters_return_exactly_the_matching_published_deployments() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("cartographe").await;
    let nice = published(
        &app,
        &admin,
        &member,
        record("VSA sur la promenade", "vsa", "nice", "trial"),
    )
    .await;
    let paris = published(
        &app,
        &admin,
        &member,
        with(
            record("Drones de la préfecture", "drones", "paris", "deployed"),
            json!({"companies": ["Parrot"]}),
        ),
    )
    .await;
    let geneve = published(
        &app,
        &admin,
        &member,
        with(
            record("Lecture des plaques", "lapi", "geneve", "announced"),
            json!({"companies": ["Briefcam", "Survision"]}),
        ),
    )
    .await;
    // A proposal nobody published matches every filter and is never listed.
    propose(
        &app,
        &member,
        with(
            record("VSA sur la promenade bis", "vsa", "nice", "trial"),
            json!({"companies": ["Parrot"]}),
        ),
    )
    .await;

    let sorted = |mut ids: Vec<i64>| {
        ids.sort_unstable();
        ids
    };
    assert_eq!(
        listed_ids(&app, "").await,
        sorted(vec![nice, paris, geneve])
    );
    assert_eq!(listed_ids(&app, "?technology=vsa").await, [nice]);
    assert_eq!(listed_ids(&app, "?status=deployed").await, [paris]);
    assert_eq!(
        listed_ids(&app, "?country=FR").await,
        sorted(vec![nice, paris])
    );
    assert_eq!(listed_ids(&app, "?country=CH").await, [geneve]);
    assert_eq!(listed_ids(&app, "?city=paris").await, [paris]);
    assert_eq!(
        listed_ids(&app, "?country=FR&technology=drones").await,
        [paris]
    );
    assert!(listed_ids(&app, "?technology=drones&city=nice")
        .await
        .is_empty());

    let companies = app.api(Method::GET, "/api/v1/companies", None, None).await;
    assert_eq!(companies.status, StatusCode::OK, "{}", companies.body);
    let companies = companies.json()["companies"].clone();
    let slug_of = |name: &str| -> String {
        companies
            .as_array()
            .expect("companies")
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["slug"].as_str())
            .unwrap_or_else(|| panic!("{name} in {companies}"))
            .to_owned()
    };
    assert_eq!(
        listed_ids(&app, &format!("?company={}", slug_of("Briefcam"))).await,
        sorted(vec![nice, geneve])
    );
    assert_eq!(
        listed_ids(&app, &format!("?company={}", slug_of("Parrot"))).await,
        [paris]
    );
    assert_eq!(
        listed_ids(&app, &format!("?company={}", slug_of("Survision"))).await,
        [geneve]
    );
    assert!(listed_ids(&app, "?company=personne").await.is_empty());
}

#[tokio::test]
async fn the_catalogue_lists_the_technologies_and_the_companies_of_published_deployments() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("catalogueuse").await;

    let res = app
        .api(Method::GET, "/api/v1/technologies", None, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let technologies = res.json()["technologies"].clone();
    assert_eq!(
        fields(&technologies, "slug"),
        [
            "vsa",
            "reconnaissance-faciale",
            "drones",
            "capteurs-sonores",
            "police-predictive",
            "cameras-parlantes",
            "cameras-thermiques",
            "lapi",
            "portiques-biometriques",
            "hypervision",
            "autre"
        ]
    );
    assert_eq!(technologies[2]["name"]["en"], "Drones");
    assert!(technologies[0]["description"]["fr"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));

    let companies = || async {
        let res = app.api(Method::GET, "/api/v1/companies", None, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.json()["companies"].clone()
    };
    assert_eq!(companies().await, json!([]));

    published(
        &app,
        &admin,
        &member,
        with(
            record("VSA au stade", "vsa", "nice", "trial"),
            json!({"companies": ["Briefcam", "Two-I"]}),
        ),
    )
    .await;
    published(
        &app,
        &admin,
        &member,
        record("VSA au marché", "vsa", "lyon", "deployed"),
    )
    .await;
    // Companies of a proposal nobody published stay out of the list.
    propose(
        &app,
        &member,
        with(
            record("VSA à la gare", "vsa", "paris", "trial"),
            json!({"companies": ["Société Cachée"]}),
        ),
    )
    .await;

    let list = companies().await;
    let counted: Vec<(String, i64)> = list
        .as_array()
        .expect("companies")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["deployments"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        counted,
        [("Briefcam".to_owned(), 2), ("Two-I".to_owned(), 1)],
        "{list}"
    );
}

#[tokio::test]
async fn a_short_list_has_no_next_page_and_a_garbage_cursor_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let member = app.api_user("pagineuse").await;
    let id = published(
        &app,
        &admin,
        &member,
        record("Drones au port", "drones", "marseille", "trial"),
    )
    .await;

    let res = app
        .api(Method::GET, "/api/v1/deployments", None, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["next_cursor"], Value::Null);
    assert_eq!(res.json()["deployments"][0]["id"], id);

    for cursor in ["n-importe-quoi", "12_34", "abc.def_1", "1.2_x"] {
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/deployments?cursor={cursor}"),
                None,
                None,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{cursor}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["code"], "bad_request");
    }
}
