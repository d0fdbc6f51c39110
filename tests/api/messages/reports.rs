//! Reports on private messages: a member of the conversation reports one message (form and
//! API), even one of someone they blocked since; site staff see that message only, never the
//! rest of the conversation, which they cannot open either, and still see it once it is gone.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{bodies, call, member, read_status, start, write};
use crate::helpers::{browser, TestApp, PASSWORD};

#[tokio::test]
async fn staff_see_the_reported_message_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let admin_web = browser();
    app.login_with(&admin_web, "root_admin").await;
    let (alice, alice_web) = member(&app, "alice_rep").await;
    let (bob, _) = member(&app, "bob_rep").await;
    let id = start(
        &app,
        &alice,
        &["bob_rep"],
        "Privé",
        "Premier message anodin",
    )
    .await;
    let res = write(&app, &bob, id, "Message injurieux XYZ").await;
    let reported = res.json()["id"].as_i64().expect("message id");

    // The report form and the API.
    let page = app
        .get_with(&alice_web, &format!("/messages/report/{reported}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let res = app
        .post_form_with(
            &alice_web,
            &format!("/messages/report/{reported}"),
            &format!("/messages/report/{reported}"),
            &[("reason", "other"), ("text", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form_with(
            &alice_web,
            &format!("/messages/report/{reported}"),
            &format!("/messages/report/{reported}"),
            &[("reason", "abuse"), ("text", "Insultes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/messages/{id}?reported=1"));
    let page = app.get_with(&alice_web, res.location()).await;
    assert!(page.body.contains("role=\"status\""), "{}", page.body);
    let path = format!("/api/v1/messages/{reported}/report");
    // Carol, outside the conversation, cannot report it: for her it does not exist.
    let (carol, _) = member(&app, "carol_rep").await;
    let res = call(
        &app,
        Method::POST,
        &path,
        &carol,
        Some(json!({"reason": "spam"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = call(
        &app,
        Method::POST,
        &path,
        &alice,
        Some(json!({"reason": "abuse"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = call(
        &app,
        Method::POST,
        &path,
        &bob,
        Some(json!({"reason": "spam"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "own message");
    let res = call(
        &app,
        Method::POST,
        &path,
        &admin,
        Some(json!({"reason": "spam"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "staff are not in it");

    // Staff see that message, not the rest; they cannot open the conversation.
    let queue = app.get_with(&admin_web, "/mod/messages").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Message injurieux XYZ"));
    assert!(queue.body.contains("Insultes"));
    assert!(!queue.body.contains("Premier message anodin"));
    assert!(!queue.body.contains("Privé"));
    assert_eq!(read_status(&app, &admin, id).await, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_with(&admin_web, &format!("/messages/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with(&alice_web, "/mod/messages").await.status,
        StatusCode::NOT_FOUND
    );

    // Closing the report empties the queue.
    let close = queue
        .body
        .split("action=\"/mod/messages/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("close form")
        .to_owned();
    let res = app
        .post_form_with(
            &admin_web,
            "/mod/messages",
            &format!("/mod/messages/{close}"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let queue = app.get_with(&admin_web, "/mod/messages").await;
    assert!(!queue.body.contains("Message injurieux XYZ"));
}

/// The open reports' page as staff read it.
async fn queue(app: &TestApp, staff: &reqwest::Client) -> String {
    let page = app.get_with(staff, "/mod/messages").await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

#[tokio::test]
async fn a_report_keeps_the_message_after_leaving_and_account_deletion() {
    let app = TestApp::spawn().await;
    let admin_web = browser();
    app.admin_token().await;
    app.login_with(&admin_web, "root_admin").await;
    let (alice, alice_web) = member(&app, "alice_snap").await;
    let (bob, bob_web) = member(&app, "bob_snap").await;
    let (carol, _) = member(&app, "carol_snap").await;
    let report = |token: String, message: i64| {
        let app = &app;
        async move {
            let path = format!("/api/v1/messages/{message}/report");
            let res = call(
                app,
                Method::POST,
                &path,
                &token,
                Some(json!({"reason": "abuse"})),
            )
            .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        }
    };

    // Bob insults Alice; she reports it; both leave, and the conversation is deleted.
    let left = start(&app, &alice, &["bob_snap"], "Quitté", "Bonjour").await;
    let res = write(&app, &bob, left, "Insulte numéro UN").await;
    report(alice.clone(), res.json()["id"].as_i64().expect("id")).await;
    for (web, token) in [(&alice_web, &alice), (&bob_web, &bob)] {
        let path = format!("/messages/{left}");
        let res = app
            .post_form_with(web, &path, &format!("{path}/leave"), &[])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(read_status(&app, token, left).await, StatusCode::NOT_FOUND);
    }
    let body = queue(&app, &admin_web).await;
    assert!(body.contains("Insulte numéro UN"), "{body}");
    assert!(body.contains("bob_snap"));

    // Bob insults Carol, who reports it; he deletes his account and erases his words.
    let kept = start(&app, &carol, &["bob_snap"], "Gardé", "Bonjour").await;
    let res = write(&app, &bob, kept, "Insulte numéro DEUX").await;
    report(carol.clone(), res.json()["id"].as_i64().expect("id")).await;
    let res = app
        .post_form_with(
            &bob_web,
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
    let texts = bodies(&app, &carol, kept).await;
    assert!(
        !texts.iter().any(|b| b.contains("DEUX")),
        "erased: {texts:?}"
    );
    let body = queue(&app, &admin_web).await;
    assert!(body.contains("Insulte numéro UN"), "{body}");
    assert!(body.contains("Insulte numéro DEUX"), "{body}");
    assert!(body.contains("/mod/users/deleted-"), "{body}");
}

#[tokio::test]
async fn a_member_reports_a_message_of_someone_they_blocked() {
    let app = TestApp::spawn().await;
    let admin_web = browser();
    app.admin_token().await;
    app.login_with(&admin_web, "root_admin").await;
    let (alice, alice_web) = member(&app, "alice_rb").await;
    let (bob, _) = member(&app, "bob_rb").await;
    let id = start(&app, &alice, &["bob_rb"], "Menaces", "Bonjour").await;
    let res = write(&app, &bob, id, "Menace avant blocage").await;
    let before = res.json()["id"].as_i64().expect("id");
    let res = call(
        &app,
        Method::POST,
        "/api/v1/users/bob_rb/block",
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = write(&app, &bob, id, "Menace après blocage").await;
    let after = res.json()["id"].as_i64().expect("id");

    // She still reports what reached her (form and API), not what he wrote since.
    let form = format!("/messages/report/{before}");
    assert_eq!(app.get_with(&alice_web, &form).await.status, StatusCode::OK);
    let res = app
        .post_form_with(
            &alice_web,
            &form,
            &form,
            &[("reason", "abuse"), ("text", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        &format!("/api/v1/messages/{before}/report"),
        &alice,
        Some(json!({"reason": "illegal"})),
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "already reported: {}",
        res.body
    );
    let res = call(
        &app,
        Method::POST,
        &format!("/api/v1/messages/{after}/report"),
        &alice,
        Some(json!({"reason": "abuse"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let body = queue(&app, &admin_web).await;
    assert!(body.contains("Menace avant blocage"), "{body}");
    assert!(!body.contains("Menace après blocage"));
}
