//! Static files (stylesheet, icons, the small progressive-enhancement script), compiled in and
//! served from `/static/`, with long caching since their URL carries the build version.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use rust_embed::RustEmbed;

use crate::web::error::AppError;

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

/// `GET /static/{file}`.
pub async fn serve(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let file = StaticFiles::get(&name).ok_or(AppError::NotFound)?;
    let mime = match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(file.data.into_owned()))
}
