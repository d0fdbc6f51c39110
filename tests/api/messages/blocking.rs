//! Blocks and closed inboxes: a block works from each side (new conversations refused exactly
//! as by a closed inbox, messages in shared conversations and mentions no longer delivered),
//! and a closed inbox takes contacts (people sharing a group) and site staff only.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{bodies, call, conversations, member, start, write};
use crate::helpers::TestApp;

#[tokio::test]
async fn blocking_works_from_each_side_and_looks_like_a_closed_inbox() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, alice_web) = member(&app, "alice_bl").await;
    let (bob, bob_web) = member(&app, "bob_bl").await;
    let (carol, carol_web) = member(&app, "carol_bl").await;
    let shared = start(
        &app,
        &bob,
        &["alice_bl", "carol_bl"],
        "Avant",
        "Bonjour à vous deux",
    )
    .await;

    // Carol closes her inbox: Alice, no contact of hers, is refused.
    let res = app
        .post_form_with(
            &carol_web,
            "/settings/messages",
            "/settings/messages",
            &[("inbox", "contacts"), ("email", "notice")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let closed = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &alice,
        Some(json!({"to": ["carol_bl"], "subject": "Salut", "body": "Coucou"})),
    )
    .await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN, "{}", closed.body);

    // Alice blocks Bob (API): Bob is refused exactly as by a closed inbox.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/users/bob_bl/block",
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["blocked"], true);
    let refused = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &bob,
        Some(json!({"to": ["alice_bl"], "subject": "Salut", "body": "Coucou"})),
    )
    .await;
    assert_eq!(refused.status, closed.status);
    assert_eq!(refused.json()["error"], closed.json()["error"]);
    // The form says the same, keeping Bob's text.
    let res = app
        .post_form_with(
            &bob_web,
            "/messages/new",
            "/messages/new",
            &[
                ("to", "alice_bl"),
                ("subject", "Salut"),
                ("body", "Mon texte gardé"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Mon texte gardé"));
    // Bob's view of Alice's profile shows nothing of it; hers says she blocked him.
    let profile = app.get_with(&bob_web, "/u/alice_bl").await;
    assert!(profile.body.contains("/messages/new?to=alice_bl"));
    assert!(!profile.body.contains("/unblock"));
    let profile = app.get_with(&alice_web, "/u/bob_bl").await;
    assert!(profile.body.contains("/u/bob_bl/unblock"));
    // Alice, who blocked him, is told why she cannot write to him.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &alice,
        Some(json!({"to": ["bob_bl"], "subject": "Salut", "body": "Coucou"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "to");

    // In the conversation they share, Bob's messages no longer reach Alice (he is not told).
    let res = write(&app, &bob, shared, "Après le blocage").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(bodies(&app, &carol, shared)
        .await
        .iter()
        .any(|b| b.contains("Après le blocage")));
    assert!(!bodies(&app, &alice, shared)
        .await
        .iter()
        .any(|b| b.contains("Bonjour") || b.contains("Après")));
    assert_eq!(conversations(&app, &alice).await[0]["unread"], 0);

    // Mentions: Bob's post mentioning both notifies Carol, never Alice.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/boards/general/threads",
        &bob,
        Some(
            json!({"title": "Appel à témoins", "body": "Merci @alice_bl et @carol_bl de relire."}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    app.settle(&admin).await;
    let kinds = |token: String| {
        let app = &app;
        async move {
            let res = call(app, Method::GET, "/api/v1/notifications", &token, None).await;
            res.json()["notifications"]
                .as_array()
                .expect("notifications")
                .iter()
                .map(|n| n["kind"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(kinds(carol.clone()).await.contains(&"mention".to_owned()));
    assert!(
        kinds(alice.clone()).await.is_empty(),
        "a blocked author's mention is silent"
    );
    assert!(app
        .mails_to("alice_bl@example.org")
        .iter()
        .all(|m| !m.text.contains("Appel à témoins")));

    // From the other side: Carol blocks Alice from her settings page, by name.
    let res = app
        .post_form_with(
            &carol_web,
            "/settings/messages",
            "/settings/blocks",
            &[("username", "alice_bl")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get_with(&carol_web, "/settings/messages").await;
    assert!(page.body.contains("/u/alice_bl/unblock"));
    let res = app
        .post_form_with(
            &carol_web,
            "/settings/messages",
            "/settings/blocks",
            &[("username", "carol_bl")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Unblocking lets Bob write to Alice again.
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/users/bob_bl/block",
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["blocked"], false);
    start(&app, &bob, &["alice_bl"], "Encore", "On reparle ?").await;
    assert_eq!(
        call(
            &app,
            Method::POST,
            "/api/v1/users/personne/block",
            &alice,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_closed_inbox_takes_contacts_and_staff() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (carol, carol_web) = member(&app, "carol_in").await;
    let (dave, _) = member(&app, "dave_in").await;
    let (erin, _) = member(&app, "erin_in").await;
    let res = app
        .post_form_with(
            &carol_web,
            "/settings/messages",
            "/settings/messages",
            &[("inbox", "contacts"), ("email", "never")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get_with(&carol_web, "/settings/messages?saved=1").await;
    assert!(
        page.body.contains("value=\"contacts\" checked"),
        "{}",
        page.body
    );

    // Dave shares a group with Carol: a contact.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups",
        &carol,
        Some(json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon", "join_policy": "open"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/vigie-lyon/join",
        &dave,
        Some(json!({})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    start(&app, &dave, &["carol_in"], "Réunion", "À jeudi").await;
    start(&app, &admin, &["carol_in"], "De l'équipe", "Bonjour").await;
    let res = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &erin,
        Some(json!({"to": ["carol_in"], "subject": "Hello", "body": "Bonjour"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"]["code"], "forbidden");
    // "Never": no mail for Carol.
    app.settle(&admin).await;
    assert!(app
        .mails_to("carol_in@example.org")
        .iter()
        .all(|m| !m.text.contains("/messages/")));
}

#[tokio::test]
async fn unblocking_from_the_settings_page_and_the_api() {
    let app = TestApp::spawn().await;
    let (alice, alice_web) = member(&app, "alice_ub").await;
    let (bob, _) = member(&app, "bob_ub").await;
    let to_alice = |subject: &'static str| {
        let (app, bob) = (&app, &bob);
        async move {
            call(
                app,
                Method::POST,
                "/api/v1/conversations",
                bob,
                Some(json!({"to": ["alice_ub"], "subject": subject, "body": "Coucou"})),
            )
            .await
            .status
        }
    };

    // From the settings page: block by name, then the list's unblock button.
    let res = app
        .post_form_with(
            &alice_web,
            "/settings/messages",
            "/settings/blocks",
            &[("username", "bob_ub")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(to_alice("Bloqué").await, StatusCode::FORBIDDEN);
    let page = app.get_with(&alice_web, "/settings/messages").await;
    assert!(
        page.body.contains("action=\"/u/bob_ub/unblock\""),
        "{}",
        page.body
    );
    let res = app
        .post_form_with(
            &alice_web,
            "/settings/messages",
            "/u/bob_ub/unblock",
            &[("next", "/settings/messages")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/settings/messages");
    let page = app.get_with(&alice_web, "/settings/messages").await;
    assert!(!page.body.contains("/u/bob_ub/unblock"), "{}", page.body);
    assert_eq!(to_alice("Débloqué").await, StatusCode::CREATED);

    // From the API: block, unblock, unblock again (harmless).
    let path = "/api/v1/users/bob_ub/block";
    let res = call(&app, Method::POST, path, &alice, None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(to_alice("Rebloqué").await, StatusCode::FORBIDDEN);
    for _ in 0..2 {
        let res = call(&app, Method::DELETE, path, &alice, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json(), json!({"username": "bob_ub", "blocked": false}));
    }
    assert_eq!(to_alice("Encore").await, StatusCode::CREATED);
    // Unknown names, one's own name, and no token.
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/users/personne/block",
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/users/alice_ub/block",
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.api(Method::DELETE, path, None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}
