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

/// The group's member count and `who`'s membership, as the API shows them.
async fn standing(app: &TestApp, slug: &str, who: &str) -> (i64, Value) {
    let g = call(
        app,
        Method::GET,
        &format!("/api/v1/groups/{slug}"),
        who,
        None,
    )
    .await
    .json();
    (
        g["member_count"].as_i64().expect("member count"),
        g["membership"].clone(),
    )
}

/// Joins `slug` with the invitation `secret` as `who` and expects a 422 naming `invite`.
async fn refused_invite(app: &TestApp, slug: &str, who: &str, secret: &str, what: &str) {
    let res = join(app, slug, who, json!({ "invite": secret })).await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}: {}",
        res.body
    );
    assert_eq!(
        res.json()["error"]["field"],
        "invite",
        "{what}: {}",
        res.body
    );
}

/// `POST /api/v1/groups/{slug}/join` as `who` with `body`.
async fn join(app: &TestApp, slug: &str, who: &str, body: Value) -> Page {
    let path = format!("/api/v1/groups/{slug}/join");
    call(app, Method::POST, &path, who, Some(body)).await
}

/// The secret at the end of an invitation URL shown on a page or returned by the API.
fn secret_of(url: &str) -> String {
    url.rsplit('/').next().expect("a secret").to_owned()
}

#[tokio::test]
async fn expired_revoked_and_used_up_invitations_let_nobody_in() {
    use diesel::prelude::*;
    use vigie::db::schema::group_invites;

    let app = TestApp::spawn().await;
    let (alice, alice_token) = coordinator(&app, group("sur-invitation", "invite")).await;
    let gina = app.api_user("gina").await;
    let hugo = app.api_user("hugo").await;
    let new_invite = |body: Value| {
        let (app, token) = (&app, alice_token.clone());
        async move {
            let res = call(
                app,
                Method::POST,
                "/api/v1/groups/sur-invitation/invites",
                &token,
                Some(body),
            )
            .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
            res.json()["secret"].as_str().expect("secret").to_owned()
        }
    };

    // Used up: one use, spent by gina.
    let used = new_invite(json!({"max_uses": 1, "expires_in_days": 1})).await;
    let res = join(&app, "sur-invitation", &gina, json!({ "invite": used })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    refused_invite(&app, "sur-invitation", &hugo, &used, "used up").await;

    // Expired. The shortest validity the API and the form accept is one day (`expires_in_days`,
    // 1–365), and a test does not wait a day: the invitation is made with the shortest validity
    // through the API, then its expiry is moved one minute into the past in the database, as
    // the sweep test does for sessions. Nothing races a timer.
    let expired = new_invite(json!({"max_uses": 5, "expires_in_days": 1})).await;
    {
        let mut conn = vigie::db::DbManager::new(&app.settings.database)
            .connect()
            .expect("database");
        let moved = diesel::update(
            group_invites::table
                .filter(group_invites::token_hash.eq(vigie::sessions::hash_token(&expired))),
        )
        .set(group_invites::expires_at.eq(vigie::db::now() - chrono::Duration::minutes(1)))
        .execute(&mut conn)
        .expect("expire the invitation");
        assert_eq!(moved, 1);
    }
    refused_invite(&app, "sur-invitation", &hugo, &expired, "expired").await;

    // Revoked, from the administration page (made there too: the page shows its link once).
    let made = app
        .post_form_with(
            &alice,
            "/g/sur-invitation/admin",
            "/g/sur-invitation/admin/invites",
            &[("max_uses", "5"), ("days", "7")],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let marker = "/g/sur-invitation/invitation/";
    let start = made.body.find(marker).expect("the new link is shown");
    let end = made.body[start..].find('"').expect("end of the link") + start;
    let revoked = secret_of(&made.body[start..end]);
    // Invitations are listed newest first: the first revoke form is this one's.
    let form = "/g/sur-invitation/admin/invites/";
    let at = made.body.find(form).expect("a revoke form") + form.len();
    let id: String = made.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let res = app
        .post_form_with(
            &alice,
            "/g/sur-invitation/admin",
            &format!("/g/sur-invitation/admin/invites/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    refused_invite(&app, "sur-invitation", &hugo, &revoked, "revoked").await;

    // None of them let hugo in, and their pages say so.
    assert_eq!(
        standing(&app, "sur-invitation", &hugo).await,
        (2, Value::Null)
    );
    for secret in [&used, &expired, &revoked] {
        let page = app
            .get(&format!("/g/sur-invitation/invitation/{secret}"))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn joining_twice_and_approving_a_withdrawn_request_are_conflicts() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let jean = app.api_user("jean").await;
    let kim = app.api_user("kim").await;
    create(&app, &alice, group("deux-fois", "open")).await;
    assert_eq!(
        join(&app, "deux-fois", &jean, json!({"message": "Bonjour"}))
            .await
            .status,
        StatusCode::CREATED
    );
    let again = join(&app, "deux-fois", &jean, json!({"message": "Bonjour"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.json()["error"]["field"], "group");
    assert_eq!(standing(&app, "deux-fois", &jean).await.0, 2);

    // kim asks, withdraws; approving her then is a 409 on `request` and lets nobody in.
    create(&app, &alice, group("demande", "request")).await;
    let asked = join(&app, "demande", &kim, json!({"message": "Bonjour"})).await;
    assert_eq!(asked.json()["status"], "pending", "{}", asked.body);
    let again = join(&app, "demande", &kim, json!({"message": "Bonjour"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/demande/membership",
        &kim,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/groups/demande/requests/kim",
        &alice,
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "request");
    assert_eq!(standing(&app, "demande", &kim).await, (1, Value::Null));
}

/// Opens a thread in `group`'s private board `coordination` as `client`'s user; returns the
/// thread's id.
async fn private_thread(
    app: &TestApp,
    client: &reqwest::Client,
    group: &str,
    title: &str,
    body: &str,
) -> i64 {
    let path = format!("/g/{group}/b/coordination/new");
    app.new_thread_at(client, &path, title, body, "lyon").await
}

/// Registers alice in a browser of her own, logs her in to the API too, and has her create the
/// group `body`: the coordinator of the tests below. Returns her browser and her token.
async fn coordinator(app: &TestApp, body: Value) -> (reqwest::Client, String) {
    let alice = browser();
    app.register_with(&alice, "alice").await;
    let token = app.api_login("alice").await;
    create(app, &token, body).await;
    (alice, token)
}

#[tokio::test]
async fn coordinators_see_the_staffs_reads_of_their_private_threads() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, alice_token) = coordinator(
        &app,
        json!({"name": "Veille Lyon", "slug": "veille-lyon", "city": "lyon",
               "visibility": "unlisted", "join_policy": "open"}),
    )
    .await;
    let bob = app.api_user("bob").await;
    let carol = app.api_user("carol").await;
    let res = join(&app, "veille-lyon", &bob, json!({})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let title = "Plan des caméras du quartier";
    let thread_id = private_thread(&app, &alice, "veille-lyon", title, "Liste à compléter").await;
    let reads_path = "/api/v1/groups/veille-lyon/private-reads";
    let reads = call(&app, Method::GET, reads_path, &alice_token, None).await;
    assert_eq!(reads.status, StatusCode::OK, "{}", reads.body);
    assert_eq!(reads.json()["private_reads"], json!([]));

    // Bob reports the first post; the staff read the thread through that report.
    let posts = call(
        &app,
        Method::GET,
        &format!("/api/v1/threads/{thread_id}/posts"),
        &bob,
        None,
    )
    .await;
    let post_id = posts.json()["posts"][0]["id"].as_i64().expect("post id");
    let res = call(
        &app,
        Method::POST,
        &format!("/api/v1/posts/{post_id}/report"),
        &bob,
        Some(json!({"reason": "other", "text": "Trop de détails"})),
    )
    .await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = call(
        &app,
        Method::GET,
        &format!("/api/v1/threads/{thread_id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "staff through a report");

    // The coordinator sees who read which thread, and when.
    let reads = call(&app, Method::GET, reads_path, &alice_token, None).await;
    assert_eq!(reads.status, StatusCode::OK, "{}", reads.body);
    let list = reads.json()["private_reads"].clone();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["staff"], "root_admin");
    assert_eq!(list[0]["thread"]["id"], thread_id);
    assert_eq!(list[0]["thread"]["title"], title);
    assert_eq!(list[0]["thread"]["path"], format!("/t/{thread_id}"));
    assert!(list[0]["read_at"].is_string(), "{list}");
    let page = app.get_with(&alice, "/g/veille-lyon/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(title), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/t/{thread_id}\"")));
    assert!(page.body.contains("root_admin"));

    // A member may not read the list; outsiders of an unlisted group do not learn it exists.
    let res = call(&app, Method::GET, reads_path, &bob, None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = call(&app, Method::GET, reads_path, &carol, None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert!(!res.body.contains(title));
    let res = app.api(Method::GET, reads_path, None, None).await;
    assert!(
        res.status == StatusCode::UNAUTHORIZED || res.status == StatusCode::NOT_FOUND,
        "{}",
        res.status
    );
}

/// True when the page's header shows a count of unread notifications.
fn shows_unread(page: &Page) -> bool {
    page.body.contains("class=\"count\"")
}

#[tokio::test]
async fn leaving_or_being_removed_clears_the_private_notifications() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (alice, bob, dave) = (browser(), browser(), browser());
    for (client, name) in [(&alice, "alice"), (&bob, "bob"), (&dave, "dave")] {
        app.register_with(client, name).await;
    }
    let alice_token = app.api_login("alice").await;
    let bob_token = app.api_login("bob").await;
    let dave_token = app.api_login("dave").await;
    create(&app, &alice_token, group("notes-privees", "open")).await;
    for token in [&bob_token, &dave_token] {
        let res = join(&app, "notes-privees", token, json!({})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let thread_id = private_thread(
        &app,
        &alice,
        "notes-privees",
        "Répartition des tournées",
        "@bob @dave vous prenez le nord ?",
    )
    .await;
    app.settle(&admin).await;
    let listed = |token: String| {
        let app = &app;
        async move {
            let res = call(app, Method::GET, "/api/v1/notifications", &token, None).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            res.json()["notifications"]
                .as_array()
                .expect("a list")
                .iter()
                .any(|n| n["thread_id"] == thread_id)
        }
    };
    // Both are told while members: listed, and counted in the header.
    for (client, token) in [(&bob, &bob_token), (&dave, &dave_token)] {
        assert!(listed(token.clone()).await);
        assert!(shows_unread(&app.get_with(client, "/").await));
    }

    // Bob leaves; Dave is removed by the coordinator.
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/notes-privees/membership",
        &bob_token,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = app
        .post_form_with(
            &alice,
            "/g/notes-privees/admin",
            "/g/notes-privees/admin/members/dave",
            &[("action", "remove")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for (client, token) in [(&bob, &bob_token), (&dave, &dave_token)] {
        assert!(!listed(token.clone()).await);
        let page = app.get_with(client, "/").await;
        assert!(!shows_unread(&page), "still counted: {}", page.body);
    }
}

/// Submits `fields` to the form `form` (`invites`, `boards`) of the `formulaires` group's
/// administration page as `client`'s user, and expects the page again with a 422.
async fn rejected(
    app: &TestApp,
    client: &reqwest::Client,
    form: &str,
    fields: &[(&str, &str)],
) -> Page {
    let admin = "/g/formulaires/admin";
    let res = app
        .post_form_with(client, admin, &format!("{admin}/{form}"), fields)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res
}

#[tokio::test]
async fn the_admin_forms_keep_what_was_typed_on_error() {
    let app = TestApp::spawn().await;
    let (alice, alice_token) = coordinator(&app, group("formulaires", "invite")).await;

    // Invitations: out of range, and not a number.
    let res = rejected(
        &app,
        &alice,
        "invites",
        &[("max_uses", "5000"), ("days", "3")],
    )
    .await;
    assert!(
        res.body.contains(
            "name=\"max_uses\" value=\"5000\" min=\"1\" max=\"1000\" aria-invalid=\"true\""
        ),
        "{}",
        res.body
    );
    assert!(res.body.contains("id=\"invite-uses-error\""));
    assert!(res
        .body
        .contains("name=\"days\" value=\"3\" min=\"1\" max=\"365\">"));
    let res = rejected(
        &app,
        &alice,
        "invites",
        &[("max_uses", "2"), ("days", "demain")],
    )
    .await;
    assert!(res
        .body
        .contains("name=\"days\" value=\"demain\" min=\"1\" max=\"365\" aria-invalid=\"true\""));
    assert!(res.body.contains("name=\"max_uses\" value=\"2\""));
    // No invitation was made.
    assert!(!res.body.contains("/g/formulaires/admin/invites/"));

    // Boards: a bad identifier, then one already taken.
    let res = rejected(
        &app,
        &alice,
        "boards",
        &[
            ("slug", "Mauvais Nom"),
            ("name", "Atelier vélo"),
            ("visibility", "private"),
        ],
    )
    .await;
    assert!(
        res.body
            .contains("name=\"slug\" value=\"Mauvais Nom\" required maxlength=\"60\" pattern=\"[a-z0-9\\-]+\" aria-invalid=\"true\""),
        "{}",
        res.body
    );
    assert!(res.body.contains("id=\"board-slug-error\""));
    assert!(res.body.contains("name=\"name\" value=\"Atelier vélo\""));
    assert!(res.body.contains("<option value=\"private\" selected>"));
    let res = rejected(
        &app,
        &alice,
        "boards",
        &[("slug", "coordination"), ("name", "Encore")],
    )
    .await;
    assert!(res.body.contains("value=\"coordination\""));
    assert!(res.body.contains("id=\"board-slug-error\""));
    let shown = call(
        &app,
        Method::GET,
        "/api/v1/groups/formulaires",
        &alice_token,
        None,
    )
    .await
    .json();
    assert_eq!(shown["boards"].as_array().map(Vec::len), Some(2));

    // A good board still goes through.
    let res = app
        .post_form_with(
            &alice,
            "/g/formulaires/admin",
            "/g/formulaires/admin/boards",
            &[
                ("slug", "atelier"),
                ("name", "Atelier"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}
