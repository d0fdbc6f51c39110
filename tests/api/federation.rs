//! Federation (issue 17): real Vigie servers with federation on (plain HTTP on loopback, as
//! `federation.allow_http` permits for tests) answer WebFinger, NodeInfo and ActivityStreams
//! documents on their pages' addresses; a remote follower (`federation/remote.rs`, a server of
//! the test's own with a key it made) is accepted and then receives the board's announces,
//! signed; forged and blocked deliveries are refused; with federation off, nothing answers.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, Page, TestApp};

mod documents;
mod down;
mod events;
mod keys;
mod limited;
mod received;
mod remote;
mod two_instances;

use remote::{verify, Remote};

const AP: &str = "application/activity+json";

/// A server with federation on, on `localhost` (the crate needs a host name, not an address),
/// driven at that name too (its mails and its setup link carry it).
async fn federated() -> TestApp {
    let mut app = TestApp::spawn_with(|s| {
        s.federation.enabled = true;
        s.federation.allow_http = true;
        s.server.base_url = "http://localhost:0".into();
    })
    .await;
    app.address = app.address.replace("127.0.0.1", "localhost");
    app
}

/// Like `federated`, on a SQLite database whatever the suite's backend: with `federated`, two
/// instances of different backends when the suite runs on PostgreSQL.
async fn federated_on_sqlite() -> TestApp {
    let (db, url) = crate::helpers::fresh_sqlite_database();
    let mut settings = crate::helpers::test_settings(&url);
    settings.federation.enabled = true;
    settings.federation.allow_http = true;
    settings.server.base_url = "http://localhost:0".into();
    let mut app = TestApp::start(settings, Some(db)).await;
    app.address = app.address.replace("127.0.0.1", "localhost");
    app
}

/// The address other servers know this one by.
fn base(app: &TestApp) -> String {
    app.address.clone()
}

/// The domain (host and port) of `app`.
fn domain(app: &TestApp) -> String {
    base(app).trim_start_matches("http://").to_owned()
}

/// GETs `path` asking for ActivityStreams JSON.
async fn get_ap(app: &TestApp, path: &str) -> Page {
    Page::read(
        Client::new()
            .get(app.url(path))
            .header("accept", AP)
            .send()
            .await
            .expect("GET"),
    )
    .await
}

fn content_type(page: &Page) -> String {
    page.headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn varies_on_accept(page: &Page) -> bool {
    page.headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("accept"))
}

/// Sets `policy` (`block`, `limit`, `allow`) for `domain` as the app's administrator.
async fn set_policy(app: &TestApp, domain: &str, policy: &str, reason: &str) {
    let res = app
        .post_form(
            "/admin/federation",
            "/admin/federation",
            &[("domain", domain), ("policy", policy), ("reason", reason)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// `member` follows `group` (a `Group` played by the test's remote server) from the following
/// page; with `accept`, the group accepts the `Follow` it received.
async fn follow_group(app: &TestApp, member: &Client, group: &Remote, accept: bool) {
    let res = app
        .post_form_with(
            member,
            "/federation/following",
            "/federation/following",
            &[("handle", group.actor.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let follow = group
        .wait_for("the Follow", |v| v["type"] == "Follow")
        .await
        .json();
    if !accept {
        return;
    }
    let accepted = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/accepts/{}", group.base, group.received().len()),
        "type": "Accept",
        "actor": group.actor,
        "object": follow,
    });
    let inbox = format!("{}/inbox", base(app));
    assert_eq!(
        group.post_signed(&inbox, &accepted).await.0,
        StatusCode::ACCEPTED
    );
}

/// An administrator (in the app's browser) and a member `alice` (in her own), each signed in.
async fn people(app: &TestApp) -> Client {
    let res = app.create_admin("root_admin").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let alice = browser();
    app.register_with(&alice, "alice").await;
    alice
}

#[tokio::test]
async fn discovery_and_documents_have_their_shapes() {
    let app = federated().await;
    let alice = people(&app).await;
    let base = base(&app);
    let domain = domain(&app);
    let thread = app
        .new_thread_with(
            &alice,
            "general",
            "Caméras place Bellecour",
            "Un **premier** repérage",
            "",
        )
        .await;
    app.reply_with(&alice, thread, "Une réponse").await;
    let ids = app.post_ids(thread).await;

    // WebFinger: a member, a board (also as `!board`), nothing else.
    let res = app
        .get(&format!(
            "/.well-known/webfinger?resource=acct:alice@{domain}"
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(content_type(&res).starts_with("application/jrd+json"));
    let jrd = res.json();
    documents::assert_jrd(&jrd);
    assert_eq!(jrd["subject"], format!("acct:alice@{domain}"));
    let links = jrd["links"].as_array().expect("links");
    assert!(links
        .iter()
        .any(|l| l["rel"] == "self" && l["type"] == AP && l["href"] == format!("{base}/u/alice")));
    let res = app
        .get(&format!(
            "/.well-known/webfinger?resource=acct:!general@{domain}"
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.json()["links"]
        .as_array()
        .expect("links")
        .iter()
        .any(|l| l["href"] == format!("{base}/b/general")
            && l["properties"]["https://www.w3.org/ns/activitystreams#type"] == "Group"));
    for resource in [
        format!("acct:nobody@{domain}"),
        "acct:alice@elsewhere.example".to_owned(),
    ] {
        let res = app
            .get(&format!("/.well-known/webfinger?resource={resource}"))
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{resource}");
        assert_eq!(res.json()["error"], "not_found");
    }

    // NodeInfo: the link document, then the 2.1 document it points at.
    let res = app.get("/.well-known/nodeinfo").await;
    assert_eq!(res.status, StatusCode::OK);
    let link = res.json()["links"][0].clone();
    assert_eq!(
        link["rel"],
        "http://nodeinfo.diaspora.software/ns/schema/2.1"
    );
    let href = link["href"].as_str().expect("href").to_owned();
    assert_eq!(href, format!("{base}/nodeinfo/2.1"));
    let res = app.get("/nodeinfo/2.1").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(content_type(&res).contains("nodeinfo.diaspora.software/ns/schema/2.1"));
    let info = res.json();
    documents::assert_nodeinfo(&info);
    assert_eq!(info["software"]["name"], "vigie");
    assert_eq!(info["protocols"], json!(["activitypub"]));
    assert_eq!(info["openRegistrations"], true);
    assert!(info["usage"]["users"]["total"].as_i64().expect("users") >= 2);
    assert!(info["usage"]["localPosts"].as_i64().expect("posts") >= 2);

    // A member is a Person on their profile's address; the page itself says it varies.
    let res = get_ap(&app, "/u/alice").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(content_type(&res).starts_with(AP));
    assert!(varies_on_accept(&res));
    let person = res.json();
    assert_eq!(person["type"], "Person");
    assert_eq!(person["id"], format!("{base}/u/alice"));
    assert_eq!(person["preferredUsername"], "alice");
    for field in ["inbox", "outbox", "followers"] {
        assert_eq!(person[field], format!("{base}/u/alice/{field}"));
    }
    assert_eq!(person["endpoints"]["sharedInbox"], format!("{base}/inbox"));
    assert_eq!(person["publicKey"]["owner"], person["id"]);
    assert!(person["publicKey"]["publicKeyPem"]
        .as_str()
        .expect("key")
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(!res.body.contains("PRIVATE"));
    let html = app.get("/u/alice").await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(content_type(&html).starts_with("text/html"));
    assert!(varies_on_accept(&html), "the page varies on Accept too");
    // Asked twice, the key is the same (made once).
    assert_eq!(
        get_ap(&app, "/u/alice").await.json()["publicKey"],
        person["publicKey"]
    );

    // A public board is a Group; its thread a Page; a reply a Note in it.
    let group = get_ap(&app, "/b/general").await;
    assert_eq!(group.status, StatusCode::OK);
    let group = group.json();
    assert_eq!(group["type"], "Group");
    assert_eq!(group["preferredUsername"], "general");
    assert_eq!(group["inbox"], format!("{base}/b/general/inbox"));
    let page = get_ap(&app, &format!("/t/{thread}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = page.json();
    assert_eq!(page["type"], "Page");
    assert_eq!(page["id"], format!("{base}/t/{thread}"));
    assert_eq!(page["name"], "Caméras place Bellecour");
    assert!(page["content"]
        .as_str()
        .expect("content")
        .contains("<strong>premier</strong>"));
    assert_eq!(page["attributedTo"], format!("{base}/u/alice"));
    assert_eq!(page["audience"], format!("{base}/b/general"));
    assert!(page["to"]
        .as_array()
        .expect("to")
        .contains(&json!("https://www.w3.org/ns/activitystreams#Public")));
    let note = get_ap(&app, &format!("/p/{}", ids[1])).await.json();
    assert_eq!(note["type"], "Note");
    assert_eq!(note["inReplyTo"], format!("{base}/t/{thread}"));
    // The visitors' page cache keeps the HTML of the thread; neither answer is served for the
    // other.
    let visitor = browser();
    for _ in 0..2 {
        let html = app.get_with(&visitor, &format!("/t/{thread}")).await;
        assert!(content_type(&html).starts_with("text/html"));
        assert!(varies_on_accept(&html));
    }
    let again = get_ap(&app, &format!("/t/{thread}")).await;
    assert!(content_type(&again).starts_with(AP));
    assert_eq!(again.json()["id"], page["id"]);
    let slugged = get_ap(&app, &format!("/t/{thread}/cameras-place-bellecour")).await;
    assert_eq!(slugged.json()["id"], page["id"]);

    // A group: itself and its public board are Groups, its private board and what is in it
    // do not exist, in JSON too.
    let token = app.api_login("alice").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/groups",
            Some(&token),
            Some(json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon", "visibility": "public", "join_policy": "open"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(get_ap(&app, "/g/vigie-lyon").await.json()["type"], "Group");
    let annonces = get_ap(&app, "/g/vigie-lyon/b/annonces").await.json();
    assert_eq!(annonces["type"], "Group");
    assert_eq!(annonces["preferredUsername"], "vigie-lyon.annonces");
    let secret = app
        .new_thread_at(
            &alice,
            "/g/vigie-lyon/b/coordination/new",
            "Réunion secrète",
            "Rendez-vous",
            "",
        )
        .await;
    for path in [
        "/g/vigie-lyon/b/coordination".to_owned(),
        format!("/t/{secret}"),
        format!("/p/{}", app.post_ids(thread).await[0] + 1000),
        "/b/no-such-board".to_owned(),
        "/u/nobody".to_owned(),
    ] {
        let res = get_ap(&app, &path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.json()["error"], "not_found", "{path}: JSON 404");
        assert!(!res.body.contains("Réunion secrète"));
    }
    // Outboxes list the newest activities as they were sent: the board announces the threads
    // opened in it, the member's holds her posts, the group's its public boards' threads; the
    // private board's thread is in none of them.
    let news = app
        .new_thread_at(
            &alice,
            "/g/vigie-lyon/b/annonces/new",
            "Rassemblement samedi",
            "Place des Terreaux",
            "",
        )
        .await;
    let outbox = |path: &'static str| {
        let app = &app;
        async move {
            let res = get_ap(app, path).await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
            assert!(content_type(&res).starts_with(AP), "{path}");
            assert!(!res.body.contains("Réunion secrète"), "{path}");
            let collection = res.json();
            assert_eq!(collection["type"], "OrderedCollection");
            assert_eq!(collection["id"], format!("{}{path}", app.address));
            let items = collection["orderedItems"]
                .as_array()
                .expect("items")
                .clone();
            assert_eq!(collection["totalItems"], items.len());
            items
        }
    };
    let board_items = outbox("/b/general/outbox").await;
    assert_eq!(board_items.len(), 1, "the thread, not its reply");
    assert_eq!(board_items[0]["type"], "Announce");
    assert_eq!(board_items[0]["actor"], format!("{base}/b/general"));
    assert_eq!(board_items[0]["object"]["type"], "Create");
    assert_eq!(board_items[0]["object"]["actor"], format!("{base}/u/alice"));
    assert_eq!(board_items[0]["object"]["object"]["id"], page["id"]);
    let alice_items = outbox("/u/alice/outbox").await;
    let objects: Vec<(&str, &str)> = alice_items
        .iter()
        .map(|a| {
            assert_eq!(a["type"], "Create");
            (
                a["object"]["type"].as_str().expect("type"),
                a["object"]["id"].as_str().expect("id"),
            )
        })
        .collect();
    let news_id = format!("{base}/t/{news}");
    let reply_id = format!("{base}/p/{}", ids[1]);
    let page_id = page["id"].as_str().expect("id");
    assert_eq!(
        objects,
        [
            ("Page", news_id.as_str()),
            ("Note", reply_id.as_str()),
            ("Page", page_id)
        ],
        "newest first"
    );
    let group_items = outbox("/g/vigie-lyon/outbox").await;
    assert_eq!(group_items.len(), 1);
    assert_eq!(group_items[0]["actor"], format!("{base}/g/vigie-lyon"));
    assert_eq!(group_items[0]["object"]["object"]["id"], news_id);
    let res = app
        .get(&format!(
            "/.well-known/webfinger?resource=acct:!vigie-lyon.coordination@{domain}"
        ))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // The administrators' page is theirs alone.
    assert_eq!(
        app.get_with(&alice, "/admin/federation").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn with_federation_off_nothing_answers() {
    let app = TestApp::spawn().await;
    app.create_admin("root_admin").await;
    for path in [
        "/.well-known/webfinger?resource=acct:root_admin@127.0.0.1",
        "/.well-known/nodeinfo",
        "/nodeinfo/2.1",
        "/u/root_admin/outbox",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let res = Client::new()
        .post(app.url("/inbox"))
        .header("content-type", AP)
        .body("{}")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The profile is only a page.
    let res = get_ap(&app, "/u/root_admin").await;
    assert!(
        content_type(&res).starts_with("text/html"),
        "{}",
        content_type(&res)
    );
    assert!(!varies_on_accept(&res));
    // The admin page says so.
    let page = app.get("/admin/federation").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("federation.enabled"));
}

/// A follow of `object` by Zoe.
fn follow(remote: &Remote, n: u32, object: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/follows/{n}", remote.base),
        "type": "Follow",
        "actor": remote.actor,
        "object": object,
    })
}

/// The public key of a local actor of `app`.
/// The remote's first follow of `actor` (an id), accepted: the `Accept` it receives.
async fn accepted_follow(remote: &Remote, actor: &str) -> remote::Received {
    let (status, body) = remote
        .post_signed(&format!("{actor}/inbox"), &follow(remote, 1, actor))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    remote
        .wait_for("the Accept", |v| v["type"] == "Accept")
        .await
}

async fn public_key(app: &TestApp, path: &str) -> String {
    get_ap(app, path).await.json()["publicKey"]["publicKeyPem"]
        .as_str()
        .expect("public key")
        .to_owned()
}

/// The number in the element with id `id` of a page.
fn count_in(html: &str, id: &str) -> i64 {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {id}")) + marker.len();
    html[start..]
        .split('<')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("a number")
}

#[tokio::test]
async fn a_remote_follower_is_accepted_then_receives_the_boards_posts_signed() {
    let app = federated().await;
    let alice = people(&app).await;
    let base = base(&app);
    let board = format!("{base}/b/general");
    let remote = Remote::start().await;

    // Zoe follows the board: the Accept comes back, signed by the board.
    let accept = accepted_follow(&remote, &board).await;
    assert_eq!(accept.path, "/users/zoe/inbox");
    let board_key = public_key(&app, "/b/general").await;
    assert_eq!(verify(&accept, &board_key), format!("{board}#main-key"));
    let accept = accept.json();
    assert_eq!(accept["actor"], board);
    assert_eq!(accept["object"]["id"], format!("{}/follows/1", remote.base));
    assert_eq!(accept["object"]["object"], board);
    let followers = get_ap(&app, "/b/general/followers").await.json();
    assert_eq!(followers["totalItems"], 1);
    // A replay of the same follow changes nothing.
    let (status, _) = remote
        .post_signed(&format!("{base}/inbox"), &follow(&remote, 1, &board))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        get_ap(&app, "/b/general/followers").await.json()["totalItems"],
        1
    );

    // A post in a group's private board is never sent; a new thread in the board is, as the
    // author's Create announced by the board to Zoe's shared inbox.
    let token = app.api_login("alice").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/groups",
            Some(&token),
            Some(json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon", "visibility": "public", "join_policy": "open"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    app.new_thread_at(
        &alice,
        "/g/vigie-lyon/b/coordination/new",
        "Réunion secrète",
        "Texte secret",
        "",
    )
    .await;
    let thread = app
        .new_thread_with(
            &alice,
            "general",
            "Nouvelles caméras",
            "Rue de la République",
            "",
        )
        .await;
    let announce = remote
        .wait_for("the Announce of the thread", |v| {
            v["type"] == "Announce" && v["object"]["object"]["type"] == "Page"
        })
        .await;
    assert_eq!(announce.path, "/inbox");
    assert_eq!(verify(&announce, &board_key), format!("{board}#main-key"));
    let announce = announce.json();
    assert_eq!(announce["actor"], board);
    let create = &announce["object"];
    assert_eq!(create["type"], "Create");
    assert_eq!(create["actor"], format!("{base}/u/alice"));
    assert_eq!(create["object"]["id"], format!("{base}/t/{thread}"));
    assert_eq!(create["object"]["name"], "Nouvelles caméras");
    assert_eq!(create["object"]["audience"], board);

    // A rename by the staff keeps the post's version; the Page's Update carries the new name.
    let staff = app.api_login("root_admin").await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/moderate"),
            Some(&staff),
            Some(json!({"action": "rename", "title": "Caméras rue de la République"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page_id = format!("{base}/t/{thread}");
    let renamed = remote
        .wait_for("the renamed Page's Update", |v| {
            v["object"]["type"] == "Update"
                && v["object"]["object"]["id"] == page_id
                && v["object"]["object"]["name"] == "Caméras rue de la République"
        })
        .await;
    verify(&renamed, &board_key);

    // A reply, then its edit (an Update) and its hiding by the staff (the board's Delete).
    let res = app.reply_with(&alice, thread, "Deux de plus").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reply = *app.post_ids(thread).await.last().expect("reply");
    let note_id = format!("{base}/p/{reply}");
    remote
        .wait_for("the reply's Create", |v| {
            v["object"]["type"] == "Create" && v["object"]["object"]["id"] == note_id
        })
        .await;
    let edit = format!("/p/{reply}/edit");
    let res = app
        .post_form_with(&alice, &edit, &edit, &[("body", "Trois de plus")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let update = remote
        .wait_for("the reply's Update", |v| {
            v["object"]["type"] == "Update" && v["object"]["object"]["id"] == note_id
        })
        .await;
    assert!(update.body.contains("Trois de plus"));
    verify(&update, &board_key);
    let res = app
        .post_form(
            &format!("/t/{thread}"),
            &format!("/mod/posts/{reply}"),
            &[("action", "hide"), ("reason", "Hors sujet")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let delete = remote
        .wait_for("the reply's Delete", |v| {
            v["object"]["type"] == "Delete" && v["object"]["object"] == note_id
        })
        .await;
    verify(&delete, &board_key);
    // The hidden reply no longer exists for other servers either.
    let res = get_ap(&app, &format!("/p/{reply}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("Trois de plus"));

    // Once the queue is empty, nothing from the private board was ever sent.
    let deadline = tokio::time::Instant::now() + remote::WAIT;
    loop {
        let page = app.get("/admin/federation").await;
        assert_eq!(page.status, StatusCode::OK);
        if count_in(&page.body, "deliveries-pending") == 0 {
            assert!(count_in(&page.body, "deliveries-delivered") >= 4);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries never settled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for received in remote.received() {
        assert!(!received.body.contains("secret"), "{}", received.body);
    }

    // Zoe stops following: the board has no follower left.
    let undo = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/undo/1", remote.base),
        "type": "Undo",
        "actor": remote.actor,
        "object": follow(&remote, 1, &board),
    });
    let (status, body) = remote.post_signed(&format!("{base}/inbox"), &undo).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        get_ap(&app, "/b/general/followers").await.json()["totalItems"],
        0
    );
    // A Like is acknowledged and ignored.
    let like = json!({
        "id": format!("{}/likes/1", remote.base),
        "type": "Like",
        "actor": remote.actor,
        "object": format!("{base}/t/{thread}"),
    });
    assert_eq!(
        remote.post_signed(&format!("{base}/inbox"), &like).await.0,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn forged_unsigned_and_blocked_deliveries_are_refused() {
    // Two Vigie instances: A receives, B is where the claimed author really lives.
    let a = federated().await;
    a.create_admin("root_admin").await;
    let b = federated().await;
    b.create_admin("root_b").await;
    let bob = browser();
    b.register_with(&bob, "bob").await;
    let board = format!("{}/b/general", base(&a));
    let inbox = format!("{}/inbox", base(&a));
    let bob_id = format!("{}/u/bob", base(&b));
    let forged = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/follows/forged", base(&b)),
        "type": "Follow",
        "actor": bob_id,
        "object": board,
    });

    // Unsigned: refused.
    let res = Client::new()
        .post(&inbox)
        .header("content-type", AP)
        .body(forged.to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Signed with a key that is not Bob's (A fetches Bob's real key from B): refused.
    let mallory = Remote::start().await;
    let (status, body) = mallory.post_signed_as(&bob_id, &inbox, &forged).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Not JSON, no actor: a bad request, not a crash.
    let res = Client::new()
        .post(&inbox)
        .header("content-type", AP)
        .body("<script>")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // A blocks B: B's actors are refused before anything is fetched, and the block is logged.
    let b_domain = domain(&b);
    set_policy(&a, &b_domain, "block", "Spam").await;
    let page = a.get("/admin/federation").await;
    assert!(page.body.contains(&b_domain));
    assert!(page.body.contains("data-policy=\"block\""));
    let (status, _) = mallory.post_signed_as(&bob_id, &inbox, &forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let log = a.get("/mod/log").await;
    assert!(
        log.body.contains(&b_domain),
        "the block is in the moderation log"
    );
    // Other instances still may.
    let (status, body) = mallory
        .post_signed(&inbox, &follow(&mallory, 7, &board))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // The same signed request twice is a replay: refused, as is one signed two hours ago.
    let now = chrono::Utc::now();
    let signed = mallory.sign(&mallory.actor, &inbox, &follow(&mallory, 8, &board), now);
    assert_eq!(signed.send().await.0, StatusCode::ACCEPTED);
    assert_eq!(signed.send().await.0, StatusCode::UNAUTHORIZED);
    let stale = now - chrono::Duration::hours(2);
    let old = mallory.sign(&mallory.actor, &inbox, &follow(&mallory, 9, &board), stale);
    assert_eq!(old.send().await.0, StatusCode::UNAUTHORIZED);
    // The admin page is for administrators only, and its forms need the CSRF token.
    let res = Client::new()
        .post(a.url("/admin/federation"))
        .form(&[("domain", "stranger.example"), ("policy", "block")])
        .send()
        .await
        .expect("POST");
    assert_ne!(res.status(), StatusCode::OK);
    let res = a
        .client
        .post(a.url("/admin/federation"))
        .form(&[("domain", "stranger.example"), ("policy", "block")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no CSRF token");
    assert!(!a
        .get("/admin/federation")
        .await
        .body
        .contains("stranger.example"));
}
