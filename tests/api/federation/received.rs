//! Posts from another server (issue 17): Zoe, on the test's own remote server, replies in a
//! thread, opens one in a board, edits and deletes her posts and reports one; what she sends is
//! sanitised, taken once, refused where it may not go, held back for a limited instance, and her
//! account here can neither sign in nor get messages. A reply here in the thread she opened
//! goes to her server, answering her `Page`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::remote::Remote;
use super::{base, federated, follow_group, people, set_policy};
use crate::helpers::browser;

/// Zoe's `Create` (or `Update`) of `object`, activity number `n`.
fn activity(remote: &Remote, kind: &str, n: u32, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{n}", remote.base),
        "type": kind,
        "actor": remote.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": object,
    })
}

/// Zoe's public `Note` number `n` answering `in_reply_to`.
fn note(remote: &Remote, n: u32, in_reply_to: &str, content: &str) -> Value {
    json!({
        "id": format!("{}/notes/{n}", remote.base),
        "type": "Note",
        "attributedTo": remote.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [format!("{}/followers", remote.actor)],
        "inReplyTo": in_reply_to,
        "content": content,
        "mediaType": "text/html",
    })
}

#[tokio::test]
async fn remote_replies_threads_edits_deletions_and_reports_are_taken_in() {
    let app = federated().await;
    let alice = people(&app).await;
    let base = base(&app);
    let inbox = format!("{base}/inbox");
    let remote = Remote::start().await;
    let handle = format!("zoe@{}", remote.base.trim_start_matches("http://"));
    let thread = app
        .new_thread_with(
            &alice,
            "general",
            "Caméras gare Part-Dieu",
            "Six caméras",
            "",
        )
        .await;
    let page_id = format!("{base}/t/{thread}");
    // Another server follows the board: what Zoe posts in it is relayed to it (FEP-1b12).
    let board = format!("{base}/b/general");
    let yan = Remote::start().await;
    super::accepted_follow(&yan, &board).await;

    // A reply: sanitised (no script, no handler, no remote image, no relative link), shown with
    // Zoe's handle and a link to the original.
    let hostile = "<p onmouseover=\"steal()\">Il y en a <strong>huit</strong>\
        <script>alert(1)</script><img src=\"https://tracker.example/p.gif\">\
        <a href=\"/admin\">ici</a></p>";
    let create = activity(&remote, "Create", 1, note(&remote, 1, &page_id, hostile));
    let (status, body) = remote.post_signed(&inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let page = app.get(&format!("/t/{thread}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Il y en a <strong>huit</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&handle), "{}", page.body);
    assert!(page
        .body
        .contains(&format!("href=\"{}/notes/1\"", remote.base)));
    for banned in ["alert(1)", "steal()", "tracker.example", "href=\"/admin\""] {
        assert!(!page.body.contains(banned), "{banned} in {}", page.body);
    }
    // The board relays it, sanitised, as Zoe's, with its id on her server.
    let note_1 = format!("{}/notes/1", remote.base);
    let relayed = yan
        .wait_for("the board's relay of Zoe's reply", |v| {
            v["type"] == "Announce" && v["object"]["object"]["id"] == note_1
        })
        .await
        .json();
    assert_eq!(relayed["actor"], board);
    assert_eq!(relayed["object"]["type"], "Create");
    assert_eq!(relayed["object"]["actor"], remote.actor);
    assert_eq!(relayed["object"]["object"]["attributedTo"], remote.actor);
    assert!(!relayed.to_string().contains("alert(1)"), "{relayed}");
    // The thread's API says where it came from.
    let posts = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(
        posts["posts"][1]["origin"],
        format!("{}/notes/1", remote.base)
    );
    assert_eq!(posts["posts"][1]["author"], handle);
    assert!(posts["posts"][0]["origin"].is_null());

    // The same activity again, and the same Note in another activity: still one reply.
    remote.post_signed(&inbox, &create).await;
    let again = activity(&remote, "Create", 2, note(&remote, 1, &page_id, hostile));
    assert_eq!(
        remote.post_signed(&inbox, &again).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(app.post_ids(thread).await.len(), 2);

    // A reply to her reply lands in the same thread.
    let nested = note(
        &remote,
        2,
        &format!("{}/notes/1", remote.base),
        "<p>Et une neuvième.</p>",
    );
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 3, nested))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(app.post_ids(thread).await.len(), 3);

    // A reply behind a content warning (Mastodon's `summary`) shows behind it, the warning as
    // plain text; an `Article`'s summary (an abstract) is no warning.
    let mut warned = note(
        &remote,
        3,
        &page_id,
        "<p>Interpellation filmée place du marché.</p>",
    );
    warned["summary"] = json!("Violences <b>policières</b>");
    warned["sensitive"] = json!(true);
    let (status, body) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 31, warned))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let page = app.get(&format!("/t/{thread}")).await;
    assert!(
        page.body.contains(
            "<details class=\"content-warning\"><summary>Violences &lt;b&gt;policières&lt;/b&gt;\
             </summary><p>Interpellation filmée place du marché.</p></details>"
        ),
        "{}",
        page.body
    );
    let mut article = note(&remote, 4, &page_id, "<p>Le texte entier.</p>");
    article["type"] = json!("Article");
    article["summary"] = json!("Un résumé");
    let (status, body) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 32, article))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let page = app.get(&format!("/t/{thread}")).await;
    assert!(
        page.body.contains("<p>Le texte entier.</p>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<summary>Un résumé"), "{}", page.body);
    assert_eq!(app.post_ids(thread).await.len(), 5);

    // Staff cannot edit her reply here (it would go out as her words): only hide or delete it.
    let zoe_reply = app.post_ids(thread).await[1];
    let edit = app.get(&format!("/p/{zoe_reply}/edit")).await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    assert!(!app
        .get(&format!("/t/{thread}"))
        .await
        .body
        .contains(&format!("/p/{zoe_reply}/edit")));

    // Her edit replaces the text; an Update claiming someone else's post changes nothing.
    let mut edited = note(&remote, 1, &page_id, "<p>Finalement dix.</p>");
    edited["updated"] = json!("2026-12-07T12:00:00Z");
    let (status, body) = remote
        .post_signed(&inbox, &activity(&remote, "Update", 4, edited))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let page = app.get(&format!("/t/{thread}")).await;
    assert!(page.body.contains("Finalement dix."), "{}", page.body);
    assert!(!page.body.contains("huit"));
    let mut forged = note(&remote, 1, &page_id, "<p>Usurpé</p>");
    forged["attributedTo"] = json!(format!("{base}/u/alice"));
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Update", 5, forged))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!app
        .get(&format!("/t/{thread}"))
        .await
        .body
        .contains("Usurpé"));

    // A new thread addressed to the board (a Page with its audience).
    let page_object = json!({
        "id": format!("{}/pages/1", remote.base),
        "type": "Page",
        "attributedTo": remote.actor,
        "name": "Drones au-dessus de la manifestation",
        "content": "<p>Vus samedi.</p>",
        "source": {"content": "Vus **samedi**.", "mediaType": "text/markdown"},
        "to": ["https://www.w3.org/ns/activitystreams#Public", format!("{base}/b/general")],
        "audience": format!("{base}/b/general"),
    });
    let (status, body) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 6, page_object))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let board = app.get("/b/general").await;
    assert!(
        board.body.contains("Drones au-dessus de la manifestation"),
        "{}",
        board.body
    );
    let search_hits = app.get("/search?q=samedi").await;
    assert!(
        search_hits.body.contains("Drones au-dessus"),
        "{}",
        search_hits.body
    );

    // Alice answers Zoe's thread: Zoe's server gets the Note, answering Zoe's Page.
    let zoe_thread = app
        .api(
            reqwest::Method::GET,
            "/api/v1/boards/general/threads",
            None,
            None,
        )
        .await
        .json()["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["title"] == "Drones au-dessus de la manifestation")
        .and_then(|t| t["id"].as_i64())
        .expect("Zoe's thread");
    let res = app
        .reply_with(&alice, zoe_thread, "Moi aussi je les ai vus")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let answer = remote
        .wait_for("Alice's reply to Zoe's thread", |v| {
            v["type"] == "Create" && v["object"]["inReplyTo"] == format!("{}/pages/1", remote.base)
        })
        .await;
    assert_eq!(answer.path, "/inbox");
    assert!(answer.body.contains("Moi aussi je les ai vus"));

    // Zoe reports Alice's opening post: local staff find it in the queue.
    let flag = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/flags/1", remote.base),
        "type": "Flag",
        "actor": remote.actor,
        "object": [format!("{base}/u/alice"), page_id],
        "content": "Adresse personnelle publiée",
    });
    assert_eq!(
        remote.post_signed(&inbox, &flag).await.0,
        StatusCode::ACCEPTED
    );
    let queue = app.get("/mod/reports").await;
    assert!(
        queue.body.contains("Adresse personnelle publiée"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("Caméras gare Part-Dieu"));

    // Staff report her second reply to her server: a Flag from the board, naming it.
    let second = app.post_ids(thread).await[2];
    let res = app
        .post_form(
            &format!("/t/{thread}"),
            &format!("/mod/posts/{second}/flag"),
            &[("reason", "Propos menaçants")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let sent = remote
        .wait_for("the staff's Flag", |v| v["type"] == "Flag")
        .await
        .json();
    assert_eq!(sent["actor"], format!("{base}/b/general"));
    assert_eq!(sent["content"], "Propos menaçants");
    assert_eq!(sent["object"][1], format!("{}/notes/2", remote.base));
    assert!(app.get("/mod/log").await.body.contains("Propos menaçants"));
    // Only for received posts, and only for staff.
    let own = app.post_ids(thread).await[0];
    let res = app
        .post_form(
            &format!("/t/{thread}"),
            &format!("/mod/posts/{own}/flag"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app
        .post_form_with(
            &alice,
            &format!("/t/{thread}"),
            &format!("/mod/posts/{second}/flag"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Her deletion of her reply (by her server) empties it here.
    let delete = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/7", remote.base),
        "type": "Delete",
        "actor": remote.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {"id": format!("{}/notes/1", remote.base), "type": "Tombstone"},
    });
    assert_eq!(
        remote.post_signed(&inbox, &delete).await.0,
        StatusCode::ACCEPTED
    );
    let page = app.get(&format!("/t/{thread}")).await;
    assert!(!page.body.contains("Finalement dix."), "{}", page.body);
    assert!(page.body.contains("Et une neuvième."));
    // Her deletion is relayed too.
    yan.wait_for("the board's relay of Zoe's deletion", |v| {
        v["type"] == "Announce"
            && v["object"]["type"] == "Delete"
            && v["object"]["object"] == note_1
    })
    .await;

    // Her account here is not an account: no sign-in, no message, no actor of ours.
    let res = app
        .post_form_with(
            &browser(),
            "/login",
            "/login",
            &[
                ("login", handle.as_str()),
                ("password", "whatever-password"),
            ],
        )
        .await;
    assert_ne!(res.status, StatusCode::SEE_OTHER);
    assert_ne!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    let profile = app.get(&format!("/u/{handle}")).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.body.contains(&remote.actor), "{}", profile.body);
    assert!(!profile.body.contains("/messages/new"));
    let actor = super::get_ap(&app, &format!("/u/{handle}")).await;
    assert_eq!(actor.status, StatusCode::NOT_FOUND);
    let nodeinfo = app.get("/nodeinfo/2.1").await.json();
    assert_eq!(nodeinfo["usage"]["users"]["total"], 2, "{nodeinfo}");

    // Her account is deleted on her server: what she posted here is erased.
    let gone = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#delete", remote.actor),
        "type": "Delete",
        "actor": remote.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": remote.actor,
    });
    assert_eq!(
        remote.post_signed(&inbox, &gone).await.0,
        StatusCode::ACCEPTED
    );
    let page = app.get(&format!("/t/{thread}")).await;
    assert!(!page.body.contains("Et une neuvième."), "{}", page.body);
    // Her erased reply leaves the board's followers too (a Delete, not an empty edit).
    let note_2 = format!("{}/notes/2", remote.base);
    yan.wait_for("the board's relay of the erasure", |v| {
        v["type"] == "Announce"
            && v["object"]["type"] == "Delete"
            && v["object"]["object"] == note_2
    })
    .await;
    let board_page = app.get("/b/general").await;
    assert!(board_page.body.contains("Drones au-dessus"));
    let search_hits = app.get("/search?q=samedi").await;
    assert!(!search_hits.body.contains("Vus"), "{}", search_hits.body);

    // Alice deletes her account, erasing her posts: her reply sent to the board's followers
    // leaves them as a Delete, not as an empty edit.
    let alice_reply = format!("{base}/p/{}", app.post_ids(zoe_thread).await[1]);
    let res = app
        .post_form_with(
            &alice,
            "/settings",
            "/settings",
            &[
                ("action", "delete_account"),
                ("current_password", crate::helpers::PASSWORD),
                ("erase_posts", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    yan.wait_for("the Delete of Alice's erased reply", |v| {
        v["type"] == "Announce"
            && v["object"]["type"] == "Delete"
            && v["object"]["object"] == alice_reply
    })
    .await;
    assert!(!yan
        .received()
        .iter()
        .any(|r| r.body.contains("\"Update\"") && r.body.contains(&alice_reply)));
}

#[tokio::test]
async fn what_may_not_come_in_is_refused_or_held_back() {
    let app = federated().await;
    let alice = people(&app).await;
    let base = base(&app);
    let inbox = format!("{base}/inbox");
    let remote = Remote::start().await;
    let thread = app
        .new_thread_with(&alice, "general", "Reconnaissance faciale", "Au stade", "")
        .await;
    let page_id = format!("{base}/t/{thread}");

    // Followers-only: not for a public forum.
    let mut private = note(&remote, 1, &page_id, "<p>Entre nous</p>");
    private["to"] = json!([format!("{}/followers", remote.actor)]);
    private["cc"] = json!([]);
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 1, private))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // A Note whose id is on another server than its sender's: refused.
    let mut elsewhere = note(&remote, 2, &page_id, "<p>Pas de moi</p>");
    elsewhere["id"] = json!("https://other.example/notes/2");
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 2, elsewhere))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Too long, and nested too deep: refused without harm.
    let long = format!("<p>{}</p>", "a".repeat(250_000));
    let (status, _) = remote
        .post_signed(
            &inbox,
            &activity(&remote, "Create", 3, note(&remote, 3, &page_id, &long)),
        )
        .await;
    assert!(status.is_client_error(), "{status}");
    let deep = "<blockquote>".repeat(5_000);
    let (status, _) = remote
        .post_signed(
            &inbox,
            &activity(&remote, "Create", 4, note(&remote, 4, &page_id, &deep)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // An unknown type, and a reply to something that is not ours: acknowledged, no effect.
    let odd = json!({"id": format!("{}/odd/1", remote.base), "type": "Hologram", "attributedTo": remote.actor});
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 5, odd))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let stray = note(&remote, 6, "https://other.example/t/1", "<p>Ailleurs</p>");
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 6, stray))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(app.post_ids(thread).await.len(), 1);

    // A thread in a group's private board takes nothing from elsewhere.
    let token = app.api_login("alice").await;
    let res = app
        .api(
            reqwest::Method::POST,
            "/api/v1/groups",
            Some(&token),
            Some(json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon", "visibility": "public", "join_policy": "open"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let secret = app
        .new_thread_at(
            &alice,
            "/g/vigie-lyon/b/coordination/new",
            "Réunion",
            "Mardi",
            "",
        )
        .await;
    let into_private = note(
        &remote,
        7,
        &format!("{base}/t/{secret}"),
        "<p>Je m'invite</p>",
    );
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 7, into_private))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let inside = app.get_with(&alice, &format!("/t/{secret}")).await;
    assert_eq!(inside.status, StatusCode::OK);
    assert!(inside.body.contains("Mardi"));
    assert!(!inside.body.contains("Je m"), "{}", inside.body);

    // A limited instance: its reply is kept, hidden until staff look.
    let domain = remote.base.trim_start_matches("http://").to_owned();
    set_policy(&app, &domain, "limit", "Trop de bruit").await;
    let limited = note(&remote, 8, &page_id, "<p>Message limité</p>");
    let (status, _) = remote
        .post_signed(&inbox, &activity(&remote, "Create", 8, limited))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(app.post_ids(thread).await.len(), 2);
    let visitor = app.get_with(&browser(), &format!("/t/{thread}")).await;
    assert!(!visitor.body.contains("Message limité"), "{}", visitor.body);
    let staff = app.get(&format!("/t/{thread}")).await;
    assert!(staff.body.contains("Message limité"), "{}", staff.body);
    assert!(staff.body.contains("limited instance"), "{}", staff.body);

    // A flood: beyond 30 posts in an hour, a remote person's posts are dropped.
    for n in 10..45 {
        let flood = note(&remote, n, &page_id, &format!("<p>Message {n}</p>"));
        let (status, _) = remote
            .post_signed(&inbox, &activity(&remote, "Create", n, flood))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    assert_eq!(app.post_ids(thread).await.len(), 1 + 30);
}

#[tokio::test]
async fn a_followed_group_cannot_erase_another_servers_post_that_still_exists() {
    let app = federated().await;
    let alice = people(&app).await;
    let inbox = format!("{}/inbox", base(&app));
    let group = Remote::start_group().await;
    let third = Remote::start().await;

    // Alice follows the group (a board of another server); it accepts.
    follow_group(&app, &alice, &group, true).await;
    let mirror = format!("/b/zoe@{}", group.base.trim_start_matches("http://"));

    // The group announces a thread of a person of a third server: it is read from there.
    let page = json!({
        "id": format!("{}/notes/1", third.base),
        "type": "Page",
        "attributedTo": third.actor,
        "name": "Capteurs sonores au parc",
        "content": "<p>Installés hier.</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public", group.actor],
        "audience": group.actor,
    });
    third.serve("/notes/1", Some(&page));
    let announce = |n: u32, inner: Value| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/announces/{n}", group.base),
            "type": "Announce",
            "actor": group.actor,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": inner,
        })
    };
    let create = json!({
        "id": format!("{}/activities/1", third.base),
        "type": "Create",
        "actor": third.actor,
        "object": page,
    });
    let (status, body) = group.post_signed(&inbox, &announce(1, create)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(app
        .get(&mirror)
        .await
        .body
        .contains("Capteurs sonores au parc"));

    // A Delete of it, announced while its server still has it: refused.
    let delete = |n: u32| {
        json!({
            "id": format!("{}/activities/delete-{n}", third.base),
            "type": "Delete",
            "actor": third.actor,
            "object": format!("{}/notes/1", third.base),
        })
    };
    let (status, body) = group.post_signed(&inbox, &announce(2, delete(1))).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let threads = app
        .api(
            reqwest::Method::GET,
            &format!(
                "/api/v1/boards/zoe@{}/threads",
                group.base.trim_start_matches("http://")
            ),
            None,
            None,
        )
        .await
        .json();
    let thread = threads["threads"][0]["id"].as_i64().expect("the thread");
    assert!(app
        .get(&format!("/t/{thread}"))
        .await
        .body
        .contains("Installés hier."));

    // Once its server no longer has it, the same announced deletion is taken.
    third.serve("/notes/1", None);
    let (status, body) = group.post_signed(&inbox, &announce(3, delete(2))).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(!app
        .get(&format!("/t/{thread}"))
        .await
        .body
        .contains("Installés hier."));
}
