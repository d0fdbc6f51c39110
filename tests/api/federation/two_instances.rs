//! Two Vigie instances on loopback, federating end to end (issue 17; A on the suite's backend, B
//! on SQLite, so one of each when the suite runs on PostgreSQL): Alice on A follows B's
//! board by its handle; B's threads and replies reach A's mirror of the board; Alice answers
//! from A (replies and a thread) and B shows them; edits, staff hides and deletions cross over;
//! once A blocks B, nothing more of B's arrives; unfollowing ends the follow on B.

use std::future::Future;

use reqwest::StatusCode;
use serde_json::json;

use super::remote::{Remote, WAIT};
use super::{base, count_in, domain, federated, federated_on_sqlite, get_ap, set_policy};
use crate::helpers::{browser, TestApp};

/// Waits until `check` holds, polling (what federation does happens in the background).
pub(super) async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} never happened"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The delivery queue's counts on `app`'s admin page: (pending, delivered).
async fn queue(app: &TestApp) -> (i64, i64) {
    let page = app.get("/admin/federation").await;
    (
        count_in(&page.body, "deliveries-pending"),
        count_in(&page.body, "deliveries-delivered"),
    )
}

/// Waits until `app` has sent everything it queued.
async fn settled(app: &TestApp) {
    eventually("the delivery queue emptying", || async {
        queue(app).await.0 == 0
    })
    .await;
}

#[tokio::test]
async fn two_instances_follow_post_reply_edit_hide_delete_and_block() {
    let a = federated().await;
    a.create_admin("root_a").await;
    let b = federated_on_sqlite().await;
    b.create_admin("root_b").await;
    let alice = browser();
    a.register_with(&alice, "alice").await;
    let bob = browser();
    b.register_with(&bob, "bob").await;
    let handle = format!("!general@{}", domain(&b));
    let mirror = format!("/b/general@{}", domain(&b));

    // Alice follows B's board from A, by its handle; B accepts.
    let res = a
        .post_form_with(
            &alice,
            "/federation/following",
            "/federation/following",
            &[("handle", handle.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("B recording A's follow", || async {
        get_ap(&b, "/b/general/followers").await.json()["totalItems"] == 1
    })
    .await;
    eventually("B's Accept reaching A", || async {
        let page = a.get_with(&alice, "/federation/following").await;
        page.body.contains(&mirror) && !page.body.contains("pending-follow")
    })
    .await;
    // A third server cannot open a thread in A's mirror of B's board by addressing B's board:
    // only B's board announces what is in it.
    let zoe = Remote::start().await;
    let b_board = format!("{}/b/general", base(&b));
    let intruder = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/1", zoe.base),
        "type": "Create",
        "actor": zoe.actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": format!("{}/pages/1", zoe.base),
            "type": "Page",
            "attributedTo": zoe.actor,
            "name": "Intrus dans le miroir",
            "content": "<p>Faux</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public", b_board],
            "audience": b_board,
        },
    });
    let (status, body) = zoe
        .post_signed(&format!("{}/inbox", base(&a)), &intruder)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(!a.get(&mirror).await.body.contains("Intrus dans le miroir"));
    // Not the site's own board: the home page does not list it.
    assert!(!a.get("/").await.body.contains(&mirror));

    // Bob opens a thread on B: it reaches A's mirror, by Bob's handle.
    let bob_thread = b
        .new_thread_with(
            &bob,
            "general",
            "Vidéosurveillance au marché",
            "Trois caméras",
            "",
        )
        .await;
    eventually("Bob's thread on A", || async {
        a.get(&mirror)
            .await
            .body
            .contains("Vidéosurveillance au marché")
    })
    .await;
    let threads = a
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/boards/general@{}/threads", domain(&b)),
            None,
            None,
        )
        .await
        .json();
    let a_thread = threads["threads"][0]["id"].as_i64().expect("thread on A");
    let page = a.get(&format!("/t/{a_thread}")).await;
    assert!(page.body.contains("Trois caméras"));
    assert!(
        page.body.contains(&format!("bob@{}", domain(&b))),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("{}/t/{bob_thread}", base(&b))));

    // Alice answers from A: B shows her reply, by her handle.
    let res = a
        .reply_with(&alice, a_thread, "Il y en a une quatrième")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("Alice's reply on B", || async {
        b.get(&format!("/t/{bob_thread}"))
            .await
            .body
            .contains("Il y en a une quatrième")
    })
    .await;
    assert!(b
        .get(&format!("/t/{bob_thread}"))
        .await
        .body
        .contains(&format!("alice@{}", domain(&a))));

    // Alice opens a thread in the mirror on A: it is B's board's thread on B.
    let mirror_slug = format!("general@{}", domain(&b));
    a.new_thread_with(
        &alice,
        &mirror_slug,
        "Drone au-dessus du parc",
        "Samedi midi",
        "",
    )
    .await;
    eventually("Alice's thread on B", || async {
        b.get("/b/general")
            .await
            .body
            .contains("Drone au-dessus du parc")
    })
    .await;

    // Bob replies on B, then edits his reply: A follows both.
    let res = b.reply_with(&bob, bob_thread, "Bien vu, je note").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("Bob's reply on A", || async {
        a.get(&format!("/t/{a_thread}"))
            .await
            .body
            .contains("Bien vu, je note")
    })
    .await;
    let bob_reply = *b.post_ids(bob_thread).await.last().expect("Bob's reply");
    let edit = format!("/p/{bob_reply}/edit");
    let res = b
        .post_form_with(&bob, &edit, &edit, &[("body", "Bien vu, c'est noté")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("Bob's edit on A", || async {
        a.get(&format!("/t/{a_thread}"))
            .await
            .body
            .contains("est noté")
    })
    .await;

    // Alice edits hers on A: B follows.
    let alice_reply = a.post_ids(a_thread).await[1];
    let edit = format!("/p/{alice_reply}/edit");
    let res = a
        .post_form_with(&alice, &edit, &edit, &[("body", "Il y en a une cinquième")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("Alice's edit on B", || async {
        b.get(&format!("/t/{bob_thread}"))
            .await
            .body
            .contains("Il y en a une cinquième")
    })
    .await;

    // B's staff hide Bob's reply: it goes on A too.
    let res = b
        .post_form(
            &format!("/t/{bob_thread}"),
            &format!("/mod/posts/{bob_reply}"),
            &[("action", "hide"), ("reason", "Doublon")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("the hide reaching A", || async {
        !a.get_with(&browser(), &format!("/t/{a_thread}"))
            .await
            .body
            .contains("noté")
    })
    .await;

    // B's administrator deletes a reply of Bob's: it goes on A too.
    let res = b.reply_with(&bob, bob_thread, "Message à supprimer").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("Bob's second reply on A", || async {
        a.get(&format!("/t/{a_thread}"))
            .await
            .body
            .contains("Message à supprimer")
    })
    .await;
    let doomed = *b
        .post_ids(bob_thread)
        .await
        .last()
        .expect("Bob's second reply");
    let res = b
        .post_form(
            &format!("/mod/posts/{doomed}/delete"),
            &format!("/mod/posts/{doomed}"),
            &[("action", "delete"), ("reason", "Données personnelles")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("the deletion reaching A", || async {
        !a.get(&format!("/t/{a_thread}"))
            .await
            .body
            .contains("Message à supprimer")
    })
    .await;

    // A blocks B: what B sends next is refused, and A's mirror does not change.
    let b_domain = domain(&b);
    set_policy(&a, &b_domain, "block", "Test").await;
    settled(&b).await;
    let (_, delivered_before) = queue(&b).await;
    let res = b.reply_with(&bob, bob_thread, "Après le blocage").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("B trying to send the reply to A", || async {
        let (pending, delivered) = queue(&b).await;
        pending == 0 && delivered > delivered_before
    })
    .await;
    assert!(!a
        .get(&format!("/t/{a_thread}"))
        .await
        .body
        .contains("Après le blocage"));

    // Alice stops following: B has no follower left.
    let res = a
        .post_form(
            "/admin/federation",
            "/admin/federation/remove",
            &[("domain", b_domain.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = a.get_with(&alice, "/federation/following").await;
    let board_id = page
        .body
        .split("id=\"followed-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the followed board")
        .to_owned();
    let res = a
        .post_form_with(
            &alice,
            "/federation/following",
            &format!("/federation/following/{board_id}/unfollow"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    eventually("B forgetting A's follow", || async {
        get_ap(&b, "/b/general/followers").await.json()["totalItems"] == 0
    })
    .await;
}

#[tokio::test]
async fn following_a_board_needs_a_group_of_another_server() {
    let a = federated().await;
    a.create_admin("root_a").await;
    let alice = browser();
    a.register_with(&alice, "alice").await;
    let follow = |handle: &'static str| {
        let a = &a;
        let alice = &alice;
        async move {
            a.post_form_with(
                alice,
                "/federation/following",
                "/federation/following",
                &[("handle", handle)],
            )
            .await
        }
    };
    // Not a handle: the form again, with the text kept.
    let res = follow("n'importe quoi").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("value=\"n&#x27;importe quoi\""),
        "{}",
        res.body
    );
    // One of ours.
    let ours = format!("!general@{}", domain(&a));
    let res = a
        .post_form_with(
            &alice,
            "/federation/following",
            "/federation/following",
            &[("handle", ours.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A person, not a group.
    let b = federated().await;
    let bob = browser();
    b.register_with(&bob, "bob").await;
    let person = format!("{}/u/bob", base(&b));
    let res = a
        .post_form_with(
            &alice,
            "/federation/following",
            "/federation/following",
            &[("handle", person.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // Signed out: the sign-in page.
    let res = a.get_with(&browser(), "/federation/following").await;
    assert_ne!(res.status, StatusCode::OK);
}
