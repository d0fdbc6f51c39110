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
async fn head_is_answered_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for (path, status) in [
        ("/healthz", StatusCode::OK),
        ("/readyz", StatusCode::OK),
        ("/", StatusCode::OK),
        ("/b/general", StatusCode::OK),
        ("/api/v1/boards", StatusCode::OK),
        ("/nowhere", StatusCode::NOT_FOUND),
    ] {
        let head = client.head(app.url(path)).send().await.expect("HEAD");
        assert_eq!(head.status(), status, "HEAD {path}");
        let get = app.get(path).await;
        assert_eq!(get.status, status, "GET {path}");
        let type_of = |h: &reqwest::header::HeaderMap| {
            h.get("content-type")
                .map(|v| v.to_str().unwrap_or_default().to_owned())
        };
        assert_eq!(type_of(head.headers()), type_of(&get.headers), "{path}");
        assert!(
            head.bytes().await.expect("body").is_empty(),
            "HEAD {path} has no body"
        );
    }
}

#[tokio::test]
async fn any_english_range_gives_english_and_any_french_one_french() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for (header, lang) in [
        ("en-US", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-BE", "fr"),
        ("fr-CH,en;q=0.5", "fr"),
        ("de-DE,en-GB;q=0.7,fr;q=0.3", "en"),
    ] {
        let page = client
            .get(app.url("/"))
            .header("accept-language", header)
            .send()
            .await
            .expect("GET /")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains(&format!("<html lang=\"{lang}\"")),
            "Accept-Language: {header} should give {lang}"
        );
    }
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
