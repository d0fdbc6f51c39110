//! `/admin/boards`: the board list with reordering, the creation form and the edit form;
//! `/admin/mail`: the outbox (counts, recent failures, retry).

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::forum::boards::{validate_board, BoardForm};
use crate::forum::queries;
use crate::mail::outbox;
use crate::mail::Mailer;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Registers the admin routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin",
        web::get().to(|| async { see_other("/admin/boards") }),
    )
    .route("/admin/boards", web::get().to(boards_page))
    .route("/admin/boards", web::post().to(create_board))
    .route("/admin/boards/{id}", web::get().to(edit_page))
    .route("/admin/boards/{id}", web::post().to(edit_submit))
    .route("/admin/boards/{id}/move", web::post().to(move_board))
    .route("/admin/mail", web::get().to(mail_page))
    .route("/admin/mail/retry", web::post().to(mail_retry));
}

/// Registers the admin API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(mail_api);
}

/// The outbox: counts by state, and the mails that failed at least once.
#[derive(Debug, Serialize, ToSchema)]
struct MailStatus {
    counts: outbox::Counts,
    /// Up to 50, newest first.
    problems: Vec<outbox::Problem>,
}

async fn mail_page(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    query: web::Query<MailQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let (counts, problems) = ctx
        .db
        .run(|conn| Ok::<_, AppError>((outbox::counts(conn)?, outbox::problems(conn, 50)?)))
        .await?;
    ctx.render(
        "pages/admin_mail",
        json!({
            "counts": counts,
            "problems": problems,
            "transport": mailer.transport.name(),
            "retried": query.retried,
        }),
    )
}

#[derive(Debug, Deserialize)]
struct MailQuery {
    retried: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn mail_retry(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let n = ctx
        .db
        .run(|conn| outbox::retry_failed(conn).map_err(AppError::from))
        .await?;
    mailer.wake();
    tracing::info!(mails = n, "failed mails queued again");
    Ok(see_other(&format!("/admin/mail?retried={n}")))
}

/// The outbox's state (administrators).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "The outbox", body = MailStatus))
)]
#[get("/admin/mail")]
async fn mail_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let (counts, problems) = ctx
        .db
        .run(|conn| Ok::<_, AppError>((outbox::counts(conn)?, outbox::problems(conn, 50)?)))
        .await?;
    Ok(HttpResponse::Ok().json(MailStatus { counts, problems }))
}

async fn render_boards(
    ctx: &Ctx,
    status: StatusCode,
    form: &BoardForm,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let boards = ctx
        .db
        .run(|conn| queries::list_boards(conn).map_err(AppError::from))
        .await?;
    let count = boards.len();
    let list: Vec<Value> = boards
        .iter()
        .enumerate()
        .map(|(i, b)| {
            json!({
                "id": b.board.id, "slug": b.board.slug, "name": b.board.name,
                "description": b.board.description, "name_en": b.board.name_en,
                "description_en": b.board.description_en, "thread_count": b.board.thread_count,
                "post_count": b.board.post_count, "is_first": i == 0, "is_last": i + 1 == count,
            })
        })
        .collect();
    let msg = |f: &str| errors.iter().find(|e| e.field == f).map(|e| ctx.t(e.key));
    ctx.render_status(
        status,
        "pages/admin_boards",
        json!({
            "boards": list,
            "form": {"slug": form.slug, "name": form.name, "description": form.description,
                     "name_en": form.name_en, "description_en": form.description_en},
            "errors": {"slug": msg("slug"), "name": msg("name").or_else(|| msg("description"))},
            "notice": notice.map(|k| ctx.t(k)),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn boards_page(ctx: Ctx, q: web::Query<NoticeQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let notice = match q.done.as_deref() {
        Some("created") => Some("notice-board-created"),
        Some("saved") => Some("notice-board-saved"),
        _ => None,
    };
    render_boards(&ctx, StatusCode::OK, &BoardForm::default(), &[], notice).await
}

async fn create_board(ctx: Ctx, form: CsrfForm<BoardForm>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let form = form.0;
    let fields = match validate_board(&form, true) {
        Ok(f) => f,
        Err(errors) => {
            return render_boards(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &errors, None)
                .await
        }
    };
    let created = ctx
        .db
        .run(move |conn| {
            if queries::board_by_slug(conn, &fields.slug)?.is_some() {
                return Ok(None);
            }
            Ok::<_, AppError>(Some(queries::create_board(conn, &fields)?))
        })
        .await?;
    match created {
        Some(id) => {
            tracing::info!(board_id = id, "board created");
            Ok(see_other("/admin/boards?done=created"))
        }
        None => {
            let e = FieldError::new("slug", "error-slug-taken");
            render_boards(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &[e], None).await
        }
    }
}

async fn find_board(ctx: &Ctx, id: i64) -> Result<queries::Board, AppError> {
    ctx.db
        .run(move |conn| {
            queries::list_boards(conn)?
                .into_iter()
                .map(|b| b.board)
                .find(|b| b.id == id)
                .ok_or(AppError::NotFound)
        })
        .await
}

async fn edit_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let board = find_board(&ctx, parse_id(&id)?).await?;
    ctx.render(
        "pages/admin_board_edit",
        json!({
            "board": {"id": board.id, "slug": board.slug},
            "form": {"name": board.name, "description": board.description,
                     "name_en": board.name_en.unwrap_or_default(), "description_en": board.description_en.unwrap_or_default()},
            "errors": {"name": null},
        }),
    )
}

async fn edit_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<BoardForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let board = find_board(&ctx, parse_id(&id)?).await?;
    let form = form.0;
    let fields = match validate_board(&form, false) {
        Ok(f) => f,
        Err(errors) => {
            let msg = errors.first().map(|e| ctx.t(e.key));
            return ctx.render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "pages/admin_board_edit",
                json!({
                    "board": {"id": board.id, "slug": board.slug},
                    "form": {"name": form.name, "description": form.description,
                             "name_en": form.name_en, "description_en": form.description_en},
                    "errors": {"name": msg},
                }),
            );
        }
    };
    let board_id = board.id;
    ctx.db
        .run(move |conn| queries::update_board(conn, board_id, &fields).map_err(AppError::from))
        .await?;
    Ok(see_other("/admin/boards?done=saved"))
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    direction: String,
}

async fn move_board(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let id = parse_id(&id)?;
    let direction = match form.0.direction.as_str() {
        "up" => -1,
        "down" => 1,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    ctx.db
        .run(move |conn| queries::move_board(conn, id, direction).map_err(AppError::from))
        .await?;
    Ok(see_other("/admin/boards"))
}
