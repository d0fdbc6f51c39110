//! The accounts' JSON API under `/api/v1`: register, log in (bearer tokens), log out, me.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::login::{check_login, standing as login_standing, LoginOutcome};
use crate::accounts::queries;
use crate::accounts::registration::{self, Admission};
use crate::accounts::registration::{register_account, validate_registration, Registered};
use crate::accounts::service::Accounts;
use crate::accounts::{signin_notice, two_factor};
use crate::sessions::{self, SessionKind};
use crate::web::api_context::ApiCtx;
use crate::web::context::session_policy;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the account API routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(register)
        .service(login)
        .service(logout)
        .service(me);
    crate::accounts::two_factor_api::configure(cfg);
}

/// Body of `POST /api/v1/auth/register`.
#[derive(Debug, Deserialize, ToSchema)]
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

/// A new account: `{id, username}` when it may log in at once; `{username, verification:
/// "email_sent", approval}` when a confirmation mail was sent (the same whether or not the
/// address already had an account); `{username, approval: "pending"}` when an administrator must
/// approve it first.
#[derive(Debug, Serialize, ToSchema)]
struct Registration {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    username: String,
    /// `email_sent`: follow the link in the mail before logging in.
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'static str>,
    /// `pending` while an administrator has not approved the account.
    approval: Option<&'static str>,
}

/// Creates an account (throttled per client). Registration may need an invitation or an
/// answer to the administrators' question, as the site's settings say.
#[utoipa::path(
    tag = "accounts",
    responses((status = 201, description = "Registered", body = Registration))
)]
#[post("/auth/register")]
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
        Registered::Created(id) => Ok(HttpResponse::Created().json(Registration {
            id: Some(id),
            username,
            verification: None,
            approval: None,
        })),
        // Same answer whether the address was new or already had an account.
        Registered::MailSent { approval } => Ok(HttpResponse::Created().json(Registration {
            id: None,
            username,
            verification: Some("email_sent"),
            approval: approval.then_some("pending"),
        })),
        Registered::Pending => Ok(HttpResponse::Created().json(Registration {
            id: None,
            username,
            verification: None,
            approval: Some("pending"),
        })),
        Registered::Taken(e) => Err(AppError::Conflict(e)),
    }
}

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
struct LoginBody {
    /// The username or the email address.
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    /// The second factor, when the account has two-factor sign-in on: the authenticator's
    /// six-digit code (each works once) or one of the recovery codes (used up by this).
    /// Without it such an account gets 401 `second_factor_required`; a wrong one gets 401
    /// `second_factor_invalid`.
    #[serde(default)]
    code: Option<String>,
}

/// A bearer token for `Authorization: Bearer <token>`.
#[derive(Debug, Serialize, ToSchema)]
struct Token {
    token: String,
    expires_at: NaiveDateTime,
}

/// Logs in and returns a bearer token (throttled per account and per client; a pending,
/// suspended or banned account is a 403). An account with two-factor sign-in on also needs
/// `code`: without it the answer is 401 `second_factor_required` (the password was right:
/// send it again with the code); wrong codes are throttled like passwords. A sign-in from a
/// browser family new for the account mails the sign-in notice.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "Logged in", body = Token),
        (status = 401, description = "Wrong credentials (`bad_credentials`), or the second factor is missing (`second_factor_required`) or wrong (`second_factor_invalid`)", body = crate::web::error::ErrorBody),
        (status = 429, description = "Too many failures; see `Retry-After`", body = crate::web::error::ErrorBody)
    )
)]
#[post("/auth/login")]
async fn login(
    ctx: ApiCtx,
    accounts: Accounts,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, AppError> {
    let client = ctx.client_key();
    match check_login(&accounts, &ctx.db, &client, &body.login, &body.password).await? {
        LoginOutcome::Success(user_id) => {
            if two_factor::enabled(&ctx.db, user_id).await? {
                let code = body.code.as_deref().map(str::trim).unwrap_or_default();
                if code.is_empty() {
                    return Err(AppError::SecondFactorRequired);
                }
                let checked =
                    two_factor::check_code(&accounts, &ctx.db, &client, user_id, code).await?;
                if checked == two_factor::CodeCheck::Wrong {
                    return Err(AppError::SecondFactorInvalid);
                }
            }
            let policy = session_policy(&ctx.settings);
            let ua = ctx
                .req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let family = signin_notice::family(ua);
            let tx = accounts.clone();
            let (token, mailed) = ctx
                .db
                .run(move |conn| {
                    crate::db::write_tx_private(conn, |conn| {
                        // Asked again with the session's creation: a ban or suspension may
                        // have fallen while the second factor was checked.
                        if let Some(refused) = refusal(login_standing(conn, user_id)?) {
                            return Err(refused);
                        }
                        let token =
                            sessions::create(conn, user_id, SessionKind::Api, "API", policy)?;
                        let mailed = signin_notice::record_sign_in(&tx, conn, user_id, &family)?;
                        Ok::<_, AppError>((token, mailed))
                    })
                })
                .await?;
            if mailed {
                accounts.mailer.wake();
            }
            let expires_at = crate::db::now() + policy.api;
            Ok(HttpResponse::Ok().json(Token { token, expires_at }))
        }
        refused => Err(refusal(refused).unwrap_or(AppError::BadCredentials)),
    }
}

/// The API's answer to a login that may not proceed (`None`: it may).
fn refusal(outcome: LoginOutcome) -> Option<AppError> {
    match outcome {
        LoginOutcome::Success(_) => None,
        LoginOutcome::Failed => Some(AppError::BadCredentials),
        LoginOutcome::Pending => Some(AppError::Refused("error-application-pending")),
        LoginOutcome::Blocked(sanction) => Some(AppError::Refused(if sanction.until.is_some() {
            "error-account-suspended-short"
        } else {
            "error-account-banned-short"
        })),
    }
}

/// Revokes the token the request carries.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 204, description = "Logged out"))
)]
#[post("/auth/logout")]
async fn logout(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let session_id = ctx.require_user()?.session_id;
    ctx.db
        .run(move |conn| sessions::revoke(conn, session_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The token's account.
#[derive(Debug, Serialize, ToSchema)]
struct Me {
    id: i64,
    username: String,
    email: String,
    /// `member`, `moderator` or `admin`.
    role: String,
    locale: Option<String>,
    /// The home city's slug.
    home_city: Option<String>,
    created_at: NaiveDateTime,
    email_verified: bool,
}

/// The token's account.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "The account", body = Me))
)]
#[get("/me")]
async fn me(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = viewer.user_id;
    let account = ctx
        .db
        .run(move |conn| queries::account_settings(conn, id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(Me {
        id,
        username: account.username,
        email: account.email,
        role: account.role,
        locale: account.locale,
        home_city: account.home_city.map(|c| c.slug),
        created_at: account.created_at,
        email_verified: account.email_verified,
    }))
}
