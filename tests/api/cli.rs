//! The `vigie` command line, run as a real process against a fresh database.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::StatusCode;

use crate::helpers::{browser, fresh_database, test_settings, TestApp, PASSWORD};

/// Runs `vigie` with `args` on `database_url` (in the test environment), feeding it `stdin`.
pub(crate) fn vigie(
    database_url: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", database_url)
        .env("VIGIE_ENV", "test")
        .env_remove("VIGIE_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("vigie runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("vigie finishes")
}

/// Runs `vigie` with `args` on `database_url`, which must succeed; returns what it printed.
pub(crate) fn vigie_ok(database_url: &str, args: &[&str]) -> String {
    let out = vigie(database_url, args, None);
    assert!(
        out.status.success(),
        "vigie {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn commands_create_users_boards_and_import_cities() {
    let (db, url) = fresh_database();
    let out = vigie(&url, &["migrate"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("cities"), "{said}");
    // It counts the migrations it applied: all of them on an empty database, none the second
    // time.
    let applied: usize = said
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count first: {said}"));
    assert!(applied > 20, "{said}");
    let again = vigie(&url, &["migrate"], None);
    assert!(
        String::from_utf8_lossy(&again.stdout).starts_with("0 migration(s) applied"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );

    let out = vigie(
        &url,
        &[
            "user",
            "create",
            "--username",
            "admin_cli",
            "--email",
            "admin@example.org",
            "--role",
            "admin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vigie(
        &url,
        &[
            "user",
            "create",
            "--username",
            "admin_cli",
            "--email",
            "other@example.org",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(!out.status.success(), "a duplicate name is refused");
    let out = vigie(
        &url,
        &[
            "user",
            "create",
            "--username",
            "faible",
            "--email",
            "f@example.org",
        ],
        Some("password\n"),
    );
    assert!(!out.status.success(), "a common password is refused");

    let out = vigie(
        &url,
        &[
            "board",
            "create",
            "--slug",
            "lyon-vsa",
            "--name",
            "VSA à Lyon",
            "--description",
            "Le dossier lyonnais",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vigie(
        &url,
        &["board", "create", "--slug", "Bad Slug", "--name", "x"],
        None,
    );
    assert!(!out.status.success());
    let update = [
        "board",
        "update",
        "--slug",
        "lyon-vsa",
        "--name",
        "VSA à Lyon et alentours",
    ];
    let out = vigie(&url, &update, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vigie(
        &url,
        &["board", "update", "--slug", "nowhere", "--name", "x"],
        None,
    );
    assert!(!out.status.success(), "an unknown board is an error");

    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("cities500.txt");
    std::fs::write(&file, "3117735\tMadrid\tMadrid\tMadrid\t40.4165\t-3.70256\tP\tPPLC\tES\t\t29\tM\t28079\t\t3255944\t\t657\tEurope/Madrid\t2024-06-17\n").expect("write");
    let path = file.to_str().expect("path");
    for _ in 0..2 {
        let out = vigie(&url, &["cities", "import", path], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        String::from_utf8_lossy(&vigie(&url, &["cities", "import", path], None).stdout)
            .contains("0 cities added")
    );
    // Its other names, twice (the second load replaces the first); re-importing the city keeps
    // its preferred French name.
    let names = dir.path().join("names.csv");
    std::fs::write(
        &names,
        "geonameid,lang,name,preferred\n3117735,fr,Madrid (Espagne),1\n3117735,,Madrit,0\n",
    )
    .expect("write");
    for _ in 0..2 {
        let out = vigie(
            &url,
            &["cities", "names", names.to_str().expect("path")],
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("2 city names loaded"));
    }
    assert!(vigie(&url, &["cities", "import", path], None)
        .status
        .success());

    // The server on that database: no setup link (an admin exists), the admin logs in, the
    // board and the imported city are there.
    let mut settings = test_settings(&url);
    settings.database.migrate_on_start = true;
    let app = TestApp::start(settings, Some(db)).await;
    assert!(app.setup_link.is_none());
    let admin = browser();
    let res = app
        .post_form_with(
            &admin,
            "/login",
            "/login",
            &[("login", "admin_cli"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with(&admin, "/admin/boards").await.status,
        StatusCode::OK
    );
    let board = app.get("/b/lyon-vsa").await.body;
    assert!(
        board.contains("VSA à Lyon et alentours") && board.contains("Le dossier lyonnais"),
        "{board}"
    );
    let madrid = app.get("/c/madrid").await;
    assert_eq!(madrid.status, StatusCode::OK);
    assert!(
        madrid.body.contains("Madrid (Espagne)"),
        "the French name is shown"
    );
    assert!(app
        .get("/c?q=madrit")
        .await
        .body
        .contains("href=\"/c/madrid\""));
}

#[tokio::test]
async fn seed_fills_a_consistent_forum() {
    let (db, url) = fresh_database();
    let out = vigie(
        &url,
        &[
            "seed",
            "--users",
            "20",
            "--threads",
            "30",
            "--posts",
            "400",
            "--long-threads",
            "1",
            "--long-thread-posts",
            "150",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("400 posts"));
    let app = TestApp::start(test_settings(&url), Some(db)).await;

    // Board counters add up to what was written.
    let boards = app.get("/api/v1/boards").await.json();
    let boards = boards.as_array().expect("boards");
    let threads: i64 = boards
        .iter()
        .map(|b| b["thread_count"].as_i64().expect("count"))
        .sum();
    let posts: i64 = boards
        .iter()
        .map(|b| b["post_count"].as_i64().expect("count"))
        .sum();
    assert_eq!((threads, posts), (30, 400));

    // The long thread pages through to its last post.
    let thread = app.get("/api/v1/threads/1").await.json();
    assert_eq!(thread["post_count"], 150);
    let last = app.get("/t/1?page=8").await;
    assert_eq!(last.status, StatusCode::OK);
    assert!(last.body.contains("id=\"p150\""));
    assert_eq!(app.get("/t/1?page=9").await.status, StatusCode::NOT_FOUND);

    // Seeded accounts can log in and post; ids continue after the seeded ones.
    let member = browser();
    let res = app
        .post_form_with(
            &member,
            "/login",
            "/login",
            &[
                ("login", "membre_1"),
                ("password", vigie::seed::SEED_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let id = app
        .new_thread_with(&member, "general", "Après le remplissage", "Texte", "")
        .await;
    assert_eq!(id, 31);
}

#[tokio::test]
async fn reset_2fa_lets_a_locked_out_administrator_back_in() {
    let (db, url) = fresh_database();
    let out = vigie(&url, &["migrate"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let create = [
        "user",
        "create",
        "--username",
        "chef",
        "--email",
        "chef@example.org",
        "--role",
        "admin",
    ];
    let out = vigie(&url, &create, Some(&format!("{PASSWORD}\n")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = TestApp::start(test_settings(&url), Some(db)).await;
    let admin = browser();
    let res = app.login_with(&admin, "chef").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    crate::two_factor::enrol(&app, &admin).await;
    // Phone and recovery codes lost: the password alone no longer signs in.
    let res = app.login_with(&browser(), "chef").await;
    assert_eq!(res.location(), "/login/code");

    let out = vigie(&url, &["user", "reset-2fa", "chef"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("turned off"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let res = app.login_with(&browser(), "chef").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/", "the password alone signs in again");
    // The member is told (the running server sends what the console queued).
    app.mail_to("chef@example.org", "reset mail", |m| {
        m.text.contains("/password/forgot")
    })
    .await;
    // The moderation log records it, without a staff member behind it.
    let token = app.api_login("chef").await;
    let log = app
        .api(reqwest::Method::GET, "/api/v1/modlog", Some(&token), None)
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let entries = log.json();
    let entry = entries
        .as_array()
        .or_else(|| entries["entries"].as_array())
        .and_then(|all| all.iter().find(|e| e["action"] == "reset_two_factor"))
        .cloned()
        .unwrap_or_else(|| panic!("no reset in {entries}"));
    assert_eq!(entry["target_label"], "chef");
    assert!(entry["actor"].is_null(), "{entry}");

    // Again: nothing to do; an unknown name is an error.
    let out = vigie(&url, &["user", "reset-2fa", "chef"], None);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("was not on"));
    let out = vigie(&url, &["user", "reset-2fa", "personne"], None);
    assert!(!out.status.success(), "an unknown account is an error");
}
