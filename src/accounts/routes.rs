//! Account pages: register, log in, log out, settings, the first-admin setup page, public
//! profiles and the language switch.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::login::{block_message, check_login, LoginOutcome};
use crate::accounts::queries::{self, CreateUserError, SetupError};
use crate::accounts::recovery;
use crate::accounts::registration::{self, Admission};
use crate::accounts::registration::{register_account, validate_registration, Registered};
use crate::accounts::service::Accounts;
use crate::i18n::Lang;
use crate::sessions::{self, SessionKind};
use crate::site_config::RegistrationMode;
use crate::validation::FieldError;
use crate::web::context::{
    removal_cookie, safe_next, secure_cookie, see_other, session_cookie_name, session_policy,
    CsrfForm, Ctx, LANG_COOKIE,
};
use crate::web::error::AppError;

/// Registers the account routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    recovery::configure(cfg);
    super::two_factor_login::configure(cfg);
    super::two_factor_routes::configure(cfg);
    super::settings_routes::configure(cfg);
    super::avatar_routes::configure(cfg);
    cfg.route("/register", web::get().to(register_page))
        .route("/register", web::post().to(register))
        .route("/login", web::get().to(login_page))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/setup/{token}", web::get().to(setup_page))
        .route("/setup/{token}", web::post().to(setup_submit))
        .route("/lang", web::post().to(switch_lang));
}

/// Fields of the registration form.
#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Honeypot: humans leave it empty.
    #[serde(default)]
    website: String,
    /// The invitation secret (invite links carry it to the form).
    #[serde(default)]
    invite: String,
    /// The answer to the admins' question (approval mode).
    #[serde(default)]
    answer: String,
}

#[derive(Debug, Deserialize)]
struct RegisterQuery {
    #[serde(default)]
    invite: String,
}

/// What the registration page shows under the current mode.
async fn registration_view(ctx: &Ctx, invite: &str) -> Result<Value, AppError> {
    let config = ctx.config.get();
    let invite_ok = if invite.is_empty() {
        false
    } else {
        let secret = invite.to_owned();
        ctx.db
            .run(move |conn| registration::invite_usable(conn, &secret).map_err(AppError::from))
            .await?
    };
    let mode = config.registration_mode;
    Ok(json!({
        "mode": mode.as_str(),
        "closed": mode == RegistrationMode::Closed
            || (mode == RegistrationMode::Invite && !invite_ok),
        "invite": if invite_ok { invite } else { "" },
        "invite_bad": !invite.is_empty() && !invite_ok,
        "question": (mode == RegistrationMode::Approval && !invite_ok)
            .then(|| config.registration_question.clone()),
    }))
}

async fn register_page(
    ctx: Ctx,
    query: web::Query<RegisterQuery>,
) -> Result<HttpResponse, AppError> {
    if ctx.viewer.is_some() {
        return Ok(see_other("/"));
    }
    let view = registration_view(&ctx, query.invite.trim()).await?;
    ctx.render(
        "pages/register",
        json!({"form": {"username": "", "email": "", "answer": ""}, "registration": view, "errors": ctx.field_errors(&["username", "email", "password", "answer"], &[]), "general_error": null}),
    )
}

async fn register(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let client = ctx.client_key();
    let register_key = format!("register:{client}");
    if let Some(retry_after) = accounts
        .throttles
        .register_client
        .blocked_for(&register_key)
    {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let view = registration_view(&ctx, form.invite.trim()).await?;
    let rerender =
        |ctx: &Ctx, status: StatusCode, errors: &[FieldError], general: Option<String>| {
            ctx.render_status(
            status,
            "pages/register",
            json!({
                "form": {"username": form.username, "email": form.email, "answer": form.answer},
                "registration": view,
                "errors": ctx.field_errors(&["username", "email", "password", "answer"], errors),
                "general_error": general,
            }),
        )
        };
    if !form.website.is_empty() {
        return rerender(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[],
            Some(ctx.t("error-registration-honeypot")),
        );
    }
    let admission = Admission {
        invite: Some(form.invite.clone()),
        answer: form.answer.clone(),
    };
    let admitted = registration::admit(&ctx.config.get(), &admission);
    let reg = validate_registration(&accounts, &form.username, &form.email, &form.password);
    let admitted = match (admitted, reg) {
        (Ok(a), Ok(reg)) => (a, reg),
        (Err(e), reg) => {
            let mut errors = reg.err().unwrap_or_default();
            registration::add_taken_name(&ctx.db, &form.username, &mut errors).await?;
            let status = actix_web::ResponseError::status_code(&e);
            let general = match e {
                AppError::Invalid(fe) => {
                    errors.push(fe);
                    None
                }
                other => Some(other.message(ctx.lang)),
            };
            return rerender(&ctx, status, &errors, general);
        }
        (Ok(_), Err(mut errors)) => {
            registration::add_taken_name(&ctx.db, &form.username, &mut errors).await?;
            return rerender(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &errors, None);
        }
    };
    let (admitted, reg) = admitted;
    accounts.throttles.register_client.record(&register_key);
    let outcome = match register_account(&accounts, &ctx.db, reg, admitted, ctx.lang).await {
        Err(AppError::Invalid(fe)) => {
            return rerender(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &[],
                Some(ctx.t(fe.key)),
            )
        }
        other => other?,
    };
    match outcome {
        Registered::MailSent { approval: false } => Ok(see_other("/register/sent")),
        Registered::MailSent { approval: true } | Registered::Pending => {
            Ok(see_other("/register/sent?approval=1"))
        }
        Registered::Created(user_id) => {
            let label = user_agent_label(&ctx);
            let policy = session_policy(&ctx.settings);
            let token = ctx
                .db
                .run(move |conn| {
                    sessions::create(conn, user_id, SessionKind::Web, &label, policy)
                        .map_err(AppError::from)
                })
                .await?;
            tracing::info!(user_id, "account registered");
            let mut res = see_other("/");
            res.add_cookie(&secure_cookie(
                &ctx.settings,
                session_cookie_name(&ctx.settings),
                token,
            ))
            .map_err(AppError::internal)?;
            Ok(res)
        }
        Registered::Taken(fe) => rerender(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &[fe], None),
    }
}

fn user_agent_label(ctx: &Ctx) -> String {
    let ua = ctx
        .req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    sessions::describe_user_agent(ua)
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(ctx: Ctx, query: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if ctx.viewer.is_some() {
        return Ok(see_other(&next));
    }
    ctx.render(
        "pages/login",
        json!({"form": {"login": ""}, "next": next, "error": null}),
    )
}

/// Fields of the login form.
#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn login(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let next = safe_next(form.next.as_deref());
    let client = ctx.client_key();
    match check_login(&accounts, &ctx.db, &client, &form.login, &form.password).await? {
        // The second factor, when it is on, is asked on a page of its own.
        LoginOutcome::Success(user_id) => {
            super::two_factor_login::after_password(&ctx, &accounts, user_id, &next).await
        }
        LoginOutcome::Failed => ctx.render_status(
            StatusCode::UNAUTHORIZED,
            "pages/login",
            json!({"form": {"login": form.login}, "next": next, "error": ctx.t("error-bad-credentials")}),
        ),
        LoginOutcome::Pending => ctx.render_status(
            StatusCode::FORBIDDEN,
            "pages/login",
            json!({"form": {"login": form.login}, "next": next, "error": ctx.t("error-application-pending")}),
        ),
        LoginOutcome::Blocked(sanction) => ctx.render_status(
            StatusCode::FORBIDDEN,
            "pages/login",
            json!({"form": {"login": form.login}, "next": next, "error": block_message(ctx.lang, &sanction)}),
        ),
    }
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn logout(ctx: Ctx, _form: CsrfForm<EmptyForm>) -> Result<HttpResponse, AppError> {
    if let Some(v) = &ctx.viewer {
        let id = v.session_id;
        ctx.db
            .run(move |conn| sessions::revoke(conn, id).map_err(AppError::from))
            .await?;
    }
    let mut res = see_other("/");
    res.add_cookie(&removal_cookie(
        &ctx.settings,
        session_cookie_name(&ctx.settings),
    ))
    .map_err(AppError::internal)?;
    Ok(res)
}

async fn setup_page(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let hash = sessions::hash_token(&token);
    let valid = ctx
        .db
        .run(move |conn| queries::setup_token_valid(conn, &hash).map_err(AppError::from))
        .await?;
    if !valid {
        return Err(AppError::NotFound);
    }
    ctx.render(
        "pages/setup",
        json!({"token": token, "form": {"username": "", "email": ""},
               "errors": ctx.field_errors(&["username", "email", "password"], &[])}),
    )
}

async fn setup_submit(
    ctx: Ctx,
    accounts: Accounts,
    token: web::Path<String>,
    form: CsrfForm<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let form = form.0;
    let hash = sessions::hash_token(&token);
    let rerender = |ctx: &Ctx, errors: &[FieldError]| {
        ctx.render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "pages/setup",
            json!({"token": token, "form": {"username": form.username, "email": form.email},
                   "errors": ctx.field_errors(&["username", "email", "password"], errors)}),
        )
    };
    let reg = match validate_registration(&accounts, &form.username, &form.email, &form.password) {
        Ok(r) => r,
        Err(errors) => return rerender(&ctx, &errors),
    };
    let password_hash = accounts.hash_password(&reg.password).await?;
    let label = user_agent_label(&ctx);
    let policy = session_policy(&ctx.settings);
    let result = ctx
        .db
        .run(move |conn| {
            match queries::complete_setup(conn, &hash, &reg.username, &reg.email, &password_hash) {
                Ok(user_id) => {
                    let token = sessions::create(conn, user_id, SessionKind::Web, &label, policy)?;
                    Ok(Ok(token))
                }
                Err(SetupError::InvalidToken) => Err(AppError::NotFound),
                Err(SetupError::Create(CreateUserError::Db(e))) => Err(AppError::from(e)),
                Err(SetupError::Create(e)) => Ok(Err(e.field_error())),
            }
        })
        .await?;
    match result {
        Ok(session_token) => {
            tracing::info!("first administrator created");
            let mut res = see_other("/admin/boards");
            res.add_cookie(&secure_cookie(
                &ctx.settings,
                session_cookie_name(&ctx.settings),
                session_token,
            ))
            .map_err(AppError::internal)?;
            Ok(res)
        }
        Err(field) => rerender(&ctx, &field.into_iter().collect::<Vec<_>>()),
    }
}

/// Fields of the language switch.
#[derive(Debug, Deserialize)]
struct LangForm {
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

async fn switch_lang(ctx: Ctx, form: CsrfForm<LangForm>) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let lang = Lang::parse(&form.lang).ok_or(AppError::BadRequest("error-lang-invalid"))?;
    if let Some(v) = &ctx.viewer {
        let id = v.user_id;
        ctx.db
            .run(move |conn| {
                queries::save_locale(conn, id, Some(lang.code())).map_err(AppError::from)
            })
            .await?;
    }
    let mut res = see_other(&safe_next(form.next.as_deref()));
    let mut cookie = secure_cookie(&ctx.settings, LANG_COOKIE, lang.code().to_owned());
    cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    res.add_cookie(&cookie).map_err(AppError::internal)?;
    Ok(res)
}
