//! The forum's Atom feeds: a board's new threads (`/b/{board}/feed.atom`, and a group's public
//! board at `/g/{group}/b/{board}/feed.atom`) and a thread's posts (`/t/{id}/feed.atom`). Each
//! answers 404 where a visitor gets a 404 on the page; what they hold is in `feeds`, how they
//! are written and served in `web::feed`.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use crate::forum::feeds::{self, Listing};
use crate::forum::queries::{self, Board, BoardRef};
use crate::forum::thread_queries::Thread;
use crate::forum::views::board_display_name;
use crate::forum::visibility;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::feed::{self, Feed, LIST_MAX_AGE};
use crate::web::page_cache::Scope;
use crate::web::parse_id;

/// Registers the feeds (before `/t/{id}/{slug}`, which would match a thread's).
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/b/{board}/feed.atom", web::get().to(board_feed))
        .route(
            "/g/{group}/b/{board}/feed.atom",
            web::get().to(group_board_feed),
        )
        .route("/t/{id}/feed.atom", web::get().to(thread_feed));
}

/// The catalogue key of a board feed's title.
pub const BOARD_TITLE: &str = "feed-board-title";
/// The catalogue key of a thread feed's title.
pub const THREAD_TITLE: &str = "feed-thread-title";

/// The `<head>` link of a board page to its feed (`null` for a private board, which has none).
pub(super) fn board_link(ctx: &Ctx, board: &Board) -> Value {
    if board.scope().is_private() {
        return Value::Null;
    }
    let title = feed::title(ctx, BOARD_TITLE, &board_display_name(board, ctx.lang));
    feed::head_link(&title, &format!("{}/feed.atom", board.path()))
}

/// The `<head>` link of a thread page to its feed (`null` for a hidden thread or one in a
/// private board: their feeds answer 404).
pub(super) fn thread_link(ctx: &Ctx, thread: &Thread) -> Value {
    if thread.hidden_at.is_some() || thread.scope().is_private() {
        return Value::Null;
    }
    let title = feed::title(ctx, THREAD_TITLE, &thread.title);
    feed::head_link(&title, &format!("/t/{}/feed.atom", thread.id))
}

async fn board_feed(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    serve_board(&ctx, Scope::Board(slug.clone()), BoardRef::Site(slug)).await
}

async fn group_board_feed(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (group, board) = path.into_inner();
    let scope = Scope::GroupBoard(group.clone(), board.clone());
    serve_board(&ctx, scope, BoardRef::Group { group, board }).await
}

/// A board's newest threads: a 404 for a board a visitor may not read (a group's private
/// board), as its page.
async fn serve_board(
    ctx: &Ctx,
    scope: Scope,
    board_ref: BoardRef,
) -> Result<HttpResponse, AppError> {
    feed::serve(ctx, scope, Some(LIST_MAX_AGE), || async {
        let (board, rows) = ctx
            .db
            .run_quick_read(move |conn| {
                let board = queries::board_by_ref(conn, &board_ref)?.ok_or(AppError::NotFound)?;
                let (may_read, _) = visibility::board_rights(conn, None, &board)?;
                if !may_read {
                    return Err(AppError::NotFound);
                }
                let rows = feeds::newest_threads(conn, Listing::Board(board.id))?;
                Ok((board, rows))
            })
            .await?;
        let name = board_display_name(&board, ctx.lang);
        let mut out = Feed::for_page(ctx, feed::title(ctx, BOARD_TITLE, &name), &board.path());
        out.entries = feeds::thread_entries(ctx.settings.base_url(), rows);
        Ok(out)
    })
    .await
}

/// A thread's newest posts: a 404 for a thread a visitor may not read (hidden, or in a
/// group's private board), as its page.
async fn thread_feed(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    feed::serve(&ctx, Scope::Thread(id), None, || async {
        let (thread, posts) = ctx
            .db
            .run_quick_read(move |conn| {
                feeds::thread_with_posts(conn, id)?.ok_or(AppError::NotFound)
            })
            .await?;
        let page = format!("/t/{}/{}", thread.id, thread.slug);
        let mut out = Feed::for_page(&ctx, feed::title(&ctx, THREAD_TITLE, &thread.title), &page);
        out.empty_updated = thread.created_at;
        out.entries = feeds::post_entries(ctx.settings.base_url(), ctx.lang, &thread, posts);
        Ok(out)
    })
    .await
}
