//! What keeps private messages from being a channel for abuse: a silenced member answers only
//! in conversations with the site's staff; the hourly allowance counts the people a
//! conversation reaches and the people added to one; deleted accounts cannot be written to;
//! concurrent additions never take a conversation past twenty people; reading marks read only
//! the messages shown.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{call, conversations, member, start, write};
use crate::helpers::{browser, csrf_token, Page, TestApp, PASSWORD};

#[tokio::test]
async fn silenced_members_answer_only_in_conversations_with_staff() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, _) = member(&app, "alice_si").await;
    member(&app, "bob_si").await;
    let between = start(&app, &alice, &["bob_si"], "Entre nous", "Salut").await;
    let with_staff = start(&app, &admin, &["bob_si"], "Modération", "Un mot ?").await;
    let until = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let res = call(
        &app,
        Method::POST,
        "/api/v1/users/bob_si/sanctions",
        &admin,
        Some(json!({"kind": "silence", "until": until, "reason": "Messages en série"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // The sanction ended his sessions: he signs in again.
    let bob = app.api_login("bob_si").await;
    let bob_web = browser();
    app.login_with(&bob_web, "bob_si").await;

    // No new conversation (API and form, which keeps his text).
    let res = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &bob,
        Some(json!({"to": ["alice_si"], "subject": "Encore", "body": "Coucou"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .post_form_with(
            &bob_web,
            "/messages/new",
            "/messages/new",
            &[
                ("to", "alice_si"),
                ("subject", "Encore"),
                ("body", "Gardé malgré tout"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Gardé malgré tout"));

    // No answer to a member, with a message saying why (API and form, which keeps his text).
    let res = write(&app, &bob, between, "Je réponds quand même").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let why = res.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(why.contains("staff") || why.contains("équipe"), "{why}");
    let path = format!("/messages/{between}");
    let res = app
        .post_form_with(
            &bob_web,
            &path,
            &format!("{path}/reply"),
            &[("body", "Réponse gardée")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Réponse gardée"));
    let texts = super::bodies(&app, &alice, between).await;
    assert!(!texts.iter().any(|b| b.contains("quand même")), "{texts:?}");

    // He answers the staff.
    let res = write(&app, &bob, with_staff, "Je m'explique").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

#[tokio::test]
async fn the_hourly_allowance_counts_the_people_reached() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, alice_web) = member(&app, "alice_al").await;
    for name in ["bob_al", "carol_al", "dave_al", "erin_al"] {
        app.api_user(name).await;
    }
    let res = call(
        &app,
        Method::PATCH,
        "/api/v1/admin/settings",
        &admin,
        Some(json!({"member_posts_per_hour": 3})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Four people at once are more than three an hour: refused, naming `to`.
    let everyone = ["bob_al", "carol_al", "dave_al", "erin_al"];
    let res = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &alice,
        Some(json!({"to": everyone, "subject": "Tous", "body": "Bonjour"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "to");
    // Staff are exempt.
    start(&app, &admin, &everyone, "Annonce", "Bonjour à tous").await;

    // One message to two people spends two of the three.
    let id = start(&app, &alice, &["bob_al", "carol_al"], "Deux", "Bonjour").await;
    let path = format!("/messages/{id}");
    let add = |to: &'static str| {
        let (app, web, path) = (&app, &alice_web, &path);
        async move {
            app.post_form_with(web, path, &format!("{path}/participants"), &[("to", to)])
                .await
        }
    };
    // Adding two more people would make four: 429.
    let res = add("dave_al erin_al").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    // One more is the third.
    let res = add("dave_al").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        conversations(&app, &alice).await[0]["participants"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    // The allowance is spent: no reply, no other conversation.
    let res = write(&app, &alice, id, "Encore un").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key("retry-after"));
    let res = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &alice,
        Some(json!({"to": ["erin_al"], "subject": "Seule", "body": "Bonjour"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
}

#[tokio::test]
async fn deleted_accounts_cannot_be_written_to() {
    let app = TestApp::spawn().await;
    let (alice, _) = member(&app, "alice_gone").await;
    let (bob, bob_web) = member(&app, "bob_gone").await;
    let me = call(&app, Method::GET, "/api/v1/me", &bob, None).await;
    let bob_id = me.json()["id"].as_i64().expect("id");
    let res = app
        .post_form_with(
            &bob_web,
            "/settings",
            "/settings",
            &[("action", "delete_account"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let to = |name: String| {
        let (app, alice) = (&app, &alice);
        async move {
            call(
                app,
                Method::POST,
                "/api/v1/conversations",
                alice,
                Some(json!({"to": [name], "subject": "Allô", "body": "Tu es là ?"})),
            )
            .await
        }
    };
    let unknown = to("personne_ici".to_owned()).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    for name in [
        format!("deleted-{bob_id}"),
        format!("Deleted-{bob_id}"),
        "bob_gone".to_owned(),
    ] {
        let res = to(name.clone()).await;
        assert_eq!(res.status, unknown.status, "{name}: {}", res.body);
        assert_eq!(res.json()["error"], unknown.json()["error"], "{name}");
    }
    // Nor blocked, as nobody goes by that name.
    let res = call(
        &app,
        Method::POST,
        &format!("/api/v1/users/deleted-{bob_id}/block"),
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn concurrent_additions_stop_at_twenty_people() {
    let app = TestApp::spawn_with(|s| s.security.registrations_per_hour = 100).await;
    let admin = app.admin_token().await;
    let admin_web = browser();
    app.login_with(&admin_web, "root_admin").await;
    let mut names = Vec::new();
    for i in 0..20 {
        let name = format!("foule{i:02}");
        app.api_user(&name).await;
        names.push(name);
    }
    // Seventeen people: room for three more.
    let first: Vec<&str> = names[..16].iter().map(String::as_str).collect();
    let id = start(&app, &admin, &first, "Assemblée", "Bienvenue").await;
    let path = format!("/messages/{id}");
    let page = app.get_with(&admin_web, &path).await;
    let token = csrf_token(&page.body);
    let action = app.url(&format!("{path}/participants"));
    let add = |name: &str| {
        let request = admin_web
            .post(&action)
            .form(&[("to", name), ("csrf_token", token.as_str())]);
        async move { Page::read(request.send().await.expect("POST")).await }
    };
    // Four at once, one person each: three join, the fourth finds it full.
    let (a, b, c, d) = tokio::join!(
        add(&names[16]),
        add(&names[17]),
        add(&names[18]),
        add(&names[19])
    );
    let statuses = [a.status, b.status, c.status, d.status];
    let joined = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let full = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((joined, full), (3, 1), "{statuses:?}");
    let list = conversations(&app, &admin).await;
    let people = list
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["participants"].as_array())
        .map(Vec::len);
    assert_eq!(people, Some(20));
}

#[tokio::test]
async fn reading_marks_read_only_the_messages_shown() {
    let app = TestApp::spawn().await;
    let (alice, _) = member(&app, "alice_rd").await;
    let (bob, _) = member(&app, "bob_rd").await;
    let id = start(&app, &alice, &["bob_rd"], "Lu ?", "Un").await;
    let res = write(&app, &alice, id, "Deux").await;
    let last = res.json()["id"].as_i64().expect("id");
    // A page past the last message shows nothing: nothing becomes read.
    let path = format!("/api/v1/conversations/{id}/messages");
    let res = call(
        &app,
        Method::GET,
        &format!("{path}?cursor={last}"),
        &bob,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["messages"], json!([]));
    assert_eq!(conversations(&app, &bob).await[0]["unread"], 2);
    // Reading them does.
    let res = call(&app, Method::GET, &path, &bob, None).await;
    assert_eq!(res.json()["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(conversations(&app, &bob).await[0]["unread"], 0);
}
