//! "Private means private": a thread in a group's private board, its title, its text and its
//! author never reach a non-member, a former member or a visitor — on every page, list, feed of
//! notifications, log, export and API that could show them. Site staff read it only once a
//! member reported a post there, and that read is logged.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{browser, TestApp};

const SECRET_TITLE: &str = "Repérage caméras quai Perrache";
const SECRET_TEXT: &str = "Rendez-vous derrière la gare à 6h, téléphones éteints";
const SECRET_REPLY: &str = "Je prends les photos des mâts";

/// Everything one outsider may try, over HTML and JSON; none of it may show the secret.
struct Probe<'a> {
    app: &'a TestApp,
    thread_id: i64,
    post_id: i64,
    public_thread: i64,
}

impl Probe<'_> {
    async fn check(&self, who: &str, client: &reqwest::Client, token: Option<&str>) {
        let app = self.app;
        let leaks = |body: &str| {
            body.contains(SECRET_TITLE) || body.contains(SECRET_TEXT) || body.contains(SECRET_REPLY)
        };
        // Pages that must not exist for them.
        for path in [
            "/g/vigie-lyon/b/coordination".to_owned(),
            "/g/vigie-lyon/b/coordination/new".to_owned(),
            format!("/t/{}", self.thread_id),
            format!("/t/{}/x", self.thread_id),
            format!("/t/{}/reply", self.thread_id),
            format!("/p/{}", self.post_id),
            format!("/p/{}/history", self.post_id),
            format!("/t/{}/reply?quote={}", self.public_thread, self.post_id),
        ] {
            let page = app.get_with(client, &path).await;
            // Visitors are sent to the login page for forms; nobody gets the content.
            assert!(
                page.status == StatusCode::NOT_FOUND
                    || (token.is_none() && page.status == StatusCode::SEE_OTHER)
                    || (token.is_none() && page.status == StatusCode::UNAUTHORIZED),
                "{who}: {path} answered {}",
                page.status
            );
            assert!(!leaks(&page.body), "{who}: {path} leaks");
        }
        // Lists that must not show it.
        for path in [
            "/",
            "/c/lyon",
            "/u/alice",
            "/g/vigie-lyon",
            "/modlog",
            "/notifications",
        ] {
            let page = app.get_with(client, path).await;
            assert!(!leaks(&page.body), "{who}: {path} leaks");
        }
        // The JSON API.
        for path in [
            format!("/api/v1/threads/{}", self.thread_id),
            format!("/api/v1/threads/{}/posts", self.thread_id),
            "/api/v1/groups/vigie-lyon/boards/coordination/threads".to_owned(),
        ] {
            let res = app.api(Method::GET, &path, token, None).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who}: {path}");
            assert!(!leaks(&res.body), "{who}: {path} leaks");
        }
        for path in [
            "/api/v1/boards",
            "/api/v1/notifications",
            "/api/v1/modlog",
            "/api/v1/groups/vigie-lyon",
        ] {
            let res = app.api(Method::GET, path, token, None).await;
            assert!(!leaks(&res.body), "{who}: {path} leaks");
        }
        if let Some(token) = token {
            // Writing there is as impossible as reading.
            let res = app
                .api(
                    Method::POST,
                    &format!("/api/v1/threads/{}/posts", self.thread_id),
                    Some(token),
                    Some(json!({"body": "je m'invite"})),
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who}: reply API");
            let res = app
                .api(
                    Method::POST,
                    &format!("/api/v1/posts/{}/report", self.post_id),
                    Some(token),
                    Some(json!({"reason": "spam", "text": ""})),
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who}: report API");
            let export = app.get_with(client, "/settings/export").await;
            assert_eq!(export.status, StatusCode::OK, "{who}: export");
            // Their export keeps their own words (a former member's reply is theirs), never the
            // thread's title or anybody else's text.
            assert!(
                !export.body.contains(SECRET_TITLE) && !export.body.contains(SECRET_TEXT),
                "{who}: export leaks"
            );
        }
    }
}

#[tokio::test]
async fn a_private_board_is_invisible_to_everyone_outside_the_group() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    // Alice founds the group; Bob and Dave join; Carol never does.
    let (alice, bob, carol, dave) = (browser(), browser(), browser(), browser());
    for (client, name) in [
        (&alice, "alice"),
        (&bob, "bob"),
        (&carol, "carol"),
        (&dave, "dave"),
    ] {
        app.register_with(client, name).await;
    }
    let alice_token = app.api_login("alice").await;
    let bob_token = app.api_login("bob").await;
    let carol_token = app.api_login("carol").await;
    let dave_token = app.api_login("dave").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/groups",
            Some(&alice_token),
            Some(json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon", "visibility": "public", "join_policy": "open"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    for token in [&bob_token, &dave_token] {
        let res = app
            .api(
                Method::POST,
                "/api/v1/groups/vigie-lyon/join",
                Some(token),
                Some(json!({})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["status"], "member");
    }

    // Alice opens a thread in the private board, with a city; Dave and Bob take part.
    let path = "/g/vigie-lyon/b/coordination/new";
    let res = app
        .post_form_with(
            &alice,
            path,
            path,
            &[
                ("title", SECRET_TITLE),
                ("body", &format!("{SECRET_TEXT} @dave @carol")),
                ("city", "lyon"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let thread_id: i64 = res
        .location()
        .trim_start_matches("/t/")
        .split(['/', '?'])
        .next()
        .and_then(|id| id.parse().ok())
        .expect("thread id");
    let posts = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread_id}/posts"),
            Some(&bob_token),
            None,
        )
        .await;
    assert_eq!(posts.status, StatusCode::OK, "members read it");
    let post_id = posts.json()["posts"][0]["id"].as_i64().expect("post id");
    let reply = app.reply_with(&dave, thread_id, SECRET_REPLY).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // Members see it in their group's board.
    let board = app.get_with(&bob, "/g/vigie-lyon/b/coordination").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains("Repérage caméras"), "{}", board.body);
    // A group board page for a member stays within seven statements (session and the unread
    // marks of its threads included).
    assert!(
        board.statements() <= 7,
        "group board page: {} statements",
        board.statements()
    );
    // A public thread elsewhere, to try quoting into.
    let public_thread = app
        .new_thread_with(
            &carol,
            "general",
            "Réunion publique",
            "Bienvenue à toutes",
            "",
        )
        .await;
    app.settle(&admin).await;

    // What Dave received while a member was his to read; count it, to look only at what follows.
    let dave_mails_as_member = app.mails_to("dave@example.org").len();
    // Dave leaves: from the next request on, he is an outsider.
    let res = app
        .api(
            Method::DELETE,
            "/api/v1/groups/vigie-lyon/membership",
            Some(&dave_token),
            None,
        )
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    // Alice mentions the outsiders again: nobody outside hears of it.
    let reply = app
        .reply_with(
            &alice,
            thread_id,
            &format!("{SECRET_REPLY} bis @dave @carol"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    app.settle(&admin).await;

    let probe = Probe {
        app: &app,
        thread_id,
        post_id,
        public_thread,
    };
    probe.check("non-member", &carol, Some(&carol_token)).await;
    probe.check("former member", &dave, Some(&dave_token)).await;
    probe.check("visitor", &browser(), None).await;
    for (to, skip) in [
        ("carol@example.org", 0),
        ("dave@example.org", dave_mails_as_member),
    ] {
        for mail in app.mails_to(to).into_iter().skip(skip) {
            assert!(
                !mail.text.contains(SECRET_TITLE) && !mail.text.contains(SECRET_TEXT),
                "a mail to {to} leaks: {}",
                mail.text
            );
        }
    }

    // Site staff: nothing before a member's report…
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "staff without a report");
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread_id}/moderate"),
            Some(&admin),
            Some(json!({"action": "lock", "reason": ""})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "staff cannot act unseen");
    // …then Bob reports a post, and the thread opens to staff, with a trace in the log.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/posts/{post_id}/report"),
            Some(&bob_token),
            Some(json!({"reason": "other", "text": "Besoin d'aide"})),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "staff through a report");
    let log = app
        .api(Method::GET, "/api/v1/modlog", Some(&admin), None)
        .await;
    assert!(log.body.contains("read_private_thread"), "{}", log.body);
    // The public log shows neither the read nor the title.
    let public = app.api(Method::GET, "/api/v1/modlog", None, None).await;
    assert!(!public.body.contains("read_private_thread"));
    assert!(!public.body.contains(SECRET_TITLE));
}
