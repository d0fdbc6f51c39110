//! Signing in on the web once the password was right: at once, or, when two-factor sign-in is
//! on, after a second step (`/login/code`). Between the two steps the browser holds a random
//! token in a cookie of its own (`vigie_2fa`, `HttpOnly`, `SameSite=Lax`), standing for a
//! waiting sign-in kept in the database for ten minutes and five wrong codes at most; no session
//! exists until the code is right. Every sign-in opens a new session and records the browser's
//! family for the sign-in notice (`signin_notice`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::login::{self, LoginOutcome};
use crate::accounts::service::Accounts;
use crate::accounts::signin_notice;
use crate::accounts::two_factor::{self, CodeCheck, CHALLENGE_MINUTES, MAX_ATTEMPTS};
use crate::accounts::two_factor_store as store;
use crate::db::write_tx_private;
use crate::sessions::{self, SessionKind};
use crate::settings::Settings;
use crate::web::context::{
    removal_cookie, secure_cookie, see_other, session_cookie_name, session_policy, CsrfForm, Ctx,
};
use crate::web::error::AppError;

/// Registers the second step's page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login/code", web::get().to(code_page))
        .route("/login/code", web::post().to(code_submit));
}

/// The name of the cookie of a sign-in waiting for its code (with the `__Host-` prefix on
/// HTTPS).
pub fn challenge_cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-vigie_2fa"
    } else {
        "vigie_2fa"
    }
}

/// The browser's family, from its `User-Agent`.
fn browser_family(ctx: &Ctx) -> String {
    let ua = ctx
        .req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    signin_notice::family(ua)
}

/// After the right password: signs in at once, or, with two-factor sign-in on, opens a waiting
/// sign-in and sends the browser to the code page.
pub async fn after_password(
    ctx: &Ctx,
    accounts: &Accounts,
    user_id: i64,
    next: &str,
) -> Result<HttpResponse, AppError> {
    if !two_factor::enabled(&ctx.db, user_id).await? {
        return sign_in(ctx, accounts, user_id, next).await;
    }
    let next = next.to_owned();
    let token = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                store::open_challenge(
                    conn,
                    user_id,
                    &next,
                    chrono::Duration::minutes(CHALLENGE_MINUTES),
                )
            })
            .map_err(AppError::from)
        })
        .await?;
    let mut res = see_other("/login/code");
    res.add_cookie(&secure_cookie(
        &ctx.settings,
        challenge_cookie_name(&ctx.settings),
        token,
    ))
    .map_err(AppError::internal)?;
    Ok(res)
}

/// Opens a browser session for `user_id` (ending the one this browser had), records its
/// family (mailing the sign-in notice when it is new), and sends it to `next`.
pub async fn sign_in(
    ctx: &Ctx,
    accounts: &Accounts,
    user_id: i64,
    next: &str,
) -> Result<HttpResponse, AppError> {
    let family = browser_family(ctx);
    let policy = session_policy(&ctx.settings);
    let old_session = ctx.viewer.as_ref().map(|v| v.session_id);
    let tx = accounts.clone();
    let opened = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                // Asked again with the session's creation: after the password, a ban, a
                // suspension or a refused application may have come while the code was typed.
                let standing = login::standing(conn, user_id)?;
                if !matches!(standing, LoginOutcome::Success(_)) {
                    return Ok::<_, AppError>(Err(standing));
                }
                if let Some(old) = old_session {
                    sessions::revoke(conn, old)?;
                }
                let token = sessions::create(conn, user_id, SessionKind::Web, &family, policy)?;
                let mailed = signin_notice::record_sign_in(&tx, conn, user_id, &family)?;
                Ok(Ok((token, mailed)))
            })
        })
        .await?;
    let (token, mailed) = match opened {
        Ok(opened) => opened,
        Err(refused) => return refused_sign_in(ctx, &refused),
    };
    if mailed {
        accounts.mailer.wake();
    }
    let mut res = see_other(next);
    res.add_cookie(&secure_cookie(
        &ctx.settings,
        session_cookie_name(&ctx.settings),
        token,
    ))
    .map_err(AppError::internal)?;
    Ok(res)
}

/// The login page for an account that may not sign in (now), 403, with the reason.
fn refused_sign_in(ctx: &Ctx, refused: &LoginOutcome) -> Result<HttpResponse, AppError> {
    let error = match refused {
        LoginOutcome::Blocked(sanction) => login::block_message(ctx.lang, sanction),
        LoginOutcome::Pending => ctx.t("error-application-pending"),
        _ => ctx.t("error-bad-credentials"),
    };
    ctx.render_status(
        StatusCode::FORBIDDEN,
        "pages/login",
        json!({"form": {"login": ""}, "next": "/", "error": error}),
    )
}

/// The token of this browser's waiting sign-in, if it sent one.
fn challenge_token(ctx: &Ctx) -> Option<String> {
    ctx.req
        .cookie(challenge_cookie_name(&ctx.settings))
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty())
}

/// The waiting sign-in behind this browser's cookie.
async fn challenge(ctx: &Ctx) -> Result<Option<(String, store::Challenge)>, AppError> {
    let Some(token) = challenge_token(ctx) else {
        return Ok(None);
    };
    let lookup = token.clone();
    let found = ctx
        .db
        .run(move |conn| {
            store::find_challenge(conn, &lookup, crate::db::now()).map_err(AppError::from)
        })
        .await?;
    Ok(found.map(|c| (token, c)))
}

/// The login page again, with a message (the waiting sign-in ended), its cookie removed.
fn back_to_login(ctx: &Ctx, status: StatusCode, key: &str) -> Result<HttpResponse, AppError> {
    let mut res = ctx.render_status(
        status,
        "pages/login",
        json!({"form": {"login": ""}, "next": "/", "error": ctx.t(key)}),
    )?;
    res.add_cookie(&removal_cookie(
        &ctx.settings,
        challenge_cookie_name(&ctx.settings),
    ))
    .map_err(AppError::internal)?;
    Ok(res)
}

fn render_code_page(
    ctx: &Ctx,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    ctx.render_status(
        status,
        "pages/login_code",
        json!({"error": error.map(|k| ctx.t(k)), "max_attempts": MAX_ATTEMPTS}),
    )
}

/// `GET /login/code`: the second step's form.
async fn code_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    if ctx.viewer.is_some() {
        return Ok(see_other("/"));
    }
    match challenge(&ctx).await? {
        Some(_) => render_code_page(&ctx, StatusCode::OK, None),
        None => back_to_login(&ctx, StatusCode::OK, "error-two-factor-expired"),
    }
}

/// Fields of the code form.
#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /login/code`: checks the code (or a recovery code) of the waiting sign-in.
async fn code_submit(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some((token, waiting)) = challenge(&ctx).await? else {
        return back_to_login(&ctx, StatusCode::UNAUTHORIZED, "error-two-factor-expired");
    };
    let code = form.0.code;
    if code.trim().is_empty() {
        return render_code_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("error-second-factor-required"),
        );
    }
    let client = ctx.client_key();
    let user_id = waiting.user_id;
    // One of the waiting sign-in's attempts is taken before the code is checked, in one
    // statement: racing requests on one token cannot check more than MAX_ATTEMPTS codes.
    let claim = token.clone();
    let claimed = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                store::claim_attempt(conn, &claim, MAX_ATTEMPTS, crate::db::now())
            })
            .map_err(AppError::from)
        })
        .await?;
    if !claimed {
        return back_to_login(&ctx, StatusCode::UNAUTHORIZED, "error-two-factor-too-many");
    }
    let outcome = two_factor::check_code(&accounts, &ctx.db, &client, user_id, &code).await?;
    if outcome == CodeCheck::Wrong {
        let failed = token.clone();
        let still_open = ctx
            .db
            .run(move |conn| {
                write_tx_private(conn, |conn| {
                    store::challenge_failed(conn, &failed, MAX_ATTEMPTS)
                })
                .map_err(AppError::from)
            })
            .await?;
        return if still_open {
            render_code_page(
                &ctx,
                StatusCode::UNAUTHORIZED,
                Some("error-second-factor-invalid"),
            )
        } else {
            back_to_login(&ctx, StatusCode::UNAUTHORIZED, "error-two-factor-too-many")
        };
    }
    let closed = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| store::close_challenge(conn, &token))
                .map_err(AppError::from)
        })
        .await?;
    if !closed {
        return back_to_login(&ctx, StatusCode::UNAUTHORIZED, "error-two-factor-expired");
    }
    // A recovery code leads to the two-factor page, to set up a new authenticator.
    let next = match outcome {
        CodeCheck::Recovery => "/settings/two-factor?recovered=1".to_owned(),
        _ => waiting.next_path,
    };
    let mut res = sign_in(&ctx, &accounts, user_id, &next).await?;
    res.add_cookie(&removal_cookie(
        &ctx.settings,
        challenge_cookie_name(&ctx.settings),
    ))
    .map_err(AppError::internal)?;
    Ok(res)
}
