//! Applications, when accounts are opened on approval: the list of pending applications
//! (`/admin/applications`, and the API) and an administrator's decision on one, mailed to the
//! applicant.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::accounts::registration::{self, Decision};
use crate::mail::Mailer;
use crate::site_config::RegistrationMode;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/applications", web::get().to(applications_page))
        .route(
            "/admin/applications/{user_id}",
            web::post().to(decide_submit),
        );
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(applications_api).service(decide_api);
}

async fn applications_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let list = ctx
        .db
        .run(|conn| registration::pending(conn).map_err(AppError::from))
        .await?;
    let mode = ctx.config.get().registration_mode;
    ctx.render(
        "pages/admin_applications",
        json!({
            "applications": list,
            "approval_mode": mode == RegistrationMode::Approval,
        }),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
struct DecisionBody {
    /// `approve` or `reject`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    mailer: &web::Data<Mailer>,
    db: &crate::db::Db,
    actor: i64,
    user_id: i64,
    body: DecisionBody,
) -> Result<(), AppError> {
    let decision = Decision::parse(&body.decision).ok_or(AppError::Invalid(FieldError::new(
        "decision",
        "error-decision",
    )))?;
    if body.reason.chars().count() > 2000 {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-too-long",
        )));
    }
    let tx_mailer = mailer.clone();
    let done = db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                registration::decide(&tx_mailer, conn, actor, user_id, decision, &body.reason)
            })
        })
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    mailer.wake();
    Ok(())
}

async fn decide_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    user_id: web::Path<String>,
    form: CsrfForm<DecisionBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let user_id = parse_id(&user_id.into_inner())?;
    decide(&mailer, &ctx.db, actor, user_id, form.0).await?;
    Ok(see_other("/admin/applications"))
}

/// An application waiting for a decision.
#[derive(Debug, Serialize, ToSchema)]
struct PendingApplication {
    user_id: i64,
    username: String,
    email: String,
    email_verified: bool,
    /// The answer to the administrators' question.
    answer: String,
    created_at: NaiveDateTime,
}

/// The pending applications.
#[derive(Debug, Serialize, ToSchema)]
struct Applications {
    applications: Vec<PendingApplication>,
}

/// The applications waiting for a decision, oldest first (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 200, description = "The applications", body = Applications))
)]
#[get("/admin/applications")]
async fn applications_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let list = ctx
        .db
        .run(|conn| registration::pending(conn).map_err(AppError::from))
        .await?;
    let applications = list
        .into_iter()
        .map(|a| PendingApplication {
            user_id: a.user_id,
            username: a.username,
            email: a.email,
            email_verified: a.email_verified_at.is_some(),
            answer: a.answer,
            created_at: a.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Applications { applications }))
}

/// Approves or rejects an application; the applicant is told by mail (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 204, description = "Decided"))
)]
#[post("/admin/applications/{user_id}")]
async fn decide_api(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    user_id: web::Path<String>,
    body: web::Json<DecisionBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let user_id = parse_id(&user_id.into_inner())?;
    decide(&mailer, &ctx.db, actor, user_id, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
