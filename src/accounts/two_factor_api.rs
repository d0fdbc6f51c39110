//! The two-factor part of the JSON API (inside `/api/v1`): the token's account's status, and
//! the administrators' reset of a member's two-factor sign-in (written to the moderation log).
//! Setting it up and turning it off happen on the settings page, which shows the QR code and
//! asks for the password.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::service::Accounts;
use crate::accounts::two_factor;
use crate::accounts::two_factor_store as store;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the routes.
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(status).service(admin_reset);
}

/// Whether two-factor sign-in is on for the account.
#[derive(Debug, Serialize, ToSchema)]
struct TwoFactorStatus {
    enabled: bool,
    enabled_at: Option<NaiveDateTime>,
    /// Unused recovery codes.
    recovery_codes_left: i64,
}

/// The token's account's two-factor sign-in.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "The status", body = TwoFactorStatus))
)]
#[get("/me/two-factor")]
async fn status(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let state = ctx
        .db
        .run(move |conn| store::status(conn, user_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(TwoFactorStatus {
        enabled: state.enabled_at.is_some(),
        enabled_at: state.enabled_at,
        recovery_codes_left: state.recovery_left,
    }))
}

/// What a reset did.
#[derive(Debug, Serialize, ToSchema)]
struct ResetDone {
    /// False when two-factor sign-in was not on.
    reset: bool,
}

/// Turns a member's two-factor sign-in off (administrators; for a lost phone without recovery
/// codes). The member is told by mail; the moderation log records it. An administrator resets
/// their own from their settings, not here (403).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    params(("username" = String, Path, description = "The member")),
    responses(
        (status = 200, description = "Reset", body = ResetDone),
        (status = 404, description = "No such member", body = crate::web::error::ErrorBody)
    )
)]
#[post("/admin/users/{username}/two-factor/reset")]
async fn admin_reset(
    ctx: ApiCtx,
    accounts: Accounts,
    username: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.user_id;
    let reset =
        two_factor::admin_reset(&accounts, &ctx.db, admin_id, username.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ResetDone { reset }))
}
