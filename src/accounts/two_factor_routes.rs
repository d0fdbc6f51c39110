//! The two-factor settings page (`/settings/two-factor`): its status and recovery codes left;
//! setting up an authenticator (a QR code drawn here as SVG, or the secret to type) and
//! confirming it with a code and the password, and, to replace the one in use, a code of that
//! one too; new recovery codes (shown once; password and a current code); turning it off
//! (password and code). Replacing, new codes and the first set-up end the account's other
//! sessions. Also the administrators' reset of a member's two-factor sign-in
//! (`/admin/users/{username}/two-factor/reset`, written to the moderation log).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::service::Accounts;
use crate::accounts::totp;
use crate::accounts::two_factor::{self, CodeCheck, Confirmed};
use crate::accounts::two_factor_store as store;
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/two-factor", web::get().to(page))
        .route("/settings/two-factor", web::post().to(submit))
        .route("/settings/two-factor/qr.svg", web::get().to(qr_code))
        .route(
            "/admin/users/{username}/two-factor/reset",
            web::post().to(admin_reset),
        );
}

/// The form fields of the page, for their error messages.
const FIELDS: [&str; 7] = [
    "code",
    "current_code",
    "current_password",
    "regenerate_code",
    "regenerate_password",
    "disable_code",
    "disable_password",
];

/// What a render shows besides the status.
#[derive(Default)]
struct Shown<'a> {
    /// Recovery codes just made (shown this once).
    codes: Option<Vec<String>>,
    errors: Vec<FieldError>,
    notice: Option<&'a str>,
    general_error: Option<&'a str>,
}

async fn render(
    ctx: &Ctx,
    accounts: &Accounts,
    status: StatusCode,
    shown: Shown<'_>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    let (user_id, username) = (viewer.user_id, viewer.username.clone());
    let state = ctx
        .db
        .run(move |conn| store::status(conn, user_id).map_err(AppError::from))
        .await?;
    let pending = if state.pending {
        two_factor::pending_for_display(accounts, &ctx.db, user_id, &username)
            .await?
            .map(|(secret, _)| json!({"secret": secret, "qr": "/settings/two-factor/qr.svg"}))
    } else {
        None
    };
    let query = ctx.req.query_string();
    ctx.render_status(
        status,
        "pages/two_factor",
        json!({
            "enabled": state.enabled_at.is_some(),
            "enabled_at": state.enabled_at.map(|at| ctx.lang.datetime(at)),
            "recovery_left": state.recovery_left,
            "pending": pending,
            "codes": shown.codes,
            "errors": ctx.field_errors(&FIELDS, &shown.errors),
            "notice": shown.notice.map(|k| ctx.t(k)),
            "general_error": shown.general_error.map(|k| ctx.t(k)),
            "required": viewer.needs_two_factor || query.contains("required=1"),
            "recovered": query.contains("recovered=1"),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    saved: Option<String>,
}

/// `GET /settings/two-factor`.
async fn page(
    ctx: Ctx,
    accounts: Accounts,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.saved.as_deref() {
        Some("disabled") => Some("two-factor-notice-disabled"),
        Some("cancelled") => Some("two-factor-notice-cancelled"),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    render(&ctx, &accounts, StatusCode::OK, shown).await
}

/// Fields of the page's forms (one per `action`).
#[derive(Debug, Deserialize)]
struct TwoFactorForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    current_password: String,
    /// A code of the authenticator in use (or a recovery code), to replace it or to make new
    /// recovery codes.
    #[serde(default)]
    current_code: String,
}

fn refused<'a>(field: &'static str, key: &'static str) -> Shown<'a> {
    Shown {
        errors: vec![FieldError::new(field, key)],
        ..Shown::default()
    }
}

/// `POST /settings/two-factor`.
async fn submit(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<TwoFactorForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let viewer = ctx.require_user()?.clone();
    let user_id = viewer.user_id;
    let client = ctx.client_key();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match form.action.as_str() {
        "start" => {
            two_factor::start_enrolment(&accounts, &ctx.db, user_id).await?;
            Ok(see_other("/settings/two-factor#setup"))
        }
        "cancel" => {
            two_factor::cancel_enrolment(&ctx.db, user_id).await?;
            Ok(see_other("/settings/two-factor?saved=cancelled"))
        }
        "confirm" => {
            if totp::code_digits(&form.code).is_none() {
                let shown = refused("code", "error-two-factor-code-format");
                return render(&ctx, &accounts, unprocessable, shown).await;
            }
            if !accounts
                .password_matches(&ctx.db, &client, user_id, &form.current_password)
                .await?
            {
                let shown = refused("current_password", "error-current-password-wrong");
                return render(&ctx, &accounts, unprocessable, shown).await;
            }
            let confirmed = two_factor::confirm_enrolment(
                &accounts,
                &ctx.db,
                &client,
                user_id,
                viewer.session_id,
                &form.code,
                &form.current_code,
            )
            .await?;
            match confirmed {
                Confirmed::Enabled(codes) => {
                    let shown = Shown {
                        codes: Some(codes),
                        notice: Some("two-factor-notice-enabled"),
                        ..Shown::default()
                    };
                    render(&ctx, &accounts, StatusCode::OK, shown).await
                }
                Confirmed::WrongCode => {
                    let shown = refused("code", "error-second-factor-invalid");
                    render(&ctx, &accounts, unprocessable, shown).await
                }
                Confirmed::WrongCurrent => {
                    let shown = refused("current_code", "error-two-factor-current-invalid");
                    render(&ctx, &accounts, unprocessable, shown).await
                }
            }
        }
        "regenerate" => {
            if !two_factor::enabled(&ctx.db, user_id).await? {
                return Err(AppError::BadRequest("error-bad-form"));
            }
            if !accounts
                .password_matches(&ctx.db, &client, user_id, &form.current_password)
                .await?
            {
                let shown = refused("regenerate_password", "error-current-password-wrong");
                return render(&ctx, &accounts, unprocessable, shown).await;
            }
            // The password alone must not be enough: a code of the factor in use too.
            let current = form.current_code.trim();
            if current.is_empty()
                || two_factor::check_code(&accounts, &ctx.db, &client, user_id, current).await?
                    == CodeCheck::Wrong
            {
                let shown = refused("regenerate_code", "error-two-factor-current-invalid");
                return render(&ctx, &accounts, unprocessable, shown).await;
            }
            let codes = two_factor::regenerate_recovery_codes(
                &accounts,
                &ctx.db,
                user_id,
                viewer.session_id,
            )
            .await?;
            let shown = Shown {
                codes: Some(codes),
                notice: Some("two-factor-notice-regenerated"),
                ..Shown::default()
            };
            render(&ctx, &accounts, StatusCode::OK, shown).await
        }
        "disable" => {
            if !two_factor::enabled(&ctx.db, user_id).await? {
                return Err(AppError::BadRequest("error-bad-form"));
            }
            let staff = viewer.role != crate::sessions::Role::Member || viewer.moderates_boards;
            if staff && ctx.config.get().require_staff_2fa {
                let shown = Shown {
                    general_error: Some("error-two-factor-staff-keep"),
                    ..Shown::default()
                };
                return render(&ctx, &accounts, StatusCode::FORBIDDEN, shown).await;
            }
            if !accounts
                .password_matches(&ctx.db, &client, user_id, &form.current_password)
                .await?
            {
                let shown = refused("disable_password", "error-current-password-wrong");
                return render(&ctx, &accounts, unprocessable, shown).await;
            }
            let outcome =
                two_factor::check_code(&accounts, &ctx.db, &client, user_id, &form.code).await?;
            if outcome == CodeCheck::Wrong {
                let shown = refused("disable_code", "error-second-factor-invalid");
                return render(&ctx, &accounts, unprocessable, shown).await;
            }
            two_factor::disable(&accounts, &ctx.db, user_id).await?;
            Ok(see_other("/settings/two-factor?saved=disabled"))
        }
        _ => Err(AppError::BadRequest("error-bad-form")),
    }
}

/// `GET /settings/two-factor/qr.svg`: the QR code of the authenticator being set up, drawn
/// here (no third party sees the secret), never cached.
async fn qr_code(ctx: Ctx, accounts: Accounts) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    let found =
        two_factor::pending_for_display(&accounts, &ctx.db, viewer.user_id, &viewer.username)
            .await?;
    let Some((_, url)) = found else {
        return Err(AppError::NotFound);
    };
    let svg = totp::qr_svg(&url)?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(svg))
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

/// `POST /admin/users/{username}/two-factor/reset` (administrators).
async fn admin_reset(
    ctx: Ctx,
    accounts: Accounts,
    username: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.user_id;
    let username = username.into_inner();
    two_factor::admin_reset(&accounts, &ctx.db, admin_id, username.clone()).await?;
    let q: String =
        percent_encoding::utf8_percent_encode(&username, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    Ok(see_other(&format!("/admin/users?q={q}&done=1")))
}
