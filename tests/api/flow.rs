//! The whole life of a forum: setup link → admin → board → member → thread with a city →
//! replies → pagination → edit → city page → language switch.

use reqwest::StatusCode;

use crate::helpers::{browser, text, TestApp};

#[tokio::test]
async fn a_new_forum_is_set_up_and_used_end_to_end() {
    let app = TestApp::spawn_with(|s| s.site.posts_per_page = 5).await;

    // A visitor sees the default boards, in French by default, without an account.
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"fr\""), "{}", home.body);
    assert!(home.body.contains("Vidéosurveillance algorithmique"));

    // The setup link creates the first admin, once.
    let res = app.create_admin("coordination").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let link = app.setup_link.clone().expect("setup link");
    let path = link.trim_start_matches(&app.address);
    assert_eq!(
        browser()
            .get(app.url(path))
            .send()
            .await
            .expect("GET")
            .status(),
        StatusCode::NOT_FOUND
    );

    // The admin creates a board from the admin page.
    let res = app
        .post_form(
            "/admin/boards",
            "/admin/boards",
            &[
                ("slug", "cameras-nice"),
                ("name", "Caméras à Nice"),
                ("description", "Le suivi niçois"),
                ("name_en", "Cameras in Nice"),
                ("description_en", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let admin_page = app.get("/admin/boards").await;
    assert!(admin_page.body.contains("Caméras à Nice"));

    // A member registers and starts a thread attached to a city.
    let member = browser();
    let res = app.register_with(&member, "militante_06").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let thread_id = app
        .new_thread_with(
            &member,
            "cameras-nice",
            "La VSA arrive place Masséna",
            "Premier **message** sur la VSA.",
            "Nice",
        )
        .await;

    // Replies, across several pages (5 posts per page in this test).
    for i in 2..=12 {
        let res = app
            .reply_with(&member, thread_id, &format!("Réponse numéro {i}"))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let page1 = app.get(&format!("/t/{thread_id}")).await;
    assert_eq!(page1.status, StatusCode::OK);
    assert!(page1.body.contains("<strong>message</strong>"));
    assert!(page1.body.contains("Réponse numéro 5"));
    assert!(!page1.body.contains("Réponse numéro 6"));
    let page3 = app
        .get(&format!(
            "/t/{thread_id}/la-vsa-arrive-place-massena?page=3"
        ))
        .await;
    assert_eq!(page3.status, StatusCode::OK);
    assert!(page3.body.contains("Réponse numéro 11") && page3.body.contains("Réponse numéro 12"));
    assert!(!page3.body.contains("Réponse numéro 10"));
    assert_eq!(
        app.get(&format!("/t/{thread_id}?page=4")).await.status,
        StatusCode::NOT_FOUND
    );

    // The member edits the opening post; the page marks it edited and the old text is kept.
    let thread_page = app.get_with(&member, &format!("/t/{thread_id}")).await;
    let edit_href = thread_page
        .body
        .split("href=\"/p/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("an edit link for the author");
    let edit_path = format!("/p/{edit_href}/edit");
    let res = app
        .post_form_with(
            &member,
            &edit_path,
            &edit_path,
            &[
                ("body", "Message corrigé."),
                ("title", "La VSA arrive place Masséna"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page1 = app.get(&format!("/t/{thread_id}")).await;
    assert!(page1.body.contains("Message corrigé."));
    assert!(
        page1.body.contains("class=\"edited\""),
        "edited mark expected"
    );
    // A stale version is refused with both texts instead of overwriting.
    let res = app
        .post_form_with(
            &member,
            &edit_path,
            &edit_path,
            &[("body", "Version périmée"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Message corrigé.") && res.body.contains("Version périmée"));

    // Another visitor cannot edit it.
    let other = browser();
    app.register_with(&other, "curieux").await;
    assert_eq!(
        app.get_with(&other, &edit_path).await.status,
        StatusCode::FORBIDDEN
    );

    // The thread is listed on its board and on the city page, and counted on the home page.
    let board = app.get("/b/cameras-nice").await;
    assert!(board.body.contains("La VSA arrive place Masséna"));
    let board_nice = app.get("/b/cameras-nice?city=nice").await;
    assert!(board_nice.body.contains("La VSA arrive place Masséna"));
    let board_paris = app.get("/b/cameras-nice?city=paris").await;
    assert!(!board_paris.body.contains("La VSA arrive place Masséna"));
    let city = app.get("/c/nice").await;
    assert_eq!(city.status, StatusCode::OK);
    assert!(city.body.contains("La VSA arrive place Masséna"));
    let home = text(&app.get("/").await.body);
    assert!(home.contains("Nice"), "active cities list the city");
    let directory = app.get("/c?q=ni").await;
    assert!(directory.body.contains("/c/nice"));
    assert!(directory.body.contains("GeoNames"));

    // The profile shows the member's thread and never the email.
    let profile = app.get("/u/militante_06").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.body.contains("La VSA arrive place Masséna"));
    assert!(!profile.body.contains("militante_06@example.org"));

    // Language: the member switches to English and sees English pages.
    let res = app
        .post_form_with(
            &member,
            "/",
            "/lang",
            &[("lang", "en"), ("next", "/c/nice")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/c/nice");
    let home_en = app.get_with(&member, "/").await;
    assert!(home_en.body.contains("<html lang=\"en\""));
    assert!(home_en.body.contains("Cameras in Nice"));
    // A visitor whose browser prefers English gets English too.
    let en = reqwest::Client::new()
        .get(app.url("/"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(en.contains("<html lang=\"en\""));
}

/// The `rel="next"` link of a page.
fn next_link(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[rel=next]").expect("selector");
    doc.select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned)
}

#[tokio::test]
async fn board_pages_paginate_by_keyset_with_pinned_first() {
    let app = TestApp::spawn_with(|s| s.site.threads_per_page = 3).await;
    let member = browser();
    app.register_with(&member, "archiviste").await;
    let mut ids = Vec::new();
    for i in 1..=7 {
        ids.push(
            app.new_thread_with(
                &member,
                "general",
                &format!("Sujet numéro {i:02}"),
                "Texte",
                "",
            )
            .await,
        );
    }
    let first = app.get("/b/general").await;
    for i in [7, 6, 5] {
        assert!(
            first.body.contains(&format!("Sujet numéro {i:02}")),
            "page 1 has {i}"
        );
    }
    assert!(!first.body.contains("Sujet numéro 04"));
    let next = next_link(&first.body).expect("a next-page link");
    let second = app.get(&next).await;
    for i in [4, 3, 2] {
        assert!(
            second.body.contains(&format!("Sujet numéro {i:02}")),
            "page 2 has {i}"
        );
    }
    assert!(!second.body.contains("Sujet numéro 05") && !second.body.contains("Sujet numéro 01"));

    // A reply bumps an old thread to the top.
    app.reply_with(&member, ids[0], "On remonte ce sujet").await;
    let first = app.get("/b/general").await;
    let pos1 = first
        .body
        .find("Sujet numéro 01")
        .expect("bumped thread on page 1");
    let pos7 = first
        .body
        .find("Sujet numéro 07")
        .expect("newest thread still on page 1");
    assert!(pos1 < pos7);
}

#[tokio::test]
async fn a_thread_page_takes_at_most_three_statements() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "comptable").await;
    let id = app
        .new_thread_with(&member, "general", "Compter les requêtes", "Corps", "Lyon")
        .await;
    for i in 0..25 {
        app.reply_with(&member, id, &format!("réponse {i}")).await;
    }
    for path in [format!("/t/{id}"), format!("/t/{id}?page=2")] {
        let page = app.get_with(&reqwest::Client::new(), &path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.statements() <= 3,
            "{path}: {} statements",
            page.statements()
        );
        assert!(page.statements() >= 1);
    }
    // Signed in: the session and the member's watch, plus the versions of the copy kept for
    // members; still bounded. Read again, the kept copy costs three.
    let page = app.get_with(&member, &format!("/t/{id}")).await;
    assert!(page.statements() <= 5, "{} statements", page.statements());
    let page = app.get_with(&member, &format!("/t/{id}")).await;
    assert_eq!(page.statements(), 3);
}

#[tokio::test]
async fn visitors_get_cached_pages_that_are_never_stale() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "chroniqueuse").await;
    let id = app
        .new_thread_with(
            &member,
            "general",
            "Un sujet suivi",
            "Premier message",
            "Rennes",
        )
        .await;
    let visitor = browser();
    let path = format!("/t/{id}");
    let first = app.get_with(&visitor, &path).await;
    let second = app.get_with(&visitor, &path).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(
        second.statements(),
        1,
        "a cached page only checks the content version"
    );
    assert_eq!(text(&first.body), text(&second.body));

    // Posting elsewhere leaves this page's cached copy valid.
    let elsewhere = app
        .new_thread_with(&member, "actions-locales", "Ailleurs", "Autre chose", "")
        .await;
    app.reply_with(&member, elsewhere, "Ailleurs encore").await;
    assert_eq!(app.get_with(&visitor, &path).await.statements(), 1);

    // A reply is visible at once, on every cached page that shows it.
    app.reply_with(&member, id, "Une réponse toute fraîche")
        .await;
    assert!(app
        .get_with(&visitor, &path)
        .await
        .body
        .contains("Une réponse toute fraîche"));
    assert!(app
        .get_with(&visitor, "/c/rennes")
        .await
        .body
        .contains("Un sujet suivi"));

    // Each visitor gets their own CSRF token in a cached page, and it works.
    let other = browser();
    let page = app.get_with(&other, &path).await;
    assert_eq!(page.statements(), 1);
    let token = crate::helpers::csrf_token(&page.body);
    assert_ne!(
        token,
        crate::helpers::csrf_token(&app.get_with(&visitor, &path).await.body)
    );
    let res = other
        .post(app.url("/lang"))
        .form(&[
            ("lang", "en"),
            ("next", path.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app
        .get_with(&other, &path)
        .await
        .body
        .contains("<html lang=\"en\""));

    // Signed-in members never get the visitors' copy.
    let mine = app.get_with(&member, &path).await;
    assert!(mine.statements() >= 2);
    assert!(mine.body.contains("/p/"), "the author sees edit links");
}

/// Plain members share the kept copy of a page, each with their own pieces put in: their menu
/// and CSRF token, their watch form, and their own posts shown as theirs (edit, not report).
/// One member never sees another's pieces, and a new post shows at once.
#[tokio::test]
async fn members_share_kept_pages_with_their_own_pieces() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (author, reader, passer) = (browser(), browser(), browser());
    app.register_with(&author, "autrice").await;
    app.register_with(&reader, "lectrice").await;
    app.register_with(&passer, "passante").await;
    let id = app
        .new_thread_with(
            &author,
            "general",
            "Caméras place du marché",
            "Premier constat",
            "Rennes",
        )
        .await;
    let path = format!("/t/{id}");
    let first = app.get_with(&reader, &path).await;
    let second = app.get_with(&reader, &path).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(
        second.statements(),
        3,
        "a kept page costs the session, the versions and the reader's watch"
    );
    assert_eq!(text(&first.body), text(&second.body));
    assert!(second.body.contains("href=\"/u/lectrice\""));
    assert!(
        second.body.contains("/report\""),
        "others' posts are reported"
    );
    assert!(!second.body.contains("/edit\""), "not edited by a reader");

    // Another member gets the same copy with their own name and token, never the reader's.
    // Their first look also records how far they read (one write); the next costs three.
    let passing = app.get_with(&passer, &path).await;
    assert_eq!(passing.statements(), 4);
    assert_eq!(app.get_with(&passer, &path).await.statements(), 3);
    assert!(passing.body.contains("href=\"/u/passante\""));
    assert!(!passing.body.contains("lectrice"), "{}", passing.body);
    let token = crate::helpers::csrf_token(&passing.body);
    assert_ne!(token, crate::helpers::csrf_token(&second.body));
    let res = passer
        .post(app.url("/lang"))
        .form(&[
            ("lang", "en"),
            ("next", path.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "their own token works");
    let english = app.get_with(&passer, &path).await;
    assert!(english.body.contains("<html lang=\"en\""));
    assert!(english.body.contains("href=\"/u/passante\""));

    // The author sees their post as theirs, in a copy of their own.
    let mine = app.get_with(&author, &path).await;
    assert!(mine.body.contains("/edit\""), "{}", mine.body);
    assert!(!mine.body.contains("/report\""));
    let mine_again = app.get_with(&author, &path).await;
    assert_eq!(mine_again.statements(), 3);
    assert_eq!(text(&mine.body), text(&mine_again.body));
    let theirs = app.get_with(&reader, &path).await;
    assert_eq!(theirs.statements(), 3);
    assert!(
        !theirs.body.contains("/edit\""),
        "the author's copy stays theirs"
    );

    // The watch form is each member's own.
    let watching = app
        .post_form_with(
            &reader,
            &path,
            "/watch",
            &[
                ("target", "thread"),
                ("id", &id.to_string()),
                ("level", "watching"),
                ("next", &path),
            ],
        )
        .await;
    assert_eq!(watching.status, StatusCode::SEE_OTHER, "{}", watching.body);
    let theirs = app.get_with(&reader, &path).await;
    assert_eq!(theirs.statements(), 3);
    assert!(theirs.body.contains("<option value=\"watching\" selected>"));
    let passing = app.get_with(&passer, &path).await;
    assert!(passing.body.contains("<option value=\"normal\" selected>"));
    assert!(!passing
        .body
        .contains("<option value=\"watching\" selected>"));

    // A reply shows to everyone at once. The watching reader is notified; reading the kept
    // page marks it read.
    app.reply_with(&author, id, "Deux nouvelles caméras").await;
    app.settle(&admin).await;
    let passing = app.get_with(&passer, &path).await;
    assert!(passing.body.contains("Deux nouvelles caméras"));
    let home = app.get_with(&reader, "/").await;
    assert!(
        home.body.contains("class=\"count\""),
        "notified: {}",
        home.body
    );
    let theirs = app.get_with(&reader, &path).await;
    assert!(theirs.body.contains("Deux nouvelles caméras"));
    let home = app.get_with(&reader, "/").await;
    assert!(!home.body.contains("class=\"count\""), "read by reading");

    // A board page is kept for members too, with the member's own watch form and unread
    // marks (one statement more: how far they read the threads listed).
    let board = app.get_with(&reader, "/b/general").await;
    let board_again = app.get_with(&reader, "/b/general").await;
    assert_eq!(board_again.statements(), 4);
    assert_eq!(text(&board.body), text(&board_again.body));
    assert!(board_again.body.contains("Caméras place du marché"));
    assert!(board_again.body.contains("action=\"/watch\""));

    // And a city's page (its threads, groups and actions are public).
    let city = app.get_with(&reader, "/c/rennes").await;
    let city_again = app.get_with(&reader, "/c/rennes").await;
    assert_eq!(city_again.statements(), 4);
    assert_eq!(text(&city.body), text(&city_again.body));
    assert!(city_again.body.contains("Caméras place du marché"));
    assert!(city_again.body.contains("href=\"/u/lectrice\""));
    assert!(city_again.body.contains("name=\"target\" value=\"city\""));
}
