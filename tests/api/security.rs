//! SECURITY.md, checked from the outside: CSRF, cross-site POSTs, login throttling and
//! enumeration, sessions and cookies, redirects and headers.

use reqwest::StatusCode;

use crate::helpers::{browser, csrf_token, TestApp, PASSWORD};

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "vigilante").await;
    let id = app
        .new_thread_with(&member, "general", "Un sujet", "Texte", "")
        .await;
    for token in ["", "not-the-token"] {
        let res = member
            .post(app.url(&format!("/t/{id}/reply")))
            .form(&[("body", "sans jeton"), ("csrf_token", token)])
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    // Login without a token is refused too.
    let res = browser()
        .post(app.url("/login"))
        .form(&[("login", "vigilante"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Admin actions as well.
    let res = member
        .post(app.url("/admin/boards"))
        .form(&[("slug", "x"), ("name", "x")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!app
        .get(&format!("/t/{id}"))
        .await
        .body
        .contains("sans jeton"));
}

#[tokio::test]
async fn cross_site_posts_are_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "vigilante").await;
    let id = app
        .new_thread_with(&member, "general", "Un sujet", "Texte", "")
        .await;
    let token = csrf_token(&app.get_with(&member, &format!("/t/{id}")).await.body);
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.test"),
    ] {
        let res = member
            .post(app.url(&format!("/t/{id}/reply")))
            .header(name, value)
            .form(&[("body", "forgé"), ("csrf_token", token.as_str())])
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}: {value}");
    }
    let res = member
        .post(app.url(&format!("/t/{id}/reply")))
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.address.clone())
        .form(&[("body", "légitime"), ("csrf_token", token.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unknown_user_and_wrong_password_look_the_same_and_are_throttled() {
    let app = TestApp::spawn_with(|s| s.security.login_failures_per_account = 3).await;
    app.register_with(&browser(), "cible").await;
    let attempt = |login: &'static str| {
        let app = &app;
        async move {
            let c = browser();
            app.post_form_with(
                &c,
                "/login",
                "/login",
                &[("login", login), ("password", "wrong-password-123")],
            )
            .await
        }
    };
    let unknown = attempt("personne").await;
    let wrong = attempt("cible").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        unknown
            .body
            .replace("personne", "X")
            .replace(&csrf_token(&unknown.body), "T"),
        wrong
            .body
            .replace("cible", "X")
            .replace(&csrf_token(&wrong.body), "T")
    );
    attempt("cible").await;
    attempt("cible").await;
    let blocked = attempt("cible").await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.headers.contains_key("retry-after"));
    // The API answers alike.
    let res = app
        .api(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"login": "cible", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.json()["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn sessions_are_server_side_and_die_at_logout_and_password_change() {
    let app = TestApp::spawn().await;
    let a = browser();
    let res = app.register_with(&a, "sentinelle").await;
    let cookie = res
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"));
    let session = cookie.split(';').next().expect("name=value").to_owned();

    // A second browser logs in; changing the password from the first ends the second.
    let b = browser();
    let res = app
        .post_form_with(
            &b,
            "/login",
            "/login",
            &[("login", "sentinelle@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_with(&b, "/settings").await.status, StatusCode::OK);
    let res = app
        .post_form_with(
            &a,
            "/settings",
            "/settings",
            &[
                ("action", "password"),
                ("current_password", PASSWORD),
                ("new_password", "un-nouveau-secret-2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.get_with(&b, "/settings").await.status,
        StatusCode::SEE_OTHER,
        "other session ended"
    );
    assert_eq!(
        app.get_with(&a, "/settings").await.status,
        StatusCode::OK,
        "current session kept"
    );
    // A wrong current password is refused.
    let res = app
        .post_form_with(
            &a,
            "/settings",
            "/settings",
            &[
                ("action", "password"),
                ("current_password", "nope-nope-nope"),
                ("new_password", "encore-un-autre-2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Logout kills the old cookie for good, even if replayed.
    let res = app.post_form_with(&a, "/settings", "/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url("/settings"))
        .header("cookie", session)
        .send()
        .await
        .expect("GET");
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert!(replay.headers()["location"]
        .to_str()
        .expect("location")
        .starts_with("/login"));
}

#[tokio::test]
async fn login_redirects_only_to_local_paths() {
    let app = TestApp::spawn().await;
    app.register_with(&browser(), "voyageuse").await;
    for (next, expected) in [
        ("/c/paris", "/c/paris"),
        ("//evil.test", "/"),
        ("/\\evil.test", "/"),
        ("https://evil.test", "/"),
        ("/%2F%2Fevil.test", "/"),
    ] {
        let c = browser();
        let res = app
            .post_form_with(
                &c,
                "/login",
                "/login",
                &[
                    ("login", "voyageuse"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(res.location(), expected, "{next}");
    }
}

#[tokio::test]
async fn pages_carry_security_headers_and_no_third_party_resources() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "prudente").await;
    for path in ["/", "/c", "/b/general", "/register", "/login"] {
        let page = app.get(path).await;
        let csp = page.headers["content-security-policy"]
            .to_str()
            .expect("csp");
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && csp.contains("form-action 'self'")
        );
        assert_eq!(page.headers["x-content-type-options"], "nosniff");
        assert!(page.headers.contains_key("referrer-policy"));
        assert!(
            !page.body.contains("<script>"),
            "{path} has no inline script"
        );
        for attr in ["src=\"http", "href=\"//", "src=\"//"] {
            assert!(
                !page.body.contains(attr),
                "{path} loads nothing from elsewhere ({attr})"
            );
        }
        assert!(!page.body.contains("<link rel=\"stylesheet\" href=\"http"));
    }
    let logged_in = app.get_with(&member, "/").await;
    assert_eq!(logged_in.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn members_cannot_reach_admin_pages() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "simple_membre").await;
    assert_eq!(
        app.get_with(&member, "/admin/boards").await.status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .post_form_with(
            &member,
            "/",
            "/admin/boards",
            &[("slug", "pirate"), ("name", "Pirate")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/b/pirate").await.status, StatusCode::NOT_FOUND);
    let anonymous = app.get_with(&browser(), "/admin/boards").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}
