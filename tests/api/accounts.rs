//! A person's own data: settings, export and account deletion.

use reqwest::StatusCode;

use crate::helpers::{browser, TestApp, PASSWORD};

#[tokio::test]
async fn settings_save_language_and_home_city() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "habitante").await;
    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "preferences"),
                ("locale", "en"),
                ("home_city", "Grenoble"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get_with(&member, "/settings").await;
    assert!(page.body.contains("<html lang=\"en\""));
    assert!(page.body.contains("grenoble"));
    let profile = app.get("/u/habitante").await;
    assert!(profile.body.contains("/c/grenoble"));
    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "preferences"),
                ("locale", ""),
                ("home_city", "Nowhere-upon-Thames"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Nowhere-upon-Thames"),
        "the typed city is kept"
    );
}

#[tokio::test]
async fn people_can_export_and_delete_their_data() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "partante").await;
    let id = app
        .new_thread_with(
            &member,
            "general",
            "Mon sujet à moi",
            "Mon texte personnel",
            "",
        )
        .await;
    let export = app.get_with(&member, "/settings/export").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.headers["content-disposition"]
        .to_str()
        .expect("header")
        .contains("attachment"));
    let data = export.json();
    assert_eq!(data["account"]["email"], "partante@example.org");
    assert_eq!(data["posts"][0]["body_markdown"], "Mon texte personnel");
    assert_eq!(data["threads"][0]["title"], "Mon sujet à moi");
    assert_eq!(data["email_preferences"]["direct"], "immediately");
    assert_eq!(data["email_preferences"]["watched"], "digest");
    assert_eq!(
        data["watches"][0]["target"], "thread",
        "starting a thread watches it"
    );
    assert_eq!(data["watches"][0]["id"], id);
    assert_eq!(data["watches"][0]["level"], "watching");
    assert_eq!(
        app.get("/settings/export").await.status,
        StatusCode::SEE_OTHER,
        "not for visitors"
    );

    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "delete_account"),
                ("current_password", "not-my-password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "delete_account"),
                ("current_password", PASSWORD),
                ("erase_posts", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with(&member, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(app.get("/u/partante").await.status, StatusCode::NOT_FOUND);
    let thread = app.get(&format!("/t/{id}")).await;
    assert!(!thread.body.contains("Mon texte personnel") && !thread.body.contains("partante"));
    let login = app
        .post_form_with(
            &browser(),
            "/login",
            "/login",
            &[("login", "partante@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn registration_shows_every_error_at_once() {
    let app = TestApp::spawn().await;
    app.register_with(&browser(), "camille").await;
    // A taken name with a bad address and a short password: the three are told together, and
    // what was typed stays in the form.
    let page = app
        .post_form_with(
            &browser(),
            "/register",
            "/register",
            &[
                ("username", "Camille"),
                ("email", "pas-une-adresse"),
                ("password", "court"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("déjà pris"),
        "the taken name is told: {}",
        page.body
    );
    assert!(page.body.contains("pas-une-adresse"), "the address is kept");
    let errors = page.body.matches("aria-invalid=\"true\"").count();
    assert_eq!(errors, 3, "three fields are marked invalid: {}", page.body);
    // A free name with the same mistakes: two errors, no word of the name.
    let page = app
        .post_form_with(
            &browser(),
            "/register",
            "/register",
            &[
                ("username", "dominique"),
                ("email", "pas-une-adresse"),
                ("password", "court"),
            ],
        )
        .await;
    assert!(!page.body.contains("déjà pris"));
    assert_eq!(page.body.matches("aria-invalid=\"true\"").count(), 2);
}
