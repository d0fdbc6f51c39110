//! `TestApp`: a real Vigie server on a free port, over a database of its own (a temporary SQLite
//! file, or a PostgreSQL database created for the test when `VIGIE_TEST_DATABASE_URL` is set,
//! copied from the suite's migrated template: see `prepared`), driven over HTTP like a browser
//! or an API client.

use std::path::PathBuf;

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use secrecy::SecretString;
use serde_json::Value;
use vigie::app::Application;
use vigie::settings::Settings;

use crate::prepared::prepared_database;
use crate::smtp::{Mail, SmtpServer};

/// How long a test waits for a mail before failing.
pub const MAIL_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// A password nobody has on a common-password list.
pub const PASSWORD: &str = "luttes-locales-2026!";

/// Where the test database lives.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
            }
        }
    }
}

/// The PostgreSQL server the suite runs against, when `VIGIE_TEST_DATABASE_URL` is set.
///
/// Without an explicit `sslmode`, the tests connect with `sslmode=disable`: the server is local,
/// and libpq's OpenSSL state must not be torn down by the process's exit handlers while pools
/// left behind by finished tests still hold TLS connections (seen as a "double free" abort after
/// every test had passed).
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("VIGIE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    if url.contains("sslmode=") {
        return Some(url);
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{separator}sslmode=disable"))
}

/// Replaces the database name at the end of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (prefix, _) = base.rsplit_once('/').expect("a postgres URL has a path");
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// A fresh, empty database and its URL.
pub fn fresh_database() -> (TestDb, String) {
    match postgres_url() {
        Some(admin_url) => {
            let name = format!("vigie_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("VIGIE_TEST_DATABASE_URL is set but unreachable: {e}"));
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .expect("create the test database");
            let url = with_database(&admin_url, &name);
            (TestDb::Postgres { admin_url, name }, url)
        }
        None => fresh_sqlite_database(),
    }
}

/// A new, empty SQLite database in a temporary directory, whatever the suite's backend.
pub fn fresh_sqlite_database() -> (TestDb, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("vigie.db").display());
    (TestDb::Sqlite { _dir: dir }, url)
}

/// The project's settings for tests, pointing at `database_url`.
pub fn test_settings(database_url: &str) -> Settings {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut settings = Settings::load_env(&root.join("config"), "test").expect("test settings");
    settings.database.url = SecretString::from(database_url.to_owned());
    settings.server.bind = "127.0.0.1:0".into();
    settings.server.base_url = "http://127.0.0.1:0".into();
    settings.site.cities_file = root.join("data/cities-fr-be-ch-lu.csv");
    settings
}

/// A running server and a browser-like client with a cookie jar.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub setup_link: Option<String>,
    /// The SMTP server this app's mail goes to (unless a test pointed it elsewhere).
    pub smtp: SmtpServer,
    /// The settings the server runs with.
    pub settings: Settings,
    _db: Option<TestDb>,
}

/// A response read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Reads a whole response (for requests the helpers do not make themselves).
    pub async fn read(res: Response) -> Page {
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.expect("response body");
        Page {
            status,
            headers,
            body,
        }
    }

    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The number of SQL statements the request ran.
    pub fn statements(&self) -> usize {
        self.headers
            .get("x-vigie-sql-statements")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("statement count header")
    }
}

/// A client that keeps cookies and does not follow redirects.
///
/// Like a browser, it drops a connection it has left idle well before the server would close
/// it (`server.keep_alive_seconds`), so no request is ever sent on a connection being closed.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

impl TestApp {
    /// Starts a server on a fresh database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server on a fresh database, after `tweak` adjusted the settings.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let (db, url) = prepared_database();
        let mut settings = test_settings(&url);
        let smtp = SmtpServer::start().await;
        settings.mail.smtp_url = SecretString::from(smtp.url());
        tweak(&mut settings);
        Self::start_with_smtp(settings, Some(db), smtp).await
    }

    /// Starts a server with exactly these settings (no database prepared); its mail goes to a
    /// new SMTP server.
    pub async fn start(mut settings: Settings, db: Option<TestDb>) -> TestApp {
        let smtp = SmtpServer::start().await;
        settings.mail.smtp_url = SecretString::from(smtp.url());
        Self::start_with_smtp(settings, db, smtp).await
    }

    /// Starts a server whose settings already point at `smtp` (or elsewhere).
    pub async fn start_with_smtp(
        settings: Settings,
        db: Option<TestDb>,
        smtp: SmtpServer,
    ) -> TestApp {
        let app = Application::build(settings.clone())
            .await
            .expect("application builds");
        let port = app.port();
        let mut settings = settings;
        settings.server.base_url = format!("http://127.0.0.1:{port}");
        let setup_link = app.setup_link.clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            client: browser(),
            setup_link,
            smtp,
            settings,
            _db: db,
        }
    }

    /// Waits for the first mail to `to` that matches `pred`.
    pub async fn mail_to(&self, to: &str, what: &str, pred: impl Fn(&Mail) -> bool) -> Mail {
        let to = to.to_lowercase();
        self.smtp
            .wait_for(
                what,
                move |m| m.rcpt_to.iter().any(|r| r.to_lowercase() == to) && pred(m),
                MAIL_WAIT,
            )
            .await
    }

    /// Asks for a password reset for `email` in a fresh browser, follows the mailed link and
    /// sets `new_password` there (the reset page answers 200).
    pub async fn reset_password_by_mail(&self, email: &str, new_password: &str) {
        let owner = browser();
        let res = self
            .post_form_with(
                &owner,
                "/password/forgot",
                "/password/forgot",
                &[("email", email)],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let link = self
            .mail_to(email, "reset", |m| m.text.contains("/password/reset/"))
            .await
            .link_containing("/password/reset/");
        let path = link.trim_start_matches(&self.address).to_owned();
        let res = self
            .post_form_with(&owner, &path, &path, &[("password", new_password)])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }

    /// Every mail received so far by `to`.
    pub fn mails_to(&self, to: &str) -> Vec<Mail> {
        let to = to.to_lowercase();
        self.smtp
            .messages()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r.to_lowercase() == to))
            .collect()
    }

    /// Follows a link from a mail with `client` (the path part of it on this server).
    pub async fn follow(&self, client: &Client, link: &str) -> Page {
        let path = link
            .strip_prefix(&self.address)
            .unwrap_or_else(|| panic!("{link} is not on {}", self.address))
            .to_owned();
        self.get_with(client, &path).await
    }

    /// The verification link mailed to `email`.
    pub async fn verification_link(&self, email: &str) -> String {
        let mail = self
            .mail_to(email, "verification mail", |m| m.text.contains("/verify/"))
            .await;
        mail.link_containing("/verify/")
    }

    /// Logs `client` in.
    pub async fn login_with(&self, client: &Client, login: &str) -> Page {
        self.post_form_with(
            client,
            "/login",
            "/login",
            &[("login", login), ("password", PASSWORD)],
        )
        .await
    }

    /// An API token for the first administrator (created through the setup link).
    pub async fn admin_token(&self) -> String {
        let admin = browser();
        let link = self.setup_link.clone().expect("setup link");
        let path = link.trim_start_matches(&self.address).to_owned();
        let res = self
            .post_form_with(
                &admin,
                &path,
                &path,
                &[
                    ("username", "root_admin"),
                    ("email", "root_admin@example.org"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        self.api_login("root_admin").await
    }

    /// Logs in through the API and returns the token.
    pub async fn api_login(&self, login: &str) -> String {
        let res = Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Waits until every queued post is fanned out and every mail is sent or failed for good, as
    /// the admin API reports it; returns the last counts.
    pub async fn settle(&self, admin_token: &str) -> Value {
        let deadline = tokio::time::Instant::now() + MAIL_WAIT;
        loop {
            let res = self
                .api(
                    reqwest::Method::GET,
                    "/api/v1/admin/mail",
                    Some(admin_token),
                    None,
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            let counts = res.json()["counts"].clone();
            if counts["pending"] == 0 && counts["fanout_pending"] == 0 {
                return counts;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "mail never settled: {counts}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// An absolute URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GET with this app's browser.
    pub async fn get(&self, path: &str) -> Page {
        self.get_with(&self.client, path).await
    }

    /// GET with another client.
    pub async fn get_with(&self, client: &Client, path: &str) -> Page {
        Page::read(client.get(self.url(path)).send().await.expect("GET")).await
    }

    /// POSTs a form, adding the CSRF token found on `form_page` first.
    pub async fn post_form(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form_with(&self.client, form_page, action, fields)
            .await
    }

    /// Same as `post_form` with another client.
    pub async fn post_form_with(
        &self,
        client: &Client,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let page = self.get_with(client, form_page).await;
        let token = csrf_token(&page.body);
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        Page::read(
            client
                .post(self.url(action))
                .form(&all)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Creates the first administrator through the setup link, in this app's browser.
    pub async fn create_admin(&self, username: &str) -> Page {
        let link = self
            .setup_link
            .clone()
            .expect("a setup link is offered on a new forum");
        let path = link.trim_start_matches(&self.address).to_owned();
        let email = format!("{username}@example.org");
        self.post_form(
            &path,
            &path,
            &[
                ("username", username),
                ("email", &email),
                ("password", PASSWORD),
            ],
        )
        .await
    }

    /// Registers a member, confirms the address from the mail it receives, and logs in in
    /// `client`'s cookie jar; returns the login response (which sets the session cookie).
    pub async fn register_with(&self, client: &Client, username: &str) -> Page {
        let email = format!("{username}@example.org");
        let res = self
            .post_form_with(
                client,
                "/register",
                "/register",
                &[
                    ("username", username),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "registration: {}",
            res.body
        );
        assert_eq!(res.location(), "/register/sent");
        let link = self.verification_link(&email).await;
        let page = self.follow(client, &link).await;
        assert_eq!(page.status, StatusCode::OK, "verification: {}", page.body);
        let res = self.login_with(client, username).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login: {}", res.body);
        res
    }

    /// Starts a thread as the browser's user; returns the thread id.
    pub async fn new_thread_with(
        &self,
        client: &Client,
        board: &str,
        title: &str,
        body: &str,
        city: &str,
    ) -> i64 {
        self.new_thread_at(client, &format!("/b/{board}/new"), title, body, city)
            .await
    }

    /// Starts a thread through the form at `path` (a site's board, `/b/{slug}/new`, or a
    /// group's, `/g/{group}/b/{slug}/new`) as the browser's user; returns the thread id.
    pub async fn new_thread_at(
        &self,
        client: &Client,
        path: &str,
        title: &str,
        body: &str,
        city: &str,
    ) -> i64 {
        let res = self
            .post_form_with(
                client,
                path,
                path,
                &[("title", title), ("body", body), ("city", city)],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "thread creation failed: {}",
            res.body
        );
        res.location()
            .trim_start_matches("/t/")
            .split(['/', '?'])
            .next()
            .and_then(|id| id.parse().ok())
            .expect("redirect to the new thread")
    }

    /// Replies in a thread as the browser's user.
    pub async fn reply_with(&self, client: &Client, thread_id: i64, body: &str) -> Page {
        self.post_form_with(
            client,
            &format!("/t/{thread_id}"),
            &format!("/t/{thread_id}/reply"),
            &[("body", body)],
        )
        .await
    }

    /// Registers through the API and returns a bearer token.
    pub async fn api_user(&self, username: &str) -> String {
        let client = Client::new();
        let res = client
            .post(self.url("/api/v1/auth/register"))
            .json(&serde_json::json!({"username": username, "email": format!("{username}@example.org"), "password": PASSWORD}))
            .send()
            .await
            .expect("register");
        assert_eq!(res.status(), StatusCode::CREATED);
        let link = self
            .verification_link(&format!("{username}@example.org"))
            .await;
        assert_eq!(self.follow(&client, &link).await.status, StatusCode::OK);
        self.api_login(username).await
    }

    /// The ids of a thread's posts, in order, as a visitor reads them through the API.
    pub async fn post_ids(&self, thread: i64) -> Vec<i64> {
        let res = self
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/threads/{thread}/posts"),
                None,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.json()["posts"]
            .as_array()
            .expect("posts")
            .iter()
            .map(|p| p["id"].as_i64().expect("post id"))
            .collect()
    }

    /// A JSON API call.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Page {
        let mut req = Client::new().request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Page::read(req.send().await.expect("API call")).await
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no CSRF field in page: {html}"))
        + marker.len();
    let end = html[start..].find('"').expect("end of the token") + start;
    html[start..end].to_owned()
}

/// The text of an HTML page, tags removed and entities for quotes decoded (for assertions on
/// what a user reads).
pub fn text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    doc.root_element().text().collect::<Vec<_>>().join(" ")
}

/// The real `vigie serve` binary, started on a test app's database with its standard error
/// piped: for what only the process shows (its log).
pub struct Binary {
    child: tokio::process::Child,
    stderr: tokio::io::BufReader<tokio::process::ChildStderr>,
    log: String,
    /// The port it listens on (read from its log).
    pub port: u16,
}

impl Binary {
    /// Starts the binary on `app`'s database and mail server, logging with `rust_log`, with
    /// `env` added; waits until it says which port it listens on.
    pub async fn start(app: &TestApp, rust_log: &str, env: &[(&str, &str)]) -> Binary {
        use secrecy::ExposeSecret;
        use tokio::io::AsyncBufReadExt;
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_vigie"));
        command
            .arg("serve")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", app.settings.database.url.expose_secret())
            .env("VIGIE_ENV", "test")
            .env("VIGIE__MAIL__SMTP_URL", app.smtp.url())
            .env("RUST_LOG", rust_log)
            .env("NO_COLOR", "1")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("vigie serve starts");
        let mut stderr = tokio::io::BufReader::new(child.stderr.take().expect("stderr"));
        let mut log = String::new();
        let listening = async {
            loop {
                let mut line = String::new();
                let read = stderr.read_line(&mut line).await.expect("read the log");
                log.push_str(&line);
                if read == 0 {
                    return None;
                }
                if line.contains("Vigie is listening") {
                    let digits: String = line
                        .split("port=")
                        .nth(1)
                        .unwrap_or_default()
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    return digits.parse::<u16>().ok();
                }
            }
        };
        let port = tokio::time::timeout(std::time::Duration::from_secs(60), listening)
            .await
            .ok()
            .flatten();
        let Some(port) = port else {
            panic!("the server never said which port it listens on: {log}");
        };
        Binary {
            child,
            stderr,
            log,
            port,
        }
    }

    /// An absolute URL on the binary.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Stops the binary and returns everything it logged (whatever requests that were answered
    /// logged is in the pipe by then).
    pub async fn stop(mut self) -> String {
        use tokio::io::AsyncReadExt;
        self.child.start_kill().expect("stop the server");
        self.stderr
            .read_to_string(&mut self.log)
            .await
            .expect("read the log");
        let _ = self.child.wait().await;
        self.log
    }
}
