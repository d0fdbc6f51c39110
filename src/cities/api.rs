//! The cities' JSON API under `/api/v1`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::domain::Cursor;
use crate::forum::queries::city_page;
use crate::forum::views::ThreadList;
use crate::gazetteer as queries;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;

/// Registers the city API routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cities", web::get().to(search))
        .route("/cities/{slug}", web::get().to(city))
        .route("/cities/{slug}/threads", web::get().to(city_threads));
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: Option<String>,
    limit: Option<i64>,
}

async fn search(ctx: ApiCtx, query: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    let q: String = query
        .q
        .clone()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let cities = ctx
        .db
        .run(move |conn| queries::search(conn, &q, limit).map_err(AppError::from))
        .await?;
    let list: Vec<Value> = cities
        .iter()
        .map(|c| json!({"slug": c.slug, "name": c.name, "name_en": c.name_en, "country": c.country, "population": c.population, "thread_count": c.thread_count}))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

async fn city(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let c = ctx
        .db
        .run(move |conn| queries::by_slug(conn, &slug)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "slug": c.slug, "name": c.name, "name_en": c.name_en, "country": c.country, "admin1": c.admin1,
        "region": crate::gazetteer::regions::region(&c.country, &c.admin1).map(|r| json!({"fr": r.fr, "en": r.en})),
        "population": c.population, "latitude": c.latitude, "longitude": c.longitude,
        "thread_count": c.thread_count, "last_post_at": c.last_post_at,
    })))
}

#[derive(Debug, Deserialize)]
struct ThreadsQuery {
    cursor: Option<String>,
}

async fn city_threads(
    ctx: ApiCtx,
    slug: web::Path<String>,
    query: web::Query<ThreadsQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let cursor = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    let sizes = crate::forum::queries::PageSizes::new(&ctx.settings.site);
    let crate::forum::queries::CityPage { threads, next, .. } = ctx
        .db
        .run(move |conn| city_page(conn, &slug, cursor, sizes)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(ThreadList::new(&threads, next.map(|c| c.encode()))))
}
