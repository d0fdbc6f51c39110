//! The JSON API: authentication, boards, threads, posts and cities.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};

#[tokio::test]
async fn tokens_log_in_identify_and_log_out() {
    let app = TestApp::spawn().await;
    let token = app.api_user("client_api").await;
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["username"], "client_api");
    assert_eq!(me.json()["role"], "member");
    // Login by email works too, and a wrong password is a 401 with the error shape.
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": "client_api@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": "client_api", "password": "faux-mot-de-passe"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"]["code"], "bad_credentials");
    // Logout revokes the token.
    let res = app
        .api(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let res = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"]["code"], "unauthorized");
    let res = app.api(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // The browser cookie never authenticates the API.
    let res = app
        .api(
            Method::POST,
            "/api/v1/boards/general/threads",
            None,
            Some(json!({"title": "Sans jeton", "body": "x"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn threads_and_posts_through_the_api() {
    let app = TestApp::spawn_with(|s| s.site.threads_per_page = 2).await;
    let token = app.api_user("robot_local").await;
    let boards = app
        .api(Method::GET, "/api/v1/boards", None, None)
        .await
        .json();
    let list = boards.as_array().expect("boards array");
    assert!(list.len() >= 3);
    for key in [
        "slug",
        "name",
        "description",
        "thread_count",
        "post_count",
        "last_post_at",
    ] {
        assert!(list[0].get(key).is_some(), "board has {key}");
    }

    let created = app
        .api(Method::POST, "/api/v1/boards/general/threads", Some(&token), Some(json!({"title": "Drones à Marseille", "body": "Le *préfet* autorise les drones.", "city": "marseille", "pinned": true, "author_id": 1})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let thread_id = created.json()["id"].as_i64().expect("id");
    // Extra fields are ignored: a member cannot pin.
    let thread = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread_id}"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(thread["pinned"], false);
    assert_eq!(thread["city"], "marseille");
    assert_eq!(thread["board"], "general");

    for i in 0..3 {
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/threads/{thread_id}/posts"),
                Some(&token),
                Some(json!({"body": format!("réponse {i}")})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED);
        assert_eq!(res.json()["number"], i + 2);
    }
    let posts = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread_id}/posts"),
            None,
            None,
        )
        .await
        .json();
    let list = posts["posts"].as_array().expect("posts");
    assert_eq!(list.len(), 4);
    assert!(list[0]["body_html"]
        .as_str()
        .expect("html")
        .contains("<em>préfet</em>"));
    assert_eq!(list[0]["author"], "robot_local");
    for key in ["id", "author", "body_html", "created_at", "edited_at"] {
        assert!(list[0].get(key).is_some(), "post has {key}");
    }
    assert!(posts["next_cursor"].is_null());

    // Board listing with a cursor (2 per page).
    for i in 0..3 {
        app.api(
            Method::POST,
            "/api/v1/boards/general/threads",
            Some(&token),
            Some(json!({"title": format!("Sujet {i}"), "body": "x"})),
        )
        .await;
    }
    let page1 = app
        .api(Method::GET, "/api/v1/boards/general/threads", None, None)
        .await
        .json();
    assert_eq!(page1["threads"].as_array().expect("threads").len(), 2);
    let cursor = page1["next_cursor"]
        .as_str()
        .expect("a next cursor")
        .to_owned();
    let page2 = app
        .api(
            Method::GET,
            &format!("/api/v1/boards/general/threads?cursor={cursor}"),
            None,
            None,
        )
        .await
        .json();
    let ids1: Vec<i64> = page1["threads"]
        .as_array()
        .expect("t")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    let ids2: Vec<i64> = page2["threads"]
        .as_array()
        .expect("t")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids2.len(), 2);
    assert!(ids1.iter().all(|id| !ids2.contains(id)));
    for key in [
        "id",
        "title",
        "board",
        "city",
        "author",
        "post_count",
        "last_post_at",
        "pinned",
        "locked",
    ] {
        assert!(page1["threads"][0].get(key).is_some(), "thread has {key}");
    }
    let filtered = app
        .api(
            Method::GET,
            "/api/v1/boards/general/threads?city=marseille",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(filtered["threads"].as_array().expect("t").len(), 1);

    // Cities.
    let cities = app
        .api(Method::GET, "/api/v1/cities?q=mars", None, None)
        .await
        .json();
    let first = &cities.as_array().expect("cities")[0];
    assert_eq!(first["slug"], "marseille");
    for key in ["slug", "name", "country", "population"] {
        assert!(first.get(key).is_some());
    }
    let city = app
        .api(Method::GET, "/api/v1/cities/marseille", None, None)
        .await
        .json();
    assert_eq!(city["country"], "FR");
    assert_eq!(city["thread_count"], 1);
    let threads = app
        .api(Method::GET, "/api/v1/cities/marseille/threads", None, None)
        .await
        .json();
    assert_eq!(threads["threads"][0]["id"], thread_id);

    // Editing through the API keeps a version check.
    let post_id = list[1]["id"].as_i64().expect("post id");
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{post_id}"),
            Some(&token),
            Some(json!({"body": "corrigé", "version": 1})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{post_id}"),
            Some(&token),
            Some(json!({"body": "périmé", "version": 1})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json()["current"]["body"], "corrigé");
    let other = app.api_user("autre_robot").await;
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{post_id}"),
            Some(&other),
            Some(json!({"body": "pas à moi"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn concurrent_replies_all_land_with_unique_numbers() {
    let app = TestApp::spawn().await;
    let token = app.api_user("foule").await;
    let created = app
        .api(
            Method::POST,
            "/api/v1/boards/general/threads",
            Some(&token),
            Some(json!({"title": "Tous ensemble", "body": "On y va."})),
        )
        .await
        .json();
    let id = created["id"].as_i64().expect("id");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let url = app.url(&format!("/api/v1/threads/{id}/posts"));
        let token = token.clone();
        tasks.spawn(async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&json!({"body": format!("message {i}")}))
                .send()
                .await
                .expect("POST")
                .status()
        });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(
            status.expect("task"),
            StatusCode::CREATED,
            "no write is lost or refused"
        );
    }
    let posts = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{id}/posts"),
            None,
            None,
        )
        .await
        .json();
    let numbers: Vec<i64> = posts["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .map(|p| p["number"].as_i64().expect("n"))
        .collect();
    assert_eq!(numbers, (1..=41).collect::<Vec<_>>());
    let thread = app
        .api(Method::GET, &format!("/api/v1/threads/{id}"), None, None)
        .await
        .json();
    assert_eq!(thread["post_count"], 41);
}
