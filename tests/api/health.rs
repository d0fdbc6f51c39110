//! Liveness, readiness, 404 pages and the 503 page when the database is unreachable.

use reqwest::StatusCode;

use crate::helpers::{postgres_url, test_settings, with_database, TestApp};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, "ok");
    assert_eq!(
        health.statements(),
        0,
        "healthz must not touch the database"
    );
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_things_get_a_real_404_page() {
    let app = TestApp::spawn().await;
    for path in [
        "/b/no-such-board",
        "/t/999999",
        "/t/abc",
        "/c/atlantis",
        "/u/nobody_here",
        "/nowhere",
        "/b/general?city=atlantis",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<html"), "{path} renders an HTML page");
        assert!(page.body.contains("404"), "{path} shows the status");
    }
    let api = app.get("/api/v1/threads/999999").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_database_outage_gives_a_503_page_not_a_crash() {
    // A database that does not answer: a closed PostgreSQL port, or a SQLite file that cannot be opened.
    let url = match postgres_url() {
        Some(admin) => with_database(&admin.replace(":5432", ":1"), "nothing"),
        None => "sqlite:/proc/vigie-no-such-dir/x.db".to_owned(),
    };
    let mut settings = test_settings(&url);
    settings.database.migrate_on_start = false;
    settings.database.pool_timeout_ms = 500;
    let app = TestApp::start(settings, None).await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(
        app.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("<html") && page.body.contains("503"),
        "{}",
        page.body
    );
    let api = app.get("/api/v1/boards").await;
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.json()["error"]["code"], "unavailable");
}
