//! The manifesto: signing as a person or an organisation, confirmation by mail, one signature
//! per address, moderators' approval of organisations, the admin-edited text in both
//! languages, the API, and what visitors (whose pages are cached) see after each change.

use diesel::prelude::*;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, text, Page, TestApp, MAIL_WAIT};
use crate::smtp::Mail;

// ----- Helpers -----

/// Submits the sign form (French page) with `client`.
async fn sign_with(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> Page {
    app.post_form_with(client, "/manifeste", "/manifeste/signer", fields)
        .await
}

/// Signs as a person and checks the answer.
async fn sign_person(app: &TestApp, name: &str, email: &str) {
    let res = sign_with(
        app,
        &browser(),
        &[
            ("kind", "person"),
            ("name", name),
            ("city", "Grenoble"),
            ("email", email),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/manifeste/envoye");
}

/// The mails to `email` that `keep` selects, once there are at least `n` of them.
async fn mails_matching(
    app: &TestApp,
    email: &str,
    n: usize,
    keep: impl Fn(&Mail) -> bool,
) -> Vec<Mail> {
    let deadline = tokio::time::Instant::now() + MAIL_WAIT;
    loop {
        let mails: Vec<Mail> = app
            .mails_to(email)
            .into_iter()
            .filter(|m| keep(m))
            .collect();
        if mails.len() >= n {
            return mails;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {n} mail(s) to {email}; {}",
            app.smtp.summary()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The `nth` (from 1) confirmation link mailed to `email`.
async fn confirmation_link(app: &TestApp, email: &str, nth: usize) -> String {
    mails_matching(app, email, nth, |m| {
        m.text.contains("/manifeste/confirmer/")
    })
    .await
    .swap_remove(nth - 1)
    .link_containing("/manifeste/confirmer/")
}

/// The public data of the manifesto, from the API, in `lang`.
async fn public(app: &TestApp, lang: &str) -> Value {
    let res = Client::new()
        .get(app.url("/api/v1/manifesto"))
        .header("accept-language", lang)
        .send()
        .await
        .expect("GET /api/v1/manifesto");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("JSON")
}

/// The number of people counted.
async fn people(app: &TestApp) -> i64 {
    public(app, "fr").await["people"]
        .as_i64()
        .expect("people count")
}

/// A page as a visitor whose browser asks for `lang`.
async fn visit(app: &TestApp, path: &str, lang: &str) -> Page {
    let res = browser()
        .get(app.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .expect("GET");
    let status = res.status();
    let body = res.text().await.expect("body");
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    Page {
        status,
        headers: Default::default(),
        body,
    }
}

/// Signs up a verified member and returns their browser and API token.
async fn member(app: &TestApp, name: &str) -> (Client, String) {
    let client = browser();
    app.register_with(&client, name).await;
    let token = app.api_login(name).await;
    (client, token)
}

/// The first administrator (in the app's own browser) and their API token.
async fn admin(app: &TestApp) -> String {
    let res = app.create_admin("coordination").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.api_login("coordination").await
}

/// The ids of the signatures a staff page offers decisions on, in page order.
fn decision_ids(html: &str) -> Vec<i64> {
    html.match_indices("action=\"/mod/manifesto/")
        .filter_map(|(at, m)| {
            html[at + m.len()..]
                .split('"')
                .next()
                .and_then(|id| id.parse().ok())
        })
        .collect()
}

/// The actions of the staff moderation log, newest first.
async fn log_actions(app: &TestApp, admin: &str) -> Vec<String> {
    let res = app
        .api(Method::GET, "/api/v1/modlog", Some(admin), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

// ----- Tests -----

#[tokio::test]
async fn a_person_signs_confirms_by_mail_and_is_counted() {
    let app = TestApp::spawn().await;
    // A visitor reads the default text, the form and the count (the page is now cached).
    let page = visit(&app, "/manifeste", "fr").await;
    assert!(
        text(&page.body).contains("laboratoires de surveillance"),
        "default text: {}",
        page.body
    );
    assert!(page.body.contains("action=\"/manifeste/signer\""));
    assert!(text(&page.body).contains("Aucune personne n’a encore signé"));
    assert_eq!(people(&app).await, 0);

    sign_person(&app, "Camille", "camille@example.org").await;
    let sent = app.get("/manifeste/envoye").await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(text(&sent.body).contains("Vérifiez votre boîte mail"));
    assert_eq!(people(&app).await, 0, "not counted before confirmation");

    // The mail: absolute single link, in both parts, without the name typed in the form.
    let mail = app
        .mail_to("camille@example.org", "manifesto confirmation", |m| {
            m.text.contains("/manifeste/confirmer/")
        })
        .await;
    assert!(
        mail.subject.contains("Confirmez votre signature"),
        "{}",
        mail.subject
    );
    let link = mail.link_containing("/manifeste/confirmer/");
    assert!(link.starts_with(&app.address), "{link}");
    assert!(mail.html.contains(&link));
    assert!(!mail.text.contains("Camille"), "{}", mail.text);
    assert!(mail.header("List-Unsubscribe").is_none());

    // Following it (signed out, another browser) confirms the signature, once.
    let page = app.follow(&browser(), &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(text(&page.body).contains("Signature confirmée"));
    assert_eq!(people(&app).await, 1);
    let page = visit(&app, "/manifeste", "fr").await;
    assert!(
        text(&page.body).contains("Une personne a signé ce manifeste"),
        "the cached page was renewed: {}",
        page.body
    );
    assert!(!page.body.contains("camille@example.org"));
    assert!(
        !text(&page.body).contains("Camille"),
        "people are never named"
    );

    let again = app.follow(&browser(), &link).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "single use");
    assert!(text(&again.body).contains("Ce lien de confirmation n’est pas valable"));
    let unknown = app.get("/manifeste/confirmer/pas-un-vrai-jeton").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(text(&unknown.body).contains("Lien invalide ou expiré"));
    assert_eq!(people(&app).await, 1);

    // The English alias shows the same page, in the visitor's language.
    let page = visit(&app, "/manifesto", "en").await;
    assert!(text(&page.body).contains("One person has signed this manifesto"));
    assert!(text(&page.body).contains("surveillance laboratories"));
    assert!(page.body.contains("action=\"/manifesto/sign\""));
    assert!(page.body.contains("href=\"/manifesto\""), "nav link");
}

#[tokio::test]
async fn an_organisation_is_listed_only_after_a_moderator_approves_it() {
    let app = TestApp::spawn().await;
    let admin_token = admin(&app).await;
    let (moderator, _) = member(&app, "veilleuse").await;
    let res = app
        .api(
            Method::PUT,
            "/api/v1/admin/users/veilleuse/role",
            Some(&admin_token),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (simple, _) = member(&app, "simple").await;

    let res = sign_with(
        &app,
        &browser(),
        &[
            ("kind", "organisation"),
            ("name", "Collectif Caméras Non Merci"),
            ("website", "collectif.example.org/agir"),
            ("city", "ignorée pour une organisation"),
            ("email", "contact@collectif.example.org"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let link = confirmation_link(&app, "contact@collectif.example.org", 1).await;
    let mail = &app.mails_to("contact@collectif.example.org")[0];
    assert!(mail.text.contains("équipe de modération"), "{}", mail.text);
    let page = app.follow(&browser(), &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page.body).contains("dès que l’équipe de modération l’aura vérifiée"));

    // Confirmed, not yet listed; organisations are not counted among people.
    let page = visit(&app, "/manifeste", "fr").await;
    assert!(!text(&page.body).contains("Caméras Non Merci"));
    assert_eq!(public(&app, "fr").await["organisations"], json!([]));
    assert_eq!(people(&app).await, 0);

    // Staff are pointed to the queue from the page; administrators also to the text.
    let page = app.get_with(&moderator, "/manifeste").await;
    assert!(text(&page.body).contains("Une organisation attend une vérification"));
    assert!(!page.body.contains("href=\"/admin/manifesto\""));
    let page = app.get("/manifeste").await;
    assert!(page.body.contains("href=\"/admin/manifesto\""));
    assert!(
        !text(&app.get_with(&simple, "/manifeste").await.body).contains("attend une vérification")
    );

    // Only staff see the queue.
    let res = app.get_with(&simple, "/mod/manifesto").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app.get_with(&browser(), "/mod/manifesto").await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "signed out: to the login page"
    );
    let queue = app.get_with(&moderator, "/mod/manifesto").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(text(&queue.body).contains("Collectif Caméras Non Merci"));
    assert!(
        queue.body.contains("contact@collectif.example.org"),
        "staff see the contact"
    );
    let ids = decision_ids(&queue.body);
    assert_eq!(ids.len(), 1, "{}", queue.body);
    let id = ids[0].to_string();
    let action = format!("/mod/manifesto/{id}");

    let res = app
        .post_form_with(&simple, "/manifeste", &action, &[("decision", "approve")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "members cannot approve");
    let res = app
        .post_form_with(
            &moderator,
            "/mod/manifesto",
            &action,
            &[("decision", "maybe")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form_with(
            &moderator,
            "/mod/manifesto",
            &action,
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/mod/manifesto?done=approve");
    let res = app
        .post_form_with(
            &moderator,
            "/mod/manifesto",
            &action,
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "already listed");

    // Listed, linked to its website, never with its address (page and API).
    let page = visit(&app, "/manifeste", "fr").await;
    assert!(
        page.body.contains(
            "<a href=\"https://collectif.example.org/agir\" rel=\"nofollow noopener ugc\">Collectif Caméras Non Merci</a>"
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("contact@collectif.example.org"));
    let api = public(&app, "fr").await;
    assert_eq!(
        api["organisations"],
        json!([{"name": "Collectif Caméras Non Merci", "website": "https://collectif.example.org/agir"}])
    );
    assert!(!api.to_string().contains("contact@"), "{api}");
    assert!(log_actions(&app, &admin_token)
        .await
        .contains(&"manifesto_approve".to_owned()));

    // A second organisation is rejected: its signature is gone, it never shows.
    let res = app
        .api(
            Method::POST,
            "/api/v1/manifesto/signatures",
            None,
            Some(json!({"kind": "organisation", "name": "Vendeur de Caméras SA", "website": "https://vendeur.example.com", "email": "com@vendeur.example.com"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
    let link = confirmation_link(&app, "com@vendeur.example.com", 1).await;
    assert_eq!(app.follow(&browser(), &link).await.status, StatusCode::OK);
    let queue = app.get_with(&moderator, "/mod/manifesto").await;
    let rejected = decision_ids(&queue.body)
        .into_iter()
        .find(|i| i.to_string() != id)
        .expect("the second organisation waits");
    let res = app
        .post_form_with(
            &moderator,
            "/mod/manifesto",
            &format!("/mod/manifesto/{rejected}"),
            &[("decision", "reject")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let queue = app.get_with(&moderator, "/mod/manifesto").await;
    assert!(!text(&queue.body).contains("Vendeur de Caméras"));
    assert!(!visit(&app, "/manifeste", "fr")
        .await
        .body
        .contains("Vendeur"));
    assert_eq!(
        public(&app, "fr").await["organisations"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let actions = log_actions(&app, &admin_token).await;
    assert!(
        actions.contains(&"manifesto_reject".to_owned()),
        "{actions:?}"
    );

    // A listed organisation can be removed too.
    let res = app
        .post_form_with(
            &moderator,
            "/mod/manifesto",
            &action,
            &[("decision", "reject")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!text(&visit(&app, "/manifeste", "fr").await.body).contains("Caméras Non Merci"));
}

#[tokio::test]
async fn an_address_signs_only_once_without_the_form_telling_who_signed() {
    let app = TestApp::spawn().await;
    sign_person(&app, "Dominique", "dominique@example.org").await;
    let link = confirmation_link(&app, "dominique@example.org", 1).await;
    assert_eq!(app.follow(&browser(), &link).await.status, StatusCode::OK);
    assert_eq!(people(&app).await, 1);

    // Same address (other case), other details: same answer, a mail saying so, no new link.
    let res = sign_with(
        &app,
        &browser(),
        &[
            ("kind", "organisation"),
            ("name", "Un autre nom"),
            ("email", "Dominique@Example.ORG"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        "/manifeste/envoye",
        "same answer as a new address"
    );
    let notice = app
        .mail_to("dominique@example.org", "already signed", |m| {
            m.subject.contains("déjà signé")
        })
        .await;
    assert!(
        !notice.text.contains("/manifeste/confirmer/"),
        "{}",
        notice.text
    );
    assert!(notice.text.contains(&format!("{}/manifeste", app.address)));
    assert!(!notice.text.contains("Un autre nom"));

    // The API answers a known address exactly like a new one.
    let known = app
        .api(
            Method::POST,
            "/api/v1/manifesto/signatures",
            None,
            Some(json!({"kind": "person", "name": "Dom", "email": "dominique@example.org"})),
        )
        .await;
    let new = app
        .api(
            Method::POST,
            "/api/v1/manifesto/signatures",
            None,
            Some(json!({"kind": "person", "name": "Alix", "city": "Liège", "email": "alix@example.org"})),
        )
        .await;
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(new.status, StatusCode::ACCEPTED);
    assert_eq!(known.body, new.body);
    assert_eq!(new.json(), json!({"status": "confirmation_sent"}));
    mails_matching(&app, "dominique@example.org", 2, |m| {
        m.subject.contains("déjà signé")
    })
    .await;
    assert_eq!(people(&app).await, 1, "still one signature");

    // Signing again before confirming sends a fresh link and voids the older one.
    let first = confirmation_link(&app, "alix@example.org", 1).await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/manifesto/signatures",
            None,
            Some(json!({"kind": "person", "name": "Alix B.", "email": "alix@example.org"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    let second = confirmation_link(&app, "alix@example.org", 2).await;
    assert_ne!(first, second);
    assert_eq!(
        app.follow(&browser(), &first).await.status,
        StatusCode::NOT_FOUND,
        "the older link no longer works"
    );
    assert_eq!(app.follow(&browser(), &second).await.status, StatusCode::OK);
    assert_eq!(people(&app).await, 2);
}

#[tokio::test]
async fn bad_input_is_refused_next_to_each_field_and_kept() {
    let app = TestApp::spawn().await;
    let client = browser();

    let res = sign_with(
        &app,
        &client,
        &[
            ("kind", "person"),
            ("name", "Sacha"),
            ("email", "pas-une-adresse"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"pas-une-adresse\""));
    assert!(res.body.contains("value=\"Sacha\""));
    assert!(res.body.contains("id=\"manifesto-email-error\""));
    assert!(res
        .body
        .contains("aria-describedby=\"manifesto-email-hint manifesto-email-error\""));
    assert!(text(&res.body).contains("Cette adresse e-mail n’est pas valide"));
    assert!(res.body.contains("role=\"alert\""));

    let res = sign_with(
        &app,
        &client,
        &[
            ("kind", "organisation"),
            ("name", "Collectif"),
            ("website", "javascript:alert(1)"),
            ("email", "collectif@example.org"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"manifesto-website-error\""));
    assert!(
        res.body.contains("value=\"javascript:alert(1)\""),
        "input kept"
    );
    assert!(!res.body.contains("href=\"javascript"));
    assert!(res.body.contains(
        "value=\"organisation\" aria-describedby=\"manifesto-kind-organisation-hint\" checked"
    ));

    let res = sign_with(
        &app,
        &client,
        &[
            ("kind", "person"),
            ("name", "   "),
            ("email", "vide@example.org"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"manifesto-name-error\""));
    assert!(text(&res.body).contains("Indiquez un nom"));
    assert!(res.body.contains("value=\"vide@example.org\""));

    let long_name = "N".repeat(121);
    let long_city = "C".repeat(81);
    let res = sign_with(
        &app,
        &client,
        &[
            ("kind", "person"),
            ("name", &long_name),
            ("city", &long_city),
            ("email", "longue@example.org"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(&format!("value=\"{long_name}\"")));
    assert!(res.body.contains(&format!("value=\"{long_city}\"")));
    assert!(res.body.contains("id=\"manifesto-name-error\""));
    assert!(res.body.contains("id=\"manifesto-city-error\""));

    let long_site = format!("https://example.org/{}", "a".repeat(300));
    let res = sign_with(
        &app,
        &client,
        &[
            ("kind", "organisation"),
            ("name", "Longue adresse"),
            ("website", &long_site),
            ("email", "site@example.org"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&res.body).contains("300 caractères au plus"));

    let res = sign_with(
        &app,
        &client,
        &[("name", "Sans genre"), ("email", "genre@example.org")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"manifesto-kind-error\""));

    // The honeypot is refused like a bad form.
    let res = sign_with(
        &app,
        &client,
        &[
            ("kind", "person"),
            ("name", "Robot"),
            ("email", "robot@example.org"),
            ("url", "https://spam.example.com"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&res.body).contains("sans remplissage automatique"));

    // Without the CSRF token: refused.
    let res = client
        .post(app.url("/manifeste/signer"))
        .form(&[
            ("kind", "person"),
            ("name", "X"),
            ("email", "x@example.org"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The API says which field is wrong.
    for (body, field) in [
        (
            json!({"kind": "organisation", "name": "X", "website": "javascript:alert(1)", "email": "x@example.org"}),
            "website",
        ),
        (
            json!({"kind": "person", "name": "X", "email": "nope"}),
            "email",
        ),
        (
            json!({"kind": "person", "name": "", "email": "x@example.org"}),
            "name",
        ),
        (
            json!({"kind": "robot", "name": "X", "email": "x@example.org"}),
            "kind",
        ),
    ] {
        let res = app
            .api(
                Method::POST,
                "/api/v1/manifesto/signatures",
                None,
                Some(body),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(res.json()["error"]["field"], field, "{}", res.body);
    }

    // Nothing was stored or mailed.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.smtp.messages().is_empty(), "no mail for refused input");
    assert_eq!(people(&app).await, 0);
}

#[tokio::test]
async fn an_expired_link_says_so_and_the_unconfirmed_signature_is_forgotten() {
    let app = TestApp::spawn().await;
    sign_person(&app, "Lou", "lou@example.org").await;
    let link = confirmation_link(&app, "lou@example.org", 1).await;
    {
        use vigie::db::schema::manifesto_signatures as sigs;
        let mut conn = vigie::db::DbManager::new(&app.settings.database)
            .connect()
            .expect("database");
        let old = vigie::db::now() - chrono::Duration::days(8);
        diesel::update(sigs::table)
            .set(sigs::created_at.eq(old))
            .execute(&mut conn)
            .expect("age the signature");
    }
    let page = app.follow(&browser(), &link).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(text(&page.body).contains("Lien expiré"));
    let page = app.follow(&browser(), &link).await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "the signature was forgotten"
    );
    assert_eq!(people(&app).await, 0);

    // Signing again works from scratch.
    sign_person(&app, "Lou", "lou@example.org").await;
    let link = confirmation_link(&app, "lou@example.org", 2).await;
    assert_eq!(app.follow(&browser(), &link).await.status, StatusCode::OK);
    assert_eq!(people(&app).await, 1);
}

#[tokio::test]
async fn admins_edit_the_text_in_both_languages_and_visitors_see_it_at_once() {
    let app = TestApp::spawn().await;
    let admin_token = admin(&app).await;
    let (simple, _) = member(&app, "lectrice").await;

    // Visitors' pages are cached with the default texts.
    assert!(
        text(&visit(&app, "/manifeste", "fr").await.body).contains("laboratoires de surveillance")
    );
    assert!(text(&visit(&app, "/manifesto", "en").await.body).contains("surveillance laboratories"));

    // Members may not edit it.
    assert_eq!(
        app.get_with(&simple, "/admin/manifesto").await.status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .post_form_with(
            &simple,
            "/manifeste",
            "/admin/manifesto",
            &[("text", "Piraté"), ("text_en", "Hacked")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_with(&browser(), "/admin/manifesto").await.status,
        StatusCode::SEE_OTHER,
        "signed out: to the login page"
    );

    let form = app.get("/admin/manifesto").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("laboratoires de surveillance"),
        "the current text in the form"
    );

    let fr = "# Contre la Technopolice\n\nNous refusons la **reconnaissance faciale**.\n\n<script>alert(1)</script>";
    let en = "# Against the Technopolice\n\nWe refuse **facial recognition**.";
    let res = app
        .post_form(
            "/admin/manifesto",
            "/admin/manifesto",
            &[("text", fr), ("text_en", en)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/admin/manifesto?saved=1");

    // Signed-out visitors see the new texts at once (their cached pages were renewed).
    let page = visit(&app, "/manifeste", "fr").await;
    assert!(
        page.body.contains("<h1>Contre la Technopolice</h1>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<strong>reconnaissance faciale</strong>"));
    assert!(!page.body.contains("<script>alert"));
    assert!(!text(&page.body).contains("laboratoires de surveillance"));
    let page = visit(&app, "/manifesto", "en").await;
    assert!(
        page.body.contains("<h1>Against the Technopolice</h1>"),
        "{}",
        page.body
    );
    let api = public(&app, "en").await;
    assert!(api["text_html"]
        .as_str()
        .unwrap_or_default()
        .contains("facial recognition"));
    assert!(log_actions(&app, &admin_token)
        .await
        .contains(&"manifesto_text".to_owned()));

    // The French text is required; an empty English one shows the French text.
    let res = app
        .post_form(
            "/admin/manifesto",
            "/admin/manifesto",
            &[("text", "  "), ("text_en", "Kept")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"manifesto-text-error\""));
    assert!(res.body.contains(">Kept</textarea>"), "input kept");
    let too_long = "x".repeat(20_001);
    let res = app
        .post_form(
            "/admin/manifesto",
            "/admin/manifesto",
            &[("text", fr), ("text_en", &too_long)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"manifesto-text_en-error\""));
    let res = app
        .post_form(
            "/admin/manifesto",
            "/admin/manifesto",
            &[("text", fr), ("text_en", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = visit(&app, "/manifesto", "en").await;
    assert!(
        page.body.contains("<h1>Contre la Technopolice</h1>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("class=\"post-body manifesto-text\" lang=\"fr\""));
}
