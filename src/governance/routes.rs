//! Administrators' pages and API for running the community: `/admin/settings` (the settings
//! stored in the database), `/admin/applications` (approval mode), `/admin/invites`
//! (invitation links) and `/admin/users` (roles and board moderators). Every change is written
//! to the moderation log.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::accounts::registration::{self, Decision};
use crate::forum::queries as forum_queries;
use crate::mail::Mailer;
use crate::moderation::{roles, sanctions};
use crate::sessions::Role;
use crate::site_config::{self, RegistrationMode, SiteConfig};
use crate::validation::FieldError;
use crate::web::context::{see_other, ApiCtx, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings", web::get().to(settings_page))
        .route("/admin/settings", web::post().to(settings_submit))
        .route("/admin/applications", web::get().to(applications_page))
        .route(
            "/admin/applications/{user_id}",
            web::post().to(decide_submit),
        )
        .route("/admin/invites", web::get().to(invites_page))
        .route("/admin/invites", web::post().to(invite_submit))
        .route("/admin/invites/{id}/revoke", web::post().to(revoke_submit))
        .route("/admin/users", web::get().to(users_page))
        .route("/admin/users/{username}/role", web::post().to(role_submit))
        .route(
            "/admin/users/{username}/boards",
            web::post().to(board_role_submit),
        );
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings", web::get().to(settings_api))
        .route("/admin/settings", web::patch().to(settings_patch_api))
        .route("/admin/applications", web::get().to(applications_api))
        .route("/admin/applications/{user_id}", web::post().to(decide_api))
        .route("/admin/invites", web::get().to(invites_api))
        .route("/admin/invites", web::post().to(invite_create_api))
        .route("/admin/invites/{id}", web::delete().to(invite_revoke_api))
        .route("/admin/users/{username}/role", web::put().to(role_api))
        .route(
            "/admin/users/{username}/boards",
            web::post().to(board_role_api),
        );
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
    // An unticked box sends nothing.
    let ticked = submitted.contains_key("public_modlog");
    submitted.insert("public_modlog".into(), ticked.to_string());
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

async fn settings_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    Ok(HttpResponse::Ok().json(ctx.config.get().to_json()))
}

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

// ----- Applications -----

async fn applications_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let list = ctx
        .db
        .run(|conn| registration::pending(conn).map_err(AppError::from))
        .await?;
    let mode = ctx.config.get().registration_mode;
    ctx.render(
        "pages/admin_applications",
        json!({
            "applications": list,
            "approval_mode": mode == RegistrationMode::Approval,
        }),
    )
}

#[derive(Debug, Deserialize)]
struct DecisionBody {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    mailer: &web::Data<Mailer>,
    db: &crate::db::Db,
    actor: i64,
    user_id: i64,
    body: DecisionBody,
) -> Result<(), AppError> {
    let decision = Decision::parse(&body.decision).ok_or(AppError::Invalid(FieldError::new(
        "decision",
        "error-decision",
    )))?;
    if body.reason.chars().count() > 2000 {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-too-long",
        )));
    }
    let tx_mailer = mailer.clone();
    let done = db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                registration::decide(&tx_mailer, conn, actor, user_id, decision, &body.reason)
            })
        })
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    mailer.wake();
    Ok(())
}

async fn decide_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    user_id: web::Path<String>,
    form: CsrfForm<DecisionBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let user_id = parse_id(&user_id.into_inner())?;
    decide(&mailer, &ctx.db, actor, user_id, form.0).await?;
    Ok(see_other("/admin/applications"))
}

async fn applications_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let list = ctx
        .db
        .run(|conn| registration::pending(conn).map_err(AppError::from))
        .await?;
    let items: Vec<Value> = list
        .iter()
        .map(|a| {
            json!({
                "user_id": a.user_id,
                "username": a.username,
                "email": a.email,
                "email_verified": a.email_verified_at.is_some(),
                "answer": a.answer,
                "created_at": a.created_at,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"applications": items})))
}

async fn decide_api(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    user_id: web::Path<String>,
    body: web::Json<DecisionBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let user_id = parse_id(&user_id.into_inner())?;
    decide(&mailer, &ctx.db, actor, user_id, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ----- Invitations -----

#[derive(Debug, Deserialize)]
struct InviteBody {
    #[serde(default)]
    note: String,
    #[serde(default = "default_uses")]
    max_uses: Value,
    #[serde(default = "default_days")]
    days: Value,
}

fn default_uses() -> Value {
    json!(1)
}

fn default_days() -> Value {
    json!(7)
}

fn number(v: &Value, field: &'static str, key: &'static str) -> Result<i64, AppError> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or(AppError::Invalid(FieldError::new(field, key)))
}

async fn create_invite(
    settings: &crate::settings::Settings,
    db: &crate::db::Db,
    actor: i64,
    body: InviteBody,
) -> Result<(i64, String), AppError> {
    let uses = number(&body.max_uses, "max_uses", "error-invite-uses")?;
    let days = number(&body.days, "days", "error-invite-days")?;
    let note = body.note;
    let (id, secret) = db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                registration::create_invite(conn, actor, &note, uses, days)
            })
        })
        .await?;
    Ok((id, invite_url(settings, &secret)))
}

/// Every invitation, newest first, each marked usable or not.
async fn invites_json(db: &crate::db::Db) -> Result<Vec<Value>, AppError> {
    let list = db
        .run(|conn| registration::list_invites(conn).map_err(AppError::from))
        .await?;
    let now = crate::db::now();
    Ok(list
        .iter()
        .map(|i| {
            let mut v = json!(i);
            v["usable"] = json!(i.usable(now));
            v
        })
        .collect())
}

fn invite_url(settings: &crate::settings::Settings, secret: &str) -> String {
    format!("{}/register?invite={secret}", settings.base_url())
}

async fn render_invites(
    ctx: &Ctx,
    status: StatusCode,
    created: Option<String>,
    form: Value,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let items = invites_json(&ctx.db).await?;
    ctx.render_status(
        status,
        "pages/admin_invites",
        json!({
            "invites": items,
            "created": created,
            "form": form,
            "error": error,
            "mode": ctx.config.get().registration_mode.as_str(),
        }),
    )
}

async fn invites_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    render_invites(
        &ctx,
        StatusCode::OK,
        None,
        json!({"max_uses": 1, "days": 7, "note": ""}),
        None,
    )
    .await
}

async fn invite_submit(ctx: Ctx, form: CsrfForm<InviteBody>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let body = form.0;
    let echo = json!({"max_uses": body.max_uses, "days": body.days, "note": body.note});
    match create_invite(&ctx.settings, &ctx.db, actor, body).await {
        Ok((_, url)) => {
            let fresh = json!({"max_uses": 1, "days": 7, "note": ""});
            render_invites(&ctx, StatusCode::CREATED, Some(url), fresh, None).await
        }
        Err(AppError::Invalid(fe)) => {
            render_invites(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                echo,
                Some(ctx.t(fe.key)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn revoke(db: &crate::db::Db, actor: i64, id: i64) -> Result<(), AppError> {
    let done = db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                registration::revoke_invite(conn, actor, id).map_err(AppError::from)
            })
        })
        .await?;
    if done {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn revoke_submit(
    ctx: Ctx,
    id: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let id = parse_id(&id.into_inner())?;
    revoke(&ctx.db, actor, id).await?;
    Ok(see_other("/admin/invites"))
}

async fn invites_api(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let items = invites_json(&ctx.db).await?;
    Ok(HttpResponse::Ok().json(json!({"invites": items})))
}

async fn invite_create_api(
    ctx: ApiCtx,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let (id, url) = create_invite(&ctx.settings, &ctx.db, actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(json!({"id": id, "url": url})))
}

async fn invite_revoke_api(ctx: ApiCtx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let id = parse_id(&id.into_inner())?;
    revoke(&ctx.db, actor, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ----- Roles -----

#[derive(Debug, Deserialize)]
struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: Option<String>,
}

async fn users_page(ctx: Ctx, query: web::Query<UsersQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let q = query.q.trim().to_owned();
    let (staff, found, boards) = ctx
        .db
        .run(move |conn| {
            let staff = roles::staff(conn)?;
            let found = if q.is_empty() {
                None
            } else {
                match sanctions::person(conn, &q)? {
                    Some(p) => {
                        let moderated = sanctions::moderated_boards(conn, p.id)?;
                        Some((p, moderated))
                    }
                    None => None,
                }
            };
            let boards = forum_queries::list_boards(conn)?;
            Ok::<_, AppError>((staff, found, boards))
        })
        .await?;
    let staff: Vec<Value> = staff
        .into_iter()
        .map(|(name, role, boards)| json!({"username": name, "role": role, "boards": boards}))
        .collect();
    let person = found.as_ref().map(|(p, moderated)| {
        let roles: Vec<Value> = ["member", "moderator", "admin"]
            .iter()
            .map(|r| json!({"value": r, "label": ctx.t(&format!("role-{r}")), "selected": *r == p.role_name}))
            .collect();
        let boards: Vec<Value> = boards
            .iter()
            .map(|b| {
                json!({
                    "slug": b.board.slug,
                    "name": crate::forum::views::board_display_name(&b.board, ctx.lang),
                    "moderates": moderated.contains(&b.board.id),
                })
            })
            .collect();
        json!({"username": p.username, "role": p.role_name, "roles": roles, "boards": boards,
               "is_self": ctx.viewer.as_ref().is_some_and(|v| v.user_id == p.id)})
    });
    ctx.render(
        "pages/admin_users",
        json!({
            "staff": staff,
            "q": query.q,
            "person": person,
            "not_found": !query.q.trim().is_empty() && found.is_none(),
            "done": query.done.is_some(),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct RoleBody {
    #[serde(default)]
    role: String,
}

async fn change_role(
    db: &crate::db::Db,
    actor: i64,
    username: String,
    role: &str,
) -> Result<bool, AppError> {
    let role = Role::parse(role).ok_or(AppError::Invalid(FieldError::new("role", "error-role")))?;
    db.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let person = sanctions::person(conn, &username)?.ok_or(AppError::NotFound)?;
            roles::set_role(conn, Some(actor), &person, role)
        })
    })
    .await
}

async fn role_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<RoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let username = username.into_inner();
    change_role(&ctx.db, actor, username.clone(), &form.0.role).await?;
    Ok(see_other(&format!(
        "/admin/users?q={}&done=1",
        urlencode(&username)
    )))
}

async fn role_api(
    ctx: ApiCtx,
    username: web::Path<String>,
    body: web::Json<RoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let role = body.into_inner().role;
    let changed = change_role(&ctx.db, actor, username.into_inner(), &role).await?;
    Ok(HttpResponse::Ok().json(json!({"role": role, "changed": changed})))
}

#[derive(Debug, Deserialize)]
struct BoardRoleBody {
    #[serde(default)]
    board: String,
    /// Web form: `add` or `remove`.
    #[serde(default)]
    action: Option<String>,
    /// API: true to add, false to remove.
    #[serde(default)]
    moderates: Option<bool>,
}

async fn change_board_role(
    db: &crate::db::Db,
    actor: i64,
    username: String,
    body: BoardRoleBody,
) -> Result<bool, AppError> {
    let moderates = match (body.moderates, body.action.as_deref()) {
        (Some(m), _) => m,
        (None, Some("add")) => true,
        (None, Some("remove")) => false,
        _ => {
            return Err(AppError::Invalid(FieldError::new(
                "action",
                "error-board-role-action",
            )))
        }
    };
    let slug = body.board;
    db.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let person = sanctions::person(conn, &username)?.ok_or(AppError::NotFound)?;
            let board = forum_queries::board_by_slug(conn, &slug)?.ok_or(AppError::Invalid(
                FieldError::new("board", "error-board-unknown"),
            ))?;
            roles::set_board_moderator(conn, Some(actor), &person, board.id, &board.slug, moderates)
        })
    })
    .await
}

async fn board_role_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<BoardRoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let username = username.into_inner();
    change_board_role(&ctx.db, actor, username.clone(), form.0).await?;
    Ok(see_other(&format!(
        "/admin/users?q={}&done=1",
        urlencode(&username)
    )))
}

async fn board_role_api(
    ctx: ApiCtx,
    username: web::Path<String>,
    body: web::Json<BoardRoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let changed =
        change_board_role(&ctx.db, actor, username.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({"changed": changed})))
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
