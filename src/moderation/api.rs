//! The moderation API: sanctions on people and the moderation log.
//!
//! - `POST /api/v1/users/{username}/sanctions` `{kind, until?, reason}` → 201
//! - `DELETE /api/v1/users/{username}/sanctions` → 200 `{lifted}`
//! - `POST /api/v1/threads/{id}/moderate` `{action: "lock"|"unlock"|"pin"|"unpin"|"move"|"rename"|
//!   "city"|"slow_mode"|"hide"|"restore", board?, until?, title?, city?, minutes?, reason?}` → 200
//!   with the thread
//! - `POST /api/v1/posts/{id}/moderate` `{action: "hide"|"restore"|"delete", reason}` → 200
//! - `GET /api/v1/modlog` → the public view, or the full one for staff

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::policy::{self, Action, Target};
use super::routes::{actor, authorize_on_person};
use super::sanctions;
use crate::audit;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the routes (inside `/api/v1`).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(create)
        .service(lift)
        .service(moderate_thread)
        .service(moderate_post)
        .service(modlog);
}

#[derive(Debug, Deserialize, ToSchema)]
struct SanctionBody {
    /// `warn`, `silence`, `suspend` or `ban`.
    #[serde(default)]
    kind: String,
    /// The end (`YYYY-MM-DD` or a date-time, UTC); none for a ban or a warning.
    until: Option<String>,
    #[serde(default)]
    reason: String,
}

/// A sanction applied.
#[derive(Debug, Serialize, ToSchema)]
struct Sanctioned {
    id: i64,
    username: String,
    kind: sanctions::Kind,
    until: Option<NaiveDateTime>,
    reason: String,
}

/// Sanctions a member (staff, within their rights over that member).
#[utoipa::path(
    tag = "moderation",
    operation_id = "sanction_user",
    security(("bearer" = [])),
    responses((status = 201, description = "Applied", body = Sanctioned))
)]
#[post("/users/{username}/sanctions")]
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
    Ok(HttpResponse::Created().json(Sanctioned {
        id,
        username: person.username,
        kind: sanction.kind,
        until: sanction.until,
        reason: sanction.reason,
    }))
}

/// How many sanctions were lifted.
#[derive(Debug, Serialize, ToSchema)]
struct Lifted {
    lifted: usize,
}

/// Lifts a member's current sanctions (staff).
#[utoipa::path(
    tag = "moderation",
    operation_id = "lift_sanctions",
    security(("bearer" = [])),
    responses((status = 200, description = "Lifted", body = Lifted))
)]
#[delete("/users/{username}/sanctions")]
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
    Ok(HttpResponse::Ok().json(Lifted { lifted }))
}

/// A thread after a moderation action.
#[derive(Debug, Serialize, ToSchema)]
struct ModeratedThread {
    action: String,
    thread: ThreadState,
}

/// What moderation changes of a thread.
#[derive(Debug, Serialize, ToSchema)]
struct ThreadState {
    id: i64,
    title: String,
    slug: String,
    board: String,
    city: Option<String>,
    locked: bool,
    pinned: bool,
    pinned_until: Option<NaiveDateTime>,
    slow_mode_minutes: i64,
}

/// Locks, unlocks, pins, unpins, moves, renames a thread, sets its city or its slow mode
/// (staff of its board).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 200, description = "Done", body = ModeratedThread))
)]
#[post("/threads/{id}/moderate")]
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
    Ok(HttpResponse::Ok().json(ModeratedThread {
        action,
        thread: ThreadState {
            id: thread.id,
            title: thread.title,
            slug: thread.slug,
            board: thread.board_slug,
            city: thread.city_slug,
            locked: thread.locked,
            pinned: thread.pinned,
            pinned_until: thread.pinned_until,
            slow_mode_minutes: thread.slow_mode_minutes,
        },
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
struct PostModeration {
    /// `hide`, `restore` or `delete`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// A post after a moderation action.
#[derive(Debug, Serialize, ToSchema)]
struct ModeratedPost {
    id: i64,
    thread_id: i64,
    action: String,
}

/// Hides, restores or deletes a post (staff of its board).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 200, description = "Done", body = ModeratedPost))
)]
#[post("/posts/{id}/moderate")]
async fn moderate_post(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<PostModeration>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let thread_id =
        super::routes::moderate_post(&ctx.db, ctx.viewer.as_ref(), id, &body.action, &body.reason)
            .await?;
    Ok(HttpResponse::Ok().json(ModeratedPost {
        id,
        thread_id,
        action: body.into_inner().action,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
struct LogQuery {
    /// Entries older than this id.
    before: Option<i64>,
}

/// A page of the moderation log.
#[derive(Debug, Serialize, ToSchema)]
struct ModLog {
    /// 100 at most, newest first. Staff also see each entry's `actor`, `target_id` and
    /// `reason`.
    #[schema(value_type = Vec<audit::PublicEntry>)]
    entries: serde_json::Value,
    /// Whether this is the staff's full view.
    staff: bool,
}

/// The moderation log: the public view (when the site publishes it), or the full one for staff.
#[utoipa::path(
    params(LogQuery),
    tag = "moderation",
    responses((status = 200, description = "The log", body = ModLog))
)]
#[get("/modlog")]
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
    Ok(HttpResponse::Ok().json(ModLog { entries, staff }))
}
