//! Invitation links: the list of invitations with the creation form (`/admin/invites`, and the
//! API), creating a link with its number of uses and days of validity, and revoking one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::registration;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/invites", web::get().to(invites_page))
        .route("/admin/invites", web::post().to(invite_submit))
        .route("/admin/invites/{id}/revoke", web::post().to(revoke_submit));
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/invites", web::get().to(invites_api))
        .route("/admin/invites", web::post().to(invite_create_api))
        .route("/admin/invites/{id}", web::delete().to(invite_revoke_api));
}

#[derive(Debug, Deserialize)]
struct InviteBody {
    #[serde(default)]
    note: String,
    #[serde(default = "default_uses")]
    max_uses: Value,
    #[serde(default = "default_days")]
    days: Value,
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
async fn invites_json(db: &crate::db::Db) -> Result<Vec<Value>, AppError> {
    let list = db
        .run(|conn| registration::list_invites(conn).map_err(AppError::from))
        .await?;
    let now = crate::db::now();
    Ok(list
        .iter()
        .map(|i| {
            let mut v = json!(i);
            v["usable"] = json!(i.usable(now));
            v
        })
        .collect())
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

async fn invites_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let items = invites_json(&ctx.db).await?;
    Ok(HttpResponse::Ok().json(json!({"invites": items})))
}

async fn invite_create_api(
    ctx: ApiCtx,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let (id, url) = create_invite(&ctx.settings, &ctx.db, actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(json!({"id": id, "url": url})))
}

async fn invite_revoke_api(ctx: ApiCtx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let id = parse_id(&id.into_inner())?;
    revoke(&ctx.db, actor, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
