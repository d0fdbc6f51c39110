//! City pages: the directory (search by name prefix), one city's threads across boards, and
//! the Atom feed of its new threads (`/c/{city}/feed.atom`, the forum's `feeds` in the frame of
//! `web::feed`).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::forum::domain::Cursor;
use crate::forum::feeds::{self, Listing};
use crate::forum::queries::city_page as city_page_query;
use crate::forum::views::thread_rows;
use crate::gazetteer as queries;
use crate::notifications::pages as notification_pages;
use crate::notifications::Target;
use crate::web::context::{Cached, Ctx, Kept};
use crate::web::error::AppError;
use crate::web::feed::{self, Feed};
use crate::web::page_cache::{Holes, Scope};

/// How many cities the directory lists at once.
pub const DIRECTORY_LIMIT: i64 = 100;

/// Registers the city routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c", web::get().to(directory))
        .route("/c/{city}", web::get().to(city_page))
        .route("/c/{city}/feed.atom", web::get().to(city_feed));
}

/// The catalogue key of a city feed's title.
const FEED_TITLE: &str = "feed-city-title";

/// `GET /c/{city}/feed.atom`: the newest threads attached to the city, across the public
/// boards (as its page lists them).
async fn city_feed(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let scope = Scope::City(slug.clone());
    feed::serve(&ctx, scope, Some(feed::LIST_MAX_AGE), || async {
        let (city, rows) = ctx
            .db
            .run_quick_read(move |conn| {
                let city = queries::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
                let rows = feeds::newest_threads(conn, Listing::City(city.id))?;
                Ok::<_, AppError>((city, rows))
            })
            .await?;
        let title = feed::title(&ctx, FEED_TITLE, city.name_in(ctx.lang));
        let mut out = Feed::for_page(&ctx, title, &format!("/c/{}", city.slug));
        out.entries = feeds::thread_entries(ctx.settings.base_url(), rows);
        Ok(out)
    })
    .await
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

async fn directory(ctx: Ctx, query: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().q.unwrap_or_default();
    let prefix: String = q.trim().chars().take(100).collect();
    let lookup = prefix.clone();
    let ticket = match ctx.cached_page(Scope::Site).await? {
        Cached::Hit(res) => return Ok(res),
        Cached::Miss(ticket) => ticket,
    };
    let mut cities = ctx
        .db
        .run(move |conn| {
            queries::search(conn, &lookup, DIRECTORY_LIMIT + 1).map_err(AppError::from)
        })
        .await?;
    let truncated = cities.len() as i64 > DIRECTORY_LIMIT;
    cities.truncate(DIRECTORY_LIMIT as usize);
    let cities: Vec<_> = cities.iter().map(|c| c.view(ctx.lang)).collect();
    ctx.render_cacheable(
        ticket,
        "pages/city_directory",
        json!({"q": prefix, "cities": cities, "truncated": truncated}),
    )
}

#[derive(Debug, Deserialize)]
struct CityQuery {
    after: Option<String>,
}

async fn city_page(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<CityQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let cursor = Cursor::from_param(query.after.as_deref(), "after")
        .map_err(|_| AppError::BadRequest("error-bad-cursor"))?;
    let sizes = crate::forum::queries::PageSizes::new(&ctx.settings.site);
    // The same page for every visitor and plain member (public threads, groups and actions),
    // a member's watch form put in.
    let ticket = match ctx
        .cached_page_for_members(Scope::City(slug.clone()))
        .await?
    {
        Kept::Hit(res) => return Ok(res),
        Kept::Held(held) => return notification_pages::serve_held(&ctx, held).await,
        Kept::Miss(ticket) => ticket,
    };
    let crate::forum::queries::CityPage {
        city,
        threads,
        next,
    } = ctx
        .db
        .run(move |conn| city_page_query(conn, &slug, cursor, sizes)?.ok_or(AppError::NotFound))
        .await?;
    let level = match ctx.viewer.as_ref().map(|v| v.user_id) {
        Some(user_id) => {
            let city_id = city.id;
            Some(
                ctx.db
                    .run_quick_read(move |conn| {
                        crate::notifications::queries::level(conn, user_id, Target::City, city_id)
                            .map_err(AppError::from)
                    })
                    .await?,
            )
        }
        None => None,
    };
    let watch_next = format!("/c/{}", city.slug);
    let (slot, slot_html) =
        notification_pages::watch_piece(&ctx, Target::City, city.id, &watch_next, level)?;
    let listed: Vec<_> = threads.iter().map(|t| t.listed()).collect();
    let marks = crate::notifications::reading::marks(&ctx, &listed).await?;
    let holes = Holes {
        slot,
        threads: listed,
        ..Holes::default()
    };
    let next_url = next.map(|c| format!("/c/{}?after={}", city.slug, c.encode()));
    let dossier_filters = crate::observatory::deployments::Filters {
        city: Some(city.slug.clone()),
        ..Default::default()
    };
    let city_id = city.id;
    let (dossier, groups, actions) = ctx
        .db
        .run(move |conn| {
            let dossier =
                crate::observatory::deployments::published(conn, &dossier_filters, None, 500)?;
            // The city's public groups and upcoming public actions (a visitor's view: the page
            // is shared through the cache).
            let groups = crate::groups::queries::directory(conn, Some(city_id), None, None, 20)?;
            let filter = crate::actions::queries::ListFilter {
                city_id: Some(city_id),
                listed_only: true,
                not_over_at: Some(crate::db::now()),
                ..Default::default()
            };
            let actions = crate::actions::queries::list(conn, &filter, 10)?;
            Ok::<_, AppError>((dossier, groups, actions))
        })
        .await?;
    let dossier = crate::observatory::views::city_dossier(&dossier, ctx.lang);
    let base = ctx.settings.base_url();
    let groups: Vec<_> = groups
        .iter()
        .map(|g| crate::groups::service::group_json(base, g, Default::default()))
        .collect();
    let actions: Vec<_> = actions
        .iter()
        .take(10)
        .map(|a| {
            crate::actions::service::action_json(base, a, Default::default(), None, &[], ctx.lang)
        })
        .collect();
    let feed_title = feed::title(&ctx, FEED_TITLE, city.name_in(ctx.lang));
    let feed_link = feed::head_link(&feed_title, &format!("/c/{}/feed.atom", city.slug));
    ctx.render_cacheable_marked(
        ticket,
        "pages/city",
        json!({"city": city.view(ctx.lang), "threads_html": thread_rows(&ctx, &threads, true)?, "next_url": next_url, "is_first_page": cursor.is_none(), "show_board": true, "dossier": dossier, "groups": groups, "actions": actions,
               "feed": feed_link}),
        holes,
        &slot_html,
        marks.as_ref(),
    )
}
