//! Account mail: address verification (and re-sending it), password reset, email change, and
//! the "you already have an account" notice. Every mail is queued in the transaction that issues
//! its token; every answer that could tell whether an address has an account is the same either
//! way.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Duration;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::account_mail::{
    account_by_email, account_by_id, account_by_login, mask_email, queue_password_changed,
    queue_verification,
};
use crate::accounts::domain::{EmailAddress, NewPassword};
use crate::accounts::service::Accounts;
use crate::accounts::tokens::{self, Purpose};
use crate::db::schema::users;
use crate::db::write_tx_private;
use crate::mail::Draft;
use crate::sessions;
use crate::web::context::{notice, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/register/sent", web::get().to(registration_sent))
        .route("/verify/{token}", web::get().to(verify))
        .route("/verify/resend", web::post().to(resend_verification))
        .route("/password/forgot", web::get().to(forgot_page))
        .route("/password/forgot", web::post().to(forgot_submit))
        .route("/password/reset/{token}", web::get().to(reset_page))
        .route("/password/reset/{token}", web::post().to(reset_submit))
        .route("/email/confirm/{token}", web::get().to(confirm_email));
}

/// Counts a verification or reset request against the client's hourly allowance (429 past it).
fn count_mail_request(ctx: &Ctx, accounts: &Accounts) -> Result<(), AppError> {
    let key = format!("client:{}", ctx.client_key());
    let throttle = &accounts.throttles.mail_requests;
    if let Some(retry_after) = throttle.blocked_for(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    throttle.record(&key);
    Ok(())
}

/// Counts a mail to an account against its hourly allowance; past it nothing is sent, and the
/// answer stays the same, so it tells nothing about the account.
fn account_may_get_mail(accounts: &Accounts, account_id: i64) -> bool {
    let key = format!("account:{account_id}");
    if accounts.throttles.mail_requests.blocked_for(&key).is_some() {
        return false;
    }
    accounts.throttles.mail_requests.record(&key);
    true
}

#[derive(Debug, Deserialize)]
struct SentQuery {
    #[serde(default)]
    approval: Option<String>,
}

async fn registration_sent(
    ctx: Ctx,
    query: web::Query<SentQuery>,
) -> Result<HttpResponse, AppError> {
    let approval = query.approval.is_some();
    let verify = ctx.settings.mail.require_verification;
    let (title, message) = match (approval, verify) {
        (false, _) => ("register-sent-title", "register-sent-message"),
        (true, true) => ("register-sent-title", "register-sent-approval-message"),
        (true, false) => ("register-pending-title", "register-pending-message"),
    };
    notice(
        &ctx,
        StatusCode::OK,
        title,
        message,
        Some(("/login", "register-sent-login")),
    )
}

async fn verify(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let verified = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                let now = crate::db::now();
                let Some((user_id, _)) = tokens::consume(conn, &token, Purpose::Verify, now)?
                else {
                    return Ok::<_, AppError>(false);
                };
                diesel::update(
                    users::table
                        .find(user_id)
                        .filter(users::email_verified_at.is_null()),
                )
                .set(users::email_verified_at.eq(Some(now)))
                .execute(conn)?;
                Ok(true)
            })
        })
        .await?;
    if verified {
        tracing::info!("address verified");
        let link = if ctx.viewer.is_some() {
            ("/", "verify-done-continue")
        } else {
            ("/login", "verify-done-login")
        };
        notice(
            &ctx,
            StatusCode::OK,
            "verify-done-title",
            "verify-done-message",
            Some(link),
        )
    } else {
        notice(
            &ctx,
            StatusCode::BAD_REQUEST,
            "link-invalid-title",
            "verify-invalid-message",
            Some(("/login", "verify-resend-from-login")),
        )
    }
}

/// The re-send form: from the login page (with the username or address) or from settings.
#[derive(Debug, Deserialize)]
struct ResendForm {
    #[serde(default)]
    login: String,
}

async fn resend_verification(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<ResendForm>,
) -> Result<HttpResponse, AppError> {
    count_mail_request(&ctx, &accounts)?;
    let signed_in = ctx.viewer.as_ref().map(|v| v.user_id);
    let login = form.0.login.trim().to_owned();
    let tx = accounts.clone();
    let lang = ctx.lang;
    let sent = ctx
        .db
        .run(move |conn| {
            let account = match signed_in {
                Some(id) => account_by_id(conn, id)?,
                None if login.is_empty() => None,
                None => account_by_login(conn, &login)?,
            };
            let Some(account) = account.filter(|a| a.verified.is_none()) else {
                return Ok::<_, AppError>(false);
            };
            if !account_may_get_mail(&tx, account.id) {
                return Ok(false);
            }
            let lang = if signed_in.is_some() {
                lang
            } else {
                tx.mailer.lang_for(account.locale.as_deref())
            };
            write_tx_private(conn, |conn| queue_verification(&tx, conn, &account, lang))?;
            Ok(true)
        })
        .await?;
    if sent {
        accounts.mailer.wake();
    }
    notice(
        &ctx,
        StatusCode::OK,
        "verify-resent-title",
        "verify-resent-message",
        Some(if signed_in.is_some() {
            ("/settings", "nav-settings")
        } else {
            ("/login", "nav-login")
        }),
    )
}

async fn forgot_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.render(
        "pages/forgot",
        json!({"form": {"email": ""}, "error": null}),
    )
}

#[derive(Debug, Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot_submit(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let email = match EmailAddress::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            return ctx.render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "pages/forgot",
                json!({"form": {"email": form.email}, "error": ctx.t(e.key)}),
            )
        }
    };
    count_mail_request(&ctx, &accounts)?;
    let tx = accounts.clone();
    let sent = ctx
        .db
        .run(move |conn| {
            let Some(account) = account_by_email(conn, email.key())? else {
                return Ok::<_, AppError>(false);
            };
            if !account_may_get_mail(&tx, account.id) {
                return Ok(false);
            }
            let minutes = tx.settings.mail.reset_token_minutes;
            let lang = tx.mailer.lang_for(account.locale.as_deref());
            write_tx_private(conn, |conn| {
                let token = tokens::issue(
                    conn,
                    account.id,
                    Purpose::Reset,
                    None,
                    Duration::minutes(minutes),
                )?;
                let base = tx.settings.base_url();
                tx.mailer.queue(
                    conn,
                    Draft {
                        template: "reset",
                        lang,
                        to: &account.email,
                        user_id: Some(account.id),
                        list: None,
                        data: json!({
                            "username": account.username,
                            "link": format!("{base}/password/reset/{token}"),
                            "minutes": minutes,
                        }),
                    },
                )?;
                Ok::<_, AppError>(())
            })?;
            Ok(true)
        })
        .await?;
    if sent {
        accounts.mailer.wake();
    }
    notice(
        &ctx,
        StatusCode::OK,
        "forgot-sent-title",
        "forgot-sent-message",
        Some(("/login", "nav-login")),
    )
}

fn reset_form(
    ctx: &Ctx,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    ctx.render_status(status, "pages/reset", json!({"error": error}))
}

fn invalid_reset_link(ctx: &Ctx) -> Result<HttpResponse, AppError> {
    notice(
        ctx,
        StatusCode::BAD_REQUEST,
        "link-invalid-title",
        "reset-invalid-message",
        Some(("/password/forgot", "reset-ask-again")),
    )
}

async fn reset_page(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let valid = ctx
        .db
        .run(move |conn| {
            tokens::is_valid(conn, &token, Purpose::Reset, crate::db::now()).map_err(AppError::from)
        })
        .await?;
    if valid {
        reset_form(&ctx, StatusCode::OK, None)
    } else {
        invalid_reset_link(&ctx)
    }
}

#[derive(Debug, Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
}

async fn reset_submit(
    ctx: Ctx,
    accounts: Accounts,
    token: web::Path<String>,
    form: CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let password =
        match NewPassword::parse(&form.0.password, "password", &accounts.passwords.common) {
            Ok(p) => p,
            Err(e) => {
                return reset_form(&ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(ctx.t(e.key)))
            }
        };
    let hash = accounts.hash_password(&password).await?;
    let tx = accounts.clone();
    let done = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                let now = crate::db::now();
                let Some((user_id, _)) = tokens::consume(conn, &token, Purpose::Reset, now)? else {
                    return Ok::<_, AppError>(None);
                };
                diesel::update(users::table.find(user_id))
                    .set(users::password_hash.eq(&hash))
                    .execute(conn)?;
                // Following the link proved the address works.
                diesel::update(
                    users::table
                        .find(user_id)
                        .filter(users::email_verified_at.is_null()),
                )
                .set(users::email_verified_at.eq(Some(now)))
                .execute(conn)?;
                tokens::void(conn, user_id, &[Purpose::Reset, Purpose::EmailChange])?;
                sessions::revoke_all(conn, user_id, None)?;
                if let Some(account) = account_by_id(conn, user_id)? {
                    queue_password_changed(&tx, conn, &account)?;
                }
                Ok(Some(user_id))
            })
        })
        .await?;
    let Some(user_id) = done else {
        return invalid_reset_link(&ctx);
    };
    // The owner proved it through the mailed link: whatever failed attempts locked the account
    // (someone else's guesses included) no longer keep them out.
    accounts.forget_failures(user_id);
    accounts.mailer.wake();
    tracing::info!("password reset");
    notice(
        &ctx,
        StatusCode::OK,
        "reset-done-title",
        "reset-done-message",
        Some(("/login", "nav-login")),
    )
}

async fn confirm_email(
    ctx: Ctx,
    accounts: Accounts,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let tx = accounts.clone();
    let outcome: Result<bool, &'static str> = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                let now = crate::db::now();
                let Some((user_id, Some(new_email))) =
                    tokens::consume(conn, &token, Purpose::EmailChange, now)?
                else {
                    return Ok::<_, AppError>(Err("email-confirm-invalid-message"));
                };
                let Ok(address) = EmailAddress::parse(&new_email) else {
                    return Ok(Err("email-confirm-invalid-message"));
                };
                if account_by_email(conn, address.key())?.is_some() {
                    return Ok(Err("email-confirm-taken-message"));
                }
                let Some(old) = account_by_id(conn, user_id)? else {
                    return Ok(Err("email-confirm-invalid-message"));
                };
                diesel::update(users::table.find(user_id))
                    .set((
                        users::email.eq(address.as_str()),
                        users::email_key.eq(address.key()),
                        users::email_verified_at.eq(Some(now)),
                    ))
                    .execute(conn)?;
                tokens::void(conn, user_id, &[Purpose::Reset, Purpose::EmailChange])?;
                let lang = tx.mailer.lang_for(old.locale.as_deref());
                let base = tx.settings.base_url();
                tx.mailer.queue(
                    conn,
                    Draft {
                        template: "email_changed",
                        lang,
                        to: &old.email,
                        user_id: Some(user_id),
                        list: None,
                        data: json!({
                            "username": old.username,
                            "new_email_masked": mask_email(address.as_str()),
                            "at": lang.datetime(now),
                            "reset_url": format!("{base}/password/forgot"),
                        }),
                    },
                )?;
                Ok(Ok(true))
            })
        })
        .await?;
    match outcome {
        Ok(_) => {
            accounts.mailer.wake();
            tracing::info!("email address changed");
            notice(
                &ctx,
                StatusCode::OK,
                "email-confirm-done-title",
                "email-confirm-done-message",
                Some(("/settings", "nav-settings")),
            )
        }
        Err(key) => notice(
            &ctx,
            StatusCode::BAD_REQUEST,
            "link-invalid-title",
            key,
            None,
        ),
    }
}

/// A JSON value for templates that list the email preferences.
pub fn preferences_json(direct: &str, watched: &str) -> Value {
    json!({"direct": direct, "watched": watched})
}

#[cfg(test)]
mod tests {
    use super::mask_email;

    #[test]
    fn masks_addresses() {
        assert_eq!(mask_email("alice@example.org"), "a***@example.org");
        assert_eq!(mask_email("nope"), "***");
    }
}
