//! Changing a second factor needs more than the password: replacing the authenticator and
//! making new recovery codes ask for a code of the factor in use, mail the owner and end the
//! account's other sessions; the first set-up ends the sessions and tokens opened before it.

use reqwest::{Client, Method, StatusCode};

use super::{code, enrol, enrol_with, select_all};
use crate::helpers::{browser, TestApp, PASSWORD};

const PAGE: &str = "/settings/two-factor";

/// A second browser signed in to `username` (a session opened before the change).
async fn other_session(app: &TestApp, username: &str, secret: Option<&[u8]>) -> Client {
    let other = browser();
    let res = app.login_with(&other, username).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    if let Some(secret) = secret {
        let res = super::submit_code(app, &other, &code(secret, 0)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    assert_eq!(
        app.get_with(&other, "/settings").await.status,
        StatusCode::OK
    );
    other
}

#[tokio::test]
async fn the_first_set_up_ends_the_sessions_and_tokens_opened_before() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "olga").await;
    let other = other_session(&app, "olga", None).await;
    let token = app.api_login("olga").await;

    enrol(&app, &client).await;
    assert_eq!(
        app.get_with(&client, "/settings").await.status,
        StatusCode::OK,
        "the current session is kept"
    );
    assert_eq!(
        app.get_with(&other, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "the token ended");
}

#[tokio::test]
async fn replacing_the_authenticator_needs_a_current_code_and_is_mailed() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "pia").await;
    let enrolled = enrol(&app, &client).await;
    let other = other_session(&app, "pia", Some(&enrolled.secret)).await;

    let res = app
        .post_form_with(&client, PAGE, PAGE, &[("action", "start")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let setup = app.get_with(&client, PAGE).await;
    assert!(
        setup.body.contains("name=\"current_code\""),
        "{}",
        setup.body
    );
    let typed = select_all(&setup.body, "#two-factor-secret")
        .pop()
        .expect("secret")
        .replace(' ', "");
    let secret = totp_rs::Secret::Encoded(typed).to_bytes().expect("base32");
    // The password and the new app's code are not enough: nor is a wrong current code.
    for current in ["", "000000x", "aaaa-bbbb-cccc-dddd"] {
        let res = app
            .post_form_with(
                &client,
                PAGE,
                PAGE,
                &[
                    ("action", "confirm"),
                    ("code", &code(&secret, 0)),
                    ("current_password", PASSWORD),
                    ("current_code", current),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{current:?}");
        assert!(
            res.body.contains("id=\"two-factor-current-code-error\""),
            "{}",
            res.body
        );
    }
    let res = app
        .post_form_with(
            &client,
            PAGE,
            PAGE,
            &[
                ("action", "confirm"),
                ("code", &code(&secret, 0)),
                ("current_password", PASSWORD),
                // The next step's code: this step's was used by the other session.
                ("current_code", &code(&enrolled.secret, 1)),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(select_all(&res.body, "ul.recovery-codes code").len(), 10);

    let mail = app
        .mail_to("pia@example.org", "two-factor changed mail", |m| {
            m.text.contains("/password/forgot") && m.text.contains("/settings#sessions")
        })
        .await;
    assert!(!mail.text.contains(&enrolled.codes[0]));
    assert_eq!(
        app.get_with(&other, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(app.get_with(&client, PAGE).await.status, StatusCode::OK);
}

#[tokio::test]
async fn new_recovery_codes_need_a_current_code_and_are_mailed() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "quinn").await;
    let enrolled = enrol(&app, &client).await;
    let other = other_session(&app, "quinn", Some(&enrolled.secret)).await;

    for current in ["", "123456x", "aaaa-bbbb-cccc-dddd"] {
        let res = app
            .post_form_with(
                &client,
                PAGE,
                PAGE,
                &[
                    ("action", "regenerate"),
                    ("current_password", PASSWORD),
                    ("current_code", current),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{current:?}");
        assert!(
            res.body.contains("id=\"two-factor-regenerate-code-error\""),
            "{}",
            res.body
        );
    }
    assert!(app
        .mails_to("quinn@example.org")
        .iter()
        .all(|m| !m.text.contains("/settings#sessions")));
    // A recovery code proves the factor as well as the app does.
    let res = app
        .post_form_with(
            &client,
            PAGE,
            PAGE,
            &[
                ("action", "regenerate"),
                ("current_password", PASSWORD),
                ("current_code", &enrolled.codes[3]),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(select_all(&res.body, "ul.recovery-codes code").len(), 10);
    app.mail_to("quinn@example.org", "recovery codes mail", |m| {
        m.text.contains("/settings#sessions") && m.text.contains("/password/forgot")
    })
    .await;
    assert_eq!(
        app.get_with(&other, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    // Replacing after a lost phone works with a recovery code too.
    let renewed = select_all(&res.body, "ul.recovery-codes code");
    enrol_with(&app, &client, Some(&renewed[0])).await;
}
