//! Reading where one left off: `/t/{id}/nouveaux` opens a thread at the member's first unread
//! post, and "mark all as read" clears a board's unread marks (see `notifications::reading`).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::forum::queries::{self, BoardRef};
use crate::forum::thread_queries;
use crate::forum::visibility;
use crate::notifications::reading;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the routes; before `/t/{id}/{slug}`, which would match the first.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/t/{id}/nouveaux", web::get().to(first_unread))
        .route("/b/{board}/lu", web::post().to(mark_board_read))
        .route(
            "/g/{group}/b/{board}/lu",
            web::post().to(mark_group_board_read),
        );
}

/// Redirects to the member's first unread post of a thread: the one after the last they read,
/// the first post of a thread they never opened (its last when nothing is new), the thread's
/// start for a visitor.
async fn first_unread(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let reader = ctx.viewer.clone();
    let per_page = ctx.settings.site.posts_per_page.max(1);
    let (thread, number) = ctx
        .db
        .run_quick_read(move |conn| {
            let thread = thread_queries::thread_by_id(conn, id)?.ok_or(AppError::NotFound)?;
            let staff = visibility::thread_access(conn, reader.as_ref(), &thread)?
                .ok_or(AppError::NotFound)?;
            let reader_id = reader.as_ref().map(|v| v.user_id);
            if !visibility::may_read_thread(&thread, reader_id, staff) {
                return Err(AppError::NotFound);
            }
            let number = match &reader {
                None => 1,
                Some(viewer) => {
                    let (read, board_read) =
                        reading::thread_state(conn, viewer.user_id, thread.id, thread.board_id)?;
                    let watermark =
                        board_read.map_or(viewer.joined_at, |at| at.max(viewer.joined_at));
                    match read {
                        Some(n) => n + 1,
                        None if thread.last_post_at > watermark => 1,
                        None => thread.post_count,
                    }
                }
            };
            let number = number.clamp(1, thread.post_count.max(1));
            Ok::<_, AppError>((thread, number))
        })
        .await?;
    let page = queries::last_page(number, per_page);
    let base = format!("/t/{}/{}", thread.id, thread.slug);
    let target = if page == 1 {
        format!("{base}#p{number}")
    } else {
        format!("{base}?page={page}#p{number}")
    };
    Ok(see_other(&target))
}

#[derive(Debug, Deserialize)]
struct MarkReadForm {}

async fn mark_board_read(
    ctx: Ctx,
    board: web::Path<String>,
    _form: CsrfForm<MarkReadForm>,
) -> Result<HttpResponse, AppError> {
    mark_read(ctx, BoardRef::Site(board.into_inner())).await
}

async fn mark_group_board_read(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    _form: CsrfForm<MarkReadForm>,
) -> Result<HttpResponse, AppError> {
    let (group, board) = path.into_inner();
    mark_read(ctx, BoardRef::Group { group, board }).await
}

/// Marks every thread of a board read for the member, as of now; back to the board.
async fn mark_read(ctx: Ctx, board_ref: BoardRef) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let reader = Some(viewer.clone());
    let board = ctx
        .db
        .run_quick_read(move |conn| {
            let board = queries::board_by_ref(conn, &board_ref)?.ok_or(AppError::NotFound)?;
            let (may_read, _) = visibility::board_rights(conn, reader.as_ref(), &board)?;
            if !may_read {
                return Err(AppError::NotFound);
            }
            Ok::<_, AppError>(board)
        })
        .await?;
    let (user_id, board_id) = (viewer.user_id, board.id);
    ctx.db
        .write(move |conn| {
            reading::mark_board_read(conn, user_id, board_id).map_err(AppError::from)
        })
        .await?;
    Ok(see_other(&board.path()))
}
