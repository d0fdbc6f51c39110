//! Typed settings: `config/default.toml`, then `config/$VIGIE_ENV.toml`, then `VIGIE__<SECTION>__<KEY>`
//! environment variables; `DATABASE_URL` always wins for the database address.
//!
//! Settings are loaded once in `main` (or by a test) and passed down; nothing here is global.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Everything the application can be configured with.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub site: SiteSettings,
    pub security: SecuritySettings,
    pub mail: MailSettings,
    pub notifications: NotificationSettings,
    pub community: CommunitySettings,
    pub observatory: ObservatorySettings,
    /// Full-text search (see `crate::search`).
    #[serde(default)]
    pub search: SearchSettings,
    /// ActivityPub federation (see `crate::federation`); off unless turned on.
    #[serde(default)]
    pub federation: FederationSettings,
    /// The environment the settings were loaded for (`VIGIE_ENV`: `development`, `test`,
    /// `production`…); set by `load_env`, not read from the files.
    #[serde(default = "default_environment")]
    pub environment: String,
}

fn default_environment() -> String {
    "development".into()
}

/// The HTTP server.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Listen address (`VIGIE__SERVER__BIND`, default `127.0.0.1:8080`).
    pub bind: String,
    /// Public base address used in links (`VIGIE__SERVER__BASE_URL`).
    pub base_url: String,
    /// Worker threads, 0 = one per core (`VIGIE__SERVER__WORKERS`).
    pub workers: usize,
    /// Request body cap in bytes (`VIGIE__SERVER__MAX_BODY_BYTES`, default 256 KiB).
    pub max_body_bytes: usize,
    /// How long an idle connection is kept open for the client's next request, in seconds
    /// (`VIGIE__SERVER__KEEP_ALIVE_SECONDS`, default 75). Longer than the idle time of the
    /// clients and proxies that reuse connections, so the server never closes one just as a
    /// request is sent on it.
    pub keep_alive_seconds: u64,
    /// Number of trusted reverse proxies (`VIGIE__SERVER__TRUSTED_PROXIES`, default 0).
    pub trusted_proxies: usize,
    /// Reload templates from disk on each render (`VIGIE__SERVER__RELOAD_TEMPLATES`).
    pub reload_templates: bool,
    /// Report SQL statements per request in a header (`VIGIE__SERVER__EXPOSE_STATEMENT_COUNT`).
    pub expose_statement_count: bool,
    /// Bytes of rendered pages kept for visitors, 0 to turn the cache off
    /// (`VIGIE__SERVER__PAGE_CACHE_BYTES`, default 8 MiB).
    pub page_cache_bytes: usize,
    /// Bytes of rendered pieces of pages (posts, lines of thread lists) kept for everyone,
    /// signed in or not, 0 to turn it off (`VIGIE__SERVER__FRAGMENT_CACHE_BYTES`, default 8 MiB).
    pub fragment_cache_bytes: usize,
}

/// The database.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite:PATH`, a bare path or `postgres://…` (`DATABASE_URL` / `VIGIE__DATABASE__URL`).
    pub url: SecretString,
    /// Pool size (`VIGIE__DATABASE__POOL_SIZE`, default 8).
    pub pool_size: u32,
    /// Pool checkout timeout in ms (`VIGIE__DATABASE__POOL_TIMEOUT_MS`, default 5000).
    pub pool_timeout_ms: u64,
    /// Run migrations when serving (`VIGIE__DATABASE__MIGRATE_ON_START`, default true).
    pub migrate_on_start: bool,
    /// SQLite `synchronous` level: `normal` or `full` (`VIGIE__DATABASE__SQLITE_SYNCHRONOUS`).
    pub sqlite_synchronous: String,
    /// SQLite busy timeout in ms (`VIGIE__DATABASE__SQLITE_BUSY_TIMEOUT_MS`, default 5000).
    pub sqlite_busy_timeout_ms: u64,
    /// PostgreSQL `statement_timeout` of every connection, in seconds; 0 turns it off
    /// (`VIGIE__DATABASE__STATEMENT_TIMEOUT_SECONDS`, default 30).
    pub statement_timeout_seconds: u64,
    /// SQLite only: the longest a write (a post, an edit, a background job's round) waits for
    /// its turn in the process's write queue before the request gets a 503, in ms
    /// (`VIGIE__DATABASE__WRITE_WAIT_MS`, default 10000).
    #[serde(default = "default_write_wait_ms")]
    pub write_wait_ms: u64,
}

fn default_write_wait_ms() -> u64 {
    10_000
}

/// What the forum looks like to its users.
#[derive(Debug, Clone, Deserialize)]
pub struct SiteSettings {
    /// Site name (`VIGIE__SITE__NAME`, default `Vigie`).
    pub name: String,
    /// One line under the name on the home page (`VIGIE__SITE__DESCRIPTION`).
    #[serde(default)]
    pub description: String,
    /// The same in English, when it differs (`VIGIE__SITE__DESCRIPTION_EN`).
    #[serde(default)]
    pub description_en: String,
    /// `fr` or `en` (`VIGIE__SITE__DEFAULT_LANGUAGE`, default `fr`).
    pub default_language: String,
    /// Threads per board page (`VIGIE__SITE__THREADS_PER_PAGE`, default 30).
    pub threads_per_page: i64,
    /// Posts per thread page (`VIGIE__SITE__POSTS_PER_PAGE`, default 20).
    pub posts_per_page: i64,
    /// City list loaded into an empty database (`VIGIE__SITE__CITIES_FILE`).
    pub cities_file: PathBuf,
}

/// Sessions, throttling and password hashing.
#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    /// Idle timeout of a browser session in hours (`VIGIE__SECURITY__SESSION_IDLE_HOURS`, default 336).
    pub session_idle_hours: i64,
    /// Absolute lifetime of a browser session in days (`VIGIE__SECURITY__SESSION_ABSOLUTE_DAYS`, default 90).
    pub session_absolute_days: i64,
    /// Lifetime of an API token in days (`VIGIE__SECURITY__API_TOKEN_DAYS`, default 90).
    pub api_token_days: i64,
    /// Failed logins per account and client per window (`VIGIE__SECURITY__LOGIN_FAILURES_PER_ACCOUNT`, 5).
    pub login_failures_per_account: u32,
    /// Failed logins per client per window (`VIGIE__SECURITY__LOGIN_FAILURES_PER_CLIENT`, 30).
    pub login_failures_per_client: u32,
    /// Throttle window in minutes (`VIGIE__SECURITY__LOGIN_WINDOW_MINUTES`, 15).
    pub login_window_minutes: u64,
    /// Registrations per client per hour (`VIGIE__SECURITY__REGISTRATIONS_PER_HOUR`, 10).
    pub registrations_per_hour: u32,
    /// Argon2id memory cost in KiB (`VIGIE__SECURITY__ARGON2_MEMORY_KIB`, 19456).
    pub argon2_memory_kib: u32,
    /// Argon2id iterations (`VIGIE__SECURITY__ARGON2_ITERATIONS`, 2).
    pub argon2_iterations: u32,
    /// Argon2id parallelism (`VIGIE__SECURITY__ARGON2_PARALLELISM`, 1).
    pub argon2_parallelism: u32,
    /// The key that seals two-factor secrets at rest: 32 bytes written in base64 or hex
    /// (`VIGIE__SECURITY__SECRET_KEY`, no default). When it is unset and
    /// `generate_secret_key` is on, the first start writes one to `secret_key_file`.
    #[serde(default)]
    pub secret_key: Option<SecretString>,
    /// Make and keep a key when `secret_key` is unset (`VIGIE__SECURITY__GENERATE_SECRET_KEY`,
    /// default true; false in production, where the key must be given).
    #[serde(default = "default_true")]
    pub generate_secret_key: bool,
    /// Where a generated key is kept (`VIGIE__SECURITY__SECRET_KEY_FILE`; default
    /// `secret.key` beside the SQLite database, or `data/secret.key`).
    #[serde(default)]
    pub secret_key_file: Option<PathBuf>,
}

fn default_true() -> bool {
    true
}

/// How mail leaves the server (see `mail`).
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// `smtp`, `file` (the development default) or `memory` (unit tests)
    /// (`VIGIE__MAIL__TRANSPORT`).
    pub transport: String,
    /// SMTP server in lettre's URL form: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`, `smtp://127.0.0.1:2525` (`VIGIE__MAIL__SMTP_URL`).
    pub smtp_url: SecretString,
    /// Seconds before an SMTP connection or command gives up (`VIGIE__MAIL__SMTP_TIMEOUT_SECONDS`).
    pub smtp_timeout_seconds: u64,
    /// Folder the `file` transport writes `.eml` files to (`VIGIE__MAIL__FILE_DIR`).
    pub file_dir: PathBuf,
    /// Sender address (`VIGIE__MAIL__FROM_ADDRESS`); the display name is the site name.
    pub from_address: String,
    /// Seconds between two looks at the outbox when nothing wakes the worker
    /// (`VIGIE__MAIL__POLL_SECONDS`).
    pub poll_seconds: u64,
    /// First retry delay in seconds, doubled after each failure (`VIGIE__MAIL__RETRY_BASE_SECONDS`).
    pub retry_base_seconds: u64,
    /// Longest delay between two attempts, in seconds (`VIGIE__MAIL__RETRY_MAX_SECONDS`).
    pub retry_max_seconds: u64,
    /// Attempts before a mail is marked failed (`VIGIE__MAIL__MAX_ATTEMPTS`).
    pub max_attempts: i64,
    /// Days sent mails stay in the outbox before they are purged (`VIGIE__MAIL__KEEP_SENT_DAYS`).
    pub keep_sent_days: i64,
    /// New accounts must confirm their address before posting (`VIGIE__MAIL__REQUIRE_VERIFICATION`).
    pub require_verification: bool,
    /// Hours a verification or email-change link stays valid (`VIGIE__MAIL__VERIFY_TOKEN_HOURS`).
    pub verify_token_hours: i64,
    /// Minutes a password-reset link stays valid (`VIGIE__MAIL__RESET_TOKEN_MINUTES`).
    pub reset_token_minutes: i64,
    /// Verification or reset mails one account (or one client) may ask for per hour
    /// (`VIGIE__MAIL__REQUESTS_PER_HOUR`).
    pub requests_per_hour: u32,
}

/// Who hears about new posts, and how often.
#[derive(Debug, Clone, Deserialize)]
pub struct NotificationSettings {
    /// Users one post may notify by `@mention` (`VIGIE__NOTIFICATIONS__MAX_MENTIONS`).
    pub max_mentions: usize,
    /// Hours between two digests for one user (`VIGIE__NOTIFICATIONS__DIGEST_INTERVAL_HOURS`).
    pub digest_interval_hours: i64,
    /// Characters of a post's text quoted in a notification mail (`VIGIE__NOTIFICATIONS__EXCERPT_CHARS`).
    pub excerpt_chars: usize,
}

/// Defaults of the community rules administrators then change on `/admin/settings` (a value
/// saved there wins over the file).
#[derive(Debug, Clone, Deserialize)]
pub struct CommunitySettings {
    /// `open`, `approval`, `invite` or `closed` (`VIGIE__COMMUNITY__REGISTRATION_MODE`).
    pub registration_mode: String,
    /// Who may create local groups: `members`, `staff` or `off` (changeable in `/admin/settings`).
    pub group_creation: String,
    /// The question applicants answer in `approval` mode (`VIGIE__COMMUNITY__REGISTRATION_QUESTION`).
    pub registration_question: String,
    /// Days an account counts as new (`VIGIE__COMMUNITY__NEW_ACCOUNT_DAYS`; 0: no new-account limits).
    pub new_account_days: i64,
    /// Posts a new account may write per hour (`VIGIE__COMMUNITY__NEW_ACCOUNT_POSTS_PER_HOUR`; 0: no limit).
    pub new_account_posts_per_hour: i64,
    /// Links a new account may put in one post (`VIGIE__COMMUNITY__NEW_ACCOUNT_LINKS_PER_POST`).
    pub new_account_links_per_post: i64,
    /// People a new account may @mention in one post (`VIGIE__COMMUNITY__NEW_ACCOUNT_MENTIONS_PER_POST`).
    pub new_account_mentions_per_post: i64,
    /// Posts any member may write per hour; staff are exempt (`VIGIE__COMMUNITY__MEMBER_POSTS_PER_HOUR`; 0: no limit).
    pub member_posts_per_hour: i64,
    /// Distinct trusted reporters that hide a post pending review (`VIGIE__COMMUNITY__AUTO_HIDE_REPORTS`; 0: never).
    pub auto_hide_reports: i64,
    /// Whether `/moderation` is public (`VIGIE__COMMUNITY__PUBLIC_MODLOG`).
    pub public_modlog: bool,
    /// Whether moderators and administrators must use two-factor sign-in
    /// (`VIGIE__COMMUNITY__REQUIRE_STAFF_2FA`, default false; changeable in `/admin/settings`).
    #[serde(default)]
    pub require_staff_2fa: bool,
}

/// Defaults of the observatory's settings (admins change them on `/admin/settings`).
#[derive(Debug, Clone, Deserialize)]
pub struct ObservatorySettings {
    /// The board where each published deployment gets its discussion thread, whose moderators
    /// also review proposals (`VIGIE__OBSERVATORY__BOARD`).
    pub board: String,
    /// The licence of the exported data (`VIGIE__OBSERVATORY__LICENCE`).
    pub licence: String,
    /// Where that licence is (`VIGIE__OBSERVATORY__LICENCE_URL`).
    pub licence_url: String,
}

/// ActivityPub federation with other instances (see `crate::federation`).
#[derive(Debug, Clone, Deserialize)]
pub struct FederationSettings {
    /// Serve and accept ActivityPub at all (`VIGIE__FEDERATION__ENABLED`, default false). Off,
    /// every federation address answers 404 and nothing is sent.
    #[serde(default)]
    pub enabled: bool,
    /// Accept `http://` addresses, explicit ports and loopback hosts for remote servers
    /// (`VIGIE__FEDERATION__ALLOW_HTTP`, default false): for tests on one machine only; refused
    /// in production.
    #[serde(default)]
    pub allow_http: bool,
    /// Allow-list mode: only instances an administrator marked `allow` on `/admin/federation`
    /// may federate (`VIGIE__FEDERATION__ALLOWLIST`, default false: every instance not blocked).
    #[serde(default)]
    pub allowlist: bool,
    /// First retry delay of a delivery in seconds, doubled after each failure
    /// (`VIGIE__FEDERATION__RETRY_BASE_SECONDS`, default 60).
    #[serde(default = "default_federation_retry_base")]
    pub retry_base_seconds: u64,
    /// Longest delay between two delivery attempts, in seconds
    /// (`VIGIE__FEDERATION__RETRY_MAX_SECONDS`, default 21600).
    #[serde(default = "default_federation_retry_max")]
    pub retry_max_seconds: u64,
    /// Attempts before a delivery is marked failed (`VIGIE__FEDERATION__MAX_ATTEMPTS`, default 16).
    #[serde(default = "default_federation_attempts")]
    pub max_attempts: i64,
}

fn default_federation_retry_base() -> u64 {
    60
}

fn default_federation_retry_max() -> u64 {
    6 * 3600
}

fn default_federation_attempts() -> i64 {
    16
}

/// Full-text search.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchSettings {
    /// How many of the newest matches a search by relevance ranks
    /// (`VIGIE__SEARCH__RANK_WINDOW`, default 1000, at least 20): narrowing the filters or
    /// sorting by date reaches older ones. Each ranked match costs a read of its row, so the
    /// time of a search grows with it.
    #[serde(default = "default_rank_window")]
    pub rank_window: i64,
}

fn default_rank_window() -> i64 {
    1000
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            rank_window: default_rank_window(),
        }
    }
}

impl Default for FederationSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            allow_http: false,
            allowlist: false,
            retry_base_seconds: default_federation_retry_base(),
            retry_max_seconds: default_federation_retry_max(),
            max_attempts: default_federation_attempts(),
        }
    }
}

/// Which database a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A SQLite file (or `:memory:`).
    Sqlite(String),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DatabaseSettings {
    /// Reads the URL: `postgres://` or `postgresql://` is PostgreSQL, `sqlite:` or a bare path SQLite.
    pub fn target(&self) -> DatabaseTarget {
        parse_database_url(self.url.expose_secret())
    }
}

/// Splits a database URL into a backend and the string its driver understands.
pub fn parse_database_url(url: &str) -> DatabaseTarget {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        DatabaseTarget::Postgres(url.to_owned())
    } else if let Some(rest) = url.strip_prefix("sqlite://") {
        DatabaseTarget::Sqlite(rest.to_owned())
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        DatabaseTarget::Sqlite(rest.to_owned())
    } else {
        DatabaseTarget::Sqlite(url.to_owned())
    }
}

impl Settings {
    /// Loads settings from `config_dir` as described in the module docs.
    pub fn load(config_dir: &Path) -> Result<Self, config::ConfigError> {
        let env = std::env::var("VIGIE_ENV").unwrap_or_else(|_| "development".into());
        Self::load_env(config_dir, &env)
    }

    /// Loads settings for the named environment (`config/<env>.toml`), whatever `VIGIE_ENV` says.
    pub fn load_env(config_dir: &Path, env: &str) -> Result<Self, config::ConfigError> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from(config_dir.join("default.toml")))
            .add_source(config::File::from(config_dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("VIGIE")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            );
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.trim().is_empty() {
                builder = builder.set_override("database.url", url)?;
            }
        }
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.environment = env.to_owned();
        Ok(settings)
    }

    /// The configuration folder: `$VIGIE_CONFIG_DIR`, else `config/` next to the working directory.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("VIGIE_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"))
    }

    /// True when the public address is HTTPS (secure cookies, HSTS).
    pub fn is_https(&self) -> bool {
        self.server.base_url.starts_with("https://")
    }

    /// Refuses federation settings that are unsafe where they are: in production, federation
    /// needs an `https://` base URL and may not accept plain-HTTP or loopback peers.
    pub fn check_federation(&self) -> Result<(), FederationSettingsError> {
        let federation = &self.federation;
        if !federation.enabled || self.environment != "production" {
            return Ok(());
        }
        if !self.is_https() {
            return Err(FederationSettingsError::NotHttps);
        }
        if federation.allow_http {
            return Err(FederationSettingsError::AllowHttp);
        }
        Ok(())
    }

    /// The public base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.server.base_url.trim_end_matches('/')
    }

    /// Makes sure `security.secret_key` is set: when it is not and generation is allowed, reads
    /// the kept key file, or writes a new random key there (readable by the owner only).
    /// Returns the file's path when a key was just made, for the log.
    pub fn ensure_secret_key(&mut self) -> Result<Option<PathBuf>, SecretKeyError> {
        if self.security.secret_key.is_some() {
            return Ok(None);
        }
        if !self.security.generate_secret_key {
            return Err(SecretKeyError::Missing);
        }
        let path = self.secret_key_path();
        let io = |e| SecretKeyError::Io(path.clone(), e);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            if let Some(mode) = loose_permissions(&path) {
                tracing::warn!(
                    path = %path.display(),
                    mode = format!("{mode:o}"),
                    "the secret key file can be read by its group or others: `chmod 600` it"
                );
            }
            self.security.secret_key = Some(SecretString::from(existing.trim().to_owned()));
            return Ok(None);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let key = base64::engine::general_purpose::STANDARD.encode(bytes);
        write_private(&path, &key).map_err(io)?;
        self.security.secret_key = Some(SecretString::from(key));
        Ok(Some(path))
    }

    /// Where a generated key is kept: the setting, else beside the SQLite database, else
    /// `data/secret.key`.
    fn secret_key_path(&self) -> PathBuf {
        if let Some(path) = &self.security.secret_key_file {
            return path.clone();
        }
        match self.database.target() {
            DatabaseTarget::Sqlite(file) if file != ":memory:" => Path::new(&file)
                .parent()
                .map(|dir| dir.join("secret.key"))
                .unwrap_or_else(|| PathBuf::from("secret.key")),
            _ => PathBuf::from("data/secret.key"),
        }
    }
}

/// Federation settings refused at start.
#[derive(Debug, thiserror::Error)]
pub enum FederationSettingsError {
    #[error("federation.enabled needs an https:// server.base_url in production")]
    NotHttps,
    #[error("federation.allow_http is for tests on one machine; it is refused in production")]
    AllowHttp,
}

/// The sealing key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error("security.secret_key is not set (VIGIE__SECURITY__SECRET_KEY: 32 random bytes in base64, e.g. `openssl rand -base64 32`)")]
    Missing,
    #[error("cannot keep the generated secret key in {0}")]
    Io(PathBuf, #[source] std::io::Error),
}

/// The permission bits of a file its group or others may read or write (`None`: only its owner
/// may, or this is not Unix).
pub fn loose_permissions(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Writes a new file only its owner may read (fails if it exists).
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_pick_the_backend() {
        assert_eq!(
            parse_database_url("postgres://u@h/db"),
            DatabaseTarget::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            parse_database_url("sqlite:data/x.db"),
            DatabaseTarget::Sqlite("data/x.db".into())
        );
        assert_eq!(
            parse_database_url("sqlite:///tmp/x.db"),
            DatabaseTarget::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            parse_database_url("data/x.db"),
            DatabaseTarget::Sqlite("data/x.db".into())
        );
    }

    #[test]
    fn production_refuses_federation_without_https_or_with_plain_http_peers() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut settings = Settings::load_env(&dir, "production").expect("settings");
        assert_eq!(settings.environment, "production");
        settings.federation.enabled = false;
        settings.server.base_url = "http://forum.example".into();
        assert!(settings.check_federation().is_ok(), "off: nothing to check");
        settings.federation.enabled = true;
        assert!(matches!(
            settings.check_federation(),
            Err(FederationSettingsError::NotHttps)
        ));
        settings.server.base_url = "https://forum.example".into();
        assert!(settings.check_federation().is_ok());
        settings.federation.allow_http = true;
        assert!(matches!(
            settings.check_federation(),
            Err(FederationSettingsError::AllowHttp)
        ));
        settings.environment = "test".into();
        settings.server.base_url = "http://localhost:0".into();
        assert!(settings.check_federation().is_ok(), "tests may use http");
    }

    #[cfg(unix)]
    #[test]
    fn key_files_readable_by_others_are_noticed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("secret.key");
        write_private(&path, "key").expect("write");
        assert_eq!(loose_permissions(&path), None, "written for its owner only");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert_eq!(loose_permissions(&path), Some(0o644));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o620)).expect("chmod");
        assert_eq!(loose_permissions(&path), Some(0o620));
    }
}
