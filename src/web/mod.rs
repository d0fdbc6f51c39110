//! Shared web infrastructure: the request context, errors, middleware, throttles, the visitors'
//! page cache and static files. Features register their own routes in `app.rs`.
//!
//! There is no application-wide state object: `app.rs` registers each shared piece on its own
//! (`Data<Settings>`, `Data<Db>`, `Data<Templates>`, `Data<ConfigCache>`, `Data<PageCache>`,
//! `Data<Throttles>`, `Data<Mailer>`, `Data<Passwords>`), and a handler asks for the ones it
//! uses. `Ctx` (pages) and `ApiCtx` (JSON) carry what rendering and authentication need.

pub mod assets;
pub mod context;
pub mod error;
pub mod middleware;
pub mod page_cache;
pub mod throttle;

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};

use crate::db::Db;
use crate::settings::Settings;
use crate::web::error::AppError;

/// The key of the client for throttling: the socket address, or the address a trusted
/// proxy reports. Kept in memory only.
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
            return forwarded[forwarded.len() - proxies].clone();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
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

/// `GET /readyz`: 200 when the database answers, else 503.
pub async fn readyz(db: Data<Db>) -> HttpResponse {
    let pool = db.pool().clone();
    let ok = actix_web::web::block(move || {
        use diesel::connection::SimpleConnection;
        pool.get()
            .ok()
            .map(|mut c| c.batch_execute("SELECT 1").is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
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
