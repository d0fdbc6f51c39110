//! The moderation API: sanctions on people and the moderation log.
//!
//! - `POST /api/v1/users/{username}/sanctions` `{kind, until?, reason}` → 201
//! - `DELETE /api/v1/users/{username}/sanctions` → 200 `{lifted}`
//! - `POST /api/v1/threads/{id}/moderate` `{action: "lock"|"unlock"|"pin"|"unpin"|"move"|"rename"|
//!   "city"|"slow_mode"|"hide"|"restore", board?, until?, title?, city?, minutes?, reason?}` → 200
//!   with the thread
//! - `POST /api/v1/posts/{id}/moderate` `{action: "hide"|"restore"|"delete", reason}` → 200
//! - `GET /api/v1/modlog` → the public view, or the full one for staff

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::policy::{self, Action, Target};
use super::routes::{actor, authorize_on_person};
use super::sanctions;
use crate::audit;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;

/// Registers the routes (inside `/api/v1`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{username}/sanctions", web::post().to(create))
        .route("/users/{username}/sanctions", web::delete().to(lift))
        .route("/threads/{id}/moderate", web::post().to(moderate_thread))
        .route("/posts/{id}/moderate", web::post().to(moderate_post))
        .route("/modlog", web::get().to(modlog));
}

#[derive(Debug, Deserialize)]
struct SanctionBody {
    #[serde(default)]
    kind: String,
    until: Option<String>,
    #[serde(default)]
    reason: String,
}

async fn create(
    ctx: ApiCtx,
    username: web::Path<String>,
    body: web::Json<SanctionBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let kind = sanctions::Kind::parse(&body.kind).ok_or(AppError::Invalid(
        crate::validation::FieldError::new("kind", "error-sanction-kind"),
    ))?;
    let (actor, person) = authorize_on_person(
        &ctx.db,
        ctx.viewer.as_ref(),
        username.into_inner(),
        kind.action(),
    )
    .await?;
    let sanction = sanctions::validate(
        &body.kind,
        &body.reason,
        body.until.as_deref(),
        crate::db::now(),
    )
    .map_err(AppError::Invalid)?;
    let target = person.clone();
    let applied = sanction.clone();
    let id = ctx
        .db
        .run(move |conn| {
            sanctions::apply(conn, actor.user_id, &target, &applied).map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": id,
        "username": person.username,
        "kind": sanction.kind,
        "until": sanction.until,
        "reason": sanction.reason,
    })))
}

async fn lift(ctx: ApiCtx, username: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (actor, person) = authorize_on_person(
        &ctx.db,
        ctx.viewer.as_ref(),
        username.into_inner(),
        Action::LiftSanctions,
    )
    .await?;
    let lifted = ctx
        .db
        .run(move |conn| sanctions::lift(conn, actor.user_id, &person, "").map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"lifted": lifted})))
}

async fn moderate_thread(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<super::threads::ThreadRequest>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let action = body.action.clone();
    super::routes::moderate_thread(&ctx.db, ctx.viewer.as_ref(), id, body.into_inner()).await?;
    let thread = ctx
        .db
        .run(move |conn| {
            crate::forum::thread_queries::thread_by_id(conn, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "action": action,
        "thread": {
            "id": thread.id,
            "title": thread.title,
            "slug": thread.slug,
            "board": thread.board_slug,
            "city": thread.city_slug,
            "locked": thread.locked,
            "pinned": thread.pinned,
            "pinned_until": thread.pinned_until,
            "slow_mode_minutes": thread.slow_mode_minutes,
        },
    })))
}

#[derive(Debug, Deserialize)]
struct PostModeration {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

async fn moderate_post(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<PostModeration>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let thread_id =
        super::routes::moderate_post(&ctx.db, ctx.viewer.as_ref(), id, &body.action, &body.reason)
            .await?;
    Ok(HttpResponse::Ok().json(json!({"id": id, "thread_id": thread_id, "action": body.action})))
}

#[derive(Debug, Deserialize)]
struct LogQuery {
    before: Option<i64>,
}

async fn modlog(ctx: ApiCtx, query: web::Query<LogQuery>) -> Result<HttpResponse, AppError> {
    let actor = actor(&ctx.db, ctx.viewer.as_ref()).await?;
    let staff = policy::check(actor.as_ref(), Action::ViewFullLog, Target::Site).is_ok();
    let before = query.before;
    if !staff && !ctx.config.get().public_modlog {
        return Err(AppError::NotFound);
    }
    let entries = if staff {
        let rows = ctx
            .db
            .run(move |conn| audit::staff_view(conn, before, 100).map_err(AppError::from))
            .await?;
        json!(rows)
    } else {
        let rows = ctx
            .db
            .run(move |conn| audit::public_view(conn, before, 100).map_err(AppError::from))
            .await?;
        json!(rows)
    };
    Ok(HttpResponse::Ok().json(json!({"entries": entries, "staff": staff})))
}
