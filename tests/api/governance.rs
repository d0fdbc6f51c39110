//! Running the community: the settings administrators change from the site, registration modes
//! (closed, invitations, approval), posting limits, reports and their queue, roles, and who may
//! use each of these endpoints.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, text, Page, TestApp, PASSWORD};

// ----- Helpers -----

/// A browser session and an API token for a new, verified member.
async fn member(app: &TestApp, name: &str) -> (Client, String) {
    let client = browser();
    app.register_with(&client, name).await;
    let token = app.api_login(name).await;
    (client, token)
}

/// `PATCH /api/v1/admin/settings`.
async fn patch_settings(app: &TestApp, token: &str, body: Value) -> Page {
    app.api(
        Method::PATCH,
        "/api/v1/admin/settings",
        Some(token),
        Some(body),
    )
    .await
}

/// Changes settings and checks it worked.
async fn set(app: &TestApp, admin: &str, body: Value) {
    let res = patch_settings(app, admin, body.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "settings {body}: {}", res.body);
}

/// The current settings, as an administrator reads them.
async fn current_settings(app: &TestApp, admin: &str) -> Value {
    let res = app
        .api(Method::GET, "/api/v1/admin/settings", Some(admin), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

/// Starts a thread through the API; returns (thread id, first post id).
async fn thread(app: &TestApp, token: &str, board: &str, title: &str, body: &str) -> (i64, i64) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/boards/{board}/threads"),
            Some(token),
            Some(json!({"title": title, "body": body})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "new thread: {}", res.body);
    let j = res.json();
    (
        j["id"].as_i64().expect("thread id"),
        j["post_id"].as_i64().expect("post id"),
    )
}

/// Replies through the API.
async fn reply(app: &TestApp, token: &str, thread: i64, body: &str) -> Page {
    app.api(
        Method::POST,
        &format!("/api/v1/threads/{thread}/posts"),
        Some(token),
        Some(json!({ "body": body })),
    )
    .await
}

/// Reports a post through the API.
async fn report(app: &TestApp, token: Option<&str>, post: i64, body: Value) -> Page {
    app.api(
        Method::POST,
        &format!("/api/v1/posts/{post}/report"),
        token,
        Some(body),
    )
    .await
}

/// Resolves the reports on a post through the API.
async fn resolve(app: &TestApp, token: Option<&str>, post: i64, body: Value) -> Page {
    app.api(
        Method::POST,
        &format!("/api/v1/reports/{post}/resolve"),
        token,
        Some(body),
    )
    .await
}

/// The report queue as `token` sees it.
async fn queue(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app
        .api(Method::GET, "/api/v1/reports", Some(token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["reports"]
        .as_array()
        .cloned()
        .expect("reports array")
}

/// The posts of a thread as `token` (or a visitor) sees them.
async fn posts(app: &TestApp, token: Option<&str>, thread: i64) -> Vec<Value> {
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["posts"].as_array().cloned().expect("posts")
}

/// One post of a thread as `token` (or a visitor) sees it.
async fn post_as(app: &TestApp, token: Option<&str>, thread: i64, post: i64) -> Value {
    posts(app, token, thread)
        .await
        .into_iter()
        .find(|p| p["id"] == post)
        .unwrap_or_else(|| panic!("post {post} listed in thread {thread}"))
}

/// `POST /api/v1/posts/{id}/moderate`; returns the status.
async fn moderate_post(app: &TestApp, token: &str, post: i64, body: Value) -> StatusCode {
    app.api(
        Method::POST,
        &format!("/api/v1/posts/{post}/moderate"),
        Some(token),
        Some(body),
    )
    .await
    .status
}

/// The staff moderation log (newest first).
async fn staff_log(app: &TestApp, admin: &str) -> Vec<Value> {
    let res = app
        .api(Method::GET, "/api/v1/modlog", Some(admin), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["staff"], true);
    res.json()["entries"].as_array().cloned().expect("entries")
}

/// Makes `who` a moderator of `board` (or no longer).
async fn board_moderator(app: &TestApp, admin: &str, who: &str, board: &str, moderates: bool) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/admin/users/{who}/boards"),
            Some(admin),
            Some(json!({"board": board, "moderates": moderates})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

/// Sets a person's site-wide role.
async fn role(app: &TestApp, token: &str, who: &str, role: &str) -> Page {
    app.api(
        Method::PUT,
        &format!("/api/v1/admin/users/{who}/role"),
        Some(token),
        Some(json!({ "role": role })),
    )
    .await
}

/// Registers through the API with extra fields (invite, answer); returns the answer.
async fn api_register(app: &TestApp, username: &str, extra: Value) -> Page {
    let mut body = json!({
        "username": username,
        "email": format!("{username}@example.org"),
        "password": PASSWORD,
    });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    app.api(Method::POST, "/api/v1/auth/register", None, Some(body))
        .await
}

/// Logs in through the API; returns the answer (no assertion).
async fn api_login_page(app: &TestApp, login: &str) -> Page {
    app.api(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"login": login, "password": PASSWORD})),
    )
    .await
}

/// Follows the verification link mailed to `username`.
async fn confirm_address(app: &TestApp, username: &str) {
    let link = app
        .verification_link(&format!("{username}@example.org"))
        .await;
    let page = app.follow(&browser(), &link).await;
    assert_eq!(page.status, StatusCode::OK, "verification: {}", page.body);
}

/// The value of a form field (as the browser would send it), if the page has it.
fn field_value(html: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).ok()?;
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// The first mail to `who` that is not the verification mail and mentions `needle`.
async fn mail_mentioning(app: &TestApp, who: &str, needle: &str) -> crate::smtp::Mail {
    let needle = needle.to_owned();
    app.mail_to(&format!("{who}@example.org"), needle.as_str(), |m| {
        !m.text.contains("/verify/") && (m.text.contains(&needle) || m.subject.contains(&needle))
    })
    .await
}

fn in_two_days() -> String {
    (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string()
}

// ----- Site settings -----

#[tokio::test]
async fn admins_read_and_change_the_site_settings_and_each_change_is_logged() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, member_token) = member(&app, "simple_membre").await;

    let path = "/api/v1/admin/settings";
    assert_eq!(
        app.api(Method::GET, path, None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.api(Method::GET, path, Some(&member_token), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let before = current_settings(&app, &admin).await;
    for field in [
        "site_name",
        "description",
        "description_en",
        "default_language",
        "registration_mode",
        "registration_question",
        "new_account_days",
        "new_account_posts_per_hour",
        "new_account_links_per_post",
        "new_account_mentions_per_post",
        "member_posts_per_hour",
        "auto_hide_reports",
        "public_modlog",
    ] {
        assert!(before.get(field).is_some(), "{field} missing: {before}");
    }
    // The test configuration's values come through.
    assert_eq!(before["new_account_days"], 0);
    assert_eq!(before["member_posts_per_hour"], 0);
    assert_eq!(before["registration_mode"], "open");

    // A member cannot change them.
    let res = patch_settings(&app, &member_token, json!({"auto_hide_reports": 9})).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .api(
            Method::PATCH,
            path,
            None,
            Some(json!({"auto_hide_reports": 9})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let res = patch_settings(
        &app,
        &admin,
        json!({
            "description": "Le forum des luttes contre la surveillance",
            "auto_hide_reports": 4,
            "new_account_days": "2",
            "public_modlog": true,
        }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let answered = res.json();
    assert_eq!(
        answered["description"],
        "Le forum des luttes contre la surveillance"
    );
    assert_eq!(answered["auto_hide_reports"], 4);
    assert_eq!(answered["new_account_days"], 2);
    // Untouched settings keep their values.
    assert_eq!(answered["site_name"], before["site_name"]);
    assert_eq!(current_settings(&app, &admin).await, answered);

    // One log row names what changed (public_modlog did not: it was already on).
    let log = staff_log(&app, &admin).await;
    let rows: Vec<&Value> = log.iter().filter(|e| e["action"] == "settings").collect();
    assert_eq!(rows.len(), 1, "{log:?}");
    let label = rows[0]["target_label"].as_str().unwrap_or_default();
    assert!(
        label.contains("auto_hide_reports")
            && label.contains("description")
            && label.contains("new_account_days")
            && !label.contains("public_modlog"),
        "{label}"
    );
    assert_eq!(rows[0]["actor"], "root_admin");

    // Saving the same values again changes nothing and logs nothing.
    set(&app, &admin, json!({"auto_hide_reports": 4})).await;
    let log = staff_log(&app, &admin).await;
    assert_eq!(
        log.iter().filter(|e| e["action"] == "settings").count(),
        1,
        "{log:?}"
    );
}

#[tokio::test]
async fn bad_setting_values_are_refused_with_the_setting_named_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let before = current_settings(&app, &admin).await;
    let cases = [
        (json!({"site_name": "   "}), "site_name"),
        (json!({"site_name": "x".repeat(81)}), "site_name"),
        (json!({"description": "x".repeat(501)}), "description"),
        (json!({"default_language": "de"}), "default_language"),
        (
            json!({"registration_mode": "sometimes"}),
            "registration_mode",
        ),
        (json!({"new_account_days": -1}), "new_account_days"),
        (json!({"new_account_days": 366}), "new_account_days"),
        (json!({"new_account_days": 1.5}), "new_account_days"),
        (
            json!({"new_account_posts_per_hour": "beaucoup"}),
            "new_account_posts_per_hour",
        ),
        (json!({"auto_hide_reports": 1001}), "auto_hide_reports"),
        (json!({"public_modlog": "perhaps"}), "public_modlog"),
        (json!({"colour": "red"}), "name"),
    ];
    for (body, field) in cases {
        let res = patch_settings(&app, &admin, body.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["code"], "validation_failed", "{body}");
        assert_eq!(res.json()["error"]["field"], field, "{body}: {}", res.body);
    }
    // A valid value next to a bad one is not saved either.
    let res = patch_settings(
        &app,
        &admin,
        json!({"auto_hide_reports": 7, "registration_mode": "sometimes"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(current_settings(&app, &admin).await, before);
    let log = staff_log(&app, &admin).await;
    assert!(
        !log.iter().any(|e| e["action"] == "settings"),
        "refused changes are not logged: {log:?}"
    );
}

#[tokio::test]
async fn a_new_site_name_shows_at_once_even_to_signed_out_visitors() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let visitor = browser();
    // Twice, so the second view comes from the visitors' page cache.
    for _ in 0..2 {
        let home = app.get_with(&visitor, "/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(!home.body.contains("Vigilance Grenoble"));
    }
    set(&app, &admin, json!({"site_name": "Vigilance Grenoble"})).await;
    let home = app.get_with(&visitor, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        text(&home.body).contains("Vigilance Grenoble"),
        "the cached home page still shows the old name"
    );
    // Other pages too, and the API answers with it.
    let page = app.get_with(&browser(), "/login").await;
    assert!(text(&page.body).contains("Vigilance Grenoble"));
    assert_eq!(
        current_settings(&app, &admin).await["site_name"],
        "Vigilance Grenoble"
    ); // Mail goes out under the new name.
    let res = api_register(&app, "nouvelle_venue", json!({})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let mail = app
        .mail_to("nouvelle_venue@example.org", "verification mail", |m| {
            m.text.contains("/verify/")
        })
        .await;
    assert!(mail.from.contains("Vigilance Grenoble"), "{}", mail.from);
}

#[tokio::test]
async fn the_default_language_and_descriptions_apply_to_visitors_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(
        &app,
        &admin,
        json!({
            "description": "Contre la surveillance de masse, ville par ville",
            "description_en": "Against mass surveillance, city by city",
        }),
    )
    .await;
    let visitor = browser();
    let home = app.get_with(&visitor, "/").await;
    assert!(home.body.contains("<html lang=\"fr\">"));
    assert!(text(&home.body).contains("Contre la surveillance de masse, ville par ville"));

    // Visitors who chose nothing get the new default language (and its description).
    set(&app, &admin, json!({"default_language": "en"})).await;
    let home = app.get_with(&visitor, "/").await;
    assert!(home.body.contains("<html lang=\"en\">"), "{}", home.body);
    let shown = text(&home.body);
    assert!(
        shown.contains("Against mass surveillance, city by city"),
        "{shown}"
    );
    // Those who ask for French still get it.
    let res = Client::new()
        .get(app.url("/"))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("GET");
    let body = res.text().await.expect("body");
    assert!(body.contains("Contre la surveillance de masse"));
}

#[tokio::test]
async fn without_a_public_log_only_staff_read_the_moderation_log() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (member_browser, member_token) = member(&app, "curieux").await;
    let staff_browser = browser();
    app.login_with(&staff_browser, "root_admin").await;
    // Something to log.
    set(&app, &admin, json!({"auto_hide_reports": 5})).await;
    assert_eq!(app.get("/moderation").await.status, StatusCode::OK);

    set(&app, &admin, json!({"public_modlog": false})).await;
    let home = app.get_with(&browser(), "/").await;
    assert!(
        !home.body.contains("href=\"/moderation\""),
        "the footer still links to the public log"
    );
    assert_eq!(
        app.get_with(&browser(), "/moderation").await.status,
        StatusCode::NOT_FOUND,
        "the public page is gone for visitors"
    );
    assert_eq!(
        app.get_with(&member_browser, "/moderation").await.status,
        StatusCode::NOT_FOUND
    );
    // Staff still read the full log.
    let page = app.get_with(&staff_browser, "/mod/log").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!staff_log(&app, &admin).await.is_empty());
    // The API's public view is gone too.
    let anonymous = app.api(Method::GET, "/api/v1/modlog", None, None).await;
    assert_eq!(
        anonymous.status,
        StatusCode::NOT_FOUND,
        "GET /api/v1/modlog still answers visitors: {}",
        anonymous.body
    );
    let plain = app
        .api(Method::GET, "/api/v1/modlog", Some(&member_token), None)
        .await;
    assert_eq!(plain.status, StatusCode::NOT_FOUND, "{}", plain.body);

    // Back on: public again.
    set(&app, &admin, json!({"public_modlog": true})).await;
    assert_eq!(
        app.get_with(&browser(), "/moderation").await.status,
        StatusCode::OK
    );
    let anonymous = app.api(Method::GET, "/api/v1/modlog", None, None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(anonymous.json()["staff"], false);
}

// ----- Registration modes -----

#[tokio::test]
async fn closed_registration_turns_every_newcomer_away() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "closed"})).await;

    let res = api_register(&app, "trop_tard", json!({})).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "forbidden");
    // Not even with an invitation.
    let invite = app
        .api(
            Method::POST,
            "/api/v1/admin/invites",
            Some(&admin),
            Some(json!({"max_uses": 1, "days": 7, "note": ""})),
        )
        .await;
    assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.body);
    let secret = invite.json()["url"]
        .as_str()
        .and_then(|u| u.split("invite=").nth(1))
        .expect("secret in the url")
        .to_owned();
    let res = api_register(&app, "trop_tard", json!({ "invite": secret })).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

    // Visitors are not invited to register; the page says it is closed and has no form.
    let visitor = browser();
    let home = app.get_with(&visitor, "/").await;
    assert!(!home.body.contains("href=\"/register\""), "{}", home.body);
    let page = app.get_with(&visitor, "/register").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("action=\"/register\""), "{}", page.body);
    assert!(!page.body.contains("name=\"password\""));
    assert!(text(&page.body).contains("fermées"), "{}", text(&page.body));
    // A form posted anyway is refused.
    let res = app
        .post_form_with(
            &visitor,
            "/login",
            "/register",
            &[
                ("username", "trop_tard"),
                ("email", "trop_tard@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(text(&res.body).contains("fermées"));
    assert_eq!(
        api_login_page(&app, "trop_tard").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(app.mails_to("trop_tard@example.org").is_empty());
}

#[tokio::test]
async fn invitation_links_admit_as_many_people_as_planned_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "invite"})).await;

    let res = api_register(&app, "sans_lien", json!({})).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "forbidden");
    let page = app.get_with(&browser(), "/register").await;
    assert!(
        !page.body.contains("name=\"password\""),
        "no form without a link"
    );

    let res = app
        .api(
            Method::POST,
            "/api/v1/admin/invites",
            Some(&admin),
            Some(json!({"max_uses": 2, "days": 7, "note": "Collectif du quartier"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let invite_id = res.json()["id"].as_i64().expect("invite id");
    let url = res.json()["url"].as_str().expect("url").to_owned();
    let prefix = format!("{}/register?invite=", app.address);
    assert!(url.starts_with(&prefix), "{url}");
    let secret = url[prefix.len()..].to_owned();
    assert!(secret.len() >= 16, "{secret}");

    // The list shows it, never its secret.
    let list = app
        .api(Method::GET, "/api/v1/admin/invites", Some(&admin), None)
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&secret));
    let listed = list.json()["invites"][0].clone();
    assert_eq!(listed["id"], invite_id);
    assert_eq!(listed["note"], "Collectif du quartier");
    assert_eq!(listed["uses"], 0);
    assert_eq!(listed["usable"], true);

    // First use: through the API.
    let res = api_register(&app, "invitee_api", json!({ "invite": secret })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    confirm_address(&app, "invitee_api").await;
    assert_eq!(
        api_login_page(&app, "invitee_api").await.status,
        StatusCode::OK
    );

    // Second use: the web form at the link carries the secret.
    let invited = browser();
    let page = app.follow(&invited, &url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        field_value(&page.body, "invite").as_deref(),
        Some(secret.as_str())
    );
    let path = url.trim_start_matches(&app.address).to_owned();
    let res = app
        .post_form_with(
            &invited,
            &path,
            "/register",
            &[
                ("username", "invitee_web"),
                ("email", "invitee_web@example.org"),
                ("password", PASSWORD),
                ("invite", &secret),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/register/sent");
    confirm_address(&app, "invitee_web").await;
    assert_eq!(
        app.login_with(&invited, "invitee_web").await.status,
        StatusCode::SEE_OTHER
    );

    // Used up: refused, and the link's page says so.
    let res = api_register(&app, "invitee_trois", json!({ "invite": secret })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "invite");
    let page = app.follow(&browser(), &url).await;
    assert!(!page.body.contains("name=\"password\""));
    let listed = app
        .api(Method::GET, "/api/v1/admin/invites", Some(&admin), None)
        .await
        .json()["invites"][0]
        .clone();
    assert_eq!(listed["uses"], 2);
    assert_eq!(listed["usable"], false);

    // A revoked link admits nobody.
    let res = app
        .api(
            Method::POST,
            "/api/v1/admin/invites",
            Some(&admin),
            Some(json!({"max_uses": 5, "days": 1})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let second_id = res.json()["id"].as_i64().expect("id");
    let second_secret = res.json()["url"]
        .as_str()
        .and_then(|u| u.split("invite=").nth(1))
        .expect("secret")
        .to_owned();
    let path = format!("/api/v1/admin/invites/{second_id}");
    let res = app.api(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = api_register(&app, "invitee_quatre", json!({ "invite": second_secret })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "invite");
    assert_eq!(
        app.api(Method::DELETE, &path, Some(&admin), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // An invented secret is refused the same way.
    let res = api_register(
        &app,
        "invitee_cinq",
        json!({"invite": "pas-un-vrai-secret-du-tout"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "invite");

    // Creating and revoking are logged.
    let log = staff_log(&app, &admin).await;
    assert!(log.iter().any(|e| e["action"] == "invite"), "{log:?}");
    assert!(
        log.iter().any(|e| e["action"] == "revoke_invite"),
        "{log:?}"
    );
}

#[tokio::test]
async fn bad_invitations_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for (body, field) in [
        (json!({"max_uses": 0, "days": 7}), "max_uses"),
        (json!({"max_uses": 1001, "days": 7}), "max_uses"),
        (json!({"max_uses": "deux", "days": 7}), "max_uses"),
        (json!({"max_uses": 1, "days": 0}), "days"),
        (json!({"max_uses": 1, "days": 366}), "days"),
        (
            json!({"max_uses": 1, "days": 7, "note": "x".repeat(201)}),
            "note",
        ),
    ] {
        let res = app
            .api(
                Method::POST,
                "/api/v1/admin/invites",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    let list = app
        .api(Method::GET, "/api/v1/admin/invites", Some(&admin), None)
        .await;
    assert_eq!(list.json()["invites"], json!([]));
}

#[tokio::test]
async fn applicants_answer_the_question_wait_for_approval_and_are_told_by_mail() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(
        &app,
        &admin,
        json!({"registration_mode": "approval", "registration_question": "Quel collectif vous envoie ?"}),
    )
    .await;

    let res = api_register(&app, "candidate", json!({})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "answer");
    let res = api_register(&app, "candidate", json!({"answer": "   "})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "answer");

    let res = api_register(
        &app,
        "candidate",
        json!({"answer": "Le collectif Technopolice de Lyon"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["approval"], "pending");
    // Every administrator hears of it, with the answer and where to decide.
    let notice = app
        .mail_to("root_admin@example.org", "the application notice", |m| {
            m.text.contains("candidate")
        })
        .await;
    assert!(
        notice.text.contains("Le collectif Technopolice de Lyon"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("/admin/applications"),
        "{}",
        notice.text
    );
    confirm_address(&app, "candidate").await;

    // Confirmed, but still waiting: no login, by the API or the site.
    let res = api_login_page(&app, "candidate").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.json().get("token").is_none());
    let page = app.login_with(&browser(), "candidate").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        text(&page.body).contains("attend encore la décision"),
        "{}",
        text(&page.body)
    );

    // The page shows the question to the next applicant, who applies from the form.
    let web = browser();
    let page = app.get_with(&web, "/register").await;
    assert!(text(&page.body).contains("Quel collectif vous envoie ?"));
    let res = app
        .post_form_with(
            &web,
            "/register",
            "/register",
            &[
                ("username", "candidate_web"),
                ("email", "candidate_web@example.org"),
                ("password", PASSWORD),
                ("answer", "Une amie m’en a parlé"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/register/sent?approval=1");

    // Admins read the answers.
    let res = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = res.json()["applications"]
        .as_array()
        .cloned()
        .expect("list");
    assert_eq!(list.len(), 2, "{list:?}");
    let application = list
        .iter()
        .find(|a| a["username"] == "candidate")
        .expect("listed");
    assert_eq!(application["answer"], "Le collectif Technopolice de Lyon");
    assert_eq!(application["email_verified"], true);
    let user_id = application["user_id"].as_i64().expect("user id");

    // A decision must be one of the two.
    let path = format!("/api/v1/admin/applications/{user_id}");
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"decision": "maybe"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "decision");

    let res = app
        .api(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let mail = mail_mentioning(&app, "candidate", "/login").await;
    assert!(mail.text.contains("candidate"), "{}", mail.text);
    assert_eq!(
        api_login_page(&app, "candidate").await.status,
        StatusCode::OK
    );
    // Decided once: gone from the list, and a second decision finds nothing.
    let res = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await;
    assert!(!res.body.contains("\"candidate\""), "{}", res.body);
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"decision": "reject"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api_login_page(&app, "candidate").await.status,
        StatusCode::OK
    );
    let log = staff_log(&app, &admin).await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "approve" && e["target_label"] == "candidate"),
        "{log:?}"
    );
}

#[tokio::test]
async fn approval_mode_needs_a_question_for_applicants_to_answer() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = patch_settings(
        &app,
        &admin,
        json!({"registration_mode": "approval", "registration_question": ""}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "registration_question");
    assert_eq!(
        current_settings(&app, &admin).await["registration_mode"],
        "open"
    );
    set(
        &app,
        &admin,
        json!({"registration_mode": "approval", "registration_question": "Qui êtes-vous ?"}),
    )
    .await;
    // Nor can the question be emptied while applicants must answer it.
    let res = patch_settings(&app, &admin, json!({"registration_question": "  "})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "registration_question");
    // So the form always offers the field the server requires.
    let page = app.get_with(&browser(), "/register").await;
    assert!(page.body.contains("name=\"answer\""), "{}", page.body);
    assert!(text(&page.body).contains("Qui êtes-vous ?"));
}

#[tokio::test]
async fn a_rejected_applicant_is_told_why_and_the_account_and_name_are_freed() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "approval"})).await;
    let res = api_register(&app, "refusee", json!({"answer": "Pour voir"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    confirm_address(&app, "refusee").await;
    let list = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await
        .json();
    let user_id = list["applications"][0]["user_id"].as_i64().expect("id");

    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/admin/applications/{user_id}"),
            Some(&admin),
            Some(json!({"decision": "reject", "reason": "Réponse trop vague, réessayez"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let mail = app
        .mail_to("refusee@example.org", "the rejection mail", |m| {
            !m.text.contains("/verify/")
        })
        .await;
    assert!(
        mail.text.contains("Réponse trop vague, réessayez"),
        "the reason is given: {}",
        mail.text
    );

    // The account is gone: its login is unknown, its name is free.
    let res = api_login_page(&app, "refusee").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "bad_credentials");
    let list = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(list["applications"], json!([]));
    let res = api_register(&app, "refusee", json!({"answer": "Deuxième essai, précis"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["approval"], "pending");
    // The log keeps the decision without naming the rejected person.
    let log = staff_log(&app, &admin).await;
    let row = log
        .iter()
        .find(|e| e["action"] == "reject")
        .expect("reject logged");
    assert!(!row.to_string().contains("refusee"), "{row}");
}

#[tokio::test]
async fn an_invitation_lets_people_skip_the_approval_queue() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "approval"})).await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/admin/invites",
            Some(&admin),
            Some(json!({"max_uses": 1, "days": 7, "note": "Intervenante"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let url = res.json()["url"].as_str().expect("url").to_owned();
    let secret = url.split("invite=").nth(1).expect("secret").to_owned();
    // The link's page asks no question.
    let page = app.follow(&browser(), &url).await;
    assert!(page.body.contains("name=\"password\""));
    assert!(!page.body.contains("name=\"answer\""), "{}", page.body);

    let res = api_register(&app, "invitee", json!({ "invite": secret })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.json()["approval"].is_null(), "{}", res.body);
    confirm_address(&app, "invitee").await;
    assert_eq!(api_login_page(&app, "invitee").await.status, StatusCode::OK);
    let list = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(list.json()["applications"], json!([]));
}

#[tokio::test]
async fn a_decision_only_applies_to_a_waiting_application() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, token) = member(&app, "deja_membre").await;
    let id = app
        .api(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .json()["id"]
        .as_i64()
        .expect("id");
    // "Rejecting" someone who never applied deletes nothing.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/admin/applications/{id}"),
            Some(&admin),
            Some(json!({"decision": "reject", "reason": "Essai"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api_login_page(&app, "deja_membre").await.status,
        StatusCode::OK
    );
    let res = app
        .api(
            Method::POST,
            "/api/v1/admin/applications/999999",
            Some(&admin),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pending_applicant_has_no_public_profile_until_approved() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "approval"})).await;
    let res = api_register(
        &app,
        "discrete",
        json!({"answer": "Je préfère rester discrète"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    confirm_address(&app, "discrete").await;
    // The log keeps applications private; the profile must not tell who applied either.
    let page = app.get_with(&browser(), "/u/discrete").await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "a pending applicant's profile is public"
    );
    let id = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await
        .json()["applications"][0]["user_id"]
        .as_i64()
        .expect("id");
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/admin/applications/{id}"),
            Some(&admin),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_with(&browser(), "/u/discrete").await.status,
        StatusCode::OK
    );
}

// ----- Posting limits -----

#[tokio::test]
async fn new_accounts_may_post_only_so_many_times_an_hour_but_staff_are_exempt() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, newbie) = member(&app, "nouvelle").await;
    let (_, board_mod) = member(&app, "modo_general").await;
    board_moderator(&app, &admin, "modo_general", "general", true).await;
    let (_, global_mod) = member(&app, "modo_global").await;
    assert_eq!(
        role(&app, &admin, "modo_global", "moderator").await.status,
        StatusCode::OK
    );
    set(
        &app,
        &admin,
        json!({"new_account_days": 3, "new_account_posts_per_hour": 2}),
    )
    .await;

    // A thread and a reply: two posts; the third is refused.
    let (t, _) = thread(
        &app,
        &newbie,
        "general",
        "Caméras place Bellecour",
        "Vu hier.",
    )
    .await;
    let res = reply(&app, &newbie, t, "Et une autre rue des Capucins.").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = reply(&app, &newbie, t, "Encore une.").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "rate_limited");
    let wait: u64 = res
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in seconds");
    assert!((1..=3600).contains(&wait), "{wait}");
    let message = res.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains('2'),
        "the message names the limit: {message}"
    );
    // Threads count too.
    let res = app
        .api(
            Method::POST,
            "/api/v1/boards/general/threads",
            Some(&newbie),
            Some(json!({"title": "Un autre sujet", "body": "Texte"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.get("retry-after").is_some());
    assert_eq!(posts(&app, None, t).await.len(), 2, "nothing was written");

    // Staff post as much as they need, new accounts or not.
    for (who, token) in [
        ("admin", &admin),
        ("board moderator", &board_mod),
        ("global moderator", &global_mod),
    ] {
        for i in 0..3 {
            let res = reply(&app, token, t, &format!("Réponse {i} de {who}")).await;
            assert_eq!(res.status, StatusCode::CREATED, "{who} #{i}: {}", res.body);
        }
    }

    // Once the account is no longer new (new_account_days back to 0), the limit is gone.
    set(&app, &admin, json!({"new_account_days": 0})).await;
    let res = reply(&app, &newbie, t, "Enfin.").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

#[tokio::test]
async fn the_hourly_limit_applies_to_every_member_and_not_to_staff() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, old_hand) = member(&app, "habituee").await;
    let (_, board_mod) = member(&app, "modo_drones").await;
    board_moderator(&app, &admin, "modo_drones", "drones-et-capteurs", true).await;
    set(&app, &admin, json!({"member_posts_per_hour": 3})).await;

    let (t, _) = thread(&app, &old_hand, "general", "Réunion publique", "Mardi 19 h").await;
    for i in 0..2 {
        let res = reply(&app, &old_hand, t, &format!("Précision {i}")).await;
        assert_eq!(res.status, StatusCode::CREATED, "#{i}: {}", res.body);
    }
    let res = reply(&app, &old_hand, t, "Une de trop").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.get("retry-after").is_some());
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains('3'),
        "{}",
        res.body
    );
    // Staff are exempt.
    for i in 0..4 {
        let res = reply(&app, &board_mod, t, &format!("Modération {i}")).await;
        assert_eq!(res.status, StatusCode::CREATED, "#{i}: {}", res.body);
        let res = reply(&app, &admin, t, &format!("Administration {i}")).await;
        assert_eq!(res.status, StatusCode::CREATED, "#{i}: {}", res.body);
    }
    // Turned off (0): no limit.
    set(&app, &admin, json!({"member_posts_per_hour": 0})).await;
    let res = reply(&app, &old_hand, t, "De retour").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

#[tokio::test]
async fn new_accounts_cannot_put_too_many_links_or_mentions_in_a_post() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, newbie) = member(&app, "debutante").await;
    set(
        &app,
        &admin,
        json!({
            "new_account_days": 3,
            "new_account_posts_per_hour": 0,
            "new_account_links_per_post": 2,
            "new_account_mentions_per_post": 2,
        }),
    )
    .await;
    let (t, first) = thread(
        &app,
        &newbie,
        "general",
        "Sources",
        "Quelques liens suivront.",
    )
    .await;

    let cases = [
        (
            "three links",
            "Voir https://a.test, http://b.test et www.c.test",
            false,
        ),
        (
            "two links, one written twice over",
            "Voir https://www.a.test et www.b.test",
            true,
        ),
        ("three mentions", "Merci @alice, @bernard et @chloe", false),
        ("two mentions", "Merci @alice et @bernard (et @alice)", true),
    ];
    for (what, body, allowed) in cases {
        let res = reply(&app, &newbie, t, body).await;
        if allowed {
            assert_eq!(res.status, StatusCode::CREATED, "{what}: {}", res.body);
        } else {
            assert_eq!(
                res.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{what}: {}",
                res.body
            );
            assert_eq!(res.json()["error"]["field"], "body", "{what}");
        }
    }
    // A new thread is checked the same way.
    let res = app
        .api(
            Method::POST,
            "/api/v1/boards/general/threads",
            Some(&newbie),
            Some(json!({"title": "Liens", "body": "https://a.test https://b.test https://c.test"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "body");
    // And an edit cannot sneak them in afterwards.
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{first}"),
            Some(&newbie),
            Some(json!({"body": "https://a.test https://b.test https://c.test"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "body");
    // Staff are not limited.
    let res = reply(
        &app,
        &admin,
        t,
        "https://a.test https://b.test https://c.test @alice @bernard @chloe",
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(posts(&app, None, t).await.len(), 4);
}

#[tokio::test]
async fn the_reply_form_keeps_the_text_when_the_hourly_limit_is_reached() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (web, _) = member(&app, "redactrice").await;
    set(&app, &admin, json!({"member_posts_per_hour": 1})).await;
    let t = app
        .new_thread_with(&web, "general", "Compte rendu", "Première partie.", "")
        .await;
    let typed = "Deuxième partie, longue et soigneusement rédigée.";
    let res = app.reply_with(&web, t, typed).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.get("retry-after").is_some());
    assert!(
        res.body.contains(typed),
        "the typed text is lost: {}",
        res.body
    );
    let shown = text(&res.body);
    assert!(
        shown.contains("1 messages par heure") || shown.contains("limite de 1"),
        "{shown}"
    );
    // The new-thread form keeps the title and text too.
    let res = app
        .post_form_with(
            &web,
            "/b/general/new",
            "/b/general/new",
            &[
                ("title", "Troisième partie"),
                ("body", "Texte de la troisième partie."),
                ("city", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(
        res.body.contains("Troisième partie") && res.body.contains("Texte de la troisième partie.")
    );
}

// ----- Reports -----

#[tokio::test]
async fn members_report_a_post_once_and_bad_reports_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "autrice").await;
    let (_, reporter) = member(&app, "vigilante").await;
    let (_, other) = member(&app, "attentif").await;
    let (t, post) = thread(&app, &author, "general", "Annonce douteuse", "Achetez ici").await;

    let spam = json!({"reason": "spam"});
    assert_eq!(
        report(&app, None, post, spam.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    let res = report(&app, Some(&reporter), post, spam.clone()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.json()["id"].as_i64().is_some());
    assert_eq!(res.json()["auto_hidden"], false);
    let res = report(&app, Some(&reporter), post, json!({"reason": "abuse"})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let res = report(&app, Some(&author), post, spam.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

    for (body, field) in [
        (json!({"reason": "boring"}), "reason"),
        (json!({}), "reason"),
        (json!({"reason": "other"}), "text"),
        (json!({"reason": "other", "text": "   "}), "text"),
        (json!({"reason": "abuse", "text": "x".repeat(1001)}), "text"),
    ] {
        let res = report(&app, Some(&other), post, body.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    let res = report(
        &app,
        Some(&other),
        post,
        json!({"reason": "other", "text": "Lien vers un site d’arnaque"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        report(&app, Some(&other), 999_999, spam.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A post hidden by a moderator cannot be reported by those who cannot see it.
    let reply_res = reply(&app, &author, t, "Un second message").await;
    let hidden = reply_res.json()["id"].as_i64().expect("reply id");
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/posts/{hidden}/moderate"),
            Some(&admin),
            Some(json!({"action": "hide", "reason": "Doublon"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        report(&app, Some(&reporter), hidden, spam).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_queue_groups_reports_by_post_and_shows_each_moderator_their_boards() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "auteur").await;
    let (_, first) = member(&app, "premiere").await;
    let (_, second) = member(&app, "second").await;
    let (_, general_mod) = member(&app, "modo_general").await;
    let (_, drones_mod) = member(&app, "modo_drones").await;
    let (_, global_mod) = member(&app, "modo_global").await;
    board_moderator(&app, &admin, "modo_general", "general", true).await;
    board_moderator(&app, &admin, "modo_drones", "drones-et-capteurs", true).await;
    assert_eq!(
        role(&app, &admin, "modo_global", "moderator").await.status,
        StatusCode::OK
    );
    let (general_thread, general_post) = thread(
        &app,
        &author,
        "general",
        "Sujet général",
        "Texte **gras** signalé",
    )
    .await;
    let (_, drones_post) = thread(
        &app,
        &author,
        "drones-et-capteurs",
        "Sujet drones",
        "Texte sur les drones",
    )
    .await;
    for (who, body) in [
        (&first, json!({"reason": "spam"})),
        (
            &second,
            json!({"reason": "other", "text": "Publicité déguisée"}),
        ),
    ] {
        let res = report(&app, Some(who), general_post, body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let res = report(
        &app,
        Some(&first),
        drones_post,
        json!({"reason": "off_topic"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // Not for visitors or plain members.
    assert_eq!(
        app.api(Method::GET, "/api/v1/reports", None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/reports", Some(&first), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Admins and global moderators see both posts, each once, with its reports.
    for token in [&admin, &global_mod] {
        let groups = queue(&app, token).await;
        assert_eq!(groups.len(), 2, "{groups:?}");
        let g = groups
            .iter()
            .find(|g| g["post_id"] == general_post)
            .expect("general post queued");
        assert_eq!(g["thread_id"], general_thread);
        assert_eq!(g["thread_title"], "Sujet général");
        assert_eq!(g["author"], "auteur");
        assert!(
            g["body_html"]
                .as_str()
                .unwrap_or_default()
                .contains("<strong>gras</strong>"),
            "{g}"
        );
        assert_eq!(g["hidden"], false);
        assert_eq!(g["auto_hidden"], false);
        assert_eq!(g["counts"], json!({"spam": 1, "other": 1}));
        let reports = g["reports"].as_array().expect("reports");
        assert_eq!(reports.len(), 2);
        let by_second = reports
            .iter()
            .find(|r| r["reporter"] == "second")
            .expect("second's report");
        assert_eq!(by_second["reason"], "other");
        assert_eq!(by_second["text"], "Publicité déguisée");
        assert!(by_second["created_at"].is_string());
    }
    // Board moderators see their boards only.
    let groups = queue(&app, &general_mod).await;
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0]["post_id"], general_post);
    let groups = queue(&app, &drones_mod).await;
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0]["post_id"], drones_post);
    assert_eq!(groups[0]["counts"], json!({"off_topic": 1}));

    // ... and resolve on their boards only.
    let res = resolve(
        &app,
        Some(&drones_mod),
        general_post,
        json!({"action": "dismiss"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = resolve(
        &app,
        Some(&general_mod),
        general_post,
        json!({"action": "dismiss"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["closed"], 2);
}

#[tokio::test]
async fn hiding_a_reported_post_closes_its_reports_and_tells_each_reporter() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "provocateur").await;
    let (_, first) = member(&app, "temoin_un").await;
    let (_, second) = member(&app, "temoin_deux").await;
    let (_, bystander) = member(&app, "passant").await;
    let title = "Propos haineux au marché";
    let (t, post) = thread(&app, &author, "general", title, "Texte injurieux").await;
    // A visitor's view is cached before the decision.
    assert!(text(&app.get(&format!("/t/{t}")).await.body).contains("Texte injurieux"));
    for who in [&first, &second] {
        let res = report(&app, Some(who), post, json!({"reason": "abuse"})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }

    let res = resolve(&app, Some(&admin), post, json!({"action": "burn"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "action");
    let res = resolve(
        &app,
        Some(&admin),
        post,
        json!({"action": "hide", "reason": "Injures"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["closed"], 2);
    assert!(queue(&app, &admin).await.is_empty(), "queue emptied");
    // Nothing left to resolve.
    let res = resolve(&app, Some(&admin), post, json!({"action": "dismiss"})).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // Hidden from others: placeholder on the page, no text in the API.
    let page = text(&app.get(&format!("/t/{t}")).await.body);
    assert!(
        !page.contains("Texte injurieux") && page.contains("masqué"),
        "{page}"
    );
    let seen = post_as(&app, Some(&bystander), t, post).await;
    assert_eq!(seen["hidden"], true);
    assert!(seen["body_html"].is_null());

    // Each reporter is told; nobody else.
    for who in ["temoin_un", "temoin_deux"] {
        mail_mentioning(&app, who, title).await;
    }
    app.settle(&admin).await;
    assert!(
        app.mails_to("passant@example.org")
            .iter()
            .all(|m| !m.text.contains(title)),
        "a bystander was told"
    );
    let log = staff_log(&app, &admin).await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "resolve_reports_hidden" && e["reason"] == "Injures"),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_dismissed_report_leaves_the_post_and_the_member_may_report_it_again() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "auteure").await;
    let (_, reporter) = member(&app, "zelee").await;
    let title = "Compte rendu du conseil municipal";
    let (t, post) = thread(&app, &author, "general", title, "Rien de grave ici").await;
    let res = report(&app, Some(&reporter), post, json!({"reason": "off_topic"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    let res = resolve(&app, Some(&admin), post, json!({"action": "dismiss"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["closed"], 1);
    assert!(queue(&app, &admin).await.is_empty());
    let seen = post_as(&app, None, t, post).await;
    assert_eq!(seen["hidden"], false);
    mail_mentioning(&app, "zelee", title).await;

    // Resolved: a new report is possible, and queued again.
    let res = report(&app, Some(&reporter), post, json!({"reason": "spam"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let groups = queue(&app, &admin).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["counts"], json!({"spam": 1}));
}

#[tokio::test]
async fn enough_trusted_reports_hide_a_post_until_staff_dismiss_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (author_browser, author) = member(&app, "cible_auteur").await;
    let mut reporters = Vec::new();
    for name in ["rapporteur_a", "rapporteur_b", "rapporteur_c"] {
        reporters.push(member(&app, name).await.1);
    }
    set(&app, &admin, json!({"auto_hide_reports": 3})).await;
    let (t, post) = thread(&app, &author, "general", "Sujet visé", "Texte contesté").await;
    let page = format!("/t/{t}");
    assert!(text(&app.get(&page).await.body).contains("Texte contesté"));

    for (i, token) in reporters.iter().enumerate() {
        let res = report(&app, Some(token), post, json!({"reason": "abuse"})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let last = i == reporters.len() - 1;
        assert_eq!(res.json()["auto_hidden"], last, "report #{}", i + 1);
        let seen = post_as(&app, None, t, post).await;
        assert_eq!(seen["hidden"], last, "after report #{}", i + 1);
    }
    // Hidden for visitors (the cached page too), shown to staff in the queue.
    let shown = text(&app.get(&page).await.body);
    assert!(
        !shown.contains("Texte contesté") && shown.contains("masqué"),
        "{shown}"
    );
    // Its reporters are told they already reported it; others cannot see it any more.
    let res = report(&app, Some(&reporters[0]), post, json!({"reason": "spam"})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let (_, latecomer) = member(&app, "retardataire").await;
    let res = report(&app, Some(&latecomer), post, json!({"reason": "spam"})).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // The author still reads it, marked, with a translated reason (not an internal code).
    let own = text(&app.get_with(&author_browser, &page).await.body);
    assert!(own.contains("Texte contesté"), "{own}");
    assert!(!own.contains("auto:reports"), "{own}");
    let groups = queue(&app, &admin).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["hidden"], true);
    assert_eq!(groups[0]["auto_hidden"], true);
    let log = staff_log(&app, &admin).await;
    assert!(
        log.iter().any(|e| e["action"] == "auto_hide_post"),
        "{log:?}"
    );

    // Dismissed: back for everyone.
    let res = resolve(&app, Some(&admin), post, json!({"action": "dismiss"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["closed"], 3);
    let seen = post_as(&app, None, t, post).await;
    assert_eq!(seen["hidden"], false);
    assert!(text(&app.get(&page).await.body).contains("Texte contesté"));

    // Staff have judged it: the same members reporting again reach the queue, but no longer
    // hide the post on their own.
    for token in &reporters {
        let res = report(&app, Some(token), post, json!({"reason": "abuse"})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["auto_hidden"], false);
    }
    assert_eq!(post_as(&app, None, t, post).await["hidden"], false);
    let groups = queue(&app, &admin).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["reports"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn reports_by_new_or_unconfirmed_accounts_do_not_hide_a_post() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "cible_b").await;
    let (_, trusted) = member(&app, "confirmee").await;
    // Registered, never confirmed, but signed in.
    let res = api_register(&app, "non_confirme", json!({})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let unconfirmed = app.api_login("non_confirme").await;
    set(&app, &admin, json!({"auto_hide_reports": 2})).await;
    let (t, post) = thread(&app, &author, "general", "Sujet b", "Texte b").await;

    let res = report(&app, Some(&unconfirmed), post, json!({"reason": "spam"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = report(&app, Some(&trusted), post, json!({"reason": "spam"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        res.json()["auto_hidden"],
        false,
        "an unconfirmed address counted"
    );
    assert_eq!(post_as(&app, None, t, post).await["hidden"], false);

    // Nor does a silenced member's.
    member(&app, "reduite_au_silence").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/users/reduite_au_silence/sanctions",
            Some(&admin),
            Some(json!({"kind": "silence", "until": in_two_days(), "reason": "Calme"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let silenced = app.api_login("reduite_au_silence").await;
    let res = report(&app, Some(&silenced), post, json!({"reason": "spam"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        res.json()["auto_hidden"],
        false,
        "a silenced member counted"
    );
    assert_eq!(post_as(&app, None, t, post).await["hidden"], false);

    // While every account is new, members' reports do not hide it either.
    let (t2, post2) = thread(&app, &author, "general", "Sujet c", "Texte c").await;
    set(&app, &admin, json!({"new_account_days": 30})).await;
    let (_, third) = member(&app, "troisieme").await;
    for token in [&trusted, &third] {
        let res = report(&app, Some(token), post2, json!({"reason": "spam"})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["auto_hidden"], false, "a new account counted");
    }
    assert_eq!(post_as(&app, None, t2, post2).await["hidden"], false);
}

#[tokio::test]
async fn resolving_with_a_sanction_hides_the_post_and_sanctions_its_author() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "recidiviste").await;
    let (_, reporter) = member(&app, "lassee").await;
    let (t, post) = thread(&app, &author, "general", "Encore lui", "Insultes").await;
    let res = report(&app, Some(&reporter), post, json!({"reason": "abuse"})).await;
    assert_eq!(res.status, StatusCode::CREATED);

    let res = resolve(
        &app,
        Some(&admin),
        post,
        json!({"action": "sanction", "kind": "exile", "reason": "x"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "kind");
    assert_eq!(queue(&app, &admin).await.len(), 1, "nothing was closed");

    let res = resolve(
        &app,
        Some(&admin),
        post,
        json!({"action": "sanction", "kind": "silence", "until": in_two_days(), "reason": "Insultes répétées"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["closed"], 1);
    assert_eq!(post_as(&app, None, t, post).await["hidden"], true);
    // Silenced: the author's sessions ended; once back, they cannot post.
    let token = app.api_login("recidiviste").await;
    let res = reply(&app, &token, t, "Je recommence").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let log = staff_log(&app, &admin).await;
    assert!(
        log.iter().any(|e| e["action"] == "silence"),
        "the sanction is logged: {log:?}"
    );
}

#[tokio::test]
async fn the_report_form_of_a_post_nobody_may_read_is_not_found() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "auteur_cache").await;
    let (curious, _) = member(&app, "curieuse").await;
    let title = "Adresse du domicile d’un militant";
    let (t, post) = thread(&app, &author, "general", title, "Texte à masquer").await;
    let form = format!("/p/{post}/report");
    assert_eq!(app.get_with(&curious, &form).await.status, StatusCode::OK);
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{t}/moderate"),
            Some(&admin),
            Some(json!({"action": "hide", "reason": "Données personnelles"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The thread is a 404 for her...
    assert_eq!(
        app.get_with(&curious, &format!("/t/{t}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Reporting its post is refused as if it did not exist...
    let res = report(
        &app,
        Some(&app.api_login("curieuse").await),
        post,
        json!({"reason": "spam"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // ... and so is the report form of its post, which must not show the hidden title.
    let page = app.get_with(&curious, &form).await;
    assert!(
        !text(&page.body).contains(title),
        "the report form shows the hidden thread's title"
    );
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_post_hidden_by_a_moderator_stays_hidden_when_later_reports_are_dismissed() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "auteur_h").await;
    let (_, reporter) = member(&app, "signaleur_h").await;
    let (_, global_mod) = member(&app, "modo_h").await;
    assert_eq!(
        role(&app, &admin, "modo_h", "moderator").await.status,
        StatusCode::OK
    );
    let (t, post) = thread(&app, &author, "general", "Sujet h", "Texte h").await;
    let res = report(&app, Some(&reporter), post, json!({"reason": "abuse"})).await;
    assert_eq!(res.status, StatusCode::CREATED);
    // Hiding needs a reason, as any moderator's hide does.
    let res = resolve(&app, Some(&admin), post, json!({"action": "hide"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "reason");
    assert_eq!(post_as(&app, None, t, post).await["hidden"], false);
    let res = resolve(
        &app,
        Some(&admin),
        post,
        json!({"action": "hide", "reason": "Menaces"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(post_as(&app, None, t, post).await["hidden"], true);

    // Staff still read it and may report it; the queue must not call it hidden by reports.
    let res = report(
        &app,
        Some(&global_mod),
        post,
        json!({"reason": "other", "text": "À supprimer pour de bon ?"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let groups = queue(&app, &admin).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["hidden"], true);
    assert_eq!(
        groups[0]["auto_hidden"], false,
        "a moderator's decision is shown as an automatic hide"
    );
    // Dismissing the new report leaves the moderator's decision alone.
    let res = resolve(&app, Some(&admin), post, json!({"action": "dismiss"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        post_as(&app, None, t, post).await["hidden"],
        true,
        "dismissing a later report restored a post a moderator had hidden"
    );
}

// ----- Roles -----

#[tokio::test]
async fn an_admin_makes_a_member_global_moderator_who_can_moderate_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "ecrivaine").await;
    let (_, promoted) = member(&app, "promue").await;
    let (t, post) = thread(&app, &author, "drones-et-capteurs", "Drones", "Texte").await;
    let hide = json!({"action": "hide", "reason": "Hors charte"});
    let moderate_path = format!("/api/v1/posts/{post}/moderate");
    let res = app
        .api(
            Method::POST,
            &moderate_path,
            Some(&promoted),
            Some(hide.clone()),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Only admins give roles.
    let res = role(&app, &promoted, "promue", "admin").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = role(&app, &admin, "promue", "moderator").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["role"], "moderator");
    assert_eq!(res.json()["changed"], true);
    let res = role(&app, &admin, "promue", "moderator").await;
    assert_eq!(res.json()["changed"], false);

    // The same token may moderate on the very next request, on any board.
    let res = app
        .api(
            Method::POST,
            &moderate_path,
            Some(&promoted),
            Some(hide.clone()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(post_as(&app, None, t, post).await["hidden"], true);
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&promoted), None)
        .await;
    assert_eq!(me.json()["role"], "moderator");
    // A global moderator still cannot manage the site.
    assert_eq!(
        role(&app, &promoted, "ecrivaine", "moderator").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/admin/settings", Some(&promoted), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Logged, naming the person and the role.
    let log = staff_log(&app, &admin).await;
    let row = log
        .iter()
        .find(|e| e["action"] == "role")
        .expect("role change logged");
    assert_eq!(row["target_label"], "promue");
    assert_eq!(row["reason"], "moderator");
    assert_eq!(row["actor"], "root_admin");

    // Back to member: the rights go at once.
    let res = role(&app, &admin, "promue", "member").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let restore = json!({"action": "restore", "reason": "Erreur"});
    let res = app
        .api(Method::POST, &moderate_path, Some(&promoted), Some(restore))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_role_changes_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    member(&app, "quelquun").await;
    let res = role(&app, &admin, "quelquun", "king").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "role");
    let res = role(&app, &admin, "personne_de_ce_nom", "moderator").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // An admin cannot change their own role (the site would lose its last admin).
    let res = role(&app, &admin, "root_admin", "member").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let me = app.api(Method::GET, "/api/v1/me", Some(&admin), None).await;
    assert_eq!(me.json()["role"], "admin");
    // Unknown boards and missing actions for board moderators.
    let path = "/api/v1/admin/users/quelquun/boards";
    let res = app
        .api(
            Method::POST,
            path,
            Some(&admin),
            Some(json!({"board": "nulle-part", "moderates": true})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "board");
    let res = app
        .api(
            Method::POST,
            path,
            Some(&admin),
            Some(json!({"board": "general"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .api(
            Method::POST,
            "/api/v1/admin/users/personne_de_ce_nom/boards",
            Some(&admin),
            Some(json!({"board": "general", "moderates": true})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admins_add_and_remove_board_moderators() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, author) = member(&app, "redacteur").await;
    let (_, local) = member(&app, "locale").await;
    let (_, general_post) = thread(&app, &author, "general", "Ici", "Texte ici").await;
    let (_, drones_post) = thread(&app, &author, "drones-et-capteurs", "Par là", "Texte là").await;
    let hide = json!({"action": "hide", "reason": "Test"});
    assert_eq!(
        moderate_post(&app, &local, general_post, hide.clone()).await,
        StatusCode::FORBIDDEN
    );

    let path = "/api/v1/admin/users/locale/boards";
    let res = app
        .api(
            Method::POST,
            path,
            Some(&admin),
            Some(json!({"board": "general", "moderates": true})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["changed"], true);
    assert_eq!(
        moderate_post(&app, &local, general_post, hide.clone()).await,
        StatusCode::OK
    );
    assert_eq!(
        moderate_post(&app, &local, drones_post, hide).await,
        StatusCode::FORBIDDEN
    );
    let log = staff_log(&app, &admin).await;
    assert!(
        log.iter().any(|e| e["action"] == "add_board_moderator"
            && e["target_label"] == "locale"
            && e["reason"] == "general"),
        "{log:?}"
    );

    let res = app
        .api(
            Method::POST,
            path,
            Some(&admin),
            Some(json!({"board": "general", "moderates": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["changed"], true);
    let restore = json!({"action": "restore", "reason": "Test"});
    assert_eq!(
        moderate_post(&app, &local, general_post, restore).await,
        StatusCode::FORBIDDEN
    );
    let log = staff_log(&app, &admin).await;
    assert!(
        log.iter().any(|e| e["action"] == "remove_board_moderator"),
        "{log:?}"
    );
}

// ----- Who may do what -----

/// One endpoint of the matrix: what it does, the request, and the status each caller expects.
type MatrixRow = (
    &'static str,
    Method,
    String,
    Option<Value>,
    [Option<u16>; 6],
);

#[tokio::test]
async fn who_may_use_the_governance_endpoints() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, plain) = member(&app, "membre_simple").await;
    let (_, elsewhere) = member(&app, "modo_ailleurs").await;
    let (_, here) = member(&app, "modo_ici").await;
    let (_, reporter) = member(&app, "signaleuse").await;
    member(&app, "cible").await;
    let (_, global) = member(&app, "modo_global").await;
    assert_eq!(
        role(&app, &admin, "modo_global", "moderator").await.status,
        StatusCode::OK
    );
    board_moderator(&app, &admin, "modo_ailleurs", "drones-et-capteurs", true).await;
    board_moderator(&app, &admin, "modo_ici", "general", true).await;
    let (_, post_a) = thread(&app, &plain, "general", "Sujet A", "Texte A").await;
    let (_, post_b) = thread(&app, &plain, "general", "Sujet B", "Texte B").await;
    for post in [post_a, post_b] {
        let res = report(&app, Some(&reporter), post, json!({"reason": "spam"})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let invite = app
        .api(
            Method::POST,
            "/api/v1/admin/invites",
            Some(&admin),
            Some(json!({"max_uses": 1, "days": 1})),
        )
        .await;
    let invite_id = invite.json()["id"].as_i64().expect("invite id");
    set(&app, &admin, json!({"registration_mode": "approval"})).await;
    let res = api_register(&app, "postulante", json!({"answer": "Bonjour"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let applications = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await
        .json();
    let applicant = applications["applications"][0]["user_id"]
        .as_i64()
        .expect("applicant");

    // Columns: visitor, member, moderator of another board, moderator of this board, admin,
    // global moderator.
    // `None`: not tried (the action would already be done).
    const U: Option<u16> = Some(401);
    const F: Option<u16> = Some(403);
    let rows: Vec<MatrixRow> = vec![
        (
            "read settings",
            Method::GET,
            "/api/v1/admin/settings".into(),
            None,
            [U, F, F, F, Some(200), F],
        ),
        (
            "change settings",
            Method::PATCH,
            "/api/v1/admin/settings".into(),
            Some(json!({"description": "Matrice"})),
            [U, F, F, F, Some(200), F],
        ),
        (
            "list applications",
            Method::GET,
            "/api/v1/admin/applications".into(),
            None,
            [U, F, F, F, Some(200), F],
        ),
        (
            "decide an application",
            Method::POST,
            format!("/api/v1/admin/applications/{applicant}"),
            Some(json!({"decision": "approve"})),
            [U, F, F, F, Some(204), F],
        ),
        (
            "list invitations",
            Method::GET,
            "/api/v1/admin/invites".into(),
            None,
            [U, F, F, F, Some(200), F],
        ),
        (
            "create an invitation",
            Method::POST,
            "/api/v1/admin/invites".into(),
            Some(json!({"max_uses": 1, "days": 1})),
            [U, F, F, F, Some(201), F],
        ),
        (
            "revoke an invitation",
            Method::DELETE,
            format!("/api/v1/admin/invites/{invite_id}"),
            None,
            [U, F, F, F, Some(204), F],
        ),
        (
            "give a role",
            Method::PUT,
            "/api/v1/admin/users/cible/role".into(),
            Some(json!({"role": "moderator"})),
            [U, F, F, F, Some(200), F],
        ),
        (
            "make a board moderator",
            Method::POST,
            "/api/v1/admin/users/cible/boards".into(),
            Some(json!({"board": "general", "moderates": true})),
            [U, F, F, F, Some(200), F],
        ),
        (
            "read the report queue",
            Method::GET,
            "/api/v1/reports".into(),
            None,
            [U, F, Some(200), Some(200), Some(200), Some(200)],
        ),
        (
            "resolve reports (board moderator)",
            Method::POST,
            format!("/api/v1/reports/{post_a}/resolve"),
            Some(json!({"action": "dismiss"})),
            [U, F, F, Some(200), None, None],
        ),
        (
            "resolve reports (admin)",
            Method::POST,
            format!("/api/v1/reports/{post_b}/resolve"),
            Some(json!({"action": "dismiss"})),
            [U, F, F, None, Some(200), None],
        ),
    ];
    let who: [(&str, Option<&str>); 6] = [
        ("visitor", None),
        ("member", Some(&plain)),
        ("moderator of another board", Some(&elsewhere)),
        ("moderator of this board", Some(&here)),
        ("admin", Some(&admin)),
        ("global moderator", Some(&global)),
    ];
    let mut failures = Vec::new();
    for (what, method, path, body, expected) in &rows {
        for ((label, token), want) in who.iter().zip(expected) {
            let Some(want) = want else { continue };
            let res = app.api(method.clone(), path, *token, body.clone()).await;
            if res.status.as_u16() != *want {
                failures.push(format!(
                    "{what} as {label}: {} instead of {want} ({})",
                    res.status, res.body
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The board moderator saw only their board's reports, the other one none.
    assert_eq!(queue(&app, &elsewhere).await, Vec::<Value>::new());
}

// ----- Pages -----

#[tokio::test]
async fn the_settings_page_saves_the_form_and_an_unticked_box_means_no() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let web = browser();
    assert_eq!(
        app.login_with(&web, "root_admin").await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get_with(&web, "/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let before = current_settings(&app, &admin).await;
    assert_eq!(before["public_modlog"], true);

    let mut fields: Vec<(String, String)> = before
        .as_object()
        .expect("object")
        .iter()
        .filter(|(k, _)| k.as_str() != "public_modlog")
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect();
    for (k, v) in fields.iter_mut() {
        if k == "site_name" {
            *v = "Forum des vigies".into();
        }
        if k == "auto_hide_reports" {
            *v = "6".into();
        }
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app
        .post_form_with(&web, "/admin/settings", "/admin/settings", &borrowed)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/admin/settings?saved=1");
    let after = current_settings(&app, &admin).await;
    assert_eq!(after["site_name"], "Forum des vigies");
    assert_eq!(after["auto_hide_reports"], 6);
    assert_eq!(after["public_modlog"], false, "an unticked box means no");
    assert_eq!(after["description"], before["description"]);
    let page = app.get_with(&web, "/admin/settings?saved=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Forum des vigies"));

    // A bad value comes back with the form as typed and nothing saved.
    let res = app
        .post_form_with(
            &web,
            "/admin/settings",
            "/admin/settings",
            &[
                ("site_name", "Nom gardé à l’écran"),
                ("new_account_days", "-4"),
                ("public_modlog", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("Nom gardé à l’écran"));
    assert!(res.body.contains("-4"));
    assert_eq!(current_settings(&app, &admin).await, after);

    // Not for members.
    let (member_browser, _) = member(&app, "simple").await;
    assert_eq!(
        app.get_with(&member_browser, "/admin/settings")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn staff_pages_are_closed_to_visitors_and_members() {
    let app = TestApp::spawn().await;
    app.admin_token().await;
    let admin = browser();
    app.login_with(&admin, "root_admin").await;
    let (plain, _) = member(&app, "simple").await;
    for path in [
        "/admin/settings",
        "/admin/applications",
        "/admin/invites",
        "/admin/users",
        "/mod/reports",
    ] {
        let res = app.get_with(&browser(), path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path} for a visitor");
        assert!(res.location().starts_with("/login"), "{path}");
        assert_eq!(
            app.get_with(&plain, path).await.status,
            StatusCode::FORBIDDEN,
            "{path} for a member"
        );
        let res = app.get_with(&admin, path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    }
}

#[tokio::test]
async fn staff_resolve_reports_from_the_queue_page() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let staff = browser();
    app.login_with(&staff, "root_admin").await;
    let (_, author) = member(&app, "auteur_page").await;
    let (reporter_web, _) = member(&app, "signale_page").await;
    let (_, post) = thread(&app, &author, "general", "Sujet de page", "Texte visé").await;

    // The report form on the post.
    let form = format!("/p/{post}/report");
    let page = app.get_with(&reporter_web, &form).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let res = app
        .post_form_with(
            &reporter_web,
            &form,
            &form,
            &[("reason", "other"), ("text", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .post_form_with(
            &reporter_web,
            &form,
            &form,
            &[
                ("reason", "other"),
                ("text", "Adresse d’un militant publiée"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let page = app.get_with(&staff, "/mod/reports").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let shown = text(&page.body);
    assert!(
        shown.contains("Texte visé")
            && shown.contains("signale_page")
            && shown.contains("Adresse d’un militant publiée"),
        "{shown}"
    );
    assert!(page
        .body
        .contains(&format!("action=\"/mod/reports/{post}\"")));
    let res = app
        .post_form_with(
            &staff,
            "/mod/reports",
            &format!("/mod/reports/{post}"),
            &[("action", "hide"), ("reason", "Données personnelles")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/mod/reports?done=1");
    assert!(queue(&app, &admin).await.is_empty());
    let page = text(&app.get_with(&staff, "/mod/reports?done=1").await.body);
    assert!(!page.contains("Texte visé"), "{page}");
}

#[tokio::test]
async fn admins_change_roles_from_the_users_page() {
    let app = TestApp::spawn().await;
    app.admin_token().await;
    let staff = browser();
    app.login_with(&staff, "root_admin").await;
    let (_, token) = member(&app, "future_modo").await;
    let page = app.get_with(&staff, "/admin/users?q=future_modo").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(text(&page.body).contains("future_modo"));
    let res = app
        .post_form_with(
            &staff,
            "/admin/users?q=future_modo",
            "/admin/users/future_modo/role",
            &[("role", "moderator")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.json()["role"], "moderator");
    let res = app
        .post_form_with(
            &staff,
            "/admin/users?q=future_modo",
            "/admin/users/future_modo/boards",
            &[("board", "general"), ("action", "add")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = text(&app.get_with(&staff, "/admin/users").await.body);
    assert!(page.contains("future_modo"), "listed among staff: {page}");
}

#[tokio::test]
async fn admins_create_and_revoke_invitations_from_the_invites_page() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "invite"})).await;
    let staff = browser();
    app.login_with(&staff, "root_admin").await;

    let res = app
        .post_form_with(
            &staff,
            "/admin/invites",
            "/admin/invites",
            &[("max_uses", "0"), ("days", "7"), ("note", "Atelier")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("Atelier"), "the note typed is kept");

    let res = app
        .post_form_with(
            &staff,
            "/admin/invites",
            "/admin/invites",
            &[("max_uses", "3"), ("days", "7"), ("note", "Atelier")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // The new link is shown (once), ready to copy.
    let url = {
        let doc = scraper::Html::parse_document(&res.body);
        let fields = scraper::Selector::parse("input[value]").expect("selector");
        doc.select(&fields)
            .filter_map(|e| e.value().attr("value"))
            .find(|v| v.contains("/register?invite="))
            .expect("the new link is shown")
            .to_owned()
    };
    assert!(
        url.starts_with(&format!("{}/register?invite=", app.address)),
        "{url}"
    );
    let page = app.follow(&browser(), &url).await;
    assert!(
        page.body.contains("name=\"password\""),
        "the link opens the form"
    );

    let id = app
        .api(Method::GET, "/api/v1/admin/invites", Some(&admin), None)
        .await
        .json()["invites"][0]["id"]
        .as_i64()
        .expect("id");
    let res = app
        .post_form_with(
            &staff,
            "/admin/invites",
            &format!("/admin/invites/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let listed = app
        .api(Method::GET, "/api/v1/admin/invites", Some(&admin), None)
        .await
        .json()["invites"][0]
        .clone();
    assert_eq!(listed["usable"], false);
    assert!(listed["revoked_at"].is_string());
    let page = app.follow(&browser(), &url).await;
    assert!(
        !page.body.contains("name=\"password\""),
        "a revoked link opens nothing"
    );
}

#[tokio::test]
async fn admins_decide_on_applications_from_the_applications_page() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    set(&app, &admin, json!({"registration_mode": "approval"})).await;
    let staff = browser();
    app.login_with(&staff, "root_admin").await;
    let res = api_register(
        &app,
        "postulant",
        json!({"answer": "Membre de l’association X"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let page = app.get_with(&staff, "/admin/applications").await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = text(&page.body);
    assert!(
        shown.contains("postulant") && shown.contains("Membre de l’association X"),
        "{shown}"
    );
    let id = app
        .api(
            Method::GET,
            "/api/v1/admin/applications",
            Some(&admin),
            None,
        )
        .await
        .json()["applications"][0]["user_id"]
        .as_i64()
        .expect("id");
    assert!(page
        .body
        .contains(&format!("action=\"/admin/applications/{id}\"")));
    let res = app
        .post_form_with(
            &staff,
            "/admin/applications",
            &format!("/admin/applications/{id}"),
            &[("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    mail_mentioning(&app, "postulant", "/login").await;
    let page = text(&app.get_with(&staff, "/admin/applications").await.body);
    assert!(!page.contains("Membre de l’association X"), "{page}");
    confirm_address(&app, "postulant").await;
    assert_eq!(
        api_login_page(&app, "postulant").await.status,
        StatusCode::OK
    );
}
