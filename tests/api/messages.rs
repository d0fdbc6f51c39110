//! Private messages: conversations between two and three people, unread counts in the header,
//! notification mail without the message's text unless chosen, leaving, the data export and
//! account deletion, posting limits, keyset pages. Blocks and closed inboxes are in
//! `messages/blocking.rs`, reports on messages in `messages/reports.rs`; silenced members, the
//! allowance counted in people reached, deleted accounts and concurrent additions in
//! `messages/safety.rs`.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, text, Page, TestApp, PASSWORD};

mod blocking;
mod reports;
mod safety;

/// A member with a confirmed address: their API token and a signed-in browser.
async fn member(app: &TestApp, name: &str) -> (String, Client) {
    let token = app.api_user(name).await;
    let client = browser();
    let res = app.login_with(&client, name).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "login: {}", res.body);
    (token, client)
}

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Page {
    app.api(method, path, Some(token), body).await
}

/// Starts a conversation through the API and returns its id.
async fn start(app: &TestApp, token: &str, to: &[&str], subject: &str, body: &str) -> i64 {
    let res = call(
        app,
        Method::POST,
        "/api/v1/conversations",
        token,
        Some(json!({"to": to, "subject": subject, "body": body})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_i64().expect("conversation id")
}

/// Writes in a conversation through the API.
async fn write(app: &TestApp, token: &str, id: i64, body: &str) -> Page {
    call(
        app,
        Method::POST,
        &format!("/api/v1/conversations/{id}/messages"),
        token,
        Some(json!({ "body": body })),
    )
    .await
}

/// The bodies of a conversation's messages as `token`'s user reads them (404 asserted by the
/// caller through `read_status`).
async fn bodies(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let res = call(
        app,
        Method::GET,
        &format!("/api/v1/conversations/{id}/messages"),
        token,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["body_html"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn read_status(app: &TestApp, token: &str, id: i64) -> StatusCode {
    call(
        app,
        Method::GET,
        &format!("/api/v1/conversations/{id}/messages"),
        token,
        None,
    )
    .await
    .status
}

/// The token's user's conversations.
async fn conversations(app: &TestApp, token: &str) -> Vec<Value> {
    let res = call(app, Method::GET, "/api/v1/conversations", token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["conversations"]
        .as_array()
        .expect("conversations")
        .clone()
}

/// The unread count the header's messages link shows, if any.
fn header_count(html: &str) -> Option<String> {
    let link = html.split("class=\"messages-link\"").nth(1)?;
    let link = &link[..link.find("</a>")?];
    let count = link.split("class=\"count\"").nth(1)?;
    let start = count.find('>')? + 1;
    let end = count.find("</span>")?;
    Some(count[start..end].trim().to_owned())
}

#[tokio::test]
async fn two_people_write_read_and_are_mailed_without_the_text_by_default() {
    let app = TestApp::spawn().await;
    let (alice, _) = member(&app, "alice_pm").await;
    let (bob, bob_web) = member(&app, "bob_pm").await;
    let id = start(
        &app,
        &alice,
        &["bob_pm"],
        "Réunion secrète",
        "Le code est **4321**.",
    )
    .await;

    // Bob is told by mail, with neither the subject nor the text.
    let mail = app
        .mail_to("bob_pm@example.org", "message mail", |m| {
            m.text.contains(&format!("/messages/{id}"))
        })
        .await;
    assert!(mail.subject.contains("alice_pm"), "{}", mail.subject);
    for secret in ["4321", "Réunion secrète"] {
        assert!(
            !mail.text.contains(secret),
            "text leaks {secret}: {}",
            mail.text
        );
        assert!(!mail.html.contains(secret), "html leaks {secret}");
        assert!(!mail.subject.contains(secret), "subject leaks {secret}");
    }

    // His list and header show one unread conversation; reading it clears both.
    let list = conversations(&app, &bob).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["unread"], 1);
    assert_eq!(list[0]["participants"], json!(["alice_pm", "bob_pm"]));
    assert_eq!(list[0]["last_message"]["author"], "alice_pm");
    let page = app.get_with(&bob_web, "/messages").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        header_count(&page.body).as_deref(),
        Some("1"),
        "{}",
        page.body
    );
    assert!(text(&page.body).contains("Réunion secrète"));
    let page = app.get_with(&bob_web, &format!("/messages/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<strong>4321</strong>"),
        "cooked once: {}",
        page.body
    );
    assert_eq!(header_count(&page.body), None, "read now");
    assert_eq!(conversations(&app, &bob).await[0]["unread"], 0);

    // Bob answers with the form (an empty one comes back with an error); Alice has it unread.
    let path = format!("/messages/{id}");
    let res = app
        .post_form_with(&bob_web, &path, &format!("{path}/reply"), &[("body", "  ")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form_with(
            &bob_web,
            &path,
            &format!("{path}/reply"),
            &[("body", "Bien reçu")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let alice_list = conversations(&app, &alice).await;
    assert_eq!(alice_list[0]["unread"], 1);
    assert_eq!(alice_list[0]["last_message"]["excerpt"], "Bien reçu");
    let texts = bodies(&app, &alice, id).await;
    assert_eq!(texts.len(), 2);
    assert!(texts[1].contains("Bien reçu"));

    // Bob chooses mails with the text: the next message's mail carries it.
    let res = app
        .post_form_with(
            &bob_web,
            "/settings/messages",
            "/settings/messages",
            &[("inbox", "everyone"), ("email", "text")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = write(&app, &alice, id, "Rendez-vous à 18 h 45").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let mail = app
        .mail_to("bob_pm@example.org", "mail with text", |m| {
            m.text.contains("18 h 45")
        })
        .await;
    assert!(mail.subject.contains("Réunion secrète"), "{}", mail.subject);

    // Outsiders, signed out visitors and bad ids get nothing.
    let (carol, carol_web) = member(&app, "carol_pm").await;
    assert_eq!(read_status(&app, &carol, id).await, StatusCode::NOT_FOUND);
    assert_eq!(
        write(&app, &carol, id, "intrus").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with(&carol_web, &path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.api(Method::GET, "/api/v1/conversations", None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn three_people_add_someone_and_leave() {
    let app = TestApp::spawn().await;
    let (alice, alice_web) = member(&app, "alice3").await;
    let (bob, _) = member(&app, "bob3").await;
    let (carol, carol_web) = member(&app, "carol3").await;
    let (dave, _) = member(&app, "dave3").await;

    // The new-conversation form keeps the text when a name is unknown.
    let res = app
        .post_form_with(
            &alice_web,
            "/messages/new?to=bob3",
            "/messages/new",
            &[
                ("to", "bob3, personne_ici"),
                ("subject", "Tract"),
                ("body", "Mon brouillon précieux"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Mon brouillon précieux"));
    assert!(res.body.contains("personne_ici"));
    // Twenty others are too many (twenty people at most, the starter included).
    let many: Vec<String> = (0..20).map(|i| format!("m{i}")).collect();
    let res = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &alice,
        Some(json!({"to": many, "subject": "Foule", "body": "x"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "to");

    let res = app
        .post_form_with(
            &alice_web,
            "/messages/new",
            "/messages/new",
            &[
                ("to", "@bob3 carol3"),
                ("subject", "Tract"),
                ("body", "Premier jet"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id: i64 = res
        .location()
        .trim_start_matches("/messages/")
        .parse()
        .expect("conversation id");
    for token in [&alice, &bob, &carol] {
        let list = conversations(&app, token).await;
        assert_eq!(list[0]["participants"], json!(["alice3", "bob3", "carol3"]));
    }
    assert_eq!(
        write(&app, &bob, id, "Deuxième jet").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        write(&app, &carol, id, "Troisième jet").await.status,
        StatusCode::CREATED
    );
    assert_eq!(bodies(&app, &alice, id).await.len(), 3);

    // Carol leaves: the conversation is gone for her, and she can no longer write in it.
    let path = format!("/messages/{id}");
    let res = app
        .post_form_with(&carol_web, &path, &format!("{path}/leave"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(conversations(&app, &carol).await.is_empty());
    assert_eq!(read_status(&app, &carol, id).await, StatusCode::NOT_FOUND);
    assert_eq!(
        write(&app, &carol, id, "Je reviens").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        conversations(&app, &alice).await[0]["participants"],
        json!(["alice3", "bob3"])
    );

    // Only the starter adds people; Dave then reads the whole conversation, unread.
    let res = app
        .post_form_with(
            &alice_web,
            &path,
            &format!("{path}/participants"),
            &[("to", "dave3")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let dave_list = conversations(&app, &dave).await;
    assert_eq!(dave_list[0]["unread"], 3);
    assert_eq!(bodies(&app, &dave, id).await.len(), 3);
    let bob_web = browser();
    app.login_with(&bob_web, "bob3").await;
    let res = app
        .post_form_with(
            &bob_web,
            &path,
            &format!("{path}/participants"),
            &[("to", "carol3")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_export_lists_messages_and_deletion_ends_access() {
    let app = TestApp::spawn().await;
    let (alice, alice_web) = member(&app, "alice_ex").await;
    let (bob, _) = member(&app, "bob_ex").await;
    let id = start(
        &app,
        &alice,
        &["bob_ex"],
        "Archives",
        "Mon message à exporter",
    )
    .await;
    assert_eq!(
        write(&app, &bob, id, "Réponse de Bob").await.status,
        StatusCode::CREATED
    );
    call(
        &app,
        Method::POST,
        "/api/v1/users/bob_ex/block",
        &alice,
        None,
    )
    .await;
    call(
        &app,
        Method::DELETE,
        "/api/v1/users/bob_ex/block",
        &alice,
        None,
    )
    .await;
    let solo = start(
        &app,
        &alice,
        &["bob_ex"],
        "Seule",
        "Conversation qu'elle quittera",
    )
    .await;
    let res = app.get_with(&alice_web, "/settings/export").await;
    assert_eq!(res.status, StatusCode::OK);
    let export: Value = res.json();
    let pm = &export["private_messages"];
    assert_eq!(pm["messages"][0]["body_markdown"], "Mon message à exporter");
    assert_eq!(pm["messages"][0]["conversation_id"], id);
    assert_eq!(pm["conversations"].as_array().map(Vec::len), Some(2));
    assert_eq!(pm["preferences"]["inbox"], "everyone");
    assert!(!res.body.contains("Réponse de Bob"), "only her own words");

    // Bob leaves the second conversation; Alice deletes her account: she loses access, her
    // name goes, and the conversation nobody is left in is gone.
    let res = app
        .post_form_with(
            &alice_web,
            &format!("/messages/{solo}"),
            &format!("/messages/{solo}/leave"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form_with(
            &alice_web,
            "/settings",
            "/settings",
            &[
                ("action", "delete_account"),
                ("current_password", PASSWORD),
                ("erase_posts", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        read_status(&app, &alice, id).await,
        StatusCode::UNAUTHORIZED,
        "signed out"
    );
    let list = conversations(&app, &bob).await;
    let names: Vec<String> = list
        .iter()
        .flat_map(|c| c["participants"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    assert!(!names.iter().any(|n| n.starts_with("alice")), "{names:?}");
    let texts = bodies(&app, &bob, id).await;
    assert!(
        !texts.iter().any(|b| b.contains("Mon message à exporter")),
        "erased"
    );
    assert!(texts.iter().any(|b| b.contains("Réponse de Bob")));
}

#[tokio::test]
async fn posting_limits_apply() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, alice_web) = member(&app, "alice_lim").await;
    member(&app, "bob_lim").await;
    let id = start(&app, &alice, &["bob_lim"], "Limites", "Un").await;
    let res = call(
        &app,
        Method::PATCH,
        "/api/v1/admin/settings",
        &admin,
        Some(json!({"member_posts_per_hour": 2, "new_account_days": 3, "new_account_posts_per_hour": 10, "new_account_links_per_post": 1})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // A new account's links cap.
    let res = write(&app, &alice, id, "https://a.example https://b.example").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "body");
    // Two messages an hour: the first one counts, one more, then 429 with the text kept.
    assert_eq!(
        write(&app, &alice, id, "Deux").await.status,
        StatusCode::CREATED
    );
    let res = write(&app, &alice, id, "Trois").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers.contains_key("retry-after"));
    let path = format!("/messages/{id}");
    let res = app
        .post_form_with(
            &alice_web,
            &path,
            &format!("{path}/reply"),
            &[("body", "Texte à garder")],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Texte à garder"));
}

#[tokio::test]
async fn conversation_lists_and_messages_are_paginated_by_keys() {
    let app = TestApp::spawn().await;
    let (alice, _) = member(&app, "alice_pg").await;
    member(&app, "bob_pg").await;
    let mut ids = Vec::new();
    for i in 0..32 {
        ids.push(start(&app, &alice, &["bob_pg"], &format!("Sujet {i}"), "x").await);
    }
    let first = call(&app, Method::GET, "/api/v1/conversations", &alice, None)
        .await
        .json();
    assert_eq!(first["conversations"].as_array().map(Vec::len), Some(30));
    assert_eq!(first["conversations"][0]["id"], ids[31]);
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = call(
        &app,
        Method::GET,
        &format!("/api/v1/conversations?cursor={cursor}"),
        &alice,
        None,
    )
    .await
    .json();
    let rest: Vec<i64> = second["conversations"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(rest, vec![ids[1], ids[0]]);
    assert!(second["next_cursor"].is_null());
    let res = call(
        &app,
        Method::GET,
        "/api/v1/conversations?cursor=nonsense",
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Messages: 50 a page, oldest first through the API; the page shows the newest 50 and
    // links to older ones by id.
    let id = ids[0];
    for i in 1..=51 {
        let res = write(&app, &alice, id, &format!("Message numéro {i}")).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let path = format!("/api/v1/conversations/{id}/messages");
    let first = call(&app, Method::GET, &path, &alice, None).await.json();
    assert_eq!(first["messages"].as_array().map(Vec::len), Some(50));
    assert_eq!(first["messages"][0]["body_html"], "<p>x</p>\n");
    let cursor = first["next_cursor"]
        .as_str()
        .expect("more messages")
        .to_owned();
    let second = call(
        &app,
        Method::GET,
        &format!("{path}?cursor={cursor}"),
        &alice,
        None,
    )
    .await
    .json();
    assert_eq!(second["messages"].as_array().map(Vec::len), Some(2));
    assert!(second["next_cursor"].is_null());
    let alice_web = browser();
    app.login_with(&alice_web, "alice_pg").await;
    let page = app.get_with(&alice_web, &format!("/messages/{id}")).await;
    assert!(page.body.contains("Message numéro 51"));
    assert!(
        !page.body.contains("<p>x</p>"),
        "the oldest is on the older page"
    );
    let older = page
        .body
        .split(&format!("/messages/{id}?before="))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a link to older messages")
        .to_owned();
    let page = app
        .get_with(&alice_web, &format!("/messages/{id}?before={older}"))
        .await;
    assert!(page.body.contains("<p>x</p>"));
    assert!(!page.body.contains("Message numéro 51"));
}
