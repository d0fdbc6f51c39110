//! Infrastructure hardening: a database that stops answering, throttles that a stolen session or
//! a neighbouring address cannot get around, and the periodic sweep of expired rows.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::{
    browser, fresh_database, postgres_url, test_settings, Binary, TestApp, PASSWORD,
};

/// What the black-hole proxy does with the traffic between the app and PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// Bytes flow both ways.
    Forward,
    /// Connections stay open but nothing is passed on: the server never answers.
    Freeze,
    /// Every open connection is closed, and new ones are closed as soon as they arrive.
    Drop,
}

/// A TCP proxy in front of PostgreSQL that can stop answering or cut every connection.
struct BlackHole {
    address: String,
    wire: watch::Sender<Wire>,
}

impl BlackHole {
    async fn start(upstream: String) -> BlackHole {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address").to_string();
        let (wire, watcher) = watch::channel(Wire::Forward);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watcher.borrow() == Wire::Drop {
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(pipe(client, server, watcher.clone()));
            }
        });
        BlackHole { address, wire }
    }

    fn set(&self, wire: Wire) {
        self.wire.send_replace(wire);
    }
}

async fn pipe(mut client: TcpStream, mut server: TcpStream, mut wire: watch::Receiver<Wire>) {
    let (mut client_in, mut client_out) = client.split();
    let (mut server_in, mut server_out) = server.split();
    let mut up = vec![0u8; 16 * 1024];
    let mut down = vec![0u8; 16 * 1024];
    loop {
        let current = *wire.borrow_and_update();
        match current {
            Wire::Drop => return,
            Wire::Freeze => {
                if wire.changed().await.is_err() {
                    return;
                }
                continue;
            }
            Wire::Forward => {}
        }
        tokio::select! {
            changed = wire.changed() => if changed.is_err() { return },
            read = client_in.read(&mut up) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => if server_out.write_all(&up[..n]).await.is_err() { return },
            },
            read = server_in.read(&mut down) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => if client_out.write_all(&down[..n]).await.is_err() { return },
            },
        }
    }
}

/// A PostgreSQL server that stops answering must not hang requests: `/readyz` says 503 within the
/// configured timeouts, pages say 503 (not 500) once the connections are cut, and everything
/// works again when the server is back, without a restart.
///
/// PostgreSQL only: a SQLite file cannot stop answering the way a network peer can (its own
/// outage, a lock held too long, is covered by the SQLite busy-timeout tests), so on SQLite this
/// test returns at once.
#[tokio::test]
async fn a_postgres_server_that_stops_answering_gives_503_not_a_hang() {
    if postgres_url().is_none() {
        return;
    }
    let (db, direct_url) = fresh_database();
    let mut url = url::Url::parse(&direct_url).expect("a PostgreSQL URL");
    let upstream = format!(
        "{}:{}",
        url.host_str().expect("a host"),
        url.port().unwrap_or(5432)
    );
    let proxy = BlackHole::start(upstream).await;
    let (host, port) = proxy.address.rsplit_once(':').expect("host:port");
    url.set_host(Some(host)).expect("host");
    url.set_port(Some(port.parse().expect("port")))
        .expect("port");

    let mut settings = test_settings(url.as_str());
    settings.database.pool_timeout_ms = 2000;
    settings.database.statement_timeout_seconds = 2;
    let app = TestApp::start(settings, Some(db)).await;
    let member = browser();
    app.register_with(&member, "veilleuse").await;
    let thread = app
        .new_thread_with(&member, "general", "Caméras du marché", "Combien ?", "")
        .await;
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let get = |path: String| {
        let req = visitor.get(app.url(&path));
        async move { req.send().await.expect("the server answers") }
    };
    assert_eq!(get("/readyz".into()).await.status(), StatusCode::OK);
    assert_eq!(get(format!("/t/{thread}")).await.status(), StatusCode::OK);

    proxy.set(Wire::Freeze);
    let started = Instant::now();
    let ready = get("/readyz".into()).await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "/readyz took {:?} with 2 s timeouts",
        started.elapsed()
    );

    proxy.set(Wire::Drop);
    let page = get(format!("/t/{thread}")).await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let api = get(format!("/api/v1/threads/{thread}")).await;
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);

    proxy.set(Wire::Forward);
    assert_eq!(get("/readyz".into()).await.status(), StatusCode::OK);
    assert_eq!(get(format!("/t/{thread}")).await.status(), StatusCode::OK);
}

/// A stolen session cannot be used to guess the account's password through the settings forms
/// that ask for it: past the limit of wrong current passwords, 429 with `Retry-After`, for
/// every form that asks (and the right password is refused too until the wait is over).
#[tokio::test]
async fn wrong_current_passwords_in_the_settings_are_throttled() {
    let app = TestApp::spawn().await;
    let thief = browser();
    app.register_with(&thief, "ciblee").await;
    let limit = app.settings.security.login_failures_per_account;
    let wrong = |i: u32| format!("pas-le-bon-{i}-mot-de-passe");
    for i in 0..limit {
        let res = app
            .post_form_with(
                &thief,
                "/settings",
                "/settings",
                &[
                    ("action", "password"),
                    ("current_password", &wrong(i)),
                    ("new_password", "un-tout-nouveau-secret-2026"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    for (action, field) in [
        ("password", "new_password"),
        ("email", "new_email"),
        ("delete_account", "erase_posts"),
    ] {
        let value = match field {
            "new_email" => "ailleurs@example.org",
            "new_password" => "un-tout-nouveau-secret-2026",
            _ => "on",
        };
        let res = app
            .post_form_with(
                &thief,
                "/settings",
                "/settings",
                &[
                    ("action", action),
                    ("current_password", &wrong(99)),
                    (field, value),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{action}");
        assert!(res.headers.contains_key("retry-after"), "{action}");
    }
    let res = app
        .post_form_with(
            &thief,
            "/settings",
            "/settings",
            &[
                ("action", "password"),
                ("current_password", PASSWORD),
                ("new_password", "un-tout-nouveau-secret-2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Failed logins lock an account (from one client) for a while; the owner gets back in at once
/// by resetting the password through the mailed link.
#[tokio::test]
async fn a_password_reset_lifts_the_login_lock() {
    let app = TestApp::spawn().await;
    app.register_with(&browser(), "verrouillee").await;
    let limit = app.settings.security.login_failures_per_account;
    let login = |password: String| {
        let app = &app;
        async move {
            app.post_form_with(
                &browser(),
                "/login",
                "/login",
                &[("login", "verrouillee"), ("password", &password)],
            )
            .await
        }
    };
    for i in 0..limit {
        let res = login(format!("mauvais-essai-{i}-ici")).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let locked = login(PASSWORD.to_owned()).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.contains_key("retry-after"));

    let new_password = "retrouve-mon-compte-2026";
    app.reset_password_by_mail("verrouillee@example.org", new_password)
        .await;

    let res = login(new_password.to_owned()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// IPv6 clients are throttled by their /64: changing the last 64 bits does not buy new
/// attempts, while another /64 is a different client.
#[tokio::test]
async fn ipv6_clients_are_throttled_by_their_64_prefix() {
    let app = TestApp::spawn_with(|s| {
        s.server.trusted_proxies = 1;
        s.security.login_failures_per_client = 3;
    })
    .await;
    let attempt = |from: &'static str, login: &'static str| {
        let app = &app;
        async move {
            reqwest::Client::new()
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", from)
                .json(&serde_json::json!({"login": login, "password": "rien-du-tout-123"}))
                .send()
                .await
                .expect("login")
        }
    };
    for (from, login) in [
        ("2001:db8:1:2::1", "alpha"),
        ("2001:db8:1:2::2", "beta"),
        ("2001:db8:1:2:aaaa::3", "gamma"),
    ] {
        assert_eq!(
            attempt(from, login).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = attempt("2001:db8:1:2:ffff:ffff:ffff:fffe", "delta").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    // Another /64 (and an IPv4 client) are other clients.
    assert_eq!(
        attempt("2001:db8:1:3::1", "delta").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt("192.0.2.7", "delta").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Rows in `table` (read straight from the database, as the manifesto tests do).
fn count_rows(app: &TestApp, table: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = vigie::db::DbManager::new(&app.settings.database)
        .connect()
        .expect("database");
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n
}

/// Expired sessions and email tokens are deleted by the sweep (`vigie maintenance sweep`, which
/// the server's worker also runs every few minutes), not only when the same token comes back.
#[tokio::test]
async fn the_sweep_deletes_expired_sessions_and_tokens() {
    use diesel::prelude::*;
    use secrecy::ExposeSecret;
    use vigie::db::schema::{email_tokens, sessions};

    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "balayee").await;
    app.api_login("balayee").await;
    let res = app
        .post_form_with(
            &browser(),
            "/password/forgot",
            "/password/forgot",
            &[("email", "balayee@example.org")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let link = app
        .mail_to("balayee@example.org", "reset", |m| {
            m.text.contains("/password/reset/")
        })
        .await
        .link_containing("/password/reset/");
    {
        // Let every session and token run out, without waiting.
        let mut conn = vigie::db::DbManager::new(&app.settings.database)
            .connect()
            .expect("database");
        let past = vigie::db::now() - chrono::Duration::minutes(1);
        diesel::update(sessions::table)
            .set(sessions::expires_at.eq(past))
            .execute(&mut conn)
            .expect("expire the sessions");
        diesel::update(email_tokens::table)
            .set(email_tokens::expires_at.eq(past))
            .execute(&mut conn)
            .expect("expire the tokens");
    }
    assert_eq!(
        app.follow(&browser(), &link).await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(count_rows(&app, "sessions") >= 2);
    assert!(count_rows(&app, "email_tokens") >= 1);

    let url = app.settings.database.url.expose_secret().to_owned();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["maintenance", "sweep"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &url)
        .env("VIGIE_ENV", "test")
        .output()
        .expect("vigie runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("swept"));
    assert_eq!(count_rows(&app, "sessions"), 0);
    assert_eq!(count_rows(&app, "email_tokens"), 0);
    assert_eq!(
        app.follow(&browser(), &link).await.status,
        StatusCode::BAD_REQUEST
    );
    // A session still valid survives a sweep.
    app.login_with(&member, "balayee").await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["maintenance", "sweep"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &url)
        .env("VIGIE_ENV", "test")
        .output()
        .expect("vigie runs");
    assert!(out.status.success());
    assert_eq!(count_rows(&app, "sessions"), 1);
    assert_eq!(
        app.get_with(&member, "/settings").await.status,
        StatusCode::OK
    );
}

/// Client addresses (from the socket or a trusted proxy's `X-Forwarded-For`) serve only the
/// in-memory throttles: after failed logins, a throttled client, a registration and a post from
/// an IPv4 and an IPv6 address, neither address is in the log (at debug level, every target)
/// nor anywhere in the database.
#[tokio::test]
async fn client_addresses_reach_neither_the_log_nor_the_database() {
    const V4: &str = "203.0.113.77";
    const V6: &str = "2001:db8:77:1::9";
    let app = TestApp::spawn().await;
    let token = app.api_user("discrete").await;
    let server = Binary::start(&app, "debug", &[("VIGIE__SERVER__TRUSTED_PROXIES", "1")]).await;
    let client = reqwest::Client::new();
    for address in [V4, V6] {
        let mut throttled = false;
        for _ in 0..40 {
            let res = client
                .post(server.url("/api/v1/auth/login"))
                .header("x-forwarded-for", address)
                .json(&serde_json::json!({"login": "discrete", "password": "not the password"}))
                .send()
                .await
                .expect("login attempt");
            if res.status() == StatusCode::TOO_MANY_REQUESTS {
                throttled = true;
                break;
            }
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        assert!(throttled, "{address} was throttled: its address was read");
        let res = client
            .post(server.url("/api/v1/auth/register"))
            .header("x-forwarded-for", address)
            .json(&serde_json::json!({
                "username": format!("nouvelle{}", address.len()),
                "email": format!("nouvelle{}@example.org", address.len()),
                "password": PASSWORD,
            }))
            .send()
            .await
            .expect("registration");
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = client
            .post(server.url("/api/v1/boards/general/threads"))
            .header("x-forwarded-for", address)
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": "Capteurs sonores", "body": "Où sont-ils posés ?"}))
            .send()
            .await
            .expect("a new thread");
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let log = server.stop().await;
    assert!(
        log.contains("/api/v1/auth/login"),
        "the requests were logged at all: {log}"
    );
    for address in [V4, V6, "2001:db8:77:1::", "2001:db8"] {
        assert!(!log.contains(address), "{address} is in the log");
    }

    // Every byte the database holds: the SQLite file and its log, or a PostgreSQL dump.
    use secrecy::ExposeSecret;
    let url = app.settings.database.url.expose_secret().to_owned();
    let stored: Vec<u8> = match url.strip_prefix("sqlite:") {
        Some(path) => ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::read(format!("{path}{suffix}")).ok())
            .flatten()
            .collect(),
        None => {
            let dump = std::process::Command::new("pg_dump")
                .args(["--data-only", &url])
                .output()
                .expect("pg_dump runs");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            dump.stdout
        }
    };
    assert!(
        stored.windows(7).any(|w| w == b"discret"),
        "the database read holds the data"
    );
    for address in [V4, "2001:db8"] {
        assert!(
            !stored
                .windows(address.len())
                .any(|w| w == address.as_bytes()),
            "{address} is stored in the database"
        );
    }
}
