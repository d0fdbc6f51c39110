//! The sign-in notice: a mail when an account signs in from a browser family it never used
//! (web form and API), with a link to the sessions list; nothing for a family already seen;
//! an off switch in the mail settings; no address stored or mailed.

use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::helpers::{browser, TestApp, PASSWORD};

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const FIREFOX_LINUX_NEWER: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// A browser-like client that sends this `User-Agent`.
fn browser_as(user_agent: &str) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .expect("client")
}

fn notices(app: &TestApp, to: &str) -> Vec<crate::smtp::Mail> {
    app.mails_to(to)
        .into_iter()
        .filter(|m| m.text.contains("/settings#sessions"))
        .collect()
}

#[tokio::test]
async fn a_sign_in_from_a_new_browser_family_mails_a_notice() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    // The first sign-in (registration's browser) only records its family.
    app.register_with(&browser(), "jade").await;
    let email = "jade@example.org";

    let res = app.login_with(&browser_as(FIREFOX_LINUX), "jade").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mail = app
        .mail_to(email, "sign-in notice", |m| m.text.contains("Firefox"))
        .await;
    assert!(mail.text.contains("Firefox · Linux"), "{}", mail.text);
    assert!(mail
        .text
        .contains(&format!("{}/settings#sessions", app.address)));
    assert!(!mail.text.contains("127.0.0.1 ") && !mail.html.contains("<img"));
    assert!(mail.header("List-Unsubscribe").is_none());
    // The link leads to the sessions list, which names the new browser.
    let sessions = app.get_with(&browser_as(FIREFOX_LINUX), "/settings").await;
    assert_eq!(
        sessions.status,
        StatusCode::SEE_OTHER,
        "another jar, signed out"
    );

    // Same family (another version): no new mail. An API sign-in from a new family: a mail.
    app.login_with(&browser_as(FIREFOX_LINUX_NEWER), "jade")
        .await;
    let res = browser_as(CHROME_WINDOWS)
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": "jade", "password": PASSWORD}))
        .send()
        .await
        .expect("API login");
    assert_eq!(res.status(), StatusCode::OK);
    app.mail_to(email, "API sign-in notice", |m| {
        m.text.contains("Chrome · Windows")
    })
    .await;
    app.settle(&admin).await;
    let sent = notices(&app, email);
    assert_eq!(
        sent.len(),
        2,
        "{:?}",
        sent.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert!(sent
        .iter()
        .all(|m| m.subject.contains("sign-in") || m.subject.contains("connexion")));
}

#[tokio::test]
async fn the_notice_has_an_off_switch_in_the_mail_settings() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let client = browser();
    app.register_with(&client, "kim").await;
    let email = "kim@example.org";
    let page = app.get_with(&client, "/settings").await;
    assert!(page
        .body
        .contains("name=\"signin_notice\" value=\"on\" checked"));

    // Saved without the box: off.
    let res = app
        .post_form_with(
            &client,
            "/settings",
            "/settings",
            &[
                ("action", "notifications"),
                ("email_direct", "immediately"),
                ("email_watched", "digest"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get_with(&client, "/settings").await;
    assert!(page
        .body
        .contains("name=\"signin_notice\" value=\"on\" aria-describedby"));
    app.login_with(&browser_as(SAFARI_IPHONE), "kim").await;
    app.settle(&admin).await;
    assert!(notices(&app, email).is_empty(), "no notice when turned off");

    // On again: the next new family is mailed.
    let res = app
        .post_form_with(
            &client,
            "/settings",
            "/settings",
            &[
                ("action", "notifications"),
                ("email_direct", "immediately"),
                ("email_watched", "digest"),
                ("signin_notice", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.login_with(&browser_as(CHROME_WINDOWS), "kim").await;
    app.mail_to(email, "notice when on", |m| {
        m.text.contains("Chrome · Windows")
    })
    .await;
    app.settle(&admin).await;
    assert_eq!(notices(&app, email).len(), 1);
}
