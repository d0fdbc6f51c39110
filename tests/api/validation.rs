//! Every bad input gets a clear, translated error, with the user's text kept in the form.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{browser, text, TestApp, PASSWORD};

#[tokio::test]
async fn registration_rejects_bad_fields_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    app.register_with(&browser(), "Militant").await;
    let cases: [(&str, &str, &str, &str); 7] = [
        ("ab", "a@example.org", PASSWORD, "3"),
        ("avec espace", "b@example.org", PASSWORD, "lettres"),
        ("valide_1", "pas-un-email", PASSWORD, "adresse"),
        ("valide_2", "c@example.org", "court", "8"),
        ("valide_3", "d@example.org", "password123", "courant"),
        ("militant", "e@example.org", PASSWORD, "déjà"),
        ("mi1itant", "f@example.org", PASSWORD, "déjà"),
    ];
    for (username, email, password, expected) in cases {
        let c = browser();
        let res = app
            .post_form_with(
                &c,
                "/register",
                "/register",
                &[
                    ("username", username),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{username}/{email}"
        );
        let shown = text(&res.body);
        assert!(
            shown.to_lowercase().contains(&expected.to_lowercase()),
            "{username}/{email}: expected “{expected}” in {shown}"
        );
        assert!(
            res.body.contains(&format!("value=\"{email}\"")),
            "email kept for {username}"
        );
        assert!(res.body.contains("aria-invalid=\"true\""));
    }
    // The honeypot field stops bots.
    let res = app
        .post_form_with(
            &browser(),
            "/register",
            "/register",
            &[
                ("username", "robot_1"),
                ("email", "r@example.org"),
                ("password", PASSWORD),
                ("website", "http://spam.test"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/u/robot_1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn thread_form_errors_keep_title_body_and_city() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "redactrice").await;
    let long_title = "t".repeat(151);
    let long_body = "b".repeat(50_001);
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        ("ab", "Un texte gardé", "", "title"),
        (&long_title, "Un texte gardé", "", "title"),
        ("Titre correct", "   ", "", "body"),
        ("Titre correct", &long_body, "", "body"),
        (
            "Titre correct",
            "Un texte gardé",
            "Atlantide-sur-Mer",
            "city",
        ),
        ("Titre correct", "Un texte gardé", "Marly", "city"),
    ];
    for (title, body, city, field) in cases {
        let res = app
            .post_form_with(
                &member,
                "/b/general/new",
                "/b/general/new",
                &[("title", title), ("body", body), ("city", city)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")) || res.body.contains("field-error"),
            "{field}: error shown"
        );
        if body.len() < 100 && !body.trim().is_empty() {
            assert!(res.body.contains(body), "{field}: body kept");
        }
        if !city.is_empty() {
            assert!(res.body.contains(city), "{field}: city kept");
        }
    }
    // An ambiguous city lists the candidates by identifier; the identifier then works.
    let res = app
        .post_form_with(
            &member,
            "/b/general/new",
            "/b/general/new",
            &[("title", "À Marly"), ("body", "Texte"), ("city", "Marly")],
        )
        .await;
    let slug = res
        .body
        .split("<code>")
        .filter_map(|s| s.split("</code>").next())
        .find(|s| s.starts_with("marly"))
        .expect("candidate identifiers listed")
        .to_owned();
    let id = app
        .new_thread_with(&member, "general", "À Marly", "Texte", &slug)
        .await;
    assert!(app
        .get(&format!("/t/{id}"))
        .await
        .body
        .contains(&format!("/c/{slug}")));
    // Unknown board: a 404, not a crash.
    let res = app
        .post_form_with(
            &member,
            "/b/general/new",
            "/b/nowhere/new",
            &[("title", "Titre"), ("body", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // An empty reply is refused with a message; nothing is posted.
    let res = app.reply_with(&member, id, "  ").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Oversized bodies are refused before they are read whole.
    let huge = "x".repeat(2_000_000);
    let res = member
        .post(app.url(&format!("/t/{id}/reply")))
        .form(&[("body", huge.as_str()), ("csrf_token", "whatever")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn api_validation_errors_name_the_field() {
    let app = TestApp::spawn().await;
    let token = app.api_user("api_redac").await;
    let cases = [
        (json!({"title": "ab", "body": "x"}), "title"),
        (json!({"title": "Titre correct", "body": ""}), "body"),
        (
            json!({"title": "Titre correct", "body": "x", "city": "atlantide"}),
            "city",
        ),
    ];
    for (body, field) in cases {
        let res = app
            .api(
                Method::POST,
                "/api/v1/boards/general/threads",
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let err = &res.json()["error"];
        assert_eq!(err["code"], "validation_failed");
        assert_eq!(err["field"], field);
        assert!(!err["message"].as_str().expect("message").is_empty());
    }
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "x", "email": "x@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "username");
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "API_REDAC", "email": "z@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json()["error"]["field"], "username");
    // Malformed JSON is a 400 with the error shape.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/boards/general/threads"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["error"]["code"], "bad_request");
    // Messages follow the caller's language.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/boards/general/threads"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&json!({"title": "ab", "body": "x"}))
        .send()
        .await
        .expect("POST");
    let en: serde_json::Value = res.json().await.expect("json");
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/boards/general/threads"))
        .bearer_auth(&token)
        .header("accept-language", "fr")
        .json(&json!({"title": "ab", "body": "x"}))
        .send()
        .await
        .expect("POST");
    let fr: serde_json::Value = res.json().await.expect("json");
    assert_ne!(en["error"]["message"], fr["error"]["message"]);
}
