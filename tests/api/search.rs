//! Search: `/recherche` (`/search`) for people, `GET /api/v1/search` for programs, and
//! `vigie search reindex`. Relevance on a small French and English corpus (accents, case,
//! phrases, exclusions, prefixes; plurals by stemming on PostgreSQL), what each reader may find,
//! bad input that never breaks, the filters and the pages of results.

use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::helpers::{browser, postgres_url, text, Page, TestApp};

/// Opens a thread through the API; returns (thread id, opening post id).
async fn thread(
    app: &TestApp,
    token: &str,
    board: &str,
    title: &str,
    body: &str,
    city: Option<&str>,
) -> (i64, i64) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/boards/{board}/threads"),
            Some(token),
            Some(json!({"title": title, "body": body, "city": city})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "new thread: {}", res.body);
    let v = res.json();
    (
        v["id"].as_i64().expect("thread id"),
        v["post_id"].as_i64().expect("post id"),
    )
}

/// Replies through the API; returns the post id.
async fn reply(app: &TestApp, token: &str, thread_id: i64, body: &str) -> i64 {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread_id}/posts"),
            Some(token),
            Some(json!({ "body": body })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "reply: {}", res.body);
    res.json()["id"].as_i64().expect("post id")
}

/// `GET /api/v1/search` with these parameters, as `token` (or a visitor).
async fn api_search(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> Page {
    let query = serde_urlencoded::to_string(params).expect("query");
    app.api(Method::GET, &format!("/api/v1/search?{query}"), token, None)
        .await
}

/// The results of a search that must succeed.
async fn found(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> Vec<Value> {
    let res = api_search(app, token, params).await;
    assert_eq!(res.status, StatusCode::OK, "{params:?}: {}", res.body);
    res.json()["results"]
        .as_array()
        .expect("a results array")
        .clone()
}

/// The ids of the results.
async fn ids(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> Vec<i64> {
    found(app, token, params)
        .await
        .iter()
        .map(|r| r["id"].as_i64().expect("result id"))
        .collect()
}

/// The ids of a search for `q` alone, as a visitor, sorted.
async fn visitor_finds(app: &TestApp, q: &str) -> Vec<i64> {
    let mut found = ids(app, None, &[("q", q)]).await;
    found.sort_unstable();
    found
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

#[tokio::test]
async fn search_finds_words_whatever_their_accents_case_and_form() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let (_, faciale) = thread(
        &app,
        &alice,
        "general",
        "Reconnaissance Faciale à la gare",
        "La préfecture teste la vidéosurveillance algorithmique près des quais.",
        None,
    )
    .await;
    let (_, drones) = thread(
        &app,
        &alice,
        "drones-et-capteurs",
        "Des drones au-dessus de la manifestation",
        "Les drones filment le cortège : c'est de la videosurveillance mobile.",
        None,
    )
    .await;
    let (micros_thread, _) = thread(
        &app,
        &alice,
        "drones-et-capteurs",
        "Capteurs sonores à Saint-Étienne",
        "Premier relevé de la rue.",
        None,
    )
    .await;
    let micros = reply(
        &app,
        &alice,
        micros_thread,
        "Les microphones de la rue écoutent les passants.",
    )
    .await;
    let (_, stadium) = thread(
        &app,
        &alice,
        "general",
        "Facial recognition at the stadium",
        "Cameras were installed at every stadium entrance.",
        None,
    )
    .await;

    // Case and accents do not matter, in either direction.
    assert_eq!(
        visitor_finds(&app, "reconnaissance faciale").await,
        vec![faciale]
    );
    assert_eq!(
        visitor_finds(&app, "RECONNAISSANCE FACIALE").await,
        vec![faciale]
    );
    let both = sorted(vec![faciale, drones]);
    assert_eq!(visitor_finds(&app, "videosurveillance").await, both);
    assert_eq!(visitor_finds(&app, "Vidéosurveillance").await, both);
    assert_eq!(visitor_finds(&app, "saint-etienne").await.len(), 1);
    // Every word is required.
    assert_eq!(
        visitor_finds(&app, "videosurveillance cortège").await,
        vec![drones]
    );
    assert!(visitor_finds(&app, "videosurveillance hélicoptère")
        .await
        .is_empty());
    // A phrase in quotes keeps its words together and in order.
    assert_eq!(
        visitor_finds(&app, "\"drones filment\"").await,
        vec![drones]
    );
    assert!(visitor_finds(&app, "\"filment drones\"").await.is_empty());
    // `-word` excludes; `word*` is a prefix.
    assert_eq!(
        visitor_finds(&app, "videosurveillance -drones").await,
        vec![faciale]
    );
    assert_eq!(visitor_finds(&app, "micro*").await, vec![micros]);
    assert_eq!(visitor_finds(&app, "stadium").await, vec![stadium]);

    // PostgreSQL stems with the site's language (French here): a singular finds a plural.
    if postgres_url().is_some() {
        assert_eq!(visitor_finds(&app, "drone").await, vec![drones]);
        assert_eq!(visitor_finds(&app, "capteur sonore").await.len(), 1);
    }

    // The answer's shape, with the matched words marked in an escaped excerpt.
    let results = found(&app, None, &[("q", "vidéosurveillance algorithmique")]).await;
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["kind"], "posts");
    assert_eq!(r["id"], faciale);
    assert_eq!(r["title"], "Reconnaissance Faciale à la gare");
    assert_eq!(r["author"], "alice");
    assert!(r["created_at"].as_str().is_some(), "{r}");
    let url = r["url"].as_str().expect("url");
    assert!(
        url.starts_with("http") && url.ends_with(&format!("/p/{faciale}")),
        "an absolute link to the post: {url}"
    );
    let excerpt = r["excerpt_html"].as_str().expect("excerpt");
    assert!(
        excerpt.contains("<mark>vidéosurveillance</mark>")
            && excerpt.contains("<mark>algorithmique</mark>"),
        "{excerpt}"
    );

    // The page shows the same, with the query kept in the form and the title marked.
    let page = app.get("/recherche?q=reconnaissance+faciale").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<mark>Reconnaissance</mark>")
            && page.body.contains("<mark>Faciale</mark>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"reconnaissance faciale\""));
    let en = app.get("/search?q=stadium").await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(
        en.body.contains(&format!(
            "<a href=\"/p/{stadium}\">Facial recognition at the <mark>stadium</mark></a>"
        )),
        "{}",
        en.body
    );
    // Nothing found says so.
    let none = app.get("/recherche?q=zeppelin").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(text(&none.body).contains("Aucun résultat"), "{}", none.body);
}

#[tokio::test]
async fn search_shows_only_what_the_searcher_may_read() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;
    let carol = app.api_user("carol").await;

    // A public thread with a reply that moderators hide, and one that is deleted.
    let (public_thread, public_post) = thread(
        &app,
        &alice,
        "general",
        "Caméras du marché",
        "Le mot quetzal est public.",
        None,
    )
    .await;
    let hidden_post = reply(
        &app,
        &bob,
        public_thread,
        "Le mot ornithorynque sera masqué.",
    )
    .await;
    let deleted_post = reply(&app, &bob, public_thread, "Le mot pangolin sera supprimé.").await;
    for (post, action) in [(hidden_post, "hide"), (deleted_post, "delete")] {
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/posts/{post}/moderate"),
                Some(&admin),
                Some(json!({"action": action, "reason": "Données personnelles"})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    // A thread that moderators hide, with a reply.
    let (hidden_thread, _) = thread(
        &app,
        &alice,
        "general",
        "Le fil axolotl",
        "Le mot axolotl ouvre un fil masqué.",
        None,
    )
    .await;
    reply(
        &app,
        &bob,
        hidden_thread,
        "Réponse axolotl dans le fil masqué.",
    )
    .await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{hidden_thread}/moderate"),
            Some(&admin),
            Some(json!({"action": "hide", "reason": "Hors charte"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // A thread in a group's private board: Alice and Bob are members, Carol is not.
    let res = app
        .api(
            Method::POST,
            "/api/v1/groups",
            Some(&alice),
            Some(
                json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon",
                        "visibility": "public", "join_policy": "open"}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app
        .api(
            Method::POST,
            "/api/v1/groups/vigie-lyon/join",
            Some(&bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let alice_browser = browser();
    app.login_with(&alice_browser, "alice").await;
    let path = "/g/vigie-lyon/b/coordination/new";
    let private_thread = app
        .new_thread_at(
            &alice_browser,
            path,
            "Repérage capybara",
            "Le mot capybara reste entre membres.",
            "lyon",
        )
        .await;

    // Observatory: one published deployment, one proposal still under review.
    let published = propose(&app, &alice, "Caméras tamarin du stade").await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/deployments/{published}/review"),
            Some(&admin),
            Some(json!({"decision": "publish"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    propose(&app, &alice, "Drones ocelot en projet").await;

    // Visitors and members find what is public, nothing else.
    for reader in [None, Some(carol.as_str())] {
        assert_eq!(
            ids(&app, reader, &[("q", "quetzal")]).await,
            vec![public_post]
        );
        for hidden in ["ornithorynque", "pangolin", "axolotl", "capybara"] {
            assert!(
                ids(&app, reader, &[("q", hidden)]).await.is_empty(),
                "{hidden} is found by {reader:?}"
            );
            assert!(
                ids(&app, reader, &[("q", hidden), ("kind", "threads")])
                    .await
                    .is_empty(),
                "{hidden} thread is found by {reader:?}"
            );
        }
        assert_eq!(
            ids(&app, reader, &[("q", "tamarin"), ("kind", "deployments")]).await,
            vec![published]
        );
        assert!(
            ids(&app, reader, &[("q", "ocelot"), ("kind", "deployments")])
                .await
                .is_empty()
        );
    }
    // The page neither: not even the private thread's title.
    let page = app.get("/recherche?q=capybara").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("capybara</mark>") && !page.body.contains("Repérage"));
    let page = app.get("/recherche?q=ornithorynque").await;
    assert!(!text(&page.body).contains("masqué"), "{}", page.body);

    // Members of the group find its private thread, by post and by thread.
    let private = found(&app, Some(&bob), &[("q", "capybara")]).await;
    assert_eq!(private.len(), 1, "{private:?}");
    assert_eq!(
        ids(&app, Some(&bob), &[("q", "capybara"), ("kind", "threads")]).await,
        vec![private_thread]
    );
    // Deleted text is gone for everyone, staff included.
    assert!(ids(&app, Some(&admin), &[("q", "pangolin")])
        .await
        .is_empty());
}

/// Proposes a deployment in Nice through the API; returns its id.
async fn propose(app: &TestApp, token: &str, title: &str) -> i64 {
    let res = app
        .api(
            Method::POST,
            "/api/v1/deployments",
            Some(token),
            Some(json!({
                "title": title,
                "technology": "vsa",
                "city": "nice",
                "status": "trial",
                "started": "2024-03",
                "description": format!("Description : {title}."),
                "sources": [{
                    "url": "https://www.laquadrature.net/2024/03/vsa-stade",
                    "title": "La VSA arrive au stade",
                    "publisher": "La Quadrature du Net",
                    "date": "2024-03-05"
                }]
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "proposal: {}", res.body);
    res.json()["id"].as_i64().expect("deployment id")
}

#[tokio::test]
async fn bad_search_input_never_breaks_the_page_or_the_api() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    thread(
        &app,
        &alice,
        "general",
        "Caméras près de la gare",
        "Un article NEAR la gare, horaires 8:30, prix ^ élevés (vraiment).",
        None,
    )
    .await;

    // No query: the form, no error.
    for path in [
        "/recherche",
        "/recherche?q=",
        "/search?q=++",
        "/recherche?q=-",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("name=\"q\""), "{path}: {}", page.body);
        assert!(!page.body.contains("role=\"alert\""), "{path}");
    }
    let res = api_search(&app, None, &[("q", "")]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json(), json!({"results": [], "next_cursor": null}));

    // Search syntax characters and broken syntax are read as text.
    for q in [
        "\"caméras gare",
        "gare\"",
        "NEAR(caméras gare)",
        "NEAR",
        "8:30",
        "title:caméras",
        "^caméras",
        "(caméras",
        "caméras)",
        "caméras OR",
        "AND NOT",
        "*",
        "caméras**",
        "-",
        "--gare",
        "'; DROP TABLE posts; --",
        "\\",
        "{caméras}",
        "caméras & | ! <-> :*",
    ] {
        let page = app
            .get(&format!(
                "/recherche?{}",
                serde_urlencoded::to_string([("q", q)]).expect("query")
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "page for {q:?}: {}", page.body);
        let res = api_search(&app, None, &[("q", q)]).await;
        assert_eq!(res.status, StatusCode::OK, "API for {q:?}: {}", res.body);
    }
    // A phrase left open runs to the end of the query.
    assert_eq!(
        visitor_finds(&app, "caméras \"gare horaires").await.len(),
        1
    );
    assert!(visitor_finds(&app, "\"horaires gare").await.is_empty());
    assert_eq!(visitor_finds(&app, "NEAR gare").await.len(), 1);

    // A 10,000-character query is refused on its field, the form kept.
    let long = "surveillance ".repeat(770);
    let long = &long[..10_000];
    let page = app
        .get(&format!(
            "/recherche?{}",
            serde_urlencoded::to_string([("q", long)]).expect("query")
        ))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"search-q-error\""), "{}", page.body);
    assert!(page.body.contains("name=\"q\""));
    let res = api_search(&app, None, &[("q", long)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "q", "{}", res.body);

    // Bad filters are named too.
    for (param, value) in [
        ("kind", "people"),
        ("sort", "random"),
        ("from", "hier"),
        ("cursor", "zzz"),
        ("city", "atlantide-sous-mer"),
    ] {
        let res = api_search(&app, None, &[("q", "gare"), (param, value)]).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{param}={value}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["field"], param, "{}", res.body);
    }
    let page = app
        .get("/recherche?q=gare&from=2026-05-01&to=2026-01-01")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"gare\""), "the query is kept");
}

#[tokio::test]
async fn filters_narrow_results_and_pages_follow_each_other() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;

    let (lyon_thread, lyon_post) = thread(
        &app,
        &alice,
        "general",
        "Vidéoprotection à Lyon",
        "La vidéoprotection gagne la presqu'île.",
        Some("lyon"),
    )
    .await;
    let (_, brussels_post) = thread(
        &app,
        &bob,
        "drones-et-capteurs",
        "Vidéoprotection à Bruxelles",
        "La vidéoprotection dans les Marolles.",
        Some("brussels"),
    )
    .await;
    let bob_reply = reply(&app, &bob, lyon_thread, "Encore de la vidéoprotection.").await;

    // Board, author, city (by name, in any language), kind.
    assert_eq!(
        sorted(
            ids(
                &app,
                None,
                &[("q", "vidéoprotection"), ("board", "general")]
            )
            .await
        ),
        sorted(vec![lyon_post, bob_reply])
    );
    assert_eq!(
        sorted(ids(&app, None, &[("q", "vidéoprotection"), ("author", "bob")]).await),
        sorted(vec![brussels_post, bob_reply])
    );
    assert_eq!(
        ids(
            &app,
            None,
            &[("q", "vidéoprotection"), ("author", "@alice")]
        )
        .await,
        vec![lyon_post]
    );
    assert_eq!(
        ids(
            &app,
            None,
            &[("q", "vidéoprotection"), ("city", "Bruxelles")]
        )
        .await,
        vec![brussels_post]
    );
    assert_eq!(
        sorted(ids(&app, None, &[("q", "vidéoprotection"), ("city", "Lyon")]).await),
        sorted(vec![lyon_post, bob_reply])
    );
    let threads = found(&app, None, &[("q", "vidéoprotection"), ("kind", "threads")]).await;
    assert_eq!(threads.len(), 2, "one result per thread: {threads:?}");
    assert!(threads.iter().all(|t| t["kind"] == "threads"));
    assert!(ids(
        &app,
        None,
        &[("q", "vidéoprotection"), ("from", "2999-01-01")]
    )
    .await
    .is_empty());
    assert_eq!(
        ids(
            &app,
            None,
            &[("q", "vidéoprotection"), ("to", "2999-01-01")]
        )
        .await
        .len(),
        3
    );
    // Newest first when sorted by date.
    assert_eq!(
        ids(&app, None, &[("q", "vidéoprotection"), ("sort", "date")]).await,
        vec![bob_reply, brussels_post, lyon_post]
    );

    // 45 matching posts: pages of 20 follow each other by cursor, without repeats or gaps.
    let (long_thread, first) = thread(
        &app,
        &admin,
        "general",
        "Le long fil du hibou",
        "Hibou numéro 0.",
        None,
    )
    .await;
    let mut expected = vec![first];
    for n in 1..45 {
        let words = "hibou ".repeat(n % 4 + 1);
        expected.push(reply(&app, &admin, long_thread, &format!("{words} numéro {n}.")).await);
    }
    // A phrase is ranked by the server's own scoring on SQLite (single words by FTS5's), so
    // both are paged through.
    for (q, sort) in [
        ("hibou", "relevance"),
        ("hibou", "date"),
        ("\"hibou numéro\"", "relevance"),
    ] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut params = vec![("q", q), ("sort", sort)];
            if let Some(c) = &cursor {
                params.push(("cursor", c.as_str()));
            }
            let res = api_search(&app, None, &params).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            let body = res.json();
            let page: Vec<i64> = body["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| r["id"].as_i64().expect("id"))
                .collect();
            pages += 1;
            seen.extend(page);
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(pages < 5, "pagination does not end");
        }
        assert_eq!(pages, 3, "{sort}");
        assert_eq!(seen.len(), 45, "{sort}: {seen:?}");
        assert_eq!(sorted(seen.clone()), sorted(expected.clone()), "{sort}");
        if sort == "date" {
            let mut newest_first = expected.clone();
            newest_first.reverse();
            assert_eq!(seen, newest_first);
        }
    }
    // The page links to the next one, which works without JavaScript.
    let page = app.get("/recherche?q=hibou").await;
    assert_eq!(page.status, StatusCode::OK);
    let next = scraper::Html::parse_document(&page.body)
        .select(&scraper::Selector::parse("a[rel=next]").expect("selector"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("a link to the next results")
        .to_owned();
    assert!(next.contains("cursor="), "{next}");
    let second = app.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body.matches("<article>").count(), 20);
}

/// A moderator's action on a thread, through the API.
async fn moderate(app: &TestApp, token: &str, thread_id: i64, action: Value) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread_id}/moderate"),
            Some(token),
            Some(action),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "moderate: {}", res.body);
}

#[tokio::test]
async fn moved_renamed_and_relocated_threads_are_found_under_their_new_board_city_and_title() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let alice = app.api_user("alice").await;

    let (moving, opening) = thread(
        &app,
        &alice,
        "general",
        "Oreilles de la ville",
        "Des capteurs sonores au carrefour.",
        Some("lyon"),
    )
    .await;
    let answer = reply(
        &app,
        &alice,
        moving,
        "Les capteurs sonores écoutent la rue.",
    )
    .await;
    let both = sorted(vec![opening, answer]);
    let by = |board: &'static str| [("q", "capteurs"), ("board", board)];
    assert_eq!(sorted(ids(&app, None, &by("general")).await), both);
    assert!(ids(&app, None, &by("drones-et-capteurs")).await.is_empty());

    // Moved: the board filter follows the thread, replies included.
    moderate(
        &app,
        &admin,
        moving,
        json!({"action": "move", "board": "drones-et-capteurs"}),
    )
    .await;
    assert!(ids(&app, None, &by("general")).await.is_empty());
    assert_eq!(
        sorted(ids(&app, None, &by("drones-et-capteurs")).await),
        both
    );

    // Another city: the city filter follows it too.
    let in_city = |city: &'static str| [("q", "capteurs"), ("city", city)];
    assert_eq!(sorted(ids(&app, None, &in_city("Lyon")).await), both);
    moderate(
        &app,
        &admin,
        moving,
        json!({"action": "city", "city": "marseille"}),
    )
    .await;
    assert!(ids(&app, None, &in_city("Lyon")).await.is_empty());
    assert_eq!(sorted(ids(&app, None, &in_city("Marseille")).await), both);

    // Renamed: the new title is found (as a thread), the old one no longer is.
    assert_eq!(ids(&app, None, &[("q", "oreilles")]).await, vec![opening]);
    moderate(
        &app,
        &admin,
        moving,
        json!({"action": "rename", "title": "Micros urbains"}),
    )
    .await;
    assert_eq!(
        ids(&app, None, &[("q", "micros"), ("kind", "threads")]).await,
        vec![moving]
    );
    assert!(ids(&app, None, &[("q", "oreilles")]).await.is_empty());
    // The filters still hold together after all three changes.
    assert_eq!(
        ids(
            &app,
            None,
            &[
                ("q", "micros"),
                ("board", "drones-et-capteurs"),
                ("city", "Marseille"),
                ("kind", "threads")
            ]
        )
        .await,
        vec![moving]
    );
}

#[tokio::test]
async fn every_page_has_a_search_box_and_reindex_rebuilds_the_index() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    for path in ["/", "/b/general"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("class=\"header-search\"")
                && page.body.contains("action=\"/recherche\""),
            "{path}: {}",
            page.body
        );
    }
    let (thread_id, post) = thread(
        &app,
        &alice,
        "general",
        "Sonomètres rue Pasteur",
        "Des sonomètres écoutent la rue.",
        None,
    )
    .await;
    let second = reply(&app, &alice, thread_id, "D'autres sonomètres.").await;
    assert_eq!(
        visitor_finds(&app, "sonomètres").await,
        sorted(vec![post, second])
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["search", "reindex"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", app.settings.database.url.expose_secret())
        .env("VIGIE_ENV", "test")
        .output()
        .expect("vigie runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("search index rebuilt: 2 posts"), "{stdout}");
    // The same results after the rebuild, and new posts are still indexed as they are written.
    assert_eq!(
        visitor_finds(&app, "sonomètres").await,
        sorted(vec![post, second])
    );
    let third = reply(&app, &alice, thread_id, "Encore un sonomètres.").await;
    assert_eq!(visitor_finds(&app, "sonomètres").await.len(), 3);
    assert!(visitor_finds(&app, "sonomètres").await.contains(&third));
}

/// Every id a search gives, following `next_cursor` until the last page or until `enough` ids.
async fn all_pages(app: &TestApp, params: &[(&str, &str)], enough: usize) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut params = params.to_vec();
        if let Some(c) = &cursor {
            params.push(("cursor", c.as_str()));
        }
        let res = api_search(app, None, &params).await;
        assert_eq!(res.status, StatusCode::OK, "{params:?}: {}", res.body);
        let body = res.json();
        seen.extend(
            body["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| r["id"].as_i64().expect("id")),
        );
        match body["next_cursor"].as_str() {
            Some(next) if seen.len() < enough => cursor = Some(next.to_owned()),
            _ => return seen,
        }
    }
}

/// On a forum many times larger than the window, a search by relevance ranks exactly the newest
/// `search.rank_window` matches, however the store reaches them. On PostgreSQL, once `vigie
/// search reindex` has analysed the posts, the words' frequencies choose the way: a walk over
/// the newest posts for common words, a span of the GIN index for rarer ones, a first probe for
/// several words or a phrase, the whole index for rare ones; each must give what sorting by
/// date gives, cut to the window.
#[tokio::test]
async fn relevance_ranks_exactly_the_newest_matches_on_a_forum_larger_than_the_window() {
    let (db, url) = crate::helpers::fresh_database();
    crate::cli::vigie_ok(
        &url,
        &[
            "seed",
            "--users",
            "30",
            "--threads",
            "150",
            "--posts",
            "4000",
            "--long-threads",
            "1",
            "--long-thread-posts",
            "300",
        ],
    );
    crate::cli::vigie_ok(&url, &["search", "reindex"]);
    let window = 40;
    let mut settings = crate::helpers::test_settings(&url);
    settings.search.rank_window = window;
    let app = TestApp::start(settings, Some(db)).await;

    let searches: [&[(&str, &str)]; 9] = [
        &[("q", "caméras")],
        &[("q", "reconnaissance faciale")],
        &[("q", "grenoble")],
        &[("q", "mars")],
        &[("q", "grenoble -mars")],
        &[("q", "grenoble mars")],
        &[("q", "\"demande cada\"")],
        &[("q", "greno*")],
        &[("q", "reconnaissance faciale"), ("kind", "threads")],
    ];
    let window = window as usize;
    let mut larger = 0;
    for params in searches {
        let mut by_date = params.to_vec();
        by_date.push(("sort", "date"));
        let mut newest = all_pages(&app, &by_date, window).await;
        assert!(!newest.is_empty(), "{params:?} finds nothing in the seed");
        if newest.len() >= window {
            larger += 1;
        }
        newest.truncate(window);
        let ranked = all_pages(&app, params, usize::MAX).await;
        assert_eq!(ranked.len(), newest.len(), "{params:?}: {ranked:?}");
        assert_eq!(sorted(ranked), sorted(newest), "{params:?}");
    }
    // The window was the limit for most of them, not the number of matches.
    assert!(larger >= 6, "only {larger} searches filled the window");
}
