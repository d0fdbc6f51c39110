//! The settings page of a signed-in member: language and home city, mail preferences, password,
//! address change, sessions, account deletion, and the data export. The avatar's forms post to
//! `avatar_routes`, which shows its refusals on this page (`render_settings`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::account_mail;
use crate::accounts::domain::{EmailAddress, NewPassword};
use crate::accounts::queries;
use crate::accounts::service::Accounts;
use crate::accounts::{avatar, avatar_store};
use crate::gazetteer as city_queries;
use crate::i18n::Lang;
use crate::sessions;
use crate::validation::FieldError;
use crate::web::context::{removal_cookie, see_other, session_cookie_name, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Registers the settings routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(settings_page_with_notice))
        .route("/settings", web::post().to(settings_submit))
        .route("/settings/export", web::get().to(export_data));
}

/// The settings page; `form` holds what the forms sent back (and `avatar_error`, a refused
/// picture's reason, already translated).
pub(super) async fn render_settings(
    ctx: &Ctx,
    status: StatusCode,
    form: Option<Value>,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    let user_id = viewer.user_id;
    let current = viewer.session_id;
    let (
        account,
        sessions_list,
        (email_direct, email_watched, signin_notice, second),
        moderation,
        groups,
        picture,
    ) = ctx
        .db
        .run(move |conn| {
            let (direct, watched) = queries::email_preferences(conn, user_id)?;
            let notice = crate::accounts::signin_browsers::wants_notice(conn, user_id)?;
            let second = crate::accounts::two_factor_store::status(conn, user_id)?;
            Ok::<_, AppError>((
                queries::account_settings(conn, user_id)?,
                sessions::list(conn, user_id)?,
                (direct, watched, notice, second),
                crate::accounts::standing::history(conn, user_id)?,
                crate::memberships::groups_of(conn, user_id)?,
                avatar_store::current(conn, user_id)?,
            ))
        })
        .await?;
    let avatar_json = json!({
        "url": avatar::url(user_id, &account.username, picture.as_ref().map(|p| p.file.as_str())),
        "uploaded": picture.is_some(),
        "max_kib": avatar::LIMITS.max_bytes / 1024,
        "side": avatar::SIDE,
        // Like posting: a confirmed address, not silenced.
        "may_upload": crate::web::context::may_post(&ctx.settings, viewer).is_ok(),
    });
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
        "avatar_error": null,
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
                "calendar_active": account.calendar_active,
            },
            "require_verification": ctx.settings.mail.require_verification,
            "avatar": avatar_json,
            "email_prefs": {
                "direct": mode_choices(ctx, &email_direct),
                "watched": mode_choices(ctx, &email_watched),
                "signin_notice": signin_notice,
            },
            "two_factor": {
                "enabled": second.enabled_at.is_some(),
                "recovery_left": second.recovery_left,
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
            "groups": groups.iter().map(|g| json!({
                "slug": g.slug, "name": g.name,
                "coordinator": g.role == crate::memberships::GroupRole::Coordinator.as_str(),
            })).collect::<Vec<_>>(),
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
    /// The sign-in notice's box (an unticked box sends nothing).
    #[serde(default)]
    signin_notice: Option<String>,
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
                        account_mail::after_password_change(&tx, conn, user_id)
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
                .run(move |conn| {
                    account_mail::request_email_change(&tx, conn, user_id, &address, lang)
                })
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
            let signin_notice = form.signin_notice.is_some();
            ctx.db
                .run(move |conn| {
                    queries::set_email_preferences(conn, user_id, direct, watched)?;
                    crate::db::write_tx_private(conn, |conn| {
                        crate::accounts::signin_browsers::set_wanted(conn, user_id, signin_notice)
                    })
                    .map_err(AppError::from)
                })
                .await?;
            Ok(see_other("/settings?saved=notifications"))
        }
        "calendar" => {
            let secret = ctx
                .db
                .run(move |conn| {
                    crate::db::write_tx_private(conn, |conn| {
                        queries::renew_calendar_secret(conn, user_id)
                    })
                    .map_err(AppError::from)
                })
                .await?;
            let link = format!("{}/cal/{secret}.ics", ctx.settings.base_url());
            let form = json!({"calendar_link": link});
            render_settings(
                &ctx,
                StatusCode::OK,
                Some(form),
                &[],
                Some("settings-calendar-done"),
            )
            .await
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
        Some("avatar") => Some("notice-avatar-saved"),
        Some("avatar-removed") => Some("notice-avatar-removed"),
        _ => None,
    };
    render_settings(&ctx, StatusCode::OK, None, &[], notice).await
}
