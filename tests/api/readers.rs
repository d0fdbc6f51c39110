//! What a forum regular expects: unread marks in lists with the count of new posts, opening a
//! thread at the first unread post, "mark all as read" per board, and `@mentions` as links.

use reqwest::StatusCode;

use crate::helpers::{browser, text, TestApp};

/// The unread mark of thread `id` on `page`, as text (`None` when the thread has none).
fn mark(page: &str, id: i64) -> Option<String> {
    let link = format!("href=\"/t/{id}/nouveaux\">");
    let at = page.find(&link)? + link.len();
    let end = page[at..].find("</a>")?;
    Some(page[at..at + end].to_owned())
}

#[tokio::test]
async fn lists_mark_what_a_member_has_not_read_yet() {
    let app = TestApp::spawn().await;
    let author = browser();
    let reader = browser();
    app.register_with(&reader, "lectrice").await;
    app.register_with(&author, "auteur").await;
    let id = app
        .new_thread_with(&author, "general", "Le nouveau marché", "Premier", "Lyon")
        .await;
    app.reply_with(&author, id, "Deuxième").await;
    app.reply_with(&author, id, "Troisième").await;

    // A thread started since the reader joined is new to them, not to its author.
    let board = app.get_with(&reader, "/b/general").await.body;
    assert_eq!(mark(&board, id).as_deref(), Some("Nouveau"), "{board}");
    assert_eq!(
        mark(&app.get_with(&author, "/b/general").await.body, id),
        None
    );
    // Visitors get no marks and no button.
    let visitor = app.get("/b/general").await.body;
    assert_eq!(mark(&visitor, id), None);
    assert!(!visitor.contains("/b/general/lu"));
    assert!(!visitor.contains("vigie-hole"), "every hole is filled");
    assert!(!board.contains("vigie-hole"), "every hole is filled");

    // Never opened: the first post; the page itself reads it all.
    let res = app.get_with(&reader, &format!("/t/{id}/nouveaux")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().ends_with("#p1"), "{}", res.location());
    app.get_with(&reader, &format!("/t/{id}")).await;
    assert_eq!(
        mark(&app.get_with(&reader, "/b/general").await.body, id),
        None
    );

    // Two more posts: counted, and the thread opens at the first of them.
    app.reply_with(&author, id, "Quatrième").await;
    app.reply_with(&author, id, "Cinquième").await;
    let board = app.get_with(&reader, "/b/general").await.body;
    assert_eq!(mark(&board, id).as_deref(), Some("2 nouveaux messages"));
    let city = app.get_with(&reader, "/c/lyon").await.body;
    assert_eq!(mark(&city, id).as_deref(), Some("2 nouveaux messages"));
    let res = app.get_with(&reader, &format!("/t/{id}/nouveaux")).await;
    assert!(res.location().ends_with("#p4"), "{}", res.location());

    // Mark all as read: nothing left; the next post counts alone.
    let res = app
        .post_form_with(&reader, "/b/general", "/b/general/lu", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/b/general");
    let board = app.get_with(&reader, "/b/general").await.body;
    assert_eq!(mark(&board, id), None, "{board}");
    app.reply_with(&author, id, "Sixième").await;
    let board = app.get_with(&reader, "/b/general").await.body;
    assert_eq!(mark(&board, id).as_deref(), Some("1 nouveau message"));
    // Without the form's token, nothing happens.
    let forged = reader
        .post(app.url("/b/general/lu"))
        .form(&[("csrf_token", "nope")])
        .send()
        .await
        .expect("POST");
    assert!(forged.status().is_client_error());

    // In English too.
    let res = app
        .post_form_with(
            &reader,
            "/settings",
            "/settings",
            &[
                ("action", "preferences"),
                ("locale", "en"),
                ("home_city", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let board = app.get_with(&reader, "/b/general").await.body;
    assert_eq!(mark(&board, id).as_deref(), Some("1 new post"));
    assert!(board.contains("Mark all as read"));
    // A visitor asking for the first unread post gets the thread's start.
    let res = app.get(&format!("/t/{id}/nouveaux")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().ends_with("#p1"));
}

#[tokio::test]
async fn mentions_link_to_profiles() {
    let app = TestApp::spawn().await;
    let author = browser();
    app.register_with(&author, "Camille_B").await;
    app.register_with(&browser(), "Dominique").await;
    let id = app
        .new_thread_with(
            &author,
            "general",
            "Réunion jeudi",
            "Merci @dominique et @personne_ici ! Écrire à contact@example.org, `@dominique` en code.",
            "",
        )
        .await;
    let page = app.get(&format!("/t/{id}")).await.body;
    assert!(
        page.contains(
            "<a href=\"/u/Dominique\" rel=\"nofollow ugc noopener noreferrer\">@dominique</a>"
        ),
        "{page}"
    );
    assert!(!page.contains("/u/personne_ici"), "no link to nobody");
    assert!(text(&page).contains("@personne_ici"));
    assert!(page.contains("<code>@dominique</code>"));
    assert!(page.contains("contact@example.org"));
}
