//! Invitation links: the list of invitations with the creation form (`/admin/invites`, and the
//! API), creating a link with its number of uses and days of validity, and revoking one.

use actix_web::http::StatusCode;
use actix_web::{delete, get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::accounts::registration;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/invites", web::get().to(invites_page))
        .route("/admin/invites", web::post().to(invite_submit))
        .route("/admin/invites/{id}/revoke", web::post().to(revoke_submit));
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(invites_api)
        .service(invite_create_api)
        .service(invite_revoke_api);
}

#[derive(Debug, Deserialize, ToSchema)]
struct InviteBody {
    #[serde(default)]
    note: String,
    /// How many accounts the link may open (a number, or its text; 1 by default).
    #[serde(default = "default_uses")]
    #[schema(value_type = Option<i64>)]
    max_uses: Value,
    /// Days of validity (a number, or its text; 7 by default).
    #[serde(default = "default_days")]
    #[schema(value_type = Option<i64>)]
    days: Value,
}

/// An invitation in the list.
#[derive(Debug, Serialize, ToSchema)]
struct ListedInvite {
    #[serde(flatten)]
    invite: registration::Invite,
    /// Whether the link still admits someone.
    usable: bool,
}

fn default_uses() -> Value {
    json!(1)
}

fn default_days() -> Value {
    json!(7)
}

fn number(v: &Value, field: &'static str, key: &'static str) -> Result<i64, AppError> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or(AppError::Invalid(FieldError::new(field, key)))
}

async fn create_invite(
    settings: &crate::settings::Settings,
    db: &crate::db::Db,
    actor: i64,
    body: InviteBody,
) -> Result<(i64, String), AppError> {
    let uses = number(&body.max_uses, "max_uses", "error-invite-uses")?;
    let days = number(&body.days, "days", "error-invite-days")?;
    let note = body.note;
    let (id, secret) = db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                registration::create_invite(conn, actor, &note, uses, days)
            })
        })
        .await?;
    Ok((id, invite_url(settings, &secret)))
}

/// Every invitation, newest first, each marked usable or not.
async fn invites_json(db: &crate::db::Db) -> Result<Vec<ListedInvite>, AppError> {
    let list = db
        .run(|conn| registration::list_invites(conn).map_err(AppError::from))
        .await?;
    let now = crate::db::now();
    Ok(list
        .into_iter()
        .map(|invite| ListedInvite {
            usable: invite.usable(now),
            invite,
        })
        .collect())
}

/// The invitations.
#[derive(Debug, Serialize, ToSchema)]
struct Invites {
    invites: Vec<ListedInvite>,
}

/// A new invitation link (shown once: only its holder can use it).
#[derive(Debug, Serialize, ToSchema)]
struct CreatedInvite {
    id: i64,
    url: String,
}

fn invite_url(settings: &crate::settings::Settings, secret: &str) -> String {
    format!("{}/register?invite={secret}", settings.base_url())
}

async fn render_invites(
    ctx: &Ctx,
    status: StatusCode,
    created: Option<String>,
    form: Value,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let items = invites_json(&ctx.db).await?;
    ctx.render_status(
        status,
        "pages/admin_invites",
        json!({
            "invites": items,
            "created": created,
            "form": form,
            "error": error,
            "mode": ctx.config.get().registration_mode.as_str(),
        }),
    )
}

async fn invites_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    render_invites(
        &ctx,
        StatusCode::OK,
        None,
        json!({"max_uses": 1, "days": 7, "note": ""}),
        None,
    )
    .await
}

async fn invite_submit(ctx: Ctx, form: CsrfForm<InviteBody>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let body = form.0;
    let echo = json!({"max_uses": body.max_uses, "days": body.days, "note": body.note});
    match create_invite(&ctx.settings, &ctx.db, actor, body).await {
        Ok((_, url)) => {
            let fresh = json!({"max_uses": 1, "days": 7, "note": ""});
            render_invites(&ctx, StatusCode::CREATED, Some(url), fresh, None).await
        }
        Err(AppError::Invalid(fe)) => {
            render_invites(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                echo,
                Some(ctx.t(fe.key)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn revoke(db: &crate::db::Db, actor: i64, id: i64) -> Result<(), AppError> {
    let done = db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                registration::revoke_invite(conn, actor, id).map_err(AppError::from)
            })
        })
        .await?;
    if done {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn revoke_submit(
    ctx: Ctx,
    id: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let id = parse_id(&id.into_inner())?;
    revoke(&ctx.db, actor, id).await?;
    Ok(see_other("/admin/invites"))
}

/// The invitations, newest first (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 200, description = "The invitations", body = Invites))
)]
#[get("/admin/invites")]
async fn invites_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let invites = invites_json(&ctx.db).await?;
    Ok(HttpResponse::Ok().json(Invites { invites }))
}

/// Creates an invitation link (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = CreatedInvite))
)]
#[post("/admin/invites")]
async fn invite_create_api(
    ctx: ApiCtx,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let (id, url) = create_invite(&ctx.settings, &ctx.db, actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(CreatedInvite { id, url }))
}

/// Revokes an invitation link (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked"))
)]
#[delete("/admin/invites/{id}")]
async fn invite_revoke_api(ctx: ApiCtx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let id = parse_id(&id.into_inner())?;
    revoke(&ctx.db, actor, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
