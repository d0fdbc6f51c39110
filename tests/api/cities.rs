//! Cities by the names people use: alternate names (French, Dutch, German, Luxembourgish,
//! English) found wherever a city is typed, each city shown in the reader's language, and words
//! instead of codes (regions, countries, populations, months).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{browser, text, TestApp};

/// `path` read by a browser that asks for `lang`.
async fn get_in(app: &TestApp, path: &str, lang: &str) -> String {
    reqwest::Client::new()
        .get(app.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body")
}

#[tokio::test]
async fn the_directory_finds_cities_by_any_of_their_names() {
    let app = TestApp::spawn().await;
    for (typed, slug) in [
        ("Bruxelles", "brussels"),
        ("brussel", "brussels"),
        ("Brüssel", "brussels"),
        ("Anvers", "antwerpen"),
        ("Ostende", "ostend"),
        ("GENF", "geneve"),
        ("Genève", "geneve"),
        ("geneve", "geneve"),
        ("Luxemburg", "luxembourg"),
        ("Lëtzebuerg", "luxembourg"),
        ("Bâle", "basel"),
    ] {
        let page = app.get(&format!("/c?q={}", urlencode(typed))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&format!("href=\"/c/{slug}\"")),
            "searching “{typed}” should list /c/{slug}"
        );
    }
    // The same through the API, and the cities API tells both names.
    let found = app.get("/api/v1/cities?q=anvers").await.json();
    assert_eq!(found[0]["slug"], "antwerpen");
    assert_eq!(found[0]["name"], "Anvers");
    assert_eq!(found[0]["name_en"], "Antwerp");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn threads_deployments_and_home_cities_take_the_names_people_use() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "bruxelloise").await;
    // A thread's city typed in French, then in Dutch.
    let first = app
        .new_thread_with(
            &member,
            "general",
            "Caméras au Mont des Arts",
            "Le conseil communal en parle.",
            "Bruxelles",
        )
        .await;
    let second = app
        .new_thread_with(
            &member,
            "general",
            "Drones boven Brussel",
            "De politie test ze.",
            "Brussel",
        )
        .await;
    let city = app.get("/c/brussels").await;
    assert!(city.body.contains(&format!("href=\"/t/{first}")));
    assert!(city.body.contains(&format!("href=\"/t/{second}")));
    // Thread lists and pages name the city in the reader's language.
    assert!(city.body.contains("<a href=\"/c/brussels\">Bruxelles</a>"));
    let english = get_in(&app, "/b/general", "en-US").await;
    assert!(
        english.contains("<a href=\"/c/brussels\">Brussels</a>"),
        "{english}"
    );
    let thread = get_in(&app, &format!("/t/{first}"), "en").await;
    assert!(text(&thread).contains("Brussels"));
    // A home city typed in German.
    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "preferences"),
                ("locale", "fr"),
                ("home_city", "Genf"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let settings = app.get_with(&member, "/settings").await;
    assert!(
        settings.body.contains("geneve"),
        "home city saved as Geneva"
    );
    // A deployment's city typed in French.
    let token = app.api_login("bruxelloise").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/deployments",
            Some(&token),
            Some(json!({
                "title": "Caméras augmentées à la gare",
                "technology": "vsa",
                "city": "Anvers",
                "status": "announced",
                "started": "2022-02",
                "companies": [],
                "description": "Annoncé au conseil communal.",
                "sources": [{"url": "https://example.org/anvers", "title": "Délibération"}]
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_i64().expect("id");
    let own = app
        .get_with(&member, &format!("/observatoire/d/{id}"))
        .await;
    let shown = text(&own.body);
    assert!(shown.contains("Anvers"), "{shown}");
    assert!(shown.contains("Région flamande, Belgique"), "{shown}");
    assert!(shown.contains("février 2022"), "months in words: {shown}");
    assert!(!shown.contains("2022-02"), "{shown}");
}

#[tokio::test]
async fn a_board_filtered_by_an_unknown_or_shared_name_says_so() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "filtreuse").await;
    let thread = app
        .new_thread_with(&member, "general", "À Ostende", "Sur la digue.", "ostend")
        .await;
    // By a French name: the board, filtered.
    let page = app.get("/b/general?city=Ostende").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("href=\"/t/{thread}")));
    assert!(text(&page.body).contains("Sujets concernant la ville"));
    // By a typo: the board, unfiltered, and a word with a way to search.
    let page = app.get("/b/general?city=Ostendd").await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = text(&page.body);
    assert!(
        shown.contains("Aucune ville ne s’appelle « Ostendd »"),
        "{shown}"
    );
    assert!(
        page.body.contains("href=\"/c?q&#x3D;Ostendd\""),
        "a link to search"
    );
    assert!(page.body.contains(&format!("href=\"/t/{thread}")));
    // By a name two cities share: the candidates, each a link.
    let page = app.get("/b/general?city=Marly").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page.body).contains("Plusieurs villes s’appellent « Marly »"));
    assert!(page.body.matches("/b/general?city=marly").count() >= 2);
}

#[tokio::test]
async fn cities_are_shown_in_the_readers_language_with_words_not_codes() {
    let app = TestApp::spawn().await;
    let fr = text(&get_in(&app, "/c/antwerpen", "fr").await);
    assert!(fr.contains("Anvers"), "{fr}");
    assert!(fr.contains("Région flamande"), "{fr}");
    assert!(fr.contains("Belgique"), "{fr}");
    assert!(
        fr.contains("529\u{202f}247"),
        "population with French separators: {fr}"
    );
    let en = text(&get_in(&app, "/c/antwerpen", "en-GB").await);
    assert!(en.contains("Antwerp"), "{en}");
    assert!(en.contains("Flemish Region"), "{en}");
    assert!(en.contains("Belgium"), "{en}");
    assert!(en.contains("529,247"), "{en}");
    let geneva = text(&get_in(&app, "/c/geneve", "en").await);
    assert!(
        geneva.contains("Geneva") && geneva.contains("Switzerland"),
        "{geneva}"
    );
    let paris = text(&get_in(&app, "/c/paris", "fr").await);
    assert!(paris.contains("Île-de-France"), "{paris}");
    assert!(
        !paris.contains("Région 11") && !paris.contains("(11"),
        "{paris}"
    );
    // The directory in English: country names, regions, separators.
    let list = text(&get_in(&app, "/c?q=sion", "en").await);
    assert!(list.contains("Sion") && list.contains("Valais"), "{list}");
    assert!(list.contains("Switzerland"), "{list}");
}
