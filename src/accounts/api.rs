//! The accounts' JSON API under `/api/v1`: register, log in (bearer tokens), log out, me.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::login::{check_login, LoginOutcome};
use crate::accounts::queries;
use crate::accounts::registration::{self, Admission};
use crate::accounts::registration::{register_account, validate_registration, Registered};
use crate::accounts::service::Accounts;
use crate::sessions::{self, SessionKind};
use crate::web::api_context::ApiCtx;
use crate::web::context::session_policy;
use crate::web::error::AppError;

/// Registers the account API routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/register", web::post().to(register))
        .route("/auth/login", web::post().to(login))
        .route("/auth/logout", web::post().to(logout))
        .route("/me", web::get().to(me));
}

/// Body of `POST /api/v1/auth/register`.
#[derive(Debug, Deserialize)]
struct RegisterBody {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The secret of an invitation link.
    #[serde(default)]
    invite: Option<String>,
    /// The answer to the admins' question, when registration needs approval.
    #[serde(default)]
    answer: String,
}

async fn register(
    ctx: ApiCtx,
    accounts: Accounts,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let key = format!("register:{}", ctx.client_key());
    if let Some(retry_after) = accounts.throttles.register_client.blocked_for(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let admitted = registration::admit(
        &ctx.config.get(),
        &Admission {
            invite: body.invite.clone(),
            answer: body.answer.clone(),
        },
    )?;
    let reg = validate_registration(&accounts, &body.username, &body.email, &body.password)
        .map_err(|errors| AppError::Invalid(errors[0].clone()))?;
    accounts.throttles.register_client.record(&key);
    let username = reg.username.as_str().to_owned();
    match register_account(&accounts, &ctx.db, reg, admitted, ctx.lang).await? {
        Registered::Created(id) => {
            Ok(HttpResponse::Created().json(json!({"id": id, "username": username})))
        }
        // Same answer whether the address was new or already had an account.
        Registered::MailSent { approval } => Ok(HttpResponse::Created().json(json!({
            "username": username,
            "verification": "email_sent",
            "approval": if approval { Some("pending") } else { None },
        }))),
        Registered::Pending => {
            Ok(HttpResponse::Created().json(json!({"username": username, "approval": "pending"})))
        }
        Registered::Taken(e) => Err(AppError::Conflict(e)),
    }
}

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Deserialize)]
struct LoginBody {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

async fn login(
    ctx: ApiCtx,
    accounts: Accounts,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, AppError> {
    let client = ctx.client_key();
    match check_login(&accounts, &ctx.db, &client, &body.login, &body.password).await? {
        LoginOutcome::Success(user_id) => {
            let policy = session_policy(&ctx.settings);
            let token = ctx
                .db
                .run(move |conn| {
                    sessions::create(conn, user_id, SessionKind::Api, "API", policy)
                        .map_err(AppError::from)
                })
                .await?;
            let expires_at = crate::db::now() + policy.api;
            Ok(HttpResponse::Ok().json(json!({"token": token, "expires_at": expires_at})))
        }
        LoginOutcome::Failed => Err(AppError::BadCredentials),
        LoginOutcome::Pending => Err(AppError::Refused("error-application-pending")),
        LoginOutcome::Blocked(sanction) => Err(AppError::Refused(if sanction.until.is_some() {
            "error-account-suspended-short"
        } else {
            "error-account-banned-short"
        })),
    }
}

async fn logout(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let session_id = ctx.require_user()?.session_id;
    ctx.db
        .run(move |conn| sessions::revoke(conn, session_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn me(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = viewer.user_id;
    let account = ctx
        .db
        .run(move |conn| queries::account_settings(conn, id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "id": id,
        "username": account.username,
        "email": account.email,
        "role": account.role,
        "locale": account.locale,
        "home_city": account.home_city.map(|c| c.slug),
        "created_at": account.created_at,
        "email_verified": account.email_verified,
    })))
}
