//! Administrators' pages and API for running the community. This file mounts them all and holds
//! `/admin/settings` (the settings stored in the database); `application_routes` has
//! `/admin/applications` (approval mode), `invite_routes` `/admin/invites` (invitation links)
//! and `role_routes` `/admin/users` (roles and board moderators). Every change is written to
//! the moderation log.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{get, patch, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{application_routes, invite_routes, role_routes};
use crate::site_config::{self, RegistrationMode, SiteConfig};
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings", web::get().to(settings_page))
        .route("/admin/settings", web::post().to(settings_submit));
    application_routes::configure(cfg);
    invite_routes::configure(cfg);
    role_routes::configure(cfg);
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(settings_api).service(settings_patch_api);
    application_routes::configure_api(cfg);
    invite_routes::configure_api(cfg);
    role_routes::configure_api(cfg);
}

/// Checks and stores submitted settings; the new values are live on this instance at once
/// (others read them within seconds).
async fn save_settings(
    config: &crate::site_config::ConfigCache,
    db: &crate::db::Db,
    actor_id: i64,
    submitted: BTreeMap<String, String>,
) -> Result<Result<SiteConfig, Vec<FieldError>>, AppError> {
    let current = config.get();
    let (next, changes) = match site_config::apply_changes(&current, &submitted) {
        Ok(ok) => ok,
        Err(errors) => return Ok(Err(errors)),
    };
    if !changes.is_empty() {
        db.run(move |conn| {
            crate::db::write_tx(conn, |conn| site_config::save(conn, actor_id, &changes))
                .map_err(AppError::from)
        })
        .await?;
        config.replace(next.clone());
        tracing::info!(actor_id, "site settings changed");
    }
    Ok(Ok(next))
}

fn mode_choices(ctx: &Ctx, current: &str) -> Value {
    Value::Array(
        RegistrationMode::ALL
            .iter()
            .map(|m| {
                json!({
                    "value": m.as_str(),
                    "label": ctx.t(&format!("admin-settings-mode-{}", m.as_str())),
                    "selected": m.as_str() == current,
                })
            })
            .collect(),
    )
}

fn render_settings(
    ctx: &Ctx,
    status: StatusCode,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
    saved: bool,
) -> Result<HttpResponse, AppError> {
    let mut errs = serde_json::Map::new();
    for e in errors {
        errs.insert(e.field.to_owned(), json!(ctx.t(e.key)));
    }
    ctx.render_status(
        status,
        "pages/admin_settings",
        json!({
            "values": values,
            "public_modlog": values.get("public_modlog").map(String::as_str) == Some("true"),
            "require_staff_2fa": values.get("require_staff_2fa").map(String::as_str) == Some("true"),
            "modes": mode_choices(ctx, values.get("registration_mode").map(String::as_str).unwrap_or("open")),
            "errors": errs,
            "has_errors": !errors.is_empty(),
            "saved": saved,
        }),
    )
}

fn current_values(config: &SiteConfig) -> BTreeMap<String, String> {
    site_config::names()
        .map(|n| (n.to_owned(), config.get(n).unwrap_or_default()))
        .collect()
}

#[derive(Debug, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn settings_page(ctx: Ctx, query: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let values = current_values(&ctx.config.get());
    render_settings(&ctx, StatusCode::OK, &values, &[], query.saved.is_some())
}

async fn settings_submit(
    ctx: Ctx,
    form: CsrfForm<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let mut submitted: BTreeMap<String, String> = form
        .0
        .into_iter()
        .filter(|(k, _)| site_config::names().any(|n| n == k))
        .collect();
    // An unticked box sends nothing (a ticked one sends `true`).
    for flag in ["public_modlog", "require_staff_2fa"] {
        submitted
            .entry(flag.into())
            .or_insert_with(|| "false".into());
    }
    match save_settings(&ctx.config, &ctx.db, actor, submitted.clone()).await? {
        Ok(_) => Ok(see_other("/admin/settings?saved=1")),
        Err(errors) => {
            let mut values = current_values(&ctx.config.get());
            values.extend(submitted);
            render_settings(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &values,
                &errors,
                false,
            )
        }
    }
}

/// The site's settings (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 200, description = "The settings", body = SiteConfig))
)]
#[get("/admin/settings")]
async fn settings_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    Ok(HttpResponse::Ok().json(ctx.config.get().to_json()))
}

/// Changes settings (administrators): an object of setting names to new values (text,
/// numbers, booleans); an unknown name or a bad value is a 422 on its field.
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    request_body(content = Object, description = "Setting names to new values"),
    responses((status = 200, description = "The settings, changed", body = SiteConfig))
)]
#[patch("/admin/settings")]
async fn settings_patch_api(
    ctx: ApiCtx,
    body: web::Json<BTreeMap<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let submitted: BTreeMap<String, String> = body
        .into_inner()
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    match save_settings(&ctx.config, &ctx.db, actor, submitted).await? {
        Ok(config) => Ok(HttpResponse::Ok().json(config.to_json())),
        Err(errors) => Err(AppError::Invalid(errors[0].clone())),
    }
}
