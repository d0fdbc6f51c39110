//! Shared web infrastructure: application state, request context, errors, templates, languages,
//! middleware, throttles and static files. Features register their own routes in `app.rs`.

pub mod assets;
pub mod context;
pub mod error;
pub mod i18n;
pub mod middleware;
pub mod page_cache;
pub mod templates;
pub mod throttle;

use actix_web::{HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::accounts::domain::CommonPasswords;
use crate::accounts::password::PasswordHasher;
use crate::db::{Backend, Pool};
use crate::settings::Settings;
use crate::web::error::AppError;
use crate::web::templates::Templates;
use crate::web::throttle::{Throttle, Throttles};

/// Everything a request handler may need, built once per server.
pub struct AppState {
    pub settings: Settings,
    pub pool: Pool,
    pub backend: Backend,
    pub templates: Templates,
    pub hasher: PasswordHasher,
    pub common_passwords: CommonPasswords,
    pub throttles: Throttles,
    pub page_cache: page_cache::PageCache,
    pub mailer: crate::mail::Mailer,
    /// The settings administrators change from the site.
    pub config: crate::governance::config::ConfigCache,
}

impl AppState {
    /// Builds the shared state (templates, hasher, throttles, mailer) around a pool.
    pub fn new(settings: Settings, pool: Pool, backend: Backend) -> anyhow::Result<AppState> {
        use std::time::Duration;
        Ok(AppState {
            hasher: PasswordHasher::new(&settings.security)?,
            common_passwords: CommonPasswords::load(),
            templates: Templates::load(settings.server.reload_templates)?,
            throttles: Throttles {
                login_account: Throttle::new(
                    settings.security.login_failures_per_account,
                    Duration::from_secs(settings.security.login_window_minutes * 60),
                ),
                login_client: Throttle::new(
                    settings.security.login_failures_per_client,
                    Duration::from_secs(settings.security.login_window_minutes * 60),
                ),
                reauth_account: Throttle::new(
                    settings.security.login_failures_per_account,
                    Duration::from_secs(settings.security.login_window_minutes * 60),
                ),
                reauth_client: Throttle::new(
                    settings.security.login_failures_per_client,
                    Duration::from_secs(settings.security.login_window_minutes * 60),
                ),
                register_client: Throttle::new(
                    settings.security.registrations_per_hour,
                    Duration::from_secs(3600),
                ),
                mail_requests: Throttle::new(
                    settings.mail.requests_per_hour,
                    Duration::from_secs(3600),
                ),
            },
            page_cache: page_cache::PageCache::new(settings.server.page_cache_bytes),
            mailer: crate::mail::Mailer::new(&settings)?,
            config: crate::governance::config::ConfigCache::new(&settings),
            pool,
            backend,
            settings,
        })
    }

    /// The site block every template gets.
    pub fn site_json(&self, lang: crate::web::i18n::Lang) -> Value {
        let config = self.config.get();
        json!({
            "name": config.site_name,
            "description": config.description_in(lang),
            "public_modlog": config.public_modlog,
            "registration_open": config.registration_mode != crate::governance::config::RegistrationMode::Closed,
            "version": env!("CARGO_PKG_VERSION"),
        })
    }

    /// The language of the site when nobody chose one.
    pub fn default_lang(&self) -> crate::web::i18n::Lang {
        crate::web::i18n::Lang::parse(&self.config.get().default_language)
            .unwrap_or(crate::web::i18n::Lang::Fr)
    }

    /// Threads and posts per page.
    pub fn page_sizes(&self) -> crate::forum::queries::PageSizes {
        crate::forum::queries::PageSizes {
            threads: self.settings.site.threads_per_page,
            posts: self.settings.site.posts_per_page,
        }
    }

    /// The key of the client for throttling: the socket address, or the address a trusted
    /// proxy reports; an IPv4 address whole, an IPv6 address by its /64 (one subscriber's
    /// network, whose addresses cost nothing to change). Kept in memory only.
    pub fn client_key(&self, req: &HttpRequest) -> String {
        let proxies = self.settings.server.trusted_proxies;
        if proxies > 0 {
            let forwarded: Vec<String> = req
                .headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            if forwarded.len() >= proxies {
                let reported = &forwarded[forwarded.len() - proxies];
                return match reported.parse::<std::net::IpAddr>() {
                    Ok(ip) => client_network(ip),
                    Err(_) => reported.clone(),
                };
            }
        }
        req.peer_addr()
            .map(|a| client_network(a.ip()))
            .unwrap_or_else(|| "unknown".into())
    }
}

/// The throttling key of an address: an IPv4 address (or an IPv4-mapped IPv6 one) whole, any
/// other IPv6 address by its /64 prefix.
pub fn client_network(ip: std::net::IpAddr) -> String {
    use std::net::{IpAddr, Ipv6Addr};
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
    }
}

/// An id from a path segment: a positive integer, anything else is a 404 (not a 400: a
/// mistyped address is a page that does not exist).
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// `GET /healthz`: the process answers (no database access).
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// `GET /readyz`: 200 when the database answers within the pool timeout, else 503.
pub async fn readyz(state: actix_web::web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let limit = pool.connection_timeout();
    let check = actix_web::web::block(move || {
        use diesel::connection::SimpleConnection;
        pool.get()
            .ok()
            .map(|mut c| c.batch_execute("SELECT 1").is_ok())
            .unwrap_or(false)
    });
    // A server that stops answering leaves the check waiting on its socket: answer anyway.
    let ok = matches!(tokio::time::timeout(limit, check).await, Ok(Ok(true)));
    if ok {
        HttpResponse::Ok().content_type("text/plain").body("ready")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable")
    }
}

/// Fallback for every unknown address.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
