//! Reports, for members and staff: the report form on every post (`/p/{id}/report`), the staff
//! queue (`/mod/reports`) with its one-click resolutions, and the API:
//!
//! - `POST /api/v1/posts/{id}/report` `{reason, text?}` → 201 `{id, auto_hidden}` (409 for a
//!   second open report by the same member)
//! - `GET /api/v1/reports` → the open reports the caller may act on, grouped by post (staff)
//! - `POST /api/v1/reports/{post_id}/resolve` `{action: "hide"|"dismiss"|"sanction", reason?,
//!   kind?, until?}` → 200 `{closed}`

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::policy::{self, Action, Actor, Target};
use super::reports::{self, Resolution, REASONS};
use super::routes::actor;
use super::{content, sanctions};
use crate::db::Db;
use crate::mail::Mailer;
use crate::sessions::{Role, Viewer};
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/p/{id}/report", web::get().to(report_page))
        .route("/p/{id}/report", web::post().to(report_submit))
        .route("/mod/reports", web::get().to(queue_page))
        .route("/mod/reports/{post_id}", web::post().to(resolve_submit));
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(report_api)
        .service(queue_api)
        .service(resolve_api);
}

fn reason_choices(ctx: &Ctx, selected: &str) -> Value {
    Value::Array(
        REASONS
            .iter()
            .map(|r| json!({"value": r, "label": ctx.t(&format!("report-reason-{r}")), "selected": *r == selected}))
            .collect(),
    )
}

async fn file_report(
    config: &crate::site_config::ConfigCache,
    db: &Db,
    viewer: &Viewer,
    post_id: i64,
    reason: &str,
    text: &str,
) -> Result<reports::Filed, AppError> {
    let report = reports::validate(reason, text)?;
    let config = config.get();
    let viewer = viewer.clone();
    let filed = db
        .run(move |conn| reports::file(conn, &config, &viewer, post_id, &report))
        .await?;
    if filed.auto_hidden {
        tracing::info!(post_id, "post hidden by reports, pending review");
    }
    Ok(filed)
}

#[derive(Debug, Deserialize, ToSchema)]
struct ReportForm {
    /// One of the site's report reasons (`spam`, `abuse`, …).
    #[serde(default)]
    reason: String,
    #[serde(default)]
    text: String,
}

async fn render_report_form(
    ctx: &Ctx,
    status: StatusCode,
    post_id: i64,
    form: &ReportForm,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let target = ctx
        .db
        .run(move |conn| {
            // Nothing about a post the member cannot read.
            reports::readable_post(conn, &viewer, post_id)?;
            content::post_target(conn, post_id)?.ok_or(AppError::NotFound)
        })
        .await?;
    ctx.render_status(
        status,
        "pages/report",
        json!({
            "post": {"id": target.id, "number": target.number, "thread_id": target.thread_id, "thread_title": target.thread_title},
            "reasons": reason_choices(ctx, &form.reason),
            "form": {"text": form.text},
            "error": error,
        }),
    )
}

async fn report_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_user()?;
    let id = parse_id(&id.into_inner())?;
    let empty = ReportForm {
        reason: String::new(),
        text: String::new(),
    };
    render_report_form(&ctx, StatusCode::OK, id, &empty, None).await
}

async fn report_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = parse_id(&id.into_inner())?;
    let form = form.0;
    match file_report(&ctx.config, &ctx.db, &viewer, id, &form.reason, &form.text).await {
        Ok(_) => crate::web::context::notice(
            &ctx,
            StatusCode::OK,
            "report-sent-title",
            "report-sent-message",
            Some((&format!("/p/{id}"), "report-back-to-post")),
        ),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Refused(_))) => {
            let status = actix_web::ResponseError::status_code(&e);
            let message = e.message(ctx.lang);
            render_report_form(&ctx, status, id, &form, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

/// A report filed.
#[derive(Debug, Serialize, ToSchema)]
struct Filed {
    id: i64,
    /// Whether the post was hidden at once (enough reports).
    auto_hidden: bool,
}

/// Reports a post to its board's staff (409 for a second open report by the same member).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 201, description = "Filed", body = Filed))
)]
#[post("/posts/{id}/report")]
async fn report_api(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = parse_id(&id.into_inner())?;
    let filed = file_report(&ctx.config, &ctx.db, &viewer, id, &body.reason, &body.text).await?;
    Ok(HttpResponse::Created().json(Filed {
        id: filed.id,
        auto_hidden: filed.auto_hidden,
    }))
}

/// The boards whose reports this actor reviews; 403 for non-staff.
async fn reviewed_boards(db: &Db, actor: &Actor) -> Result<Vec<i64>, AppError> {
    if actor.role != Role::Member {
        let ids = db
            .run(|conn| {
                crate::forum::queries::list_boards(conn)
                    .map(|b| b.into_iter().map(|b| b.board.id).collect::<Vec<_>>())
                    .map_err(AppError::from)
            })
            .await?;
        return Ok(ids);
    }
    if actor.moderated_boards.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(actor.moderated_boards.clone())
}

async fn load_queue(
    db: &Db,
    viewer: Option<&Viewer>,
) -> Result<Vec<reports::ReportGroup>, AppError> {
    let actor = actor(db, viewer).await?.ok_or(AppError::Unauthorized)?;
    let boards = reviewed_boards(db, &actor).await?;
    db.run(move |conn| reports::queue(conn, &boards).map_err(AppError::from))
        .await
}

#[derive(Debug, Deserialize)]
struct QueueQuery {
    done: Option<String>,
}

async fn queue_page(ctx: Ctx, query: web::Query<QueueQuery>) -> Result<HttpResponse, AppError> {
    let groups = load_queue(&ctx.db, ctx.viewer.as_ref()).await?;
    let items: Vec<Value> = groups
        .iter()
        .map(|g| {
            let mut v = json!(g);
            let counts: Vec<Value> = g
                .counts
                .iter()
                .map(|(r, n)| json!({"label": ctx.t(&format!("report-reason-{r}")), "count": n}))
                .collect();
            v["count_labels"] = json!(counts);
            v["total"] = json!(g.reports.len());
            for (i, r) in g.reports.iter().enumerate() {
                v["reports"][i]["reason_label"] =
                    json!(ctx.t(&format!("report-reason-{}", r.reason)));
            }
            v
        })
        .collect();
    let kinds: Vec<Value> = ["warn", "silence", "suspend", "ban"]
        .iter()
        .map(|k| json!({"value": k, "label": ctx.t(&format!("sanction-kind-{k}"))}))
        .collect();
    ctx.render(
        "pages/mod_reports",
        json!({
            "groups": items,
            "kinds": kinds,
            "done": query.done.is_some(),
        }),
    )
}

/// A resolution as submitted by the queue form or the API.
#[derive(Debug, Deserialize, ToSchema)]
struct ResolveBody {
    /// `hide`, `dismiss` or `sanction` (the post's author).
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    until: Option<String>,
}

/// Checks the actor's rights on the post's board (and on its author, to sanction) and resolves.
async fn resolve(
    mailer: &web::Data<Mailer>,
    db: &Db,
    viewer: Option<&Viewer>,
    post_id: i64,
    body: ResolveBody,
) -> Result<usize, AppError> {
    let actor = actor(db, viewer).await?.ok_or(AppError::Unauthorized)?;
    let resolution = match body.action.as_str() {
        "hide" => Resolution::Hidden,
        "dismiss" => Resolution::Dismissed,
        "sanction" => Resolution::Sanctioned,
        _ => {
            return Err(AppError::Invalid(FieldError::new(
                "action",
                "error-moderation-action",
            )))
        }
    };
    let target = db
        .run(move |conn| content::post_target(conn, post_id)?.ok_or(AppError::NotFound))
        .await?;
    policy::check(
        Some(&actor),
        Action::HideContent,
        Target::Board(target.board_id),
    )?;
    if body.reason.chars().count() > sanctions::MAX_REASON_CHARS {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-too-long",
        )));
    }
    // Hiding says why, to the author and in the log.
    if resolution != Resolution::Dismissed && body.reason.trim().is_empty() {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-required",
        )));
    }
    let sanction = if resolution == Resolution::Sanctioned {
        let kind = sanctions::Kind::parse(&body.kind).ok_or(AppError::Invalid(FieldError::new(
            "kind",
            "error-sanction-kind",
        )))?;
        let author = db
            .run(move |conn| sanctions::author_of(conn, post_id)?.ok_or(AppError::NotFound))
            .await?;
        policy::check(
            Some(&actor),
            kind.action(),
            Target::Person {
                user_id: author.id,
                role: author.role(),
            },
        )?;
        let new = sanctions::validate(
            &body.kind,
            &body.reason,
            body.until.as_deref(),
            crate::db::now(),
        )?;
        Some((author, new))
    } else {
        None
    };
    let actor_id = actor.user_id;
    let reason = body.reason;
    let tx_mailer = mailer.clone();
    let closed = db
        .run(move |conn| {
            reports::resolve(
                &tx_mailer,
                conn,
                actor_id,
                &target,
                resolution,
                &reason,
                sanction.as_ref().map(|(p, s)| (p, s)),
            )
        })
        .await?;
    if closed == 0 {
        return Err(AppError::NotFound);
    }
    mailer.wake();
    Ok(closed)
}

async fn resolve_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    post_id: web::Path<String>,
    form: CsrfForm<ResolveBody>,
) -> Result<HttpResponse, AppError> {
    let post_id = parse_id(&post_id.into_inner())?;
    resolve(&mailer, &ctx.db, ctx.viewer.as_ref(), post_id, form.0).await?;
    Ok(see_other("/mod/reports?done=1"))
}

/// The open reports the caller reviews, by post.
#[derive(Debug, Serialize, ToSchema)]
struct Queue {
    reports: Vec<reports::ReportGroup>,
}

/// The open reports on the boards the caller moderates, grouped by post (staff).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 200, description = "The queue", body = Queue))
)]
#[get("/reports")]
async fn queue_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let reports = load_queue(&ctx.db, ctx.viewer.as_ref()).await?;
    Ok(HttpResponse::Ok().json(Queue { reports }))
}

/// How many reports were closed.
#[derive(Debug, Serialize, ToSchema)]
struct Closed {
    closed: usize,
}

/// Resolves the open reports on a post: hide it, dismiss them, or sanction its author
/// (staff of its board).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 200, description = "Resolved", body = Closed))
)]
#[post("/reports/{post_id}/resolve")]
async fn resolve_api(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    post_id: web::Path<String>,
    body: web::Json<ResolveBody>,
) -> Result<HttpResponse, AppError> {
    let post_id = parse_id(&post_id.into_inner())?;
    let closed = resolve(
        &mailer,
        &ctx.db,
        ctx.viewer.as_ref(),
        post_id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(Closed { closed }))
}
