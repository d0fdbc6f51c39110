//! A limited instance (issue 17): its content is for its followers only. Alice follows a group
//! of the test's remote server; once administrators limit that server, the group's board here
//! and its threads answer 404 to visitors and to members who do not follow it (pages, API,
//! search, notifications), while Alice and the staff still read them, and what its people post
//! there comes in as it is. A block keeps it closed; removing the policy opens the board to
//! everyone again.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::remote::Remote;
use super::two_instances::eventually;
use super::{base, federated, follow_group, people, set_policy};
use crate::helpers::browser;

/// The group's `Announce` number `n` of a `Create` by `author` of a `Note` answering the
/// group's post `answered`.
fn announced_reply(group: &Remote, author: &str, n: u32, answered: u32, text: &str) -> Value {
    let note = json!({
        "id": format!("{}/posts/{n}", group.base),
        "type": "Note",
        "attributedTo": author,
        "inReplyTo": format!("{}/posts/{answered}", group.base),
        "content": format!("<p>{text}</p>"),
        "to": ["https://www.w3.org/ns/activitystreams#Public", group.actor],
        "audience": group.actor,
    });
    group.serve(&format!("/posts/{n}"), Some(&note));
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/announces/{n}", group.base),
        "type": "Announce",
        "actor": group.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": format!("{}/activities/{n}", group.base),
            "type": "Create",
            "actor": author,
            "object": note,
        },
    })
}

/// Whether `client`'s page header shows unread notifications.
async fn has_unread(app: &crate::helpers::TestApp, client: &reqwest::Client) -> bool {
    app.get_with(client, "/notifications")
        .await
        .body
        .contains("class=\"count\"")
}

/// The group's `Announce` number `n` of a `Create` by `author` of a `Page` titled `title`.
fn announced_page(group: &Remote, author: &str, n: u32, title: &str, text: &str) -> Value {
    let page = json!({
        "id": format!("{}/posts/{n}", group.base),
        "type": "Page",
        "attributedTo": author,
        "name": title,
        "content": format!("<p>{text}</p>"),
        "to": ["https://www.w3.org/ns/activitystreams#Public", group.actor],
        "audience": group.actor,
    });
    group.serve(&format!("/posts/{n}"), Some(&page));
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/announces/{n}", group.base),
        "type": "Announce",
        "actor": group.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": format!("{}/activities/{n}", group.base),
            "type": "Create",
            "actor": author,
            "object": page,
        },
    })
}

#[tokio::test]
async fn a_limited_servers_board_is_read_by_its_followers_only() {
    let app = federated().await;
    let alice = people(&app).await;
    let bob = browser();
    app.register_with(&bob, "bob").await;
    let inbox = format!("{}/inbox", base(&app));
    let group = Remote::start_group().await;
    let ana = group.serve_person("ana");
    let domain = group.base.trim_start_matches("http://").to_owned();
    let slug = format!("zoe@{domain}");
    let mirror = format!("/b/{slug}");

    // Alice follows the group; it accepts and announces Ana's thread.
    follow_group(&app, &alice, &group, true).await;
    let first = announced_page(
        &group,
        &ana,
        1,
        "Drones au-dessus du cortège",
        "Vus samedi.",
    );
    let (status, body) = group.post_signed(&inbox, &first).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let api_list = format!("/api/v1/boards/{slug}/threads");
    let listed = app.api(Method::GET, &api_list, None, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let thread = listed.json()["threads"][0]["id"]
        .as_i64()
        .expect("the thread");
    let thread_path = format!("/t/{thread}");

    // Not limited: everyone reads it (and visitors' copies are kept).
    for client in [&browser(), &bob] {
        let board = app.get_with(client, &mirror).await;
        assert_eq!(board.status, StatusCode::OK);
        assert!(board.body.contains("Drones au-dessus du cortège"));
        let page = app.get_with(client, &thread_path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Vus samedi."));
    }
    let search = app.get_with(&bob, "/search?q=samedi").await;
    assert!(search.body.contains("Drones au-dessus du cortège"));
    // Bob answers it (and so watches it); Ana's answer, announced, tells him.
    let res = app.reply_with(&bob, thread, "J’y étais aussi.").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let answer = announced_reply(&group, &ana, 50, 1, "Merci pour le signalement.");
    let (status, body) = group.post_signed(&inbox, &answer).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    eventually("Bob's notification of Ana's answer", || async {
        has_unread(&app, &bob).await
    })
    .await;

    // The administrators limit its server.
    set_policy(&app, &domain, "limit", "Modération absente").await;

    // Visitors and Bob, who does not follow it: gone, everywhere.
    for client in [&browser(), &bob] {
        assert_eq!(
            app.get_with(client, &mirror).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get_with(client, &thread_path).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get_with(client, &format!("{mirror}/feed.atom"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let search = app.get_with(client, "/search?q=samedi").await;
        assert_eq!(search.status, StatusCode::OK);
        assert!(!search.body.contains("Drones au-dessus du cortège"));
    }
    assert_eq!(
        app.api(Method::GET, &api_list, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/threads/{thread}"),
            None,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // What Bob was told of it is gone from his notifications, and from his unread count.
    let told = app.get_with(&bob, "/notifications").await;
    assert!(
        !told.body.contains("Drones au-dessus du cortège"),
        "{}",
        told.body
    );
    assert!(!told.body.contains("class=\"count\""), "{}", told.body);
    // Bob cannot open a thread there either.
    let res = app
        .post_form_with(
            &bob,
            "/b/general/new",
            &format!("{mirror}/new"),
            &[("title", "Intrusion"), ("body", "Je passe par là")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);

    // Alice, who follows it, still reads it, marked as such, and finds it.
    let board = app.get_with(&alice, &mirror).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains("Drones au-dessus du cortège"));
    assert!(
        board.body.contains("réservé à ses abonnés"),
        "{}",
        board.body
    );
    let page = app.get_with(&alice, &thread_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Vus samedi."));
    let search = app.get_with(&alice, "/search?q=samedi").await;
    assert!(search.body.contains("Drones au-dessus du cortège"));
    let followed = app.get_with(&alice, "/federation/following").await;
    assert!(followed.body.contains("réservé à ses abonnés"));
    let alice_token = app.api_login("alice").await;
    let posts_api = format!("/api/v1/threads/{thread}/posts");
    let read = app
        .api(Method::GET, &posts_api, Some(&alice_token), None)
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Vus samedi."));
    // What Alice read (pages, API) left no copy for others: they still get a 404.
    assert_eq!(
        app.api(Method::GET, &posts_api, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with(&bob, &thread_path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with(&bob, &mirror).await.status,
        StatusCode::NOT_FOUND
    );
    // Alice answers too (and so watches it); Ana's next answer tells her, and not Bob, who
    // still watches it but no longer reads it.
    let res = app.reply_with(&alice, thread, "Moi aussi.").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Her answer goes to the group: a limit narrows who reads the board here, not what its
    // group hears from its followers.
    group
        .wait_for("Alice's answer", |v| {
            v["type"] == "Create" && v["object"]["content"].to_string().contains("Moi aussi.")
        })
        .await;
    let answer = announced_reply(&group, &ana, 51, 1, "Deux témoins, donc.");
    let (status, body) = group.post_signed(&inbox, &answer).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    eventually("Alice's notification of Ana's answer", || async {
        has_unread(&app, &alice).await
    })
    .await;
    assert!(!has_unread(&app, &bob).await);
    // The staff moderate it.
    let staff = app.get(&thread_path).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert!(staff.body.contains("Vus samedi."));

    // What its people post in their own board comes in as it is, for its followers.
    let second = announced_page(&group, &ana, 2, "Capteurs sonores gare sud", "Posés hier.");
    let (status, body) = group.post_signed(&inbox, &second).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let board = app.get_with(&alice, &mirror).await;
    assert!(
        board.body.contains("Capteurs sonores gare sud"),
        "{}",
        board.body
    );
    let listed = app.api(Method::GET, &api_list, None, None).await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
    let staff_board = app.get(&mirror).await;
    assert!(staff_board.body.contains("Capteurs sonores gare sud"));
    let second_thread = app
        .get_with(&alice, &mirror)
        .await
        .body
        .split("/t/")
        .filter_map(|rest| rest.split(['/', '"']).next()?.parse::<i64>().ok())
        .find(|id| *id != thread)
        .expect("the second thread");
    let held = app.get_with(&alice, &format!("/t/{second_thread}")).await;
    assert!(held.body.contains("Posés hier."), "{}", held.body);
    assert!(!held.body.contains("limited instance"), "{}", held.body);

    // Blocking the server does not open what the limit closed.
    set_policy(&app, &domain, "block", "Plus rien").await;
    assert_eq!(
        app.get_with(&browser(), &mirror).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get_with(&alice, &mirror).await.status, StatusCode::OK);

    // The policy removed, the board is everyone's again.
    let res = app
        .post_form(
            "/admin/federation",
            "/admin/federation/remove",
            &[("domain", domain.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for client in [&browser(), &bob] {
        let board = app.get_with(client, &mirror).await;
        assert_eq!(board.status, StatusCode::OK);
        assert!(board.body.contains("Capteurs sonores gare sud"));
        assert!(!board.body.contains("réservé à ses abonnés"));
    }
    let listed = app.api(Method::GET, &api_list, None, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["threads"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_board_first_followed_under_a_limit_is_for_its_followers_from_the_start() {
    let app = federated().await;
    let alice = people(&app).await;
    let group = Remote::start_group().await;
    let domain = group.base.trim_start_matches("http://").to_owned();
    set_policy(&app, &domain, "limit", "").await;
    follow_group(&app, &alice, &group, false).await;
    let mirror = format!("/b/zoe@{domain}");
    assert_eq!(app.get_with(&alice, &mirror).await.status, StatusCode::OK);
    assert_eq!(
        app.get_with(&browser(), &mirror).await.status,
        StatusCode::NOT_FOUND
    );
}
