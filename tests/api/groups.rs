//! Local groups over HTTP: creation with its two boards and who may create, joining (open, on
//! request with mail, by invitation), the last coordinator, the directory, private boards and
//! the pages.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, Page, TestApp};

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Page {
    app.api(method, path, Some(token), body).await
}

/// Creates a group through the API and checks the 201.
async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = call(
        app,
        Method::POST,
        "/api/v1/groups",
        token,
        Some(body.clone()),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{body}: {}", res.body);
    res.json()
}

fn group(slug: &str, policy: &str) -> Value {
    json!({"name": format!("Groupe {slug}"), "slug": slug, "city": "marseille",
           "description": "On *observe* les caméras.", "join_policy": policy})
}

#[tokio::test]
async fn creation_makes_a_coordinator_and_two_boards() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let g = create(&app, &alice, group("marseille-vigie", "open")).await;
    assert_eq!(g["membership"], "coordinator");
    assert_eq!(g["member_count"], 1);
    assert_eq!(g["city"]["slug"], "marseille");
    assert!(g["description_html"]
        .as_str()
        .unwrap()
        .contains("<em>observe</em>"));
    let shown = call(
        &app,
        Method::GET,
        "/api/v1/groups/marseille-vigie",
        &alice,
        None,
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    let boards: Vec<String> = shown.json()["boards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(boards, ["coordination", "annonces"]);
    // A visitor sees only the public board.
    let anon = app
        .api(Method::GET, "/api/v1/groups/marseille-vigie", None, None)
        .await;
    assert_eq!(anon.json()["boards"].as_array().unwrap().len(), 1);
    assert_eq!(anon.json()["membership"], Value::Null);

    // Duplicate slug, bad fields.
    let dup = call(
        &app,
        Method::POST,
        "/api/v1/groups",
        &alice,
        Some(group("marseille-vigie", "open")),
    )
    .await;
    assert_eq!(dup.status, StatusCode::CONFLICT, "{}", dup.body);
    assert_eq!(dup.json()["error"]["field"], "slug", "{}", dup.body);
    for (body, field) in [
        (
            json!({"name": "ab", "slug": "a1", "city": "marseille"}),
            "name",
        ),
        (
            json!({"name": "Groupe", "slug": "Bad Slug", "city": "marseille"}),
            "slug",
        ),
        (
            json!({"name": "Groupe", "slug": "a2", "city": "nowhere-at-all"}),
            "city",
        ),
        (
            json!({"name": "Groupe", "slug": "a3", "city": "marseille", "website": "ftp://x"}),
            "website",
        ),
        (
            json!({"name": "Groupe", "slug": "a4", "city": "marseille", "join_policy": "maybe"}),
            "join_policy",
        ),
    ] {
        let res = call(
            &app,
            Method::POST,
            "/api/v1/groups",
            &alice,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["field"], field, "{body}: {}", res.body);
    }
}

#[tokio::test]
async fn group_creation_setting_is_obeyed() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let bob = app.api_user("bob").await;
    let set = |value: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let res = app
                .api(
                    Method::PATCH,
                    "/api/v1/admin/settings",
                    Some(&admin),
                    Some(json!({"group_creation": value})),
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        }
    };
    set("staff").await;
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups",
        &bob,
        Some(group("g-staff", "open")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    create(&app, &admin, group("g-staff", "open")).await;
    set("off").await;
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups",
        &admin,
        Some(group("g-off", "open")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    set("members").await;
    create(&app, &bob, group("g-members", "open")).await;
}

#[tokio::test]
async fn open_join_leave_and_the_last_coordinator() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let carl = app.api_user("carl").await;
    create(&app, &alice, group("ouvert", "open")).await;
    let join = call(
        &app,
        Method::POST,
        "/api/v1/groups/ouvert/join",
        &carl,
        Some(json!({})),
    )
    .await;
    assert_eq!(join.status, StatusCode::CREATED, "{}", join.body);
    assert_eq!(join.json()["status"], "member");
    let again = call(
        &app,
        Method::POST,
        "/api/v1/groups/ouvert/join",
        &carl,
        Some(json!({})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let g = call(&app, Method::GET, "/api/v1/groups/ouvert", &carl, None)
        .await
        .json();
    assert_eq!(g["member_count"], 2);
    assert_eq!(g["membership"], "member");

    // The last coordinator can neither leave nor be demoted.
    let leave = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/ouvert/membership",
        &alice,
        None,
    )
    .await;
    assert_eq!(leave.status, StatusCode::CONFLICT, "{}", leave.body);
    let demote = call(
        &app,
        Method::PUT,
        "/api/v1/groups/ouvert/members/alice",
        &alice,
        Some(json!({"role": "member"})),
    )
    .await;
    assert_eq!(demote.status, StatusCode::CONFLICT, "{}", demote.body);
    let removed = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/ouvert/members/alice",
        &alice,
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::CONFLICT, "{}", removed.body);

    // A member may not act beyond their role.
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/ouvert/members/alice",
        &carl,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = call(
        &app,
        Method::PATCH,
        "/api/v1/groups/ouvert",
        &carl,
        Some(json!({"name": "Pris"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

    // Promote carl; then alice may leave.
    let res = call(
        &app,
        Method::PUT,
        "/api/v1/groups/ouvert/members/carl",
        &alice,
        Some(json!({"role": "coordinator"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let leave = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/ouvert/membership",
        &alice,
        None,
    )
    .await;
    assert_eq!(leave.status, StatusCode::NO_CONTENT, "{}", leave.body);
    let members = call(
        &app,
        Method::GET,
        "/api/v1/groups/ouvert/members",
        &carl,
        None,
    )
    .await
    .json();
    assert_eq!(members["members"].as_array().unwrap().len(), 1);
    let res = call(
        &app,
        Method::PATCH,
        "/api/v1/groups/ouvert",
        &carl,
        Some(json!({"name": "Ouvert et clair", "website": "https://example.org"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["website"], "https://example.org");
    let res = call(
        &app,
        Method::PATCH,
        "/api/v1/groups/ouvert",
        &carl,
        Some(json!({"visibility": "hidden"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "visibility");
}

#[tokio::test]
async fn requests_are_approved_or_refused_by_mail() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let dora = app.api_user("dora").await;
    let emil = app.api_user("emil").await;
    let fred = app.api_user("fred").await;
    create(&app, &alice, group("sur-demande", "request")).await;
    let long = "x".repeat(1001);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/sur-demande/join",
        &dora,
        Some(json!({"message": long})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "message");
    for t in [&dora, &emil, &fred] {
        let res = call(
            &app,
            Method::POST,
            "/api/v1/groups/sur-demande/join",
            t,
            Some(json!({"message": "Bonjour"})),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["status"], "pending");
    }
    let g = call(&app, Method::GET, "/api/v1/groups/sur-demande", &dora, None)
        .await
        .json();
    assert_eq!(g["membership"], "pending");
    // Only coordinators read requests.
    let res = call(
        &app,
        Method::GET,
        "/api/v1/groups/sur-demande/requests",
        &dora,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let list = call(
        &app,
        Method::GET,
        "/api/v1/groups/sur-demande/requests",
        &alice,
        None,
    )
    .await
    .json();
    assert_eq!(list["requests"].as_array().unwrap().len(), 3);

    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/sur-demande/requests/dora",
        &alice,
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/sur-demande/requests/emil",
        &alice,
        Some(json!({"decision": "refuse", "reason": "Complet pour l’instant"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.mail_to("dora@example.org", "approval", |m| {
        m.text.contains("/g/sur-demande")
    })
    .await;
    let refused = app
        .mail_to("emil@example.org", "refusal", |m| {
            m.text.contains("Complet")
        })
        .await;
    assert!(refused.text.contains("/g/sur-demande"));

    // fred withdraws; approving him then is a 409 naming the request.
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/sur-demande/membership",
        &fred,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/sur-demande/requests/fred",
        &alice,
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "request");
    let g = call(&app, Method::GET, "/api/v1/groups/sur-demande", &dora, None)
        .await
        .json();
    assert_eq!(g["membership"], "member");
    assert_eq!(g["member_count"], 2);
}

#[tokio::test]
async fn invitations_let_in_until_used_up() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let gina = app.api_user("gina").await;
    let hugo = app.api_user("hugo").await;
    create(&app, &alice, group("invite", "invite")).await;
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/join",
        &gina,
        Some(json!({})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "invite");
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/invites",
        &gina,
        Some(json!({"max_uses": 1})),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/invites",
        &alice,
        Some(json!({"max_uses": 1, "expires_in_days": 3})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let inv = res.json();
    let secret = inv["secret"].as_str().unwrap().to_owned();
    assert!(inv["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/g/invite/invitation/{secret}")));
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/join",
        &gina,
        Some(json!({"invite": secret})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["status"], "member");
    // Used up.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/join",
        &hugo,
        Some(json!({"invite": secret})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "invite");
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/join",
        &hugo,
        Some(json!({"invite": "nonsense"})),
    )
    .await;
    assert_eq!(res.json()["error"]["field"], "invite");
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/invite/invites",
        &alice,
        Some(json!({"expires_in_days": 0})),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "expires_in_days");
}

#[tokio::test]
async fn directory_filters_and_unlisted_groups() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    create(&app, &alice, group("vigie-marseille", "open")).await;
    create(
        &app,
        &alice,
        json!({"name": "Lyon veille", "slug": "lyon-veille", "city": "lyon"}),
    )
    .await;
    create(
        &app,
        &alice,
        json!({"name": "Secret", "slug": "secret", "city": "lyon", "visibility": "unlisted"}),
    )
    .await;
    let all = app
        .api(Method::GET, "/api/v1/groups", None, None)
        .await
        .json();
    let slugs: Vec<&str> = all["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["lyon-veille", "vigie-marseille"]);
    let lyon = app
        .api(Method::GET, "/api/v1/groups?city=lyon", None, None)
        .await
        .json();
    assert_eq!(lyon["groups"].as_array().unwrap().len(), 1);
    let q = app
        .api(Method::GET, "/api/v1/groups?q=groupe", None, None)
        .await
        .json();
    assert_eq!(q["groups"][0]["slug"], "vigie-marseille");
    let unlisted = app
        .api(Method::GET, "/api/v1/groups/secret", None, None)
        .await;
    assert_eq!(unlisted.status, StatusCode::OK);
    let page = app.get("/g").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Lyon veille") && !page.body.contains("Secret"));
}

#[tokio::test]
async fn private_board_threads_are_for_members_only() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let ivan = app.api_user("ivan").await;
    create(&app, &alice, group("prive", "open")).await;
    let path = "/api/v1/groups/prive/boards/coordination/threads";
    assert_eq!(
        call(&app, Method::GET, path, &alice, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, Method::GET, path, &ivan, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.api(Method::GET, path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let public = "/api/v1/groups/prive/boards/annonces/threads";
    assert_eq!(
        app.api(Method::GET, public, None, None).await.status,
        StatusCode::OK
    );
    call(
        &app,
        Method::POST,
        "/api/v1/groups/prive/join",
        &ivan,
        Some(json!({})),
    )
    .await;
    assert_eq!(
        call(&app, Method::GET, path, &ivan, None).await.status,
        StatusCode::OK
    );
    call(
        &app,
        Method::DELETE,
        "/api/v1/groups/prive/membership",
        &ivan,
        None,
    )
    .await;
    assert_eq!(
        call(&app, Method::GET, path, &ivan, None).await.status,
        StatusCode::NOT_FOUND
    );
    // Coordinators add boards; a taken slug is a 409.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/prive/boards",
        &alice,
        Some(json!({"slug": "atelier", "name": "Atelier", "visibility": "private"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/prive/boards",
        &alice,
        Some(json!({"slug": "atelier", "name": "Atelier", "visibility": "private"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
}

#[tokio::test]
async fn pages_render() {
    let app = TestApp::spawn().await;
    let alice = browser();
    app.register_with(&alice, "alice").await;
    let res = app
        .post_form_with(
            &alice,
            "/g/new",
            "/g/new",
            &[
                ("name", "Groupe page"),
                ("slug", "page"),
                ("city", "marseille"),
                ("join_policy", "open"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/g/page");
    let bad = app
        .post_form_with(
            &alice,
            "/g/new",
            "/g/new",
            &[
                ("name", "Nom gardé"),
                ("slug", "page"),
                ("city", "nulle-part-xyz"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Nom gardé"));
    let page = app.get_with(&alice, "/g/page").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("/g/page/b/coordination"));
    assert_eq!(
        app.get_with(&alice, "/g/page/admin").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_with(&alice, "/g/page/membres").await.status,
        StatusCode::OK
    );
    let bob = browser();
    app.register_with(&bob, "bob").await;
    let page = app.get_with(&bob, "/g/page").await;
    assert!(!page.body.contains("/g/page/b/coordination"));
    let res = app
        .post_form_with(&bob, "/g/page", "/g/page/join", &[("message", "")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.get_with(&bob, "/g/page/admin").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/g/page/membres").await.status,
        StatusCode::FORBIDDEN
    );
}
