//! Limits that must hold under racing requests, and waiting sign-ins that must not outlive
//! what ends them: a newer sign-in, a ban, a new password. A password reset does not give back
//! the account's wrong codes.

use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{api_login, code, enrol, password_step, submit_code};
use crate::helpers::{browser, TestApp, PASSWORD};

/// A well-formed recovery code no account has.
const WRONG_RECOVERY: &str = "aaaa-bbbb-cccc-dddd";

#[tokio::test]
async fn racing_wrong_codes_cannot_pass_the_account_limit() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "kim").await;
    let enrolled = enrol(&app, &client).await;

    let answers = join_all((0..12).map(|_| api_login(&app, "kim", Some(WRONG_RECOVERY)))).await;
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 12, "only 401 and 429");
    assert!(checked <= 5, "{checked} codes were checked, the limit is 5");
    let res = api_login(&app, "kim", Some(&code(&enrolled.secret, 0))).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
}

#[tokio::test]
async fn racing_requests_on_one_waiting_sign_in_check_five_codes_at_most() {
    // One more wrong code per account than a waiting sign-in allows: if the sign-in let more
    // than five codes through, the right code afterwards would be refused (429).
    let app = TestApp::spawn_with(|s| s.security.login_failures_per_account = 6).await;
    let client = browser();
    app.register_with(&client, "lina").await;
    let enrolled = enrol(&app, &client).await;

    let waiting = password_step(&app, "lina").await;
    let answers = join_all((0..10).map(|_| submit_code(&app, &waiting, WRONG_RECOVERY))).await;
    assert!(answers.iter().all(|r| r.status == StatusCode::UNAUTHORIZED));
    let still_asking = answers
        .iter()
        .filter(|r| r.body.contains("action=\"/login/code\""))
        .count();
    assert!(
        still_asking <= 4,
        "{still_asking} answers kept the code form"
    );
    // The waiting sign-in is over.
    let page = app.get_with(&waiting, "/login/code").await;
    assert!(page.body.contains("action=\"/login\""), "{}", page.body);
    // Five wrong codes were counted, not ten: the sixth attempt, right, goes through.
    let res = api_login(&app, "lina", Some(&code(&enrolled.secret, 0))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

#[tokio::test]
async fn a_new_waiting_sign_in_ends_the_earlier_one() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "lou").await;
    let enrolled = enrol(&app, &client).await;

    let first = password_step(&app, "lou").await;
    let second = password_step(&app, "lou").await;
    let good = code(&enrolled.secret, 0);
    let res = submit_code(&app, &first, &good).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("action=\"/login\""), "{}", res.body);
    let res = submit_code(&app, &second, &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn a_password_reset_does_not_give_back_wrong_codes() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "maya").await;
    let enrolled = enrol(&app, &client).await;
    for attempt in 1..=5 {
        let res = api_login(&app, "maya", Some(WRONG_RECOVERY)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }

    let new_password = "un-autre-secret-2026";
    app.reset_password_by_mail("maya@example.org", new_password)
        .await;

    // The new password is right, but the account's wrong codes still count.
    let body =
        json!({"login": "maya", "password": new_password, "code": code(&enrolled.secret, 0)});
    let res = app
        .api(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
}

#[tokio::test]
async fn a_ban_or_a_new_password_ends_a_waiting_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let client = browser();
    app.register_with(&client, "noa").await;
    let enrolled = enrol(&app, &client).await;

    // A new password (from a signed-in session) ends the sign-in waiting for its code.
    let waiting = password_step(&app, "noa").await;
    let new_password = "encore-un-secret-2026";
    let res = app
        .post_form_with(
            &client,
            "/settings",
            "/settings",
            &[
                ("action", "password"),
                ("current_password", PASSWORD),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = submit_code(&app, &waiting, &code(&enrolled.secret, 0)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(
        app.get_with(&waiting, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "not signed in"
    );

    // A ban too.
    let waiting = browser();
    let res = app
        .post_form_with(
            &waiting,
            "/login",
            "/login",
            &[("login", "noa"), ("password", new_password)],
        )
        .await;
    assert_eq!(res.location(), "/login/code");
    let res = app
        .api(
            Method::POST,
            "/api/v1/users/noa/sanctions",
            Some(&admin),
            Some(json!({"kind": "ban", "reason": "Récidive"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = submit_code(&app, &waiting, &code(&enrolled.secret, 1)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(
        app.get_with(&waiting, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "not signed in"
    );
}
