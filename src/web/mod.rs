//! Shared web infrastructure: the request context, errors, middleware, throttles, the visitors'
//! page cache, the Atom feeds' writing and serving (`feed`), the API's OpenAPI document
//! (`openapi`) and static files. Features register their own routes in `app.rs`.
//!
//! There is no application-wide state object: `app.rs` registers each shared piece on its own
//! (`Data<Settings>`, `Data<Db>`, `Data<Templates>`, `Data<ConfigCache>`, `Data<PageCache>`,
//! `Data<Throttles>`, `Data<Mailer>`, `Data<Passwords>`), and a handler asks for the ones it
//! uses. `Ctx` (pages) and `ApiCtx` (JSON) carry what rendering and authentication need.

pub mod api_context;
pub mod assets;
pub mod context;
pub mod error;
pub mod feed;
pub mod middleware;
pub mod openapi;
pub mod page_cache;
pub mod throttle;

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};

use crate::db::Db;
use crate::settings::Settings;
use crate::web::error::AppError;

/// The key of the client for throttling: the socket address, or the address a trusted
/// proxy reports; an IPv4 address whole, an IPv6 address by its /64 (one subscriber's
/// network, whose addresses cost nothing to change). Kept in memory only.
pub fn client_key(settings: &Settings, req: &HttpRequest) -> String {
    let proxies = settings.server.trusted_proxies;
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
pub async fn readyz(db: Data<Db>) -> HttpResponse {
    let pool = db.pool().clone();
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
