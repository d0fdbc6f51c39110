//! Two-factor sign-in: enrolment from the settings (QR code or typed secret, confirmed by a code
//! and the password), the second step of the web login and of the API login, codes refused when
//! replayed, single-use recovery codes, throttled attempts, turning it off, the staff
//! requirement, the administrators' reset, and the secret sealed in the database.

use reqwest::{Client, Method, StatusCode};
use serde_json::json;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::{browser, Page, TestApp, PASSWORD};

mod changes;
mod hardening;
mod storage;

/// An enrolled account: its secret (as the app has it) and its recovery codes.
pub(crate) struct Enrolled {
    pub(crate) secret: Vec<u8>,
    pub(crate) typed: String,
    pub(crate) codes: Vec<String>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The authenticator's code `offset` steps from now (an independent TOTP, as a phone has).
/// Waits, when the clock is in the last seconds of a time step, for the next one to begin. The
/// server accepts one step either side of its own, so an earlier step's code (`code(_, -1)`)
/// is good only while the clock stays in the step it was made in; this keeps the request from
/// landing two steps later. A wait on the clock, not on the server (and async, so the server
/// keeps running meanwhile).
async fn away_from_a_step_end() {
    let left = 30 - now() % 30;
    if left < 5 {
        tokio::time::sleep(std::time::Duration::from_secs(left + 1)).await;
    }
}

pub(crate) fn code(secret: &[u8], offset: i64) -> String {
    let totp = TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        30,
        secret.to_vec(),
        None,
        String::new(),
    )
    .expect("totp");
    let at = now() as i64 + offset * 30;
    totp.generate(at as u64)
}

fn select_all(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// Turns two-factor sign-in on for the account signed in on `client`.
pub(crate) async fn enrol(app: &TestApp, client: &Client) -> Enrolled {
    enrol_with(app, client, None).await
}

/// Sets up an authenticator for the account signed in on `client`; `current` is a code of the
/// factor in use when two-factor sign-in is already on (replacing it needs one).
async fn enrol_with(app: &TestApp, client: &Client, current: Option<&str>) -> Enrolled {
    let page = "/settings/two-factor";
    let current = current.unwrap_or_default();
    let res = app
        .post_form_with(client, page, page, &[("action", "start")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let setup = app.get_with(client, page).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(setup.body.contains("src=\"/settings/two-factor/qr.svg\""));
    let typed = select_all(&setup.body, "#two-factor-secret")
        .pop()
        .expect("the secret is written out");
    let plain = typed.replace(' ', "");
    let secret = Secret::Encoded(plain.clone()).to_bytes().expect("base32");
    // The QR code is drawn by the server, never cached.
    let qr = app.get_with(client, "/settings/two-factor/qr.svg").await;
    assert_eq!(qr.status, StatusCode::OK);
    assert_eq!(qr.headers["content-type"], "image/svg+xml");
    assert_eq!(qr.headers["cache-control"], "no-store");
    assert!(qr.body.contains("<svg") && !qr.body.contains("<script"));
    // A wrong code or a wrong password keeps it off.
    let wrong = if code(&secret, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = app
        .post_form_with(
            client,
            page,
            page,
            &[
                ("action", "confirm"),
                ("code", wrong),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("id=\"two-factor-code-error\""),
        "{}",
        res.body
    );
    let res = app
        .post_form_with(
            client,
            page,
            page,
            &[
                ("action", "confirm"),
                ("code", &code(&secret, -1)),
                ("current_password", "not the password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("two-factor-password-error"));
    // The previous step's code: the next steps stay free for the sign-ins of the test.
    away_from_a_step_end().await;
    let res = app
        .post_form_with(
            client,
            page,
            page,
            &[
                ("action", "confirm"),
                ("code", &code(&secret, -1)),
                ("current_password", PASSWORD),
                ("current_code", current),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let codes = select_all(&res.body, "ul.recovery-codes code");
    assert_eq!(codes.len(), 10, "{}", res.body);
    Enrolled {
        secret,
        typed: plain,
        codes,
    }
}

/// Logs out the browser.
async fn logout(app: &TestApp, client: &Client) {
    let res = app
        .post_form_with(client, "/settings", "/logout", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

/// The password step in a fresh browser: it is sent to the code page, signed in nowhere yet.
async fn password_step(app: &TestApp, username: &str) -> Client {
    let client = browser();
    let res = app.login_with(&client, username).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/login/code");
    let settings = app.get_with(&client, "/settings").await;
    assert_eq!(settings.status, StatusCode::SEE_OTHER, "not signed in yet");
    client
}

async fn submit_code(app: &TestApp, client: &Client, code: &str) -> Page {
    app.post_form_with(client, "/login/code", "/login/code", &[("code", code)])
        .await
}

async fn api_login(app: &TestApp, login: &str, code: Option<&str>) -> Page {
    let mut body = json!({"login": login, "password": PASSWORD});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    app.api(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await
}

#[tokio::test]
async fn web_login_asks_for_the_code_after_the_password_and_refuses_replays() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "camille").await;
    let settings = app.get_with(&client, "/settings").await;
    assert!(settings.body.contains("href=\"/settings/two-factor\""));
    let enrolled = enrol(&app, &client).await;
    logout(&app, &client).await;

    let second = password_step(&app, "camille").await;
    let page = app.get_with(&second, "/login/code").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("autocomplete=\"one-time-code\""));
    let res = submit_code(&app, &second, "12345").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let good = code(&enrolled.secret, 0);
    let res = submit_code(&app, &second, &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/");
    assert_eq!(
        app.get_with(&second, "/settings").await.status,
        StatusCode::OK
    );

    // The same code again, within its window, is refused.
    let third = password_step(&app, "camille").await;
    let res = submit_code(&app, &third, &good).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_with(&third, "/settings").await.status,
        StatusCode::SEE_OTHER
    );
    // Without a waiting sign-in the code page sends back to the password.
    let stranger = browser();
    let res = app.get_with(&stranger, "/login/code").await;
    assert!(res.body.contains("action=\"/login\""));
}

#[tokio::test]
async fn api_login_answers_second_factor_required_then_takes_the_code() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "dominique").await;
    let enrolled = enrol(&app, &client).await;

    let res = api_login(&app, "dominique", None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"]["code"], "second_factor_required");
    let res = api_login(&app, "dominique", Some("000000x")).await;
    assert_eq!(res.json()["error"]["code"], "second_factor_invalid");
    // A wrong password says nothing of the second factor.
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": "dominique", "password": "wrong password!", "code": "123456"})),
        )
        .await;
    assert_eq!(res.json()["error"]["code"], "bad_credentials");

    let good = code(&enrolled.secret, 0);
    let res = api_login(&app, "dominique", Some(&good)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json()["token"].as_str().expect("token").to_owned();
    let replay = api_login(&app, "dominique", Some(&good)).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert_eq!(replay.json()["error"]["code"], "second_factor_invalid");

    let status = app
        .api(Method::GET, "/api/v1/me/two-factor", Some(&token), None)
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(status.json()["enabled"], true);
    assert_eq!(status.json()["recovery_codes_left"], 10);
}

#[tokio::test]
async fn recovery_codes_sign_in_once_and_lead_to_re_enrolment() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "eden").await;
    let enrolled = enrol(&app, &client).await;

    let lost_phone = password_step(&app, "eden").await;
    let typed = enrolled.codes[0].to_uppercase().replace('-', " ");
    let res = submit_code(&app, &lost_phone, &typed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/settings/two-factor?recovered=1");
    let page = app.get_with(&lost_phone, res.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"action\" value=\"start\""));
    assert_eq!(
        select_all(&page.body, "div[role=status] p").len(),
        1,
        "{}",
        page.body
    );

    // Used once: refused afterwards, on the web and in the API.
    let again = password_step(&app, "eden").await;
    let res = submit_code(&app, &again, &enrolled.codes[0]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = api_login(&app, "eden", Some(&enrolled.codes[0])).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = api_login(&app, "eden", Some(&enrolled.codes[1])).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json()["token"].as_str().expect("token").to_owned();
    let status = app
        .api(Method::GET, "/api/v1/me/two-factor", Some(&token), None)
        .await;
    assert_eq!(status.json()["recovery_codes_left"], 8);

    // Re-enrolment on the new phone (with a recovery code, the phone being lost): the old
    // authenticator works until it is confirmed.
    let fresh = enrol_with(&app, &lost_phone, Some(&enrolled.codes[2])).await;
    assert_ne!(fresh.typed, enrolled.typed);
    let res = api_login(&app, "eden", Some(&code(&enrolled.secret, 1))).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "the old phone no longer works"
    );

    // New recovery codes replace the old ones.
    let page = "/settings/two-factor";
    let res = app
        .post_form_with(
            &lost_phone,
            page,
            page,
            &[
                ("action", "regenerate"),
                ("current_password", PASSWORD),
                ("current_code", &code(&fresh.secret, 0)),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let renewed = select_all(&res.body, "ul.recovery-codes code");
    assert_eq!(renewed.len(), 10);
    let res = api_login(&app, "eden", Some(&fresh.codes[5])).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "old codes are void");
    let res = api_login(&app, "eden", Some(&renewed[5])).await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_codes_are_bounded_and_throttled_like_passwords() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "farid").await;
    let enrolled = enrol(&app, &client).await;

    // Five wrong codes end the waiting sign-in.
    let guesser = password_step(&app, "farid").await;
    for attempt in 1..=5 {
        let res = submit_code(&app, &guesser, &format!("00000{attempt}")).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        let back_to_password = res.body.contains("action=\"/login\"");
        assert_eq!(back_to_password, attempt == 5, "attempt {attempt}");
    }
    // The account has used up its wrong codes: even the right one waits (429, Retry-After).
    let res = api_login(&app, "farid", Some(&code(&enrolled.secret, 0))).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn turning_it_off_needs_the_password_and_a_code() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "gael").await;
    let enrolled = enrol(&app, &client).await;
    let page = "/settings/two-factor";
    let good = code(&enrolled.secret, 0);
    let res = app
        .post_form_with(
            &client,
            page,
            page,
            &[
                ("action", "disable"),
                ("code", &good),
                ("current_password", "nope nope"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form_with(
            &client,
            page,
            page,
            &[
                ("action", "disable"),
                ("code", "999999x"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("two-factor-disable-code-error"));
    let res = app
        .post_form_with(
            &client,
            page,
            page,
            &[
                ("action", "disable"),
                ("code", &good),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/settings/two-factor?saved=disabled");
    let mail = app
        .mail_to("gael@example.org", "two-factor off mail", |m| {
            m.text.contains("/settings/two-factor")
        })
        .await;
    assert!(!mail.text.contains("127.0.0.1:0"));
    // The password alone signs in again.
    let res = app.login_with(&browser(), "gael").await;
    assert_eq!(res.location(), "/");
}

#[tokio::test]
async fn staff_without_two_factor_are_sent_to_enrolment_when_required() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.create_admin("root_admin").await.status,
        StatusCode::SEE_OTHER
    );
    let admin = app.api_login("root_admin").await;
    let modo = browser();
    app.register_with(&modo, "modo").await;
    let member = browser();
    app.register_with(&member, "membre").await;
    let res = app
        .api(
            Method::PUT,
            "/api/v1/admin/users/modo/role",
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get_with(&modo, "/mod/reports").await.status,
        StatusCode::OK
    );

    // The administrators' settings page has the switch; turn it on (unticked boxes stay off).
    let page = app.get("/admin/settings").await;
    assert!(page.body.contains("name=\"require_staff_2fa\""));
    let res = app
        .api(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(&admin),
            Some(json!({"require_staff_2fa": true})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["require_staff_2fa"], true);

    // Staff pages and actions now send the moderator to enrolment first.
    let res = app.get_with(&modo, "/mod/reports").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/settings/two-factor?required=1");
    let res = app.get_with(&modo, "/admin/settings").await;
    assert_eq!(res.location(), "/settings/two-factor?required=1");
    // The administrator too, in the API.
    let res = app
        .api(Method::GET, "/api/v1/admin/settings", Some(&admin), None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"]["code"], "two_factor_enrolment_required");
    // Members are not concerned.
    assert_eq!(
        app.get_with(&member, "/settings").await.status,
        StatusCode::OK
    );

    let page = app.get_with(&modo, "/settings/two-factor?required=1").await;
    assert_eq!(page.status, StatusCode::OK);
    let enrolled = enrol(&app, &modo).await;
    assert_eq!(
        app.get_with(&modo, "/mod/reports").await.status,
        StatusCode::OK
    );
    // While the rule holds, staff cannot turn it off.
    let res = app
        .post_form_with(
            &modo,
            "/settings/two-factor",
            "/settings/two-factor",
            &[
                ("action", "disable"),
                ("code", &code(&enrolled.secret, 0)),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_with(&modo, "/mod/reports").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_admin_resets_a_lost_phone_and_the_log_records_it() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.create_admin("root_admin").await.status,
        StatusCode::SEE_OTHER
    );
    let admin = app.api_login("root_admin").await;
    let client = browser();
    app.register_with(&client, "ines").await;
    enrol(&app, &client).await;

    let page = app.get("/admin/users?q=ines").await;
    assert!(page
        .body
        .contains("action=\"/admin/users/ines/two-factor/reset\""));
    // A member cannot reset anyone.
    let res = app
        .post_form_with(
            &client,
            "/settings",
            "/admin/users/ines/two-factor/reset",
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .post_form(
            "/admin/users?q=ines",
            "/admin/users/ines/two-factor/reset",
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/admin/users?q=ines&done=1");

    let mail = app
        .mail_to("ines@example.org", "reset mail", |m| {
            m.text.contains("/password/forgot")
        })
        .await;
    assert!(mail.text.contains("/settings/two-factor"));
    let log = app
        .api(Method::GET, "/api/v1/modlog", Some(&admin), None)
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    assert!(log.body.contains("reset_two_factor") && log.body.contains("ines"));
    let public = app.api(Method::GET, "/api/v1/modlog", None, None).await;
    assert!(!public.body.contains("reset_two_factor"));

    // The password alone signs in; the API reset has nothing more to do.
    let res = app.login_with(&browser(), "ines").await;
    assert_eq!(res.location(), "/");
    let res = app
        .api(
            Method::POST,
            "/api/v1/admin/users/ines/two-factor/reset",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["reset"], false);
}
