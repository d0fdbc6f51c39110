//! Account pages: register, log in, log out, settings, the first-admin setup page, public
//! profiles and the language switch.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::domain::{EmailAddress, NewPassword, Username};
use crate::accounts::password::Verified;
use crate::accounts::queries::{self, CreateUserError, SetupError};
use crate::accounts::recovery;
use crate::accounts::registration::{self, Admission, Admitted};
use crate::accounts::service::Accounts;
use crate::gazetteer as city_queries;
use crate::i18n::Lang;
use crate::sessions::{self, Role, SessionKind};
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
    cfg.route("/register", web::get().to(register_page))
        .route("/register", web::post().to(register))
        .route("/login", web::get().to(login_page))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/settings", web::get().to(settings_page_with_notice))
        .route("/settings", web::post().to(settings_submit))
        .route("/settings/export", web::get().to(export_data))
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

/// A validated registration.
pub struct Registration {
    pub username: Username,
    pub email: EmailAddress,
    pub password: NewPassword,
}

/// Checks every field of a registration, collecting all errors.
pub fn validate_registration(
    accounts: &Accounts,
    username: &str,
    email: &str,
    password: &str,
) -> Result<Registration, Vec<FieldError>> {
    let u = Username::parse(username);
    let e = EmailAddress::parse(email);
    let p = NewPassword::parse(password, "password", &accounts.passwords.common);
    match (u, e, p) {
        (Ok(username), Ok(email), Ok(password)) => Ok(Registration {
            username,
            email,
            password,
        }),
        (u, e, p) => Err([u.err(), e.err(), p.err()].into_iter().flatten().collect()),
    }
}

/// What became of a registration.
pub enum Registered {
    /// The account exists and is signed in right away (verification is off).
    Created(i64),
    /// A mail went to the address: a verification link for a new account, or the "you already
    /// have an account" notice. The answer is the same either way. `approval`: the account will
    /// also wait for an administrator.
    MailSent { approval: bool },
    /// The account exists and waits for an administrator (verification is off).
    Pending,
    /// The name (or a look-alike) is taken.
    Taken(FieldError),
}

/// Creates a member account (hashing off the async threads) and queues its verification mail in
/// the same transaction; an address that already has an account gets the notice instead.
pub async fn register_account(
    accounts: &Accounts,
    db: &crate::db::Db,
    reg: Registration,
    admitted: Admitted,
    lang: Lang,
) -> Result<Registered, AppError> {
    let hash = accounts.hash_password(&reg.password).await?;
    let approval = matches!(admitted, Admitted::Applicant(_));
    let verify = accounts.settings.mail.require_verification;
    let state_for_tx = accounts.clone();
    let outcome = db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let accounts = &state_for_tx;
                if let Admitted::Invited(secret) = &admitted {
                    if !registration::invite_usable(conn, secret)? {
                        return Err(AppError::Invalid(FieldError::new(
                            "invite",
                            "error-invite-invalid",
                        )));
                    }
                }
                match queries::insert_user(
                    conn,
                    &reg.username,
                    &reg.email,
                    &hash,
                    Role::Member,
                    !verify,
                ) {
                    Ok(id) => {
                        // A language other than the site's, chosen while registering, is kept
                        // for the mails to come.
                        if lang != accounts.config.get().default_lang() {
                            diesel::update(crate::db::schema::users::table.find(id))
                                .set(crate::db::schema::users::locale.eq(Some(lang.code())))
                                .execute(conn)?;
                        }
                        let pending = registration::record(conn, id, &admitted)?;
                        if let Admitted::Applicant(answer) = &admitted {
                            registration::notify_admins(
                                &accounts.mailer,
                                conn,
                                reg.username.as_str(),
                                answer,
                            )?;
                        }
                        if !verify {
                            return Ok(if pending {
                                Registered::Pending
                            } else {
                                Registered::Created(id)
                            });
                        }
                        let account =
                            recovery::account_by_id(conn, id)?.ok_or(AppError::NotFound)?;
                        recovery::queue_verification(accounts, conn, &account, lang)?;
                        tracing::info!(user_id = id, "account registered");
                        Ok(Registered::MailSent { approval })
                    }
                    Err(CreateUserError::EmailTaken) if verify => {
                        if let Some(owner) = recovery::account_by_email(conn, reg.email.key())? {
                            let owner_lang = accounts.mailer.lang_for(owner.locale.as_deref());
                            recovery::queue_account_exists(accounts, conn, &owner, owner_lang)?;
                        }
                        Ok(Registered::MailSent { approval })
                    }
                    Err(CreateUserError::Db(e)) => Err(AppError::from(e)),
                    Err(e) => Ok(Registered::Taken(e.field_error().unwrap_or_else(|| {
                        FieldError::new("username", "error-username-taken")
                    }))),
                }
            })
        })
        .await?;
    if matches!(outcome, Registered::MailSent { .. } | Registered::Pending) {
        accounts.mailer.wake();
    }
    Ok(outcome)
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
        (Ok(_), Err(errors)) => {
            return rerender(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &errors, None)
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

/// What checking a login found.
pub enum LoginOutcome {
    /// The right password for this user id.
    Success(i64),
    /// Unknown account or wrong password (indistinguishable).
    Failed,
    /// The right password, but the account is suspended or banned.
    Blocked(crate::accounts::standing::SanctionRow),
    /// The right password, but the application waits for an administrator.
    Pending,
}

/// The login throttle's key for one account and client (an unknown login is keyed by what was
/// typed); every key of an account starts with `user:{id}|`, so a reset can clear them all.
fn login_account_key(account: Option<i64>, login: &str, client: &str) -> String {
    match account {
        Some(id) => format!("user:{id}|{client}"),
        None => format!(
            "login:{}|{client}",
            crate::accounts::domain::username_key(login)
        ),
    }
}

/// Checks credentials with throttling per client first, then per (account, client). The same
/// work is done whether or not the account exists.
pub async fn check_login(
    accounts: &Accounts,
    db: &crate::db::Db,
    client: &str,
    login: &str,
    password: &str,
) -> Result<LoginOutcome, AppError> {
    let client_key = format!("login:{client}");
    let throttles = &accounts.throttles;
    if let Some(retry_after) = throttles.login_client.blocked_for(&client_key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let lookup = login.trim().to_owned();
    let record = db
        .run(move |conn| queries::find_for_login(conn, &lookup).map_err(AppError::from))
        .await?;
    let account_key = login_account_key(record.as_ref().map(|r| r.id), login, client);
    if let Some(retry_after) = throttles.login_account.blocked_for(&account_key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    if password.chars().count() > crate::accounts::domain::MAX_PASSWORD_CHARS {
        throttles.login_account.record(&account_key);
        throttles.login_client.record(&client_key);
        return Ok(LoginOutcome::Failed);
    }
    let passwords = accounts.passwords.clone();
    let stored = record.as_ref().map(|r| r.password_hash.clone());
    let password = password.to_owned();
    let verified = web::block(move || passwords.hasher.verify(&password, stored.as_deref()))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let user_id = match (record, verified) {
        (Some(r), Verified::Yes) => {
            throttles.login_account.clear(&account_key);
            r.id
        }
        (Some(r), Verified::YesRehash(new_hash)) => {
            throttles.login_account.clear(&account_key);
            let id = r.id;
            db.run(move |conn| {
                queries::set_password_hash(conn, id, &new_hash).map_err(AppError::from)
            })
            .await?;
            r.id
        }
        _ => {
            throttles.login_account.record(&account_key);
            throttles.login_client.record(&client_key);
            return Ok(LoginOutcome::Failed);
        }
    };
    // The right password: only now may the answer say the account is suspended or banned.
    let (block, pending) = db
        .run(move |conn| {
            let block = crate::accounts::standing::login_block(conn, user_id, crate::db::now())?;
            Ok::<_, AppError>((block, registration::is_pending(conn, user_id)?))
        })
        .await?;
    Ok(match (block, pending) {
        (Some(sanction), _) => LoginOutcome::Blocked(sanction),
        (None, true) => LoginOutcome::Pending,
        (None, false) => LoginOutcome::Success(user_id),
    })
}

/// The message shown to a suspended or banned person who logs in.
pub fn block_message(lang: Lang, sanction: &crate::accounts::standing::SanctionRow) -> String {
    use crate::i18n::FluentArg;
    match sanction.until {
        Some(until) => lang.t_args(
            "error-account-suspended",
            &[
                ("until", FluentArg::Str(lang.datetime(until))),
                ("reason", FluentArg::Str(sanction.reason.clone())),
            ],
        ),
        None => lang.t_args(
            "error-account-banned",
            &[("reason", FluentArg::Str(sanction.reason.clone()))],
        ),
    }
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
        LoginOutcome::Success(user_id) => {
            let label = user_agent_label(&ctx);
            let policy = session_policy(&ctx.settings);
            let old_session = ctx.viewer.as_ref().map(|v| v.session_id);
            let token = ctx
                .db
                .run(move |conn| {
                    if let Some(old) = old_session {
                        sessions::revoke(conn, old)?;
                    }
                    sessions::create(conn, user_id, SessionKind::Web, &label, policy)
                        .map_err(AppError::from)
                })
                .await?;
            let mut res = see_other(&next);
            res.add_cookie(&secure_cookie(&ctx.settings, session_cookie_name(&ctx.settings), token))
                .map_err(AppError::internal)?;
            Ok(res)
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

async fn render_settings(
    ctx: &Ctx,
    status: StatusCode,
    form: Option<Value>,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    let user_id = viewer.user_id;
    let current = viewer.session_id;
    let (account, sessions_list, (email_direct, email_watched), moderation) = ctx
        .db
        .run(move |conn| {
            let prefs: (String, String) = crate::db::schema::users::table
                .find(user_id)
                .select((
                    crate::db::schema::users::email_direct,
                    crate::db::schema::users::email_watched,
                ))
                .first(conn)?;
            Ok::<_, AppError>((
                queries::account_settings(conn, user_id)?,
                sessions::list(conn, user_id)?,
                prefs,
                crate::accounts::standing::history(conn, user_id)?,
            ))
        })
        .await?;
    let sessions_json: Vec<Value> = sessions_list
        .into_iter()
        .map(|s| {
            json!({
                "id": s.id, "kind": s.kind, "label": s.label, "created_at": s.created_at,
                "last_seen_at": s.last_seen_at, "current": s.id == current,
            })
        })
        .collect();
    let mut defaults = json!({
        "locale": account.locale.clone().unwrap_or_default(),
        "home_city": account.home_city.as_ref().map(|c| c.slug.clone()).unwrap_or_default(),
        "new_email": "",
    });
    if let (Some(Value::Object(typed)), Value::Object(base)) = (form, &mut defaults) {
        base.extend(typed);
    }
    let form = defaults;
    ctx.render_status(
        status,
        "pages/settings",
        json!({
            "account": {
                "username": account.username,
                "email": account.email,
                "email_verified": account.email_verified,
            },
            "require_verification": ctx.settings.mail.require_verification,
            "email_prefs": {
                "direct": mode_choices(ctx, &email_direct),
                "watched": mode_choices(ctx, &email_watched),
            },
            "moderation": moderation.iter().map(|m| json!({
                "kind_label": ctx.t(&format!("sanction-kind-{}", m.kind)),
                "reason": m.reason,
                "until": m.until,
                "created_at": m.created_at,
                "lifted_at": m.lifted_at,
                "active": m.is_active(crate::db::now()),
            })).collect::<Vec<_>>(),
            "form": form,
            "errors": ctx.field_errors(&["home_city", "current_password", "new_password", "delete_password", "new_email", "email_password"], errors),
            "notice": notice.map(|k| ctx.t(k)),
            "sessions": sessions_json,
        }),
    )
}

/// The options of an email-preference select, with `current` selected.
fn mode_choices(ctx: &Ctx, current: &str) -> Value {
    json!(["immediately", "digest", "never"]
        .iter()
        .map(|mode| json!({
            "value": mode,
            "label": ctx.t(&format!("settings-email-mode-{mode}")),
            "selected": *mode == current,
        }))
        .collect::<Vec<_>>())
}

/// Fields of the settings forms (one per `action`).
#[derive(Debug, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    home_city: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    session_id: Option<i64>,
    #[serde(default)]
    erase_posts: Option<String>,
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    email_direct: String,
    #[serde(default)]
    email_watched: String,
}

async fn settings_submit(
    ctx: Ctx,
    accounts: Accounts,
    form: CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let viewer = ctx.require_user()?.clone();
    let user_id = viewer.user_id;
    let client = ctx.client_key();
    match form.action.as_str() {
        "preferences" => {
            let locale = match form.locale.as_str() {
                "" => None,
                code => Some(Lang::parse(code).ok_or(AppError::BadRequest("error-lang-invalid"))?),
            };
            let typed_city = form.home_city.trim().to_owned();
            let form_json = json!({"locale": form.locale, "home_city": form.home_city});
            let city_id = if typed_city.is_empty() {
                None
            } else {
                let lookup = typed_city.clone();
                let resolved = ctx
                    .db
                    .run(move |conn| city_queries::resolve(conn, &lookup).map_err(AppError::from))
                    .await?;
                match resolved.single("home_city") {
                    Ok(city) => Some(city.id),
                    Err(e) => {
                        let status = StatusCode::UNPROCESSABLE_ENTITY;
                        return render_settings(&ctx, status, Some(form_json), &[e], None).await;
                    }
                }
            };
            ctx.db
                .run(move |conn| {
                    queries::save_preferences(conn, user_id, locale.map(Lang::code), city_id)
                        .map_err(AppError::from)
                })
                .await?;
            Ok(see_other("/settings?saved=preferences"))
        }
        "password" => {
            let new_password = match NewPassword::parse(
                &form.new_password,
                "new_password",
                &accounts.passwords.common,
            ) {
                Ok(p) => p,
                Err(e) => {
                    return render_settings(
                        &ctx,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        None,
                        &[e],
                        None,
                    )
                    .await
                }
            };
            if !accounts
                .password_matches(&ctx.db, &client, user_id, &form.current_password)
                .await?
            {
                let e = FieldError::new("current_password", "error-current-password-wrong");
                return render_settings(&ctx, StatusCode::UNPROCESSABLE_ENTITY, None, &[e], None)
                    .await;
            }
            let new_hash = accounts.hash_password(&new_password).await?;
            let keep = viewer.session_id;
            let tx = accounts.clone();
            ctx.db
                .run(move |conn| {
                    crate::db::write_tx(conn, |conn| {
                        queries::set_password_hash(conn, user_id, &new_hash)?;
                        sessions::revoke_all(conn, user_id, Some(keep))?;
                        recovery::after_password_change(&tx, conn, user_id)
                    })
                })
                .await?;
            accounts.mailer.wake();
            Ok(see_other("/settings?saved=password"))
        }
        "email" => {
            let form_json = json!({"new_email": form.new_email});
            let address = match EmailAddress::parse(&form.new_email) {
                Ok(a) => a,
                Err(e) => {
                    let e = FieldError::new("new_email", e.key);
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    return render_settings(&ctx, status, Some(form_json), &[e], None).await;
                }
            };
            if !accounts
                .password_matches(&ctx.db, &client, user_id, &form.current_password)
                .await?
            {
                let e = FieldError::new("email_password", "error-current-password-wrong");
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render_settings(&ctx, status, Some(form_json), &[e], None).await;
            }
            let tx = accounts.clone();
            let lang = ctx.lang;
            ctx.db
                .run(move |conn| recovery::request_email_change(&tx, conn, user_id, &address, lang))
                .await?;
            accounts.mailer.wake();
            Ok(see_other("/settings?saved=email"))
        }
        "notifications" => {
            use crate::accounts::domain::EmailMode;
            let direct = EmailMode::parse(&form.email_direct)
                .ok_or(AppError::BadRequest("error-bad-form"))?;
            let watched = EmailMode::parse(&form.email_watched)
                .ok_or(AppError::BadRequest("error-bad-form"))?;
            ctx.db
                .run(move |conn| {
                    use crate::db::schema::users;
                    crate::db::write_tx_private(conn, |conn| {
                        diesel::update(users::table.find(user_id))
                            .set((
                                users::email_direct.eq(direct.as_str()),
                                users::email_watched.eq(watched.as_str()),
                            ))
                            .execute(conn)
                    })
                    .map_err(AppError::from)
                })
                .await?;
            Ok(see_other("/settings?saved=notifications"))
        }
        "revoke_session" => {
            let id = form
                .session_id
                .ok_or(AppError::BadRequest("error-bad-form"))?;
            ctx.db
                .run(move |conn| sessions::revoke_own(conn, user_id, id).map_err(AppError::from))
                .await?;
            Ok(see_other("/settings?saved=session"))
        }
        "revoke_others" => {
            let keep = viewer.session_id;
            ctx.db
                .run(move |conn| {
                    sessions::revoke_all(conn, user_id, Some(keep)).map_err(AppError::from)
                })
                .await?;
            Ok(see_other("/settings?saved=sessions"))
        }
        "delete_account" => {
            if !accounts
                .password_matches(&ctx.db, &client, user_id, &form.current_password)
                .await?
            {
                let e = FieldError::new("delete_password", "error-current-password-wrong");
                return render_settings(&ctx, StatusCode::UNPROCESSABLE_ENTITY, None, &[e], None)
                    .await;
            }
            let erase = form.erase_posts.is_some();
            ctx.db
                .run(move |conn| {
                    queries::delete_account(conn, user_id, erase).map_err(AppError::from)
                })
                .await?;
            tracing::info!(user_id, erase_posts = erase, "account deleted");
            let mut res = see_other("/?account=deleted");
            res.add_cookie(&removal_cookie(
                &ctx.settings,
                session_cookie_name(&ctx.settings),
            ))
            .map_err(AppError::internal)?;
            Ok(res)
        }
        _ => Err(AppError::BadRequest("error-bad-form")),
    }
}

/// `GET /settings/export`: the signed-in person's data as a JSON download.
async fn export_data(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let export = ctx
        .db
        .run(move |conn| queries::export(conn, user_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"vigie-export.json\"",
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(export))
}

#[derive(Debug, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

/// Wraps the settings page to show the notice after a redirect.
async fn settings_page_with_notice(
    ctx: Ctx,
    q: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match q.saved.as_deref() {
        Some("preferences") => Some("notice-settings-saved"),
        Some("password") => Some("notice-password-changed"),
        Some("session") => Some("notice-session-revoked"),
        Some("sessions") => Some("notice-sessions-revoked"),
        Some("email") => Some("notice-email-change-sent"),
        Some("notifications") => Some("notice-notifications-saved"),
        _ => None,
    };
    render_settings(&ctx, StatusCode::OK, None, &[], notice).await
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
