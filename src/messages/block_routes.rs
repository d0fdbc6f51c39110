//! The member's message settings (`/settings/messages`: who may write to them, how they are
//! told by mail, the people they blocked) and the block and unblock forms of profiles and of
//! that page; plus the API's `POST`/`DELETE /users/{u}/block`.

use actix_web::{delete, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::accounts::blocks::{self, Inbox, MessageMail, MessagePreferences};
use crate::accounts::domain::username_key;
use crate::db::DbConnection;
use crate::sessions::Viewer;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{safe_next, see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/messages", web::get().to(settings_page))
        .route("/settings/messages", web::post().to(settings_submit))
        .route("/settings/blocks", web::post().to(block_by_name))
        .route("/u/{username}/block", web::post().to(block_submit))
        .route("/u/{username}/unblock", web::post().to(unblock_submit));
}

/// Registers the API handlers.
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(api_block).service(api_unblock);
}

/// The id of the member named `username`, when it is someone else than `viewer`.
fn other_member(conn: &mut DbConnection, viewer: &Viewer, username: &str) -> Result<i64, AppError> {
    let found = super::store::people_by_keys(conn, &[username_key(username)])?;
    let person = found.into_iter().next().ok_or(AppError::NotFound)?;
    if person.id == viewer.user_id {
        return Err(AppError::Invalid(FieldError::new(
            "username",
            "error-block-self",
        )));
    }
    Ok(person.id)
}

/// Blocks (`true`) or unblocks someone; true when something changed.
async fn set_block(
    db: &crate::db::Db,
    viewer: &Viewer,
    username: String,
    block: bool,
) -> Result<bool, AppError> {
    let viewer = viewer.clone();
    db.run(move |conn| {
        let other = other_member(conn, &viewer, &username)?;
        let changed = if block {
            blocks::block(conn, viewer.user_id, other)?
        } else {
            blocks::unblock(conn, viewer.user_id, other)?
        };
        Ok::<_, AppError>(changed)
    })
    .await
}

async fn render_settings(
    ctx: &Ctx,
    saved: bool,
    block_name: &str,
    block_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let (prefs, blocked) = ctx
        .db
        .run(move |conn| {
            Ok::<_, AppError>((
                blocks::preferences(conn, user_id)?,
                blocks::blocked_by(conn, user_id)?,
            ))
        })
        .await?;
    let status = if block_error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    ctx.render_status(
        status,
        "pages/message_settings",
        json!({
            "prefs": prefs,
            "blocked": blocked,
            "saved": saved,
            "block_form": {"username": block_name},
            "block_error": block_error,
        }),
    )
}

#[derive(Debug, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn settings_page(ctx: Ctx, query: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    render_settings(&ctx, query.saved.is_some(), "", None).await
}

/// Fields of the preferences form.
#[derive(Debug, Deserialize)]
struct PreferencesForm {
    #[serde(default)]
    inbox: String,
    #[serde(default)]
    email: String,
}

async fn settings_submit(
    ctx: Ctx,
    form: CsrfForm<PreferencesForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let prefs = MessagePreferences {
        inbox: Inbox::parse(&form.0.inbox).ok_or(AppError::BadRequest("error-bad-form"))?,
        email: MessageMail::parse(&form.0.email).ok_or(AppError::BadRequest("error-bad-form"))?,
    };
    ctx.db
        .run(move |conn| blocks::set_preferences(conn, user_id, prefs).map_err(AppError::from))
        .await?;
    Ok(see_other("/settings/messages?saved=1"))
}

/// Fields of the block-by-name form of the settings page.
#[derive(Debug, Deserialize)]
struct BlockNameForm {
    #[serde(default)]
    username: String,
}

async fn block_by_name(ctx: Ctx, form: CsrfForm<BlockNameForm>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let name = form.0.username.trim().trim_start_matches('@').to_owned();
    match set_block(&ctx.db, &viewer, name.clone(), true).await {
        Ok(_) => Ok(see_other("/settings/messages")),
        Err(AppError::NotFound) => {
            let msg = ctx.t("error-block-unknown");
            render_settings(&ctx, false, &form.0.username, Some(msg)).await
        }
        Err(e @ AppError::Invalid(_)) => {
            let msg = e.message(ctx.lang);
            render_settings(&ctx, false, &form.0.username, Some(msg)).await
        }
        Err(e) => Err(e),
    }
}

/// The form of a profile or of the settings page: where to go back to.
#[derive(Debug, Deserialize)]
struct NextForm {
    next: Option<String>,
}

async fn block_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<NextForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    set_block(&ctx.db, &viewer, username.into_inner(), true).await?;
    Ok(see_other(&safe_next(form.0.next.as_deref())))
}

async fn unblock_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<NextForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    set_block(&ctx.db, &viewer, username.into_inner(), false).await?;
    Ok(see_other(&safe_next(form.0.next.as_deref())))
}

/// Whether the token's user blocks someone now.
#[derive(Debug, Serialize, ToSchema)]
struct BlockState {
    username: String,
    blocked: bool,
}

/// Blocks a member: they can no longer start a conversation with the token's user or add them
/// to one, their messages in shared conversations and their mentions no longer reach them,
/// and nothing tells them. Blocking twice is harmless.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Blocked", body = BlockState),
        (status = 404, description = "No such member"),
        (status = 422, description = "One's own name"),
    )
)]
#[post("/users/{username}/block")]
async fn api_block(ctx: ApiCtx, username: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let username = username.into_inner();
    set_block(&ctx.db, &viewer, username.clone(), true).await?;
    Ok(HttpResponse::Ok().json(BlockState {
        username,
        blocked: true,
    }))
}

/// Lifts a block (harmless when there was none).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Not blocked", body = BlockState),
        (status = 404, description = "No such member"),
    )
)]
#[delete("/users/{username}/block")]
async fn api_unblock(ctx: ApiCtx, username: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let username = username.into_inner();
    set_block(&ctx.db, &viewer, username.clone(), false).await?;
    Ok(HttpResponse::Ok().json(BlockState {
        username,
        blocked: false,
    }))
}
