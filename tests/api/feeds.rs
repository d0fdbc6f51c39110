//! The Atom feeds (issue 15), read back with the `atom_syndication` crate: a board's, a city's
//! and a group's new threads, a thread's posts and the public actions; each with its self link,
//! its `updated`, entries newest first carrying the cooked HTML; linked from the head of the page
//! it follows; answering `If-None-Match` with a 304 until something new is posted; and never
//! showing what a visitor may not read (hidden or deleted posts, hidden threads, a group's
//! private board, members-only actions).

use std::str::FromStr;

use atom_syndication::Feed;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use reqwest::{Client, Method, StatusCode};
use scraper::{Html, Selector};
use serde_json::{json, Value};

use crate::helpers::{browser, Page, TestApp};

/// GETs the feed at `path` as `client` and parses it: a 200 in Atom's media type, whose self
/// link is its own address and whose `updated` is its newest entry's.
async fn feed_with(app: &TestApp, client: &Client, path: &str) -> (Page, Feed) {
    let page = app.get_with(client, path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    let content_type = page
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/atom+xml"),
        "{path}: {content_type}"
    );
    let feed = Feed::from_str(&page.body)
        .unwrap_or_else(|e| panic!("{path} is not Atom ({e}): {}", page.body));
    let own: Vec<&str> = feed
        .links
        .iter()
        .filter(|l| l.rel == "self")
        .map(|l| l.href.as_str())
        .collect();
    assert_eq!(own, [app.url(path)], "{path}: self link");
    assert!(!feed.title.value.is_empty(), "{path}: title");
    if let Some(newest) = feed.entries.iter().map(|e| e.updated).max() {
        assert_eq!(feed.updated, newest, "{path}: updated");
    }
    for entry in &feed.entries {
        assert!(entry.published.is_some(), "{path}: published");
        let alternate: Vec<&str> = entry
            .links
            .iter()
            .filter(|l| l.rel == "alternate")
            .map(|l| l.href.as_str())
            .collect();
        assert_eq!(alternate, [entry.id.as_str()], "{path}: entry link");
    }
    // The body is XML: a post's HTML is escaped text, never markup of the feed.
    assert!(!page.body.contains("<script"), "{path}: {}", page.body);
    (page, feed)
}

/// `feed_with` as a visitor.
async fn feed(app: &TestApp, path: &str) -> (Page, Feed) {
    feed_with(app, &browser(), path).await
}

/// The entries' titles, in order.
fn titles(feed: &Feed) -> Vec<&str> {
    feed.entries
        .iter()
        .map(|e| e.title.value.as_str())
        .collect()
}

/// Everything a reader of the feed gets: titles and contents.
fn words(feed: &Feed) -> String {
    feed.entries
        .iter()
        .map(|e| {
            let content = e.content.as_ref().and_then(|c| c.value.as_deref());
            format!("{}\n{}\n", e.title.value, content.unwrap_or_default())
        })
        .collect()
}

/// The content of the entry whose title is `title`, checked to be HTML.
fn content_of<'a>(feed: &'a Feed, title: &str) -> &'a str {
    let entry = feed
        .entries
        .iter()
        .find(|e| e.title.value == title)
        .unwrap_or_else(|| panic!("no entry {title}: {:?}", titles(feed)));
    let content = entry.content.as_ref().expect("content");
    assert_eq!(content.content_type.as_deref(), Some("html"));
    content.value.as_deref().expect("content value")
}

/// The `href` of the Atom link in a page's head, if any.
fn head_feed(html: &str) -> Option<String> {
    let selector = Selector::parse(r#"head link[rel="alternate"][type="application/atom+xml"]"#)
        .expect("selector");
    let doc = Html::parse_document(html);
    let hrefs: Vec<String> = doc
        .select(&selector)
        .filter_map(|l| l.value().attr("href").map(str::to_owned))
        .collect();
    assert!(hrefs.len() <= 1, "{hrefs:?}");
    hrefs.into_iter().next()
}

/// Checks that the page at `page` links `feed` from its head, for a visitor.
async fn links_its_feed(app: &TestApp, page: &str, feed: &str) {
    let res = app.get_with(&browser(), page).await;
    assert_eq!(res.status, StatusCode::OK, "{page}");
    assert_eq!(head_feed(&res.body).as_deref(), Some(feed), "{page}");
}

/// A GET of `path` with `If-None-Match: tag`.
async fn get_if_none_match(app: &TestApp, path: &str, tag: &str) -> Page {
    let res = browser()
        .get(app.url(path))
        .header(IF_NONE_MATCH, tag)
        .send()
        .await
        .expect("GET");
    Page::read(res).await
}

fn etag(page: &Page) -> String {
    page.headers
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .expect("ETag")
        .to_owned()
}

async fn moderate(app: &TestApp, token: &str, what: &str, body: Value) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/{what}/moderate"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{what}: {}", res.body);
}

#[tokio::test]
async fn board_thread_and_city_feeds_carry_cooked_posts_newest_first_and_answer_304() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (browser(), browser());
    app.register_with(&alice, "alice").await;
    app.register_with(&bob, "bob").await;
    let elsewhere = app
        .new_thread_with(&alice, "general", "Sans ville", "Rien de local", "")
        .await;
    let first = app
        .new_thread_with(
            &alice,
            "general",
            "Caméras & VSA à Lyon",
            "Texte **gras** <script>alert('x')</script>",
            "lyon",
        )
        .await;
    let second = app
        .new_thread_with(
            &bob,
            "general",
            "Drones au-dessus du quai",
            "Deuxième sujet",
            "lyon",
        )
        .await;
    let reply = app.reply_with(&bob, first, "Réponse *en italique*").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    // The board: its new threads, newest first, each its opening post, cooked.
    let (built, board) = feed(&app, "/b/general/feed.atom").await;
    assert_eq!(
        titles(&board),
        [
            "Drones au-dessus du quai",
            "Caméras & VSA à Lyon",
            "Sans ville"
        ]
    );
    for (entry, id) in board.entries.iter().zip([second, first, elsewhere]) {
        assert!(
            entry.id.starts_with(&app.url(&format!("/t/{id}/"))),
            "{}",
            entry.id
        );
    }
    assert_eq!(board.entries[0].authors[0].name, "bob");
    let cooked = content_of(&board, "Caméras & VSA à Lyon");
    assert!(cooked.contains("<strong>gras</strong>"), "{cooked}");
    assert!(!cooked.contains("<script"), "{cooked}");
    assert!(
        !words(&board).contains("Réponse"),
        "replies are not new threads"
    );

    // The city: the threads attached to it, across boards.
    let (_, city) = feed(&app, "/c/lyon/feed.atom").await;
    assert_eq!(
        titles(&city),
        ["Drones au-dessus du quai", "Caméras & VSA à Lyon"]
    );
    assert_eq!(city.entries[1].id, board.entries[1].id);

    // The thread: its posts, newest first, each at its permalink.
    let posts = app.post_ids(first).await;
    let thread_path = format!("/t/{first}/feed.atom");
    let (thread_page, thread) = feed(&app, &thread_path).await;
    let ids: Vec<String> = thread.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(
        ids,
        [
            app.url(&format!("/p/{}", posts[1])),
            app.url(&format!("/p/{}", posts[0]))
        ]
    );
    assert!(thread
        .entries
        .iter()
        .all(|e| e.title.value.contains("Caméras & VSA à Lyon")));
    assert!(
        thread.entries[0].title.value.ends_with('2'),
        "{}",
        thread.entries[0].title.value
    );
    let reply_html = thread.entries[0]
        .content
        .as_ref()
        .and_then(|c| c.value.as_deref());
    assert!(
        reply_html.is_some_and(|h| h.contains("<em>en italique</em>")),
        "{reply_html:?}"
    );
    assert!(thread.entries[1]
        .content
        .as_ref()
        .and_then(|c| c.value.as_deref())
        .is_some_and(|h| h.contains("<strong>gras</strong>") && !h.contains("<script")));

    // Each page links its feed from its head.
    links_its_feed(&app, "/b/general", "/b/general/feed.atom").await;
    links_its_feed(&app, &format!("/t/{first}"), &thread_path).await;
    links_its_feed(&app, "/c/lyon", "/c/lyon/feed.atom").await;

    // Conditional requests: the same feed again is a 304 without a body…
    let (board_page, _) = feed(&app, "/b/general/feed.atom").await;
    // Served from the cache: one statement (the versions), the same bytes.
    assert_eq!(
        board_page.statements(),
        1,
        "built in {}",
        built.statements()
    );
    assert_eq!(board_page.body, built.body);
    let board_tag = etag(&board_page);
    assert!(board_tag.starts_with("W/\""), "{board_tag}");
    let again = get_if_none_match(&app, "/b/general/feed.atom", &board_tag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty(), "{}", again.body);
    assert_eq!(etag(&again), board_tag);
    let thread_tag = etag(&thread_page);
    let again = get_if_none_match(&app, &thread_path, &thread_tag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    // …until something new is posted: then a new tag and the new entry on top.
    let newest = app
        .new_thread_with(
            &alice,
            "general",
            "Nouvelle caméra rue Garibaldi",
            "Posée hier",
            "lyon",
        )
        .await;
    app.reply_with(&alice, first, "Encore une **réponse**")
        .await;
    let changed = get_if_none_match(&app, "/b/general/feed.atom", &board_tag).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(etag(&changed), board_tag);
    let board = Feed::from_str(&changed.body).expect("Atom");
    assert_eq!(
        board.entries[0].title.value,
        "Nouvelle caméra rue Garibaldi"
    );
    assert!(board.entries[0]
        .id
        .starts_with(&app.url(&format!("/t/{newest}/"))));
    let changed = get_if_none_match(&app, &thread_path, &thread_tag).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(etag(&changed), thread_tag);
    let thread = Feed::from_str(&changed.body).expect("Atom");
    assert_eq!(thread.entries.len(), 3);
    assert!(thread.entries[0]
        .content
        .as_ref()
        .and_then(|c| c.value.as_deref())
        .is_some_and(|h| h.contains("<strong>réponse</strong>")));
    let (_, city) = feed(&app, "/c/lyon/feed.atom").await;
    assert_eq!(city.entries[0].title.value, "Nouvelle caméra rue Garibaldi");

    // What does not exist has no feed.
    for path in [
        "/b/inconnu/feed.atom",
        "/t/987654/feed.atom",
        "/c/atlantide/feed.atom",
        "/g/inconnu/feed.atom",
        "/g/inconnu/b/annonces/feed.atom",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn group_and_actions_feeds_show_public_boards_and_public_actions_only() {
    let app = TestApp::spawn().await;
    let alice = browser();
    app.register_with(&alice, "alice").await;
    let token = app.api_login("alice").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/groups",
            Some(&token),
            Some(
                json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon",
                        "visibility": "public", "join_policy": "open"}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    let public = app
        .new_thread_at(
            &alice,
            "/g/vigie-lyon/b/annonces/new",
            "Réunion publique jeudi",
            "Ouverte à **toutes et tous**",
            "lyon",
        )
        .await;
    let secret = app
        .new_thread_at(
            &alice,
            "/g/vigie-lyon/b/coordination/new",
            "Repérage secret quai Perrache",
            "Texte réservé au groupe",
            "lyon",
        )
        .await;
    app.reply_with(&alice, public, "Réponse publique").await;
    let action = |title: &str, visibility: &str| {
        json!({"group": "vigie-lyon", "title": title, "starts_at": "2030-06-15T18:30",
               "place": "Place Bellecour", "city": "lyon", "visibility": visibility,
               "description": format!("{title}: venez **nombreux**.")})
    };
    let mut actions = Vec::new();
    for (title, visibility) in [
        ("Rassemblement Bellecour", "public"),
        ("Préparation interne", "members"),
    ] {
        let res = app
            .api(
                Method::POST,
                "/api/v1/actions",
                Some(&token),
                Some(action(title, visibility)),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        actions.push(res.json());
    }

    // The group's feed: the new threads of its public boards, whoever asks (a member too).
    for client in [browser(), alice.clone()] {
        let (_, group) = feed_with(&app, &client, "/g/vigie-lyon/feed.atom").await;
        assert!(
            titles(&group).contains(&"Réunion publique jeudi"),
            "{:?}",
            titles(&group)
        );
        let text = words(&group);
        for hidden in [
            "Repérage secret",
            "réservé au groupe",
            "Préparation interne",
        ] {
            assert!(!text.contains(hidden), "group feed shows {hidden}: {text}");
        }
        let cooked = content_of(&group, "Réunion publique jeudi");
        assert!(
            cooked.contains("<strong>toutes et tous</strong>"),
            "{cooked}"
        );
    }
    let (_, board) = feed_with(&app, &alice, "/g/vigie-lyon/b/annonces/feed.atom").await;
    assert!(titles(&board).contains(&"Réunion publique jeudi"));
    assert!(board
        .entries
        .iter()
        .any(|e| e.id.starts_with(&app.url(&format!("/t/{public}/")))));
    // The private board and its thread have no feed, even for a member; the city's feed leaves
    // them out.
    for path in [
        "/g/vigie-lyon/b/coordination/feed.atom".to_owned(),
        format!("/t/{secret}/feed.atom"),
    ] {
        for client in [browser(), alice.clone()] {
            let res = app.get_with(&client, &path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!res.body.contains("Repérage secret"));
        }
    }
    let (_, city) = feed(&app, "/c/lyon/feed.atom").await;
    assert!(titles(&city).contains(&"Réunion publique jeudi"));
    assert!(!words(&city).contains("Repérage secret"));
    let coordination = app.get_with(&alice, "/g/vigie-lyon/b/coordination").await;
    assert_eq!(coordination.status, StatusCode::OK);
    assert_eq!(
        head_feed(&coordination.body),
        None,
        "a private board has no feed"
    );

    // The actions' feed: the public ones, their description cooked, never the members-only.
    let (_, list) = feed(&app, "/actions/feed.atom").await;
    assert_eq!(titles(&list), ["Rassemblement Bellecour"]);
    let id = actions[0]["id"].as_i64().expect("action id");
    assert_eq!(list.entries[0].id, app.url(&format!("/a/{id}")));
    let cooked = content_of(&list, "Rassemblement Bellecour");
    assert!(cooked.contains("<strong>nombreux</strong>"), "{cooked}");
    let (_, list) = feed_with(&app, &alice, "/actions/feed.atom").await;
    assert!(!words(&list).contains("Préparation interne"));

    // Each page links its feed from its head.
    links_its_feed(&app, "/g/vigie-lyon", "/g/vigie-lyon/feed.atom").await;
    links_its_feed(
        &app,
        "/g/vigie-lyon/b/annonces",
        "/g/vigie-lyon/b/annonces/feed.atom",
    )
    .await;
    links_its_feed(&app, "/actions", "/actions/feed.atom").await;

    // A thread hidden by moderation leaves the group's feeds at once (they were kept).
    let admin = app.admin_token().await;
    moderate(
        &app,
        &admin,
        &format!("threads/{public}"),
        json!({"action": "hide", "reason": "Hors charte"}),
    )
    .await;
    for path in [
        "/g/vigie-lyon/feed.atom",
        "/g/vigie-lyon/b/annonces/feed.atom",
        "/c/lyon/feed.atom",
    ] {
        let (_, feed) = feed(&app, path).await;
        assert!(!words(&feed).contains("Réunion publique"), "{path}");
    }
}

#[tokio::test]
async fn hidden_and_deleted_posts_and_hidden_threads_never_reach_a_feed() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, bob) = (browser(), browser());
    app.register_with(&alice, "alice").await;
    app.register_with(&bob, "bob").await;
    let kept = app
        .new_thread_with(
            &alice,
            "general",
            "Sujet ouvert",
            "Message d’ouverture",
            "lyon",
        )
        .await;
    for body in ["Réponse visible", "Réponse masquée", "Réponse supprimée"] {
        let res = app.reply_with(&bob, kept, body).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let hidden_thread = app
        .new_thread_with(
            &bob,
            "general",
            "Sujet masqué",
            "Texte du sujet masqué",
            "lyon",
        )
        .await;
    let hidden_opening = app
        .new_thread_with(
            &bob,
            "general",
            "Ouverture masquée",
            "Texte d’ouverture masqué",
            "lyon",
        )
        .await;
    let kept_path = format!("/t/{kept}/feed.atom");
    let opening_path = format!("/t/{hidden_opening}/feed.atom");
    // Every feed read once, so that the kept copies must give way.
    let (_, board) = feed(&app, "/b/general/feed.atom").await;
    assert_eq!(titles(&board).len(), 3);
    let (_, thread) = feed(&app, &kept_path).await;
    assert_eq!(thread.entries.len(), 4);
    feed(&app, "/c/lyon/feed.atom").await;
    feed(&app, &opening_path).await;
    let hidden_path = format!("/t/{hidden_thread}/feed.atom");
    feed(&app, &hidden_path).await;

    let posts = app.post_ids(kept).await;
    moderate(
        &app,
        &admin,
        &format!("posts/{}", posts[2]),
        json!({"action": "hide", "reason": "Données personnelles"}),
    )
    .await;
    moderate(
        &app,
        &admin,
        &format!("posts/{}", posts[3]),
        json!({"action": "delete", "reason": "Doxxing"}),
    )
    .await;
    moderate(
        &app,
        &admin,
        &format!("threads/{hidden_thread}"),
        json!({"action": "hide", "reason": "Hors charte"}),
    )
    .await;
    let opening = app.post_ids(hidden_opening).await;
    moderate(
        &app,
        &admin,
        &format!("posts/{}", opening[0]),
        json!({"action": "hide", "reason": "Hors charte"}),
    )
    .await;

    let secrets = [
        "Réponse masquée",
        "Réponse supprimée",
        "Sujet masqué",
        "Texte du sujet masqué",
        "Texte d’ouverture masqué",
        "Données personnelles",
        "Doxxing",
        "Hors charte",
    ];
    // A member reads the same feeds as a visitor (the author of hidden posts too).
    for client in [browser(), bob.clone()] {
        let (_, thread) = feed_with(&app, &client, &kept_path).await;
        let text = words(&thread);
        assert_eq!(thread.entries.len(), 2, "{text}");
        assert!(text.contains("Réponse visible") && text.contains("Message d’ouverture"));
        let (_, board) = feed_with(&app, &client, "/b/general/feed.atom").await;
        assert_eq!(titles(&board), ["Sujet ouvert"]);
        let (_, city) = feed_with(&app, &client, "/c/lyon/feed.atom").await;
        assert_eq!(titles(&city), ["Sujet ouvert"]);
        let (_, opening) = feed_with(&app, &client, &opening_path).await;
        assert!(opening.entries.is_empty(), "{}", words(&opening));
        for feed in [&thread, &board, &city, &opening] {
            let text = words(feed);
            for secret in secrets {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        let res = app.get_with(&client, &hidden_path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(!res.body.contains("Texte du sujet masqué"));
    }
}
