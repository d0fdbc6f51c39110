//! Forum pages: every route of the forum's pages (registered here, in the order they must be
//! matched), the home page and a board's page. The thread page is in `thread_routes`, the
//! new-thread and reply forms in `post_routes`, the edit form in `edit_routes`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::domain::Cursor;
use crate::forum::edit_routes::{edit_page, edit_submit};
use crate::forum::post_routes::{
    group_new_thread_page, group_new_thread_submit, new_thread_page, new_thread_submit, reply_page,
    reply_submit,
};
use crate::forum::queries;
use crate::forum::queries::BoardRef;
use crate::forum::thread_routes::{post_redirect, thread_page, thread_page_with_slug};
use crate::forum::views::{board_json, thread_rows};
use crate::forum::visibility;
use crate::gazetteer as city_queries;
use crate::notifications::pages as notification_pages;
use crate::notifications::queries as notification_queries;
use crate::notifications::reading;
use crate::notifications::Target;
use crate::web::context::{Ctx, Kept};
use crate::web::error::AppError;
use crate::web::page_cache::{Holes, Scope};

/// Registers the forum routes. `/t/{id}/reply` (and the feeds' `/t/{id}/feed.atom`) come
/// before `/t/{id}/{slug}`, which would match them too.
pub fn configure(cfg: &mut web::ServiceConfig) {
    super::reading_routes::configure(cfg);
    super::feed_routes::configure(cfg);
    cfg.route("/", web::get().to(home))
        .route("/b/{board}", web::get().to(board_page))
        .route("/b/{board}/new", web::get().to(new_thread_page))
        .route("/b/{board}/new", web::post().to(new_thread_submit))
        .route("/g/{group}/b/{board}", web::get().to(group_board_page))
        .route(
            "/g/{group}/b/{board}/new",
            web::get().to(group_new_thread_page),
        )
        .route(
            "/g/{group}/b/{board}/new",
            web::post().to(group_new_thread_submit),
        )
        .route("/t/{id}", web::get().to(thread_page))
        .route("/t/{id}/reply", web::get().to(reply_page))
        .route("/t/{id}/reply", web::post().to(reply_submit))
        .route("/t/{id}/{slug}", web::get().to(thread_page_with_slug))
        .route("/p/{id}", web::get().to(post_redirect))
        .route("/p/{id}/edit", web::get().to(edit_page))
        .route("/p/{id}/edit", web::post().to(edit_submit));
}

async fn home(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let ticket = match ctx.cached_page_for_members(Scope::Site).await? {
        Kept::Hit(res) => return Ok(res),
        Kept::Held(held) => return notification_pages::serve_held(&ctx, held).await,
        Kept::Miss(ticket) => ticket,
    };
    // Two bounded reads: right here on SQLite when a connection is free.
    let (boards, cities) = ctx
        .db
        .run_quick_read(|conn| {
            Ok::<_, AppError>((
                queries::list_boards(conn)?,
                city_queries::most_active(conn, 12)?,
            ))
        })
        .await?;
    let boards: Vec<Value> = boards
        .iter()
        .map(|b| {
            let mut v = board_json(&b.board, ctx.lang);
            v["last_thread_title"] = json!(b.last_thread_title);
            v["last_thread_slug"] = json!(b.last_thread_slug);
            v
        })
        .collect();
    ctx.render_cacheable(
        ticket,
        "pages/home",
        json!({"boards": boards, "active_cities": cities.iter().map(|c| c.view(ctx.lang)).collect::<Vec<_>>()}),
    )
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    city: Option<String>,
    after: Option<String>,
}

async fn board_page(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    render_board(ctx, BoardRef::Site(slug.into_inner()), query.into_inner()).await
}

/// A group's board: the forum's board page, for the group's members only when it is private.
async fn group_board_page(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let (group, board) = path.into_inner();
    render_board(ctx, BoardRef::Group { group, board }, query.into_inner()).await
}

async fn render_board(
    ctx: Ctx,
    board_ref: BoardRef,
    query: ListQuery,
) -> Result<HttpResponse, AppError> {
    let cursor = Cursor::from_param(query.after.as_deref(), "after")
        .map_err(|_| AppError::BadRequest("error-bad-cursor"))?;
    let sizes = crate::forum::queries::PageSizes::new(&ctx.settings.site);
    let scope = match &board_ref {
        BoardRef::Site(slug) => Scope::Board(slug.clone()),
        BoardRef::Group { group, board } => Scope::GroupBoard(group.clone(), board.clone()),
    };
    let ticket = match ctx.cached_page_for_members(scope).await? {
        Kept::Hit(res) => return Ok(res),
        Kept::Held(held) => return notification_pages::serve_held(&ctx, held).await,
        Kept::Miss(ticket) => ticket,
    };
    let reader = ctx.viewer.clone();
    // Reads only, bounded (one page of threads): right here on SQLite when a connection is free.
    let (page, watch_level, can_post) = ctx
        .db
        .run_quick_read(move |conn| {
            let page = queries::board_page(conn, &board_ref, query.city.as_deref(), cursor, sizes)?
                .ok_or(AppError::NotFound)?;
            // A private board does not exist for those outside its group (no statement for the
            // site's boards).
            let (may_read, can_post) =
                visibility::board_rights(conn, reader.as_ref(), &page.board)?;
            if !may_read {
                return Err(AppError::NotFound);
            }
            let level = match &reader {
                Some(viewer) => Some(notification_queries::level(
                    conn,
                    viewer.user_id,
                    Target::Board,
                    page.board.id,
                )?),
                None => None,
            };
            Ok::<_, AppError>((page, level, can_post))
        })
        .await?;
    // Plain members share a copy of the site's public boards only (`BoardScope::read_alike`).
    let ticket = ticket.filter(|t| !t.for_members() || page.board.scope().read_alike());
    let path = page.board.path();
    let city_param = page
        .city
        .as_ref()
        .map(|c| format!("city={}&", c.slug))
        .unwrap_or_default();
    let next_url = page
        .next
        .map(|c| format!("{path}?{city_param}after={}", c.encode()));
    let (slot, slot_html) =
        notification_pages::watch_piece(&ctx, Target::Board, page.board.id, &path, watch_level)?;
    let listed: Vec<_> = page
        .pinned
        .iter()
        .chain(&page.threads)
        .map(|t| t.listed())
        .collect();
    let marks = reading::marks(&ctx, &listed).await?;
    let holes = Holes {
        slot,
        threads: listed,
        ..Holes::default()
    };
    ctx.render_cacheable_marked(
        ticket,
        "pages/board",
        json!({
            "board": board_json(&page.board, ctx.lang),
            "pinned_html": thread_rows(&ctx, &page.pinned, false)?,
            "threads_html": thread_rows(&ctx, &page.threads, false)?,
            "city": page.city.map(|c| json!({"slug": c.slug, "name": c.name_in(ctx.lang)})),
            "city_miss": page.city_miss.map(|(typed, candidates)| json!({
                "search": format!("/c?q={}", percent_encoding::utf8_percent_encode(&typed, percent_encoding::NON_ALPHANUMERIC)),
                "typed": typed,
                "candidates": candidates.iter().map(|c| c.view(ctx.lang)).collect::<Vec<_>>(),
            })),
            "next_url": next_url,
            "is_first_page": cursor.is_none(),
            "can_post": can_post,
            "join_hint": (ctx.viewer.is_some() && !can_post).then(|| ctx.t("board-members-post-only")),
            "show_board": false,
            "mark_read_url": format!("{path}/lu"),
            "feed": super::feed_routes::board_link(&ctx, &page.board),
        }),
        holes,
        &slot_html,
        marks.as_ref(),
    )
}
