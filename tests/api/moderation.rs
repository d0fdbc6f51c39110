//! Moderation of people: sanctions and their effects, notes, the logs, and who may do what.

use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::helpers::{browser, text, TestApp, PASSWORD};
use crate::mail::{database_url, vigie_cli};

/// An API token and a browser session for a new, verified member.
async fn member(app: &TestApp, name: &str) -> (Client, String) {
    let client = browser();
    app.register_with(&client, name).await;
    let token = app.api_login(name).await;
    (client, token)
}

fn tomorrow() -> String {
    (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string()
}

async fn sanction(
    app: &TestApp,
    token: &str,
    who: &str,
    body: serde_json::Value,
) -> crate::helpers::Page {
    app.api(
        Method::POST,
        &format!("/api/v1/users/{who}/sanctions"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_suspension_ends_sessions_at_once_blocks_login_and_can_be_lifted() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (cookie, token) = member(&app, "turbulente").await;
    assert_eq!(
        app.get_with(&cookie, "/settings").await.status,
        StatusCode::OK
    );

    let res = sanction(
        &app,
        &admin,
        "turbulente",
        json!({"kind": "suspend", "until": tomorrow(), "reason": "Insultes répétées"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["kind"], "suspend");

    // The old cookie and the old token stop working on the very next request.
    assert_eq!(
        app.get_with(&cookie, "/settings").await.status,
        StatusCode::SEE_OTHER
    );
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // Logging in again is refused, with the reason and the date.
    let res = app.login_with(&browser(), "turbulente").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let shown = text(&res.body);
    assert!(
        shown.contains("suspendu") && shown.contains("Insultes répétées"),
        "{shown}"
    );
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": "turbulente", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Lifted: logging in works again.
    let res = app
        .api(
            Method::DELETE,
            "/api/v1/users/turbulente/sanctions",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["lifted"], 1);
    assert_eq!(
        app.login_with(&browser(), "turbulente").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn silence_makes_an_account_read_only_and_a_ban_is_for_good() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, _) = member(&app, "bavarde").await;
    let thread = {
        let author = browser();
        app.register_with(&author, "autrice").await;
        app.new_thread_with(&author, "general", "Un sujet", "Texte.", "")
            .await
    };
    let res = sanction(
        &app,
        &admin,
        "bavarde",
        json!({"kind": "silence", "until": tomorrow(), "reason": "Hors sujet en série"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // Sessions ended; logging in works, reading works, posting does not.
    let c = browser();
    assert_eq!(
        app.login_with(&c, "bavarde").await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get_with(&c, &format!("/t/{thread}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page.body).contains("lecture seule"));
    let res = app.reply_with(&c, thread, "Encore moi").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let settings = app.get_with(&c, "/settings").await.body;
    assert!(
        text(&settings).contains("Hors sujet en série"),
        "the reason is shown to the person"
    );

    let res = sanction(
        &app,
        &admin,
        "bavarde",
        json!({"kind": "ban", "reason": "Récidive"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert!(res.json()["until"].is_null());
    assert_eq!(
        app.get_with(&c, "/settings").await.status,
        StatusCode::SEE_OTHER
    );
    let res = app.login_with(&browser(), "bavarde").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(text(&res.body).contains("banni"));
}

#[tokio::test]
async fn warnings_and_notes_stay_private_and_the_public_log_names_no_moderator() {
    let app = TestApp::spawn().await;
    app.create_admin("gardienne").await;
    let admin_browser = app.client.clone();
    let (target, _) = member(&app, "distraite").await;
    let page = app.get_with(&admin_browser, "/mod/users/distraite").await;
    assert_eq!(page.status, StatusCode::OK);
    let res = app
        .post_form_with(
            &admin_browser,
            "/mod/users/distraite",
            "/mod/users/distraite/sanctions",
            &[
                ("kind", "warn"),
                ("until", ""),
                ("reason", "Merci de rester courtoise"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_form_with(
            &admin_browser,
            "/mod/users/distraite",
            "/mod/users/distraite/notes",
            &[("note", "Déjà signalée sur un autre forum")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // A warning keeps the session; the person reads it, not the note.
    let own = text(&app.get_with(&target, "/settings").await.body);
    assert!(own.contains("Merci de rester courtoise"), "{own}");
    assert!(!own.contains("Déjà signalée"));
    let res = app
        .post_form_with(
            &admin_browser,
            "/mod/users/distraite",
            "/mod/users/distraite/sanctions",
            &[
                ("kind", "suspend"),
                ("until", &tomorrow()),
                ("reason", "Motif très privé"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // The staff page shows the history and the note.
    let page = text(
        &app.get_with(&admin_browser, "/mod/users/distraite")
            .await
            .body,
    );
    assert!(page.contains("Merci de rester courtoise") && page.contains("Déjà signalée"));
    assert_eq!(
        app.get_with(&target, "/settings").await.status,
        StatusCode::SEE_OTHER
    );

    // The staff log names the moderator and the reasons.
    let staff = text(&app.get_with(&admin_browser, "/mod/log").await.body);
    assert!(
        staff.contains("gardienne") && staff.contains("Motif très privé"),
        "{staff}"
    );
    assert!(staff.contains("Note de modération"));
    // The public log shows the suspension only: no moderator, no reason, no warning, no note.
    let public = app.get_with(&browser(), "/moderation").await;
    assert_eq!(public.status, StatusCode::OK);
    let public = text(&public.body);
    assert!(
        public.contains("Suspension") && public.contains("distraite"),
        "{public}"
    );
    for secret in [
        "gardienne",
        "Motif très privé",
        "courtoise",
        "Déjà signalée",
        "Note de modération",
    ] {
        assert!(!public.contains(secret), "{secret} leaked: {public}");
    }
    let api = app.api(Method::GET, "/api/v1/modlog", None, None).await;
    assert_eq!(api.json()["staff"], false);
    assert!(!api.body.contains("Motif très privé") && !api.body.contains("gardienne"));
    assert_eq!(api.json()["entries"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn bad_sanctions_get_clear_errors_and_the_form_keeps_the_input() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    member(&app, "cible").await;
    let cases = [
        (
            json!({"kind": "suspend", "until": "2020-01-01", "reason": "x"}),
            "until",
        ),
        (json!({"kind": "suspend", "reason": "x"}), "until"),
        (
            json!({"kind": "silence", "until": "bientôt", "reason": "x"}),
            "until",
        ),
        (
            json!({"kind": "warn", "reason": "x".repeat(1001)}),
            "reason",
        ),
        (json!({"kind": "warn", "reason": "  "}), "reason"),
        (json!({"kind": "exil", "reason": "x"}), "kind"),
    ];
    for (body, field) in cases {
        let res = sanction(&app, &admin, "cible", body.clone()).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    let res = sanction(
        &app,
        &admin,
        "personne",
        json!({"kind": "warn", "reason": "x"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // The web form: an expired date is explained and the reason kept.
    let admin_browser = browser();
    app.login_with(&admin_browser, "root_admin").await;
    let res = app
        .post_form_with(
            &admin_browser,
            "/mod/users/cible",
            "/mod/users/cible/sanctions",
            &[
                ("kind", "suspend"),
                ("until", "2020-01-01"),
                ("reason", "Spam massif"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&res.body).contains("déjà passée"));
    assert!(res.body.contains("Spam massif"));
    // Without a CSRF token: refused.
    let res = admin_browser
        .post(app.url("/mod/users/cible/sanctions"))
        .form(&[("kind", "warn"), ("reason", "x")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn who_may_sanction_whom() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let url = database_url(&app);
    let (_, member_token) = member(&app, "simple").await;
    let (_, board_mod_token) = member(&app, "modo_local").await;
    let out = vigie_cli(
        &app,
        &url,
        &[
            "board",
            "moderator",
            "--slug",
            "general",
            "--username",
            "modo_local",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vigie_cli(
        &app,
        &url,
        &[
            "user",
            "create",
            "--username",
            "modo_global",
            "--email",
            "mg@example.org",
            "--role",
            "moderator",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let global_token = app.api_login("modo_global").await;
    let (_, suspended_token) = member(&app, "suspendue").await;
    let res = sanction(
        &app,
        &admin,
        "suspendue",
        json!({"kind": "suspend", "until": tomorrow(), "reason": "test"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED);
    member(&app, "victime").await;

    let warn = json!({"kind": "warn", "reason": "Rappel des règles"});
    let actors: [(&str, Option<&str>, StatusCode); 6] = [
        ("anonymous", None, StatusCode::UNAUTHORIZED),
        ("member", Some(&member_token), StatusCode::FORBIDDEN),
        (
            "suspended",
            Some(&suspended_token),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "board moderator",
            Some(&board_mod_token),
            StatusCode::FORBIDDEN,
        ),
        ("global moderator", Some(&global_token), StatusCode::CREATED),
        ("admin", Some(&admin), StatusCode::CREATED),
    ];
    for (who, token, expected) in actors {
        let res = app
            .api(
                Method::POST,
                "/api/v1/users/victime/sanctions",
                token,
                Some(warn.clone()),
            )
            .await;
        assert_eq!(res.status, expected, "{who} warns: {}", res.body);
        let lifted = app
            .api(
                Method::DELETE,
                "/api/v1/users/victime/sanctions",
                token,
                None,
            )
            .await;
        let expected_lift = if expected == StatusCode::CREATED {
            StatusCode::OK
        } else {
            expected
        };
        assert_eq!(lifted.status, expected_lift, "{who} lifts");
        let log = app.api(Method::GET, "/api/v1/modlog", token, None).await;
        assert_eq!(
            log.status,
            if who == "suspended" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            },
            "{who} reads the log"
        );
        if log.status == StatusCode::OK {
            let staff = matches!(who, "board moderator" | "global moderator" | "admin");
            assert_eq!(log.json()["staff"], staff, "{who} gets the staff log");
        }
    }
    // Ranks: a global moderator cannot sanction another moderator or an admin, nobody
    // sanctions themselves, an admin can sanction a moderator.
    let res = sanction(&app, &global_token, "root_admin", warn.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = sanction(&app, &global_token, "modo_global", warn.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = sanction(&app, &admin, "root_admin", warn.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = sanction(&app, &admin, "modo_global", warn.clone()).await;
    assert_eq!(res.status, StatusCode::CREATED);
    // Pages follow the same rules.
    let c = browser();
    app.login_with(&c, "simple").await;
    assert_eq!(
        app.get_with(&c, "/mod/users/victime").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with(&c, "/mod/log").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with(&browser(), "/mod/log").await.status,
        StatusCode::SEE_OTHER
    );
}

async fn moderate(
    app: &TestApp,
    token: Option<&str>,
    thread: i64,
    body: serde_json::Value,
) -> crate::helpers::Page {
    app.api(
        Method::POST,
        &format!("/api/v1/threads/{thread}/moderate"),
        token,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn threads_can_be_locked_pinned_moved_renamed_slowed_and_every_action_is_logged() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let url = database_url(&app);
    let author = browser();
    app.register_with(&author, "lanceuse").await;
    let other = browser();
    app.register_with(&other, "curieuse").await;
    let thread = app
        .new_thread_with(&author, "general", "Caméras au port", "Qui sait ?", "")
        .await;
    let (_, local_mod) = member(&app, "modo_general").await;
    let (_, elsewhere_mod) = member(&app, "modo_drones").await;
    for (slug, who) in [
        ("general", "modo_general"),
        ("drones-et-capteurs", "modo_drones"),
    ] {
        let out = vigie_cli(
            &app,
            &url,
            &["board", "moderator", "--slug", slug, "--username", who],
        )
        .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (_, member_token) = member(&app, "simple_membre").await;

    // Who may lock: not visitors, members or the moderator of another board.
    let lock = json!({"action": "lock", "reason": "Le débat tourne en rond"});
    assert_eq!(
        moderate(&app, None, thread, lock.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        moderate(&app, Some(&member_token), thread, lock.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        moderate(&app, Some(&elsewhere_mod), thread, lock.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        moderate(&app, Some(&local_mod), 999_999, lock.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let res = moderate(&app, Some(&local_mod), thread, lock).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["thread"]["locked"], true);
    // Locked: members cannot reply, staff still can (the board's moderator too).
    assert_eq!(
        app.reply_with(&other, thread, "Et moi ?").await.status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&local_mod),
            Some(json!({"body": "Je verrouille, j’explique"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&elsewhere_mod),
            Some(json!({"body": "Et moi ?"})),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "not the moderator of another board"
    );
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&admin),
            Some(json!({"body": "Note de l’équipe"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let res = moderate(&app, Some(&local_mod), thread, json!({"action": "unlock"})).await;
    assert_eq!(res.json()["thread"]["locked"], false);

    // Pin until a date: first on the board, with its end shown.
    let until = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    app.new_thread_with(&author, "general", "Un sujet plus récent", "Texte", "")
        .await;
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "pin", "until": until}),
    )
    .await;
    assert_eq!(res.json()["thread"]["pinned"], true);
    assert!(res.json()["thread"]["pinned_until"].is_string());
    let board = text(&app.get("/b/general").await.body);
    assert!(
        board.find("Caméras au port") < board.find("Un sujet plus récent"),
        "{board}"
    );
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "pin", "until": "2020-01-01"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "until");

    // Rename and change city.
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "rename", "title": "Caméras au port de Marseille"}),
    )
    .await;
    assert_eq!(
        res.json()["thread"]["title"],
        "Caméras au port de Marseille"
    );
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "rename", "title": "ab"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "city", "city": "marseille"}),
    )
    .await;
    assert_eq!(res.json()["thread"]["city"], "marseille");
    assert!(text(&app.get("/c/marseille").await.body).contains("Caméras au port de Marseille"));

    // Slow mode: a second reply within the window is refused with a clear 429.
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "slow_mode", "minutes": 30}),
    )
    .await;
    assert_eq!(res.json()["thread"]["slow_mode_minutes"], 30);
    assert_eq!(
        app.reply_with(&other, thread, "Premier").await.status,
        StatusCode::SEE_OTHER
    );
    let res = app.reply_with(&other, thread, "Second, trop tôt").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(text(&res.body).contains("mode lent"), "{}", text(&res.body));
    assert!(res.headers.get("retry-after").is_some());
    let res = moderate(
        &app,
        Some(&local_mod),
        thread,
        json!({"action": "slow_mode", "minutes": 5000}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Moving needs the right on both boards: the general moderator cannot move into drones.
    let to_drones = json!({"action": "move", "board": "drones-et-capteurs"});
    assert_eq!(
        moderate(&app, Some(&local_mod), thread, to_drones.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let res = moderate(&app, Some(&admin), thread, to_drones).await;
    assert_eq!(res.json()["thread"]["board"], "drones-et-capteurs");
    assert!(
        text(&app.get("/b/drones-et-capteurs").await.body).contains("Caméras au port de Marseille")
    );
    assert!(!text(&app.get("/b/general").await.body).contains("Caméras au port de Marseille"));
    let res = moderate(
        &app,
        Some(&admin),
        thread,
        json!({"action": "move", "board": "nulle-part"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = moderate(&app, Some(&admin), thread, json!({"action": "explode"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The web form does the same, with CSRF.
    let staff = browser();
    app.login_with(&staff, "root_admin").await;
    let page = app.get_with(&staff, &format!("/t/{thread}")).await.body;
    assert!(
        page.contains(&format!("action=\"/mod/threads/{thread}\"")),
        "tools shown to staff"
    );
    let res = app
        .post_form_with(
            &staff,
            &format!("/t/{thread}"),
            &format!("/mod/threads/{thread}"),
            &[("action", "lock")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !app.get_with(&other, &format!("/t/{thread}"))
            .await
            .body
            .contains("/mod/threads/"),
        "no tools for members"
    );

    // Every action is in the log; the public one names no moderator.
    let log = app
        .api(Method::GET, "/api/v1/modlog", Some(&admin), None)
        .await
        .json();
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "lock",
        "unlock",
        "pin",
        "rename",
        "city",
        "slow_mode",
        "move",
    ] {
        assert!(actions.contains(&action), "{action} logged: {actions:?}");
    }
    let public = text(&app.get("/moderation").await.body);
    assert!(
        public.contains("Sujet verrouillé") && !public.contains("modo_general"),
        "{public}"
    );
    assert!(!public.contains("Le débat tourne en rond"));
}

#[tokio::test]
async fn hidden_posts_and_threads_are_seen_only_by_their_author_and_staff() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let url = database_url(&app);
    let author = browser();
    app.register_with(&author, "autrice_x").await;
    let reader = browser();
    app.register_with(&reader, "lectrice_x").await;
    let (_, local_mod) = member(&app, "modo_x").await;
    let out = vigie_cli(
        &app,
        &url,
        &[
            "board",
            "moderator",
            "--slug",
            "general",
            "--username",
            "modo_x",
        ],
    )
    .await;
    assert!(out.status.success());
    let thread = app
        .new_thread_with(&author, "general", "Sujet sensible", "Premier message", "")
        .await;
    app.reply_with(&author, thread, "Adresse personnelle de quelqu’un")
        .await;
    let posts = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            None,
            None,
        )
        .await
        .json();
    let reply_id = posts["posts"][1]["id"].as_i64().expect("reply id");

    // A reason is required; members cannot hide.
    let path = format!("/api/v1/posts/{reply_id}/moderate");
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&local_mod),
            Some(json!({"action": "hide", "reason": ""})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reader_token = app.api_login("lectrice_x").await;
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&reader_token),
            Some(json!({"action": "hide", "reason": "x"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&local_mod),
            Some(json!({"action": "hide", "reason": "Données personnelles"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Visitors and other members see a placeholder; the author and staff see it, marked.
    let visitor = text(&app.get(&format!("/t/{thread}")).await.body);
    assert!(
        !visitor.contains("Adresse personnelle") && visitor.contains("masqué"),
        "{visitor}"
    );
    let other = text(&app.get_with(&reader, &format!("/t/{thread}")).await.body);
    assert!(!other.contains("Adresse personnelle"));
    let own = text(&app.get_with(&author, &format!("/t/{thread}")).await.body);
    assert!(
        own.contains("Adresse personnelle") && own.contains("Données personnelles"),
        "{own}"
    );
    let api = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            None,
            None,
        )
        .await
        .json();
    assert!(api["posts"][1]["body_html"].is_null());
    assert_eq!(api["posts"][1]["hidden"], true);
    let staff_api = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&local_mod),
            None,
        )
        .await
        .json();
    assert!(staff_api["posts"][1]["body_html"]
        .as_str()
        .is_some_and(|b| b.contains("Adresse")));

    // Restored, then deleted for good (admins only).
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&local_mod),
            Some(json!({"action": "restore"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(text(&app.get(&format!("/t/{thread}")).await.body).contains("Adresse personnelle"));
    let delete = json!({"action": "delete", "reason": "Doxxing"});
    assert_eq!(
        app.api(Method::POST, &path, Some(&local_mod), Some(delete.clone()))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(Method::POST, &path, Some(&admin), Some(delete))
            .await
            .status,
        StatusCode::OK
    );
    let own = text(&app.get_with(&author, &format!("/t/{thread}")).await.body);
    assert!(
        !own.contains("Adresse personnelle") && own.contains("supprimé"),
        "even the author no longer sees it"
    );

    // A hidden thread is a 404 for others, gone from the board, still there for its author.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/moderate"),
            Some(&local_mod),
            Some(json!({"action": "hide", "reason": "Hors charte"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get(&format!("/t/{thread}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with(&reader, &format!("/t/{thread}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/threads/{thread}"),
            None,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert!(!text(&app.get("/b/general").await.body).contains("Sujet sensible"));
    assert_eq!(
        app.get_with(&author, &format!("/t/{thread}")).await.status,
        StatusCode::OK
    );
    // The public log says what happened without naming the hidden thread or the reasons.
    let public = text(&app.get("/moderation").await.body);
    assert!(
        public.contains("Sujet masqué") && public.contains("Message supprimé"),
        "{public}"
    );
    for secret in [
        "Sujet sensible",
        "Hors charte",
        "Doxxing",
        "Données personnelles",
        "modo_x",
    ] {
        assert!(!public.contains(secret), "{secret} leaked");
    }
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/threads/{thread}/moderate"),
            Some(&local_mod),
            Some(json!({"action": "restore"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/t/{thread}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn staff_read_the_edit_history_of_a_post() {
    let app = TestApp::spawn().await;
    app.create_admin("archiviste").await;
    let staff = app.client.clone();
    let author = browser();
    app.register_with(&author, "redactrice_h").await;
    let token = app.api_login("redactrice_h").await;
    let thread = app
        .new_thread_with(&author, "general", "Version initiale", "Premier jet", "")
        .await;
    let posts = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            None,
            None,
        )
        .await
        .json();
    let post_id = posts["posts"][0]["id"].as_i64().expect("post id");
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/posts/{post_id}"),
            Some(&token),
            Some(json!({"body": "Second jet"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let history = app.get_with(&staff, &format!("/p/{post_id}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(text(&history.body).contains("Premier jet"));
    assert!(app
        .get_with(&staff, &format!("/t/{thread}"))
        .await
        .body
        .contains(&format!("/p/{post_id}/history")));
    assert_eq!(
        app.get_with(&author, &format!("/p/{post_id}/history"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with(&browser(), &format!("/p/{post_id}/history"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn deleting_a_post_for_good_asks_first_on_a_page_of_its_own() {
    let app = TestApp::spawn().await;
    app.create_admin("effaceuse").await;
    let staff = app.client.clone();
    let author = browser();
    app.register_with(&author, "bavarde_d").await;
    let thread = app
        .new_thread_with(
            &author,
            "general",
            "Un sujet à nettoyer",
            "Premier message",
            "",
        )
        .await;
    app.reply_with(&author, thread, "Le numéro de téléphone privé de quelqu’un")
        .await;
    let posts = app
        .api(
            Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            None,
            None,
        )
        .await
        .json();
    let reply_id = posts["posts"][1]["id"].as_i64().expect("reply id");
    let confirm = format!("/mod/posts/{reply_id}/delete");

    // On the thread page, staff find it in the post's "Moderate" disclosure.
    let page = app.get_with(&staff, &format!("/t/{thread}")).await;
    assert!(page.body.contains("<details class=\"post-mod\">"));
    assert!(page.body.contains(&format!("href=\"{confirm}\"")));

    // The page shows the post and a red button posting the delete action; it is refused to a
    // member (the author included), sends a visitor to sign in, and does not exist for a post
    // that does not.
    let res = app.get_with(&staff, &confirm).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(text(&res.body).contains("Le numéro de téléphone privé"));
    assert!(res
        .body
        .contains(&format!("action=\"/mod/posts/{reply_id}\"")));
    assert!(res.body.contains("name=\"action\" value=\"delete\""));
    assert!(res.body.contains("class=\"danger\""));
    assert_eq!(
        app.get_with(&author, &confirm).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with(&browser(), &confirm).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_with(&staff, "/mod/posts/987654/delete")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Confirming deletes the post; the page is then gone.
    let res = app
        .post_form_with(
            &staff,
            &confirm,
            &format!("/mod/posts/{reply_id}"),
            &[("action", "delete"), ("reason", "Données personnelles")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let thread_page = text(&app.get_with(&staff, &format!("/t/{thread}")).await.body);
    assert!(!thread_page.contains("Le numéro de téléphone privé"));
    assert!(thread_page.contains("Message supprimé par l’équipe de modération"));
    assert_eq!(
        app.get_with(&staff, &confirm).await.status,
        StatusCode::NOT_FOUND
    );
}
