//! The cities' JSON API under `/api/v1`.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::forum::domain::Cursor;
use crate::forum::queries::city_page;
use crate::forum::views::ThreadList;
use crate::gazetteer as queries;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the city API routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(search).service(city).service(city_threads);
}

#[derive(Debug, Deserialize, IntoParams)]
struct SearchQuery {
    /// The start of a city's name (any of its names), up to 100 characters.
    q: Option<String>,
    /// How many cities, 1 to 200 (50 by default).
    limit: Option<i64>,
}

/// A city in a list.
#[derive(Debug, Serialize, ToSchema)]
struct CityItem {
    slug: String,
    name: String,
    name_en: Option<String>,
    /// ISO 3166 code.
    country: String,
    population: i64,
    thread_count: i64,
}

/// Cities whose name starts with `q`, most populous first.
#[utoipa::path(
    params(SearchQuery),
    operation_id = "cities",
    tag = "cities",
    responses((status = 200, description = "The cities", body = Vec<CityItem>))
)]
#[get("/cities")]
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
    let list: Vec<CityItem> = cities
        .into_iter()
        .map(|c| CityItem {
            slug: c.slug,
            name: c.name,
            name_en: c.name_en,
            country: c.country,
            population: c.population,
            thread_count: c.thread_count,
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// A city.
#[derive(Debug, Serialize, ToSchema)]
struct CityAnswer {
    slug: String,
    name: String,
    name_en: Option<String>,
    country: String,
    /// The first-level administrative code (GeoNames).
    admin1: String,
    region: Option<RegionName>,
    population: i64,
    latitude: f64,
    longitude: f64,
    thread_count: i64,
    last_post_at: Option<NaiveDateTime>,
}

/// A region's name in French and English.
#[derive(Debug, Serialize, ToSchema)]
struct RegionName {
    fr: &'static str,
    en: &'static str,
}

/// A city by its slug.
#[utoipa::path(
    tag = "cities",
    responses((status = 200, description = "The city", body = CityAnswer))
)]
#[get("/cities/{slug}")]
async fn city(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let c = ctx
        .db
        .run(move |conn| queries::by_slug(conn, &slug)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(CityAnswer {
        region: crate::gazetteer::regions::region(&c.country, &c.admin1)
            .map(|r| RegionName { fr: r.fr, en: r.en }),
        slug: c.slug,
        name: c.name,
        name_en: c.name_en,
        country: c.country,
        admin1: c.admin1,
        population: c.population,
        latitude: c.latitude,
        longitude: c.longitude,
        thread_count: c.thread_count,
        last_post_at: c.last_post_at,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
struct ThreadsQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of the threads about a city, on the site's boards.
#[utoipa::path(
    params(ThreadsQuery),
    tag = "cities",
    responses((status = 200, description = "A page of threads", body = ThreadList))
)]
#[get("/cities/{slug}/threads")]
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
