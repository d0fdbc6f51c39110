//! Email, end to end against a real SMTP server over TCP: verification, password reset, email
//! change, notifications by watch level, mentions and quotes, digests, one-click unsubscribe,
//! SMTP faults, and two instances sharing one outbox.

use reqwest::{Client, Method, StatusCode};
use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{browser, fresh_database, test_settings, text, TestApp, PASSWORD};
use crate::smtp::{closed_port, Behaviour, SmtpServer};

/// The value of a hidden field of the first form that has it.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {html}"))
        + marker.len();
    let end = html[start..].find('"').expect("end of value") + start;
    html[start..end].to_owned()
}

/// Sets `client`'s watch level on the thread, board or city shown at `page`.
async fn watch(app: &TestApp, client: &Client, page: &str, level: &str) {
    let html = app.get_with(client, page).await.body;
    let target = hidden(&html, "target");
    let id = hidden(&html, "id");
    let res = app
        .post_form_with(
            client,
            page,
            "/watch",
            &[
                ("target", &target),
                ("id", &id),
                ("level", level),
                ("next", page),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let html = app.get_with(client, page).await.body;
    assert!(
        html.contains(&format!("<option value=\"{level}\" selected>")),
        "{level} is now selected on {page}"
    );
}

/// Runs the real `vigie` binary against the app's database (and SMTP server).
pub async fn vigie_cli(app: &TestApp, database_url: &str, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", database_url)
        .env("VIGIE_ENV", "test")
        .env("VIGIE__MAIL__SMTP_URL", app.smtp.url())
        .env("VIGIE__SERVER__BASE_URL", &app.address)
        .env("VIGIE_PASSWORD", PASSWORD)
        .output()
        .await
        .expect("vigie runs")
}

/// The app's database URL.
pub fn database_url(app: &TestApp) -> String {
    use secrecy::ExposeSecret;
    app.settings.database.url.expose_secret().to_owned()
}

#[tokio::test]
async fn a_new_member_confirms_the_address_from_the_mail_and_can_then_post() {
    let app = TestApp::spawn().await;
    let member = browser();
    let res = app
        .post_form_with(
            &member,
            "/register",
            "/register",
            &[
                ("username", "nouvelle"),
                ("email", "nouvelle@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/register/sent");
    let sent = app.get_with(&member, "/register/sent").await;
    assert!(text(&sent.body).contains("boîte mail"));

    // Before confirming: the member can log in and read, not post.
    assert_eq!(
        app.login_with(&member, "nouvelle").await.status,
        StatusCode::SEE_OTHER
    );
    let home = app.get_with(&member, "/").await.body;
    assert!(text(&home).contains("pas encore confirmée"), "banner shown");
    let res = app
        .post_form_with(
            &member,
            "/b/general/new",
            "/b/general/new",
            &[
                ("title", "Premier sujet"),
                ("body", "Bonjour"),
                ("city", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(text(&res.body).contains("Confirmez d’abord votre adresse"));

    // The mail: multipart, from the site, stable Message-ID, absolute link, no list headers.
    let mail = app
        .mail_to("nouvelle@example.org", "verification", |m| {
            m.text.contains("/verify/")
        })
        .await;
    assert!(mail.from.contains("Vigie"), "{}", mail.from);
    assert!(!mail.message_id.is_empty());
    assert!(!mail.html.is_empty() && !mail.text.is_empty());
    assert!(mail.header("List-Unsubscribe").is_none());
    let link = mail.link_containing("/verify/");
    assert!(link.starts_with(&app.address), "{link}");
    assert!(mail.html.contains(&link), "the HTML part has the same link");

    // Following it works without being logged in; then the member can post.
    let page = app.follow(&browser(), &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page.body).contains("Adresse confirmée"));
    let again = app.follow(&browser(), &link).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "single use");
    let thread = app
        .new_thread_with(&member, "general", "Premier sujet", "Bonjour", "")
        .await;
    assert!(thread > 0);
    let home = app.get_with(&member, "/").await.body;
    assert!(!text(&home).contains("pas encore confirmée"));
}

#[tokio::test]
async fn resending_the_verification_link_voids_the_old_one_and_is_rate_limited() {
    let app = TestApp::spawn_with(|s| s.mail.requests_per_hour = 2).await;
    let member = browser();
    app.post_form_with(
        &member,
        "/register",
        "/register",
        &[
            ("username", "oublieuse"),
            ("email", "oublieuse@example.org"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let first = app.verification_link("oublieuse@example.org").await;
    // From the login page, signed out, by username.
    let res = app
        .post_form_with(
            &browser(),
            "/login",
            "/verify/resend",
            &[("login", "oublieuse")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let second = app
        .smtp
        .wait_for_count(2, crate::helpers::MAIL_WAIT)
        .await
        .last()
        .expect("second mail")
        .link_containing("/verify/");
    assert_ne!(first, second);
    // An unknown name gets the same answer.
    let res = app
        .post_form_with(
            &browser(),
            "/login",
            "/verify/resend",
            &[("login", "personne")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    // The client has used its two requests for this hour.
    let res = app
        .post_form_with(
            &browser(),
            "/login",
            "/verify/resend",
            &[("login", "oublieuse")],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.follow(&browser(), &first).await.status,
        StatusCode::BAD_REQUEST,
        "the older link no longer works"
    );
    assert_eq!(app.follow(&browser(), &second).await.status, StatusCode::OK);
}

#[tokio::test]
async fn registering_an_address_that_has_an_account_mails_it_instead_of_saying_so() {
    let app = TestApp::spawn().await;
    app.register_with(&browser(), "premiere").await;
    let res = app
        .post_form_with(
            &browser(),
            "/register",
            "/register",
            &[
                ("username", "seconde"),
                ("email", "Premiere@Example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        "/register/sent",
        "same answer as a new address"
    );
    let notice = app
        .mail_to("premiere@example.org", "account exists", |m| {
            m.text.contains("/password/forgot")
        })
        .await;
    assert!(notice.text.contains("premiere"), "{}", notice.text);
    assert!(!notice.text.contains("/verify/"));
    assert_eq!(app.get("/u/seconde").await.status, StatusCode::NOT_FOUND);

    // The API answers the same for a new and a known address.
    let new = app
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "troisieme", "email": "troisieme@example.org", "password": PASSWORD})),
        )
        .await;
    let known = app
        .api(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "quatrieme", "email": "premiere@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(new.status, StatusCode::CREATED);
    assert_eq!(known.status, StatusCode::CREATED);
    assert_eq!(new.json()["verification"], known.json()["verification"]);
    assert!(new.json().get("id").is_none());
}

#[tokio::test]
async fn password_reset_works_once_ends_sessions_and_sends_a_notice() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "distraite").await;
    assert_eq!(
        app.get_with(&member, "/settings").await.status,
        StatusCode::OK
    );

    // Unknown and known addresses get the same page; only the known one gets mail.
    let unknown = app
        .post_form_with(
            &browser(),
            "/password/forgot",
            "/password/forgot",
            &[("email", "inconnue@example.org")],
        )
        .await;
    let known = app
        .post_form_with(
            &browser(),
            "/password/forgot",
            "/password/forgot",
            &[("email", "distraite@example.org")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(text(&unknown.body), text(&known.body));
    let first = app
        .mail_to("distraite@example.org", "reset", |m| {
            m.text.contains("/password/reset/")
        })
        .await
        .link_containing("/password/reset/");
    // A second request voids the first link.
    app.post_form_with(
        &browser(),
        "/password/forgot",
        "/password/forgot",
        &[("email", "distraite@example.org")],
    )
    .await;
    // Three mails in all: the verification and two reset links.
    let resets: Vec<String> = app
        .smtp
        .wait_for_count(3, crate::helpers::MAIL_WAIT)
        .await
        .iter()
        .filter(|m| m.text.contains("/password/reset/"))
        .map(|m| m.link_containing("/password/reset/"))
        .collect();
    assert_eq!(resets.len(), 2);
    let link = resets[1].clone();
    assert_eq!(
        app.follow(&browser(), &first).await.status,
        StatusCode::BAD_REQUEST
    );

    // The form, a weak password refused, then the new password.
    let stranger = browser();
    let form = app.follow(&stranger, &link).await;
    assert_eq!(form.status, StatusCode::OK);
    let path = link.trim_start_matches(&app.address).to_owned();
    let weak = app
        .post_form_with(&stranger, &path, &path, &[("password", "password123")])
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form_with(
            &stranger,
            &path,
            &path,
            &[("password", "nouveau-secret-2026")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(text(&res.body).contains("Mot de passe changé"));
    // Not logged in by the link; the old session is gone.
    assert_eq!(
        app.get_with(&stranger, "/settings").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_with(&member, "/settings").await.status,
        StatusCode::SEE_OTHER
    );
    // Used once only.
    let again = app
        .post_form_with(
            &browser(),
            &path,
            &path,
            &[("password", "encore-un-autre-2026")],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    // The new password works, the old one does not.
    let c = browser();
    let old = app.login_with(&c, "distraite").await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let res = app
        .post_form_with(
            &c,
            "/login",
            "/login",
            &[("login", "distraite"), ("password", "nouveau-secret-2026")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.mail_to("distraite@example.org", "password changed notice", |m| {
        !m.text.contains("/password/reset/") && m.text.contains("/password/forgot")
    })
    .await;
}

#[tokio::test]
async fn reset_links_expire() {
    let app = TestApp::spawn_with(|s| s.mail.reset_token_minutes = 0).await;
    app.register_with(&browser(), "tardive").await;
    app.post_form_with(
        &browser(),
        "/password/forgot",
        "/password/forgot",
        &[("email", "tardive@example.org")],
    )
    .await;
    let link = app
        .mail_to("tardive@example.org", "reset", |m| {
            m.text.contains("/password/reset/")
        })
        .await
        .link_containing("/password/reset/");
    let c = browser();
    let page = app.follow(&c, &link).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(text(&page.body).contains("expiré"));
    // Posting to an expired link does not change the password either.
    let path = link.trim_start_matches(&app.address).to_owned();
    let res = app
        .post_form_with(
            &c,
            "/password/forgot",
            &path,
            &[("password", "nouveau-secret-2026")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.login_with(&browser(), "tardive").await.status,
        StatusCode::SEE_OTHER,
        "the old password still works"
    );
}

#[tokio::test]
async fn changing_the_address_confirms_the_new_one_and_tells_the_old_one() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "demenageuse").await;
    let wrong = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "email"),
                ("new_email", "nouvelle-adresse@example.org"),
                ("current_password", "pas-le-bon-mot-de-passe"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("value=\"nouvelle-adresse@example.org\""),
        "input kept"
    );
    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "email"),
                ("new_email", "nouvelle-adresse@example.org"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let link = app
        .mail_to("nouvelle-adresse@example.org", "email change", |m| {
            m.text.contains("/email/confirm/")
        })
        .await
        .link_containing("/email/confirm/");
    // Nothing changed until the link is followed.
    assert!(app
        .get_with(&member, "/settings")
        .await
        .body
        .contains("demenageuse@example.org"));
    let page = app.follow(&browser(), &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(app
        .get_with(&member, "/settings")
        .await
        .body
        .contains("nouvelle-adresse@example.org"));
    let notice = app
        .mail_to("demenageuse@example.org", "old address notice", |m| {
            m.text.contains("n***@example.org")
        })
        .await;
    assert!(!notice.text.contains("nouvelle-adresse@example.org"));
    assert_eq!(
        app.follow(&browser(), &link).await.status,
        StatusCode::BAD_REQUEST
    );
    // The new address logs in.
    assert_eq!(
        app.login_with(&browser(), "nouvelle-adresse@example.org")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn replies_mentions_quotes_watches_and_mutes_mail_exactly_who_they_should() {
    let app = TestApp::spawn_with(|s| s.notifications.max_mentions = 3).await;
    let admin = app.admin_token().await;
    let alice = browser();
    let bob = browser();
    let carol = browser();
    let dave = browser();
    let erin = browser();
    for (client, name) in [
        (&alice, "alice"),
        (&bob, "bob"),
        (&carol, "carol"),
        (&dave, "dave"),
        (&erin, "erin"),
    ] {
        app.register_with(client, name).await;
    }
    // Carol watches the board (mailed in the digest by default, so no immediate mail).
    watch(&app, &carol, "/b/general", "watching").await;
    app.settle(&admin).await;
    app.smtp.clear();

    let thread = app
        .new_thread_with(
            &alice,
            "general",
            "Caméras au marché",
            "Qui a des infos ?",
            "",
        )
        .await;
    let thread_path = format!("/t/{thread}");
    // Erin mutes the thread; mentions of her are then silent too.
    watch(&app, &erin, &thread_path, "muted").await;
    // Bob replies: Alice (author, watching) hears about it.
    app.reply_with(
        &bob,
        thread,
        "Oui, @dave et @erin en savent plus. Et @fantome aussi.",
    )
    .await;
    app.settle(&admin).await;

    let alice_mails = app.mails_to("alice@example.org");
    assert_eq!(
        alice_mails.len(),
        1,
        "{:?}",
        alice_mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let reply = &alice_mails[0];
    assert!(
        reply.subject.contains("Caméras au marché"),
        "{}",
        reply.subject
    );
    assert!(
        reply.text.contains("en savent plus"),
        "the post's text is in the mail"
    );
    assert!(reply.link_containing("/p/").starts_with(&app.address));
    assert!(reply.header("List-Unsubscribe").is_some());
    assert_eq!(
        reply.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert_eq!(app.mails_to("dave@example.org").len(), 1, "mentioned");
    assert!(app.mails_to("dave@example.org")[0].text.contains("bob"));
    assert!(app.mails_to("erin@example.org").is_empty(), "muted thread");
    assert!(app.mails_to("bob@example.org").is_empty(), "own post");
    assert!(
        app.mails_to("carol@example.org").is_empty(),
        "board activity goes to the digest"
    );

    // In the forum: Alice and Carol have a notification, with the count in the header.
    let page = app.get_with(&alice, "/notifications").await.body;
    assert!(text(&page).contains("Caméras au marché"));
    assert!(page.contains("class=\"count\""), "unread count shown");
    let page = app.get_with(&carol, "/notifications").await.body;
    assert!(text(&page).contains("Caméras au marché"));
    // Reading the thread marks it read.
    app.get_with(&alice, &thread_path).await;
    let page = app.get_with(&alice, "/notifications").await.body;
    assert!(!page.contains("class=\"count\""), "{}", text(&page));

    // Dave quotes Alice: she hears as the quoted author; Bob (watching since he replied) too.
    app.smtp.clear();
    let posts = app.get_with(&dave, &thread_path).await.body;
    let quote_href: String = {
        let doc = scraper::Html::parse_document(&posts);
        let links = scraper::Selector::parse("a[href]").expect("selector");
        doc.select(&links)
            .filter_map(|a| a.value().attr("href"))
            .find(|href| href.starts_with(&format!("/t/{thread}/reply?quote=")))
            .expect("a quote link")
            .to_owned()
    };
    let form = app.get_with(&dave, &quote_href).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("(/p/"), "the quote links to the post");
    let quoted_body: String = {
        let doc = scraper::Html::parse_document(&form.body);
        let selector = scraper::Selector::parse("textarea[name=body]").expect("selector");
        doc.select(&selector)
            .next()
            .expect("textarea")
            .text()
            .collect()
    };
    assert!(quoted_body.contains("> Qui a des infos ?"), "{quoted_body}");
    let res = app
        .reply_with(&dave, thread, &format!("{quoted_body}Je confirme."))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.settle(&admin).await;
    let alice_mails = app.mails_to("alice@example.org");
    assert_eq!(alice_mails.len(), 1);
    assert!(alice_mails[0].text.contains("Je confirme"));
    assert_eq!(
        app.mails_to("bob@example.org").len(),
        1,
        "bob watches since he replied"
    );
    assert!(app.mails_to("dave@example.org").is_empty(), "own post");
    assert!(app.mails_to("erin@example.org").is_empty());

    // Mentions are capped: four names, at most three notified.
    app.smtp.clear();
    let res = app
        .reply_with(&bob, thread, "@alice @carol @dave @erin : réunion jeudi.")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.settle(&admin).await;
    let notified: usize = ["alice", "carol", "dave"]
        .iter()
        .map(|n| app.mails_to(&format!("{n}@example.org")).len())
        .sum();
    // alice and dave: one mail each (watching or mentioned); carol: mentioned (immediate).
    assert_eq!(notified, 3, "{:?}", app.smtp.summary());
    assert!(
        app.mails_to("erin@example.org").is_empty(),
        "fourth mention dropped, and muted"
    );
}

#[tokio::test]
async fn the_digest_gathers_what_is_unread_once_and_the_unsubscribe_link_works_signed_out() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let author = browser();
    let reader = browser();
    app.register_with(&author, "autrice").await;
    app.register_with(&reader, "lectrice").await;
    watch(&app, &reader, "/b/videosurveillance", "watching").await;
    app.settle(&admin).await;
    app.smtp.clear();
    let first = app
        .new_thread_with(
            &author,
            "videosurveillance",
            "VSA à Marseille",
            "Premier signalement.",
            "",
        )
        .await;
    let _second = app
        .new_thread_with(
            &author,
            "videosurveillance",
            "Drones à Lyon",
            "Second signalement.",
            "",
        )
        .await;
    let third = app
        .new_thread_with(
            &author,
            "videosurveillance",
            "Capteurs à Nice",
            "Troisième signalement.",
            "",
        )
        .await;
    app.settle(&admin).await;
    assert!(
        app.mails_to("lectrice@example.org").is_empty(),
        "nothing immediate"
    );
    // The reader already saw the third thread.
    app.get_with(&reader, &format!("/t/{third}")).await;
    let _ = first;

    let url = database_url(&app);
    let out = vigie_cli(&app, &url, &["mail", "digest", "--all"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.settle(&admin).await;
    let digests = app.mails_to("lectrice@example.org");
    assert_eq!(digests.len(), 1, "{}", app.smtp.summary());
    let digest = &digests[0];
    assert!(digest.text.contains("VSA à Marseille"));
    assert!(digest.text.contains("Drones à Lyon"));
    assert!(!digest.text.contains("Capteurs à Nice"), "already read");
    assert!(digest.header("List-Unsubscribe").is_some());

    // Nothing is mailed twice.
    let out = vigie_cli(&app, &url, &["mail", "digest", "--all"]).await;
    assert!(out.status.success());
    app.settle(&admin).await;
    assert_eq!(app.mails_to("lectrice@example.org").len(), 1);

    // One click, signed out: the header's POST form (RFC 8058).
    let header = digest.header("List-Unsubscribe").expect("header");
    let link = header.trim_matches(['<', '>', ' ']).to_owned();
    let path = link.trim_start_matches(&app.address).to_owned();
    let page = app.get_with(&browser(), &path).await;
    assert_eq!(page.status, StatusCode::OK);
    let res = Client::new()
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK);
    // A forged signature is refused.
    let forged = format!("{}x", path.trim_end_matches('/'));
    assert_eq!(
        Client::new()
            .post(app.url(&forged))
            .send()
            .await
            .expect("POST")
            .status(),
        StatusCode::NOT_FOUND
    );
    // The preference is now "never": more activity, another digest run, no mail.
    app.new_thread_with(
        &author,
        "videosurveillance",
        "Encore une caméra",
        "Oui.",
        "",
    )
    .await;
    app.settle(&admin).await;
    let out = vigie_cli(&app, &url, &["mail", "digest", "--all"]).await;
    assert!(out.status.success());
    app.settle(&admin).await;
    assert_eq!(app.mails_to("lectrice@example.org").len(), 1);
    let settings = app.get_with(&reader, "/settings").await.body;
    assert!(settings.contains("<option value=\"never\" selected>"));
}

#[tokio::test]
async fn a_closed_smtp_port_delays_mail_without_losing_it() {
    let port = closed_port();
    let app = TestApp::spawn_with(|s| {
        s.mail.smtp_url = SecretString::from(format!("smtp://127.0.0.1:{port}"));
    })
    .await;
    let admin = app.admin_token().await;
    let res = app
        .post_form_with(
            &browser(),
            "/register",
            "/register",
            &[
                ("username", "patiente"),
                ("email", "patiente@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "registration does not wait for SMTP"
    );
    // The failure is recorded and retried.
    let deadline = tokio::time::Instant::now() + crate::helpers::MAIL_WAIT;
    loop {
        let res = app
            .api(Method::GET, "/api/v1/admin/mail", Some(&admin), None)
            .await;
        let problems = res.json()["problems"].clone();
        if problems.as_array().is_some_and(|p| !p.is_empty()) {
            assert!(problems[0]["last_error"].as_str().is_some());
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failure recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The server comes up on that port: the mail arrives, once.
    let server = SmtpServer::start_on(port).await;
    server
        .wait_for(
            "verification after outage",
            |m| m.text.contains("/verify/"),
            crate::helpers::MAIL_WAIT,
        )
        .await;
    app.settle(&admin).await;
    let verifications = server
        .messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == "patiente@example.org"))
        .count();
    assert_eq!(verifications, 1);
}

#[tokio::test]
async fn a_hanging_or_refusing_smtp_server_does_not_slow_posting_and_nothing_is_sent_twice() {
    // Were posting to wait for SMTP, three posts would take at least 3 × 5 s.
    let app = TestApp::spawn_with(|s| s.mail.smtp_timeout_seconds = 5).await;
    let admin = app.admin_token().await;
    let author = browser();
    let watcher = browser();
    app.register_with(&author, "redactrice").await;
    app.register_with(&watcher, "veilleuse").await;
    let thread = app
        .new_thread_with(&author, "general", "Sujet suivi", "Début.", "")
        .await;
    app.reply_with(&watcher, thread, "Je suis.").await;
    app.settle(&admin).await;
    app.smtp.clear();

    // A server that accepts connections and never answers.
    app.smtp.set_behaviour(Behaviour::Hang);
    let started = std::time::Instant::now();
    for i in 0..3 {
        let res = app
            .reply_with(&watcher, thread, &format!("Message {i}"))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    let posting = started.elapsed();
    assert!(
        posting < std::time::Duration::from_secs(5),
        "posting took {posting:?}"
    );
    // Then it refuses twice with 4xx, then accepts.
    app.smtp.set_behaviour(Behaviour::TempFail(2));
    app.settle(&admin).await;
    let mails = app.mails_to("redactrice@example.org");
    assert_eq!(mails.len(), 3, "{}", app.smtp.summary());
    let mut ids: Vec<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "no mail twice");
    for i in 0..3 {
        assert!(mails
            .iter()
            .any(|m| m.text.contains(&format!("Message {i}"))));
    }
}

#[tokio::test]
async fn two_instances_on_one_database_send_every_mail_exactly_once() {
    let (db, url) = fresh_database();
    let smtp = SmtpServer::start().await;
    let mut first_settings = test_settings(&url);
    first_settings.mail.smtp_url = SecretString::from(smtp.url());
    let first = TestApp::start_with_smtp(first_settings, Some(db), smtp.clone()).await;
    let mut second_settings = test_settings(&url);
    second_settings.mail.smtp_url = SecretString::from(smtp.url());
    second_settings.database.migrate_on_start = false;
    let second = TestApp::start_with_smtp(second_settings, None, smtp.clone()).await;
    let admin = first.admin_token().await;

    let mut names = Vec::new();
    for i in 0..12 {
        let name = format!("jumelle_{i}");
        let app = if i % 2 == 0 { &first } else { &second };
        let res = app
            .api(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        names.push(name);
    }
    smtp.wait_for_count(12, crate::helpers::MAIL_WAIT).await;
    first.settle(&admin).await;
    second.settle(&admin).await;
    let mails = smtp.messages();
    assert_eq!(mails.len(), 12, "{}", smtp.summary());
    for name in names {
        let to = format!("{name}@example.org");
        assert_eq!(
            mails.iter().filter(|m| m.rcpt_to.contains(&to)).count(),
            1,
            "{to}"
        );
    }
}

#[tokio::test]
async fn the_admin_outbox_page_shows_failures_and_retries_them() {
    let app = TestApp::spawn_with(|s| s.mail.max_attempts = 1).await;
    app.create_admin("gardienne").await;
    let admin_browser = app.client.clone();
    let admin = app.api_login("gardienne").await;
    app.smtp.set_behaviour(Behaviour::PermFail);
    app.post_form_with(
        &browser(),
        "/password/forgot",
        "/password/forgot",
        &[("email", "gardienne@example.org")],
    )
    .await;
    let counts = app.settle(&admin).await;
    assert_eq!(counts["failed"], 1);
    let page = app.get_with(&admin_browser, "/admin/mail").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("550"), "last error shown");
    app.smtp.set_behaviour(Behaviour::Accept);
    let res = app
        .post_form_with(&admin_browser, "/admin/mail", "/admin/mail/retry", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.mail_to("gardienne@example.org", "retried reset", |m| {
        m.text.contains("/password/reset/")
    })
    .await;
    // Members cannot see it.
    let member = browser();
    app.register_with(&member, "curieuse").await;
    assert_eq!(
        app.get_with(&member, "/admin/mail").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn mail_test_command_reports_success_and_failure() {
    let app = TestApp::spawn().await;
    let url = database_url(&app);
    let out = vigie_cli(&app, &url, &["mail", "test", "essai@example.org"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("essai@example.org"));
    app.mail_to("essai@example.org", "test mail", |_| true)
        .await;
    app.smtp.set_behaviour(Behaviour::PermFail);
    let out = vigie_cli(&app, &url, &["mail", "test", "refus@example.org"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("550"));
}

#[tokio::test]
async fn a_private_instance_can_turn_verification_off() {
    let app = TestApp::spawn_with(|s| s.mail.require_verification = false).await;
    let admin = app.admin_token().await;
    let member = browser();
    let res = app
        .post_form_with(
            &member,
            "/register",
            "/register",
            &[
                ("username", "interne"),
                ("email", "interne@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/", "signed in at once");
    let thread = app
        .new_thread_with(
            &member,
            "general",
            "Sans vérification",
            "Instance privée.",
            "",
        )
        .await;
    assert!(thread > 0);
    app.settle(&admin).await;
    assert!(
        app.mails_to("interne@example.org").is_empty(),
        "no verification mail"
    );
}
