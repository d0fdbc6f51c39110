//! Moderation pages: a person's moderation page for staff (sanctions, their history, private
//! notes), the staff log and the public transparency log.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::content;
use super::policy::{self, Action, Actor, Denied, Target};
use super::sanctions::{self, Person};
use super::threads;
use crate::audit;
use crate::db::Db;
use crate::sessions::Viewer;
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Log lines per page.
const LOG_PAGE: i64 = 50;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/mod/users/{username}", web::get().to(person_page))
        .route(
            "/mod/users/{username}/sanctions",
            web::post().to(sanction_submit),
        )
        .route("/mod/users/{username}/lift", web::post().to(lift_submit))
        .route("/mod/users/{username}/notes", web::post().to(note_submit))
        .route("/mod/threads/{id}", web::post().to(thread_submit))
        .route("/mod/posts/{id}", web::post().to(post_submit))
        .route("/p/{id}/history", web::get().to(post_history))
        .route("/mod/log", web::get().to(staff_log))
        .route("/moderation", web::get().to(public_log));
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::SignInFirst => AppError::Unauthorized,
            Denied::Forbidden => AppError::Forbidden,
        }
    }
}

/// The viewer as an actor, with the boards they moderate (read now from the database).
pub async fn actor(db: &Db, viewer: Option<&Viewer>) -> Result<Option<Actor>, AppError> {
    let Some(v) = viewer else {
        return Ok(None);
    };
    let (user_id, role) = (v.user_id, v.role);
    // Staff rights suspended until two-factor sign-in is on (see `Viewer::needs_two_factor`).
    let boards = if v.needs_two_factor {
        Vec::new()
    } else {
        db.run(move |conn| sanctions::moderated_boards(conn, user_id).map_err(AppError::from))
            .await?
    };
    Ok(Some(Actor {
        user_id,
        role,
        moderated_boards: boards,
    }))
}

/// Finds the person and checks that the viewer may do `action` to them.
pub async fn authorize_on_person(
    db: &Db,
    viewer: Option<&Viewer>,
    username: String,
    action: Action,
) -> Result<(Actor, Person), AppError> {
    let actor = actor(db, viewer).await?;
    // Signed-out visitors learn nothing about who exists.
    let actor = actor.ok_or(AppError::Unauthorized)?;
    let person = db
        .run(move |conn| sanctions::person(conn, &username).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    policy::check(
        Some(&actor),
        action,
        Target::Person {
            user_id: person.id,
            role: person.role(),
        },
    )?;
    Ok((actor, person))
}

async fn render_person(
    ctx: &Ctx,
    status: StatusCode,
    person: &Person,
    form: Value,
    error: Option<&FieldError>,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let user_id = person.id;
    let (history, notes, picture) = ctx
        .db
        .run(move |conn| {
            Ok::<_, AppError>((
                sanctions::history(conn, user_id)?,
                sanctions::notes(conn, user_id)?,
                crate::accounts::avatar_store::current(conn, user_id)?,
            ))
        })
        .await?;
    let now = crate::db::now();
    let history: Vec<Value> = history
        .iter()
        .map(|s| {
            json!({
                "kind": s.kind,
                "kind_label": ctx.t(&format!("sanction-kind-{}", s.kind)),
                "reason": s.reason,
                "until": s.until,
                "created_at": s.created_at,
                "lifted_at": s.lifted_at,
                "active": s.is_active(now),
            })
        })
        .collect();
    let any_active = history.iter().any(|s| s["active"] == true);
    let kinds: Vec<Value> = ["warn", "silence", "suspend", "ban"]
        .iter()
        .map(|k| {
            json!({
                "value": k,
                "label": ctx.t(&format!("sanction-kind-{k}")),
                "selected": form["kind"] == *k,
            })
        })
        .collect();
    ctx.render_status(
        status,
        "pages/mod_person",
        json!({
            "person": {"username": person.username, "role": person.role_name},
            "history": history,
            "any_active": any_active,
            "notes": notes,
            "form": form,
            "error": error.map(|e| json!({"field": e.field, "message": ctx.t(e.key)})),
            "notice": notice.map(|k| ctx.t(k)),
            "kinds": kinds,
            "picture": picture.map(|p| crate::accounts::avatar::url(person.id, &person.username, Some(&p.file))),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn person_page(
    ctx: Ctx,
    username: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, person) = authorize_on_person(
        &ctx.db,
        ctx.viewer.as_ref(),
        username.into_inner(),
        Action::ManageNotes,
    )
    .await?;
    let notice = match query.done.as_deref() {
        Some("sanction") => Some("notice-sanction-applied"),
        Some("lift") => Some("notice-sanctions-lifted"),
        Some("note") => Some("notice-note-added"),
        Some("avatar") => Some("notice-mod-avatar-removed"),
        Some("no-avatar") => Some("notice-mod-no-avatar"),
        _ => None,
    };
    let form = json!({"kind": "warn", "until": "", "reason": "", "note": ""});
    render_person(&ctx, StatusCode::OK, &person, form, None, notice).await
}

/// The sanction form.
#[derive(Debug, Deserialize)]
pub struct SanctionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub reason: String,
}

async fn sanction_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<SanctionForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let username = username.into_inner();
    let kind = sanctions::Kind::parse(&form.kind).ok_or(AppError::BadRequest("error-bad-form"))?;
    let (actor, person) =
        authorize_on_person(&ctx.db, ctx.viewer.as_ref(), username, kind.action()).await?;
    let typed = json!({"kind": form.kind, "until": form.until, "reason": form.reason, "note": ""});
    let sanction = match sanctions::validate(
        &form.kind,
        &form.reason,
        Some(&form.until),
        crate::db::now(),
    ) {
        Ok(s) => s,
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_person(&ctx, status, &person, typed, Some(&e), None).await;
        }
    };
    let target = person.clone();
    ctx.db
        .run(move |conn| {
            sanctions::apply(conn, actor.user_id, &target, &sanction).map_err(AppError::from)
        })
        .await?;
    tracing::info!(kind = kind.as_str(), "sanction applied");
    Ok(see_other(&format!(
        "/mod/users/{}?done=sanction",
        person.username
    )))
}

#[derive(Debug, Deserialize)]
struct LiftForm {
    #[serde(default)]
    reason: String,
}

async fn lift_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<LiftForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, person) = authorize_on_person(
        &ctx.db,
        ctx.viewer.as_ref(),
        username.into_inner(),
        Action::LiftSanctions,
    )
    .await?;
    let reason: String = form
        .0
        .reason
        .trim()
        .chars()
        .take(sanctions::MAX_REASON_CHARS)
        .collect();
    let target = person.clone();
    ctx.db
        .run(move |conn| {
            sanctions::lift(conn, actor.user_id, &target, &reason).map_err(AppError::from)
        })
        .await?;
    Ok(see_other(&format!(
        "/mod/users/{}?done=lift",
        person.username
    )))
}

#[derive(Debug, Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn note_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, person) = authorize_on_person(
        &ctx.db,
        ctx.viewer.as_ref(),
        username.into_inner(),
        Action::ManageNotes,
    )
    .await?;
    let body = crate::validation::clean_text(&form.0.note, true)
        .trim()
        .to_owned();
    let error = if body.is_empty() {
        Some(FieldError::new("note", "error-note-required"))
    } else if body.chars().count() > sanctions::MAX_REASON_CHARS {
        Some(FieldError::new("note", "error-reason-too-long"))
    } else {
        None
    };
    if let Some(e) = error {
        let typed = json!({"kind": "warn", "until": "", "reason": "", "note": form.0.note});
        return render_person(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &person,
            typed,
            Some(&e),
            None,
        )
        .await;
    }
    let target = person.clone();
    ctx.db
        .run(move |conn| {
            sanctions::add_note(conn, actor.user_id, &target, &body).map_err(AppError::from)
        })
        .await?;
    Ok(see_other(&format!(
        "/mod/users/{}?done=note",
        person.username
    )))
}

/// The policy action behind a thread action's name (checked before the request is validated,
/// so that a refusal is a 403 whatever was typed).
fn thread_policy(name: &str) -> Option<Action> {
    match name {
        "lock" | "unlock" => Some(Action::LockThread),
        "pin" | "unpin" => Some(Action::PinThread),
        "move" => Some(Action::MoveThread),
        "rename" => Some(Action::RenameThread),
        "city" => Some(Action::ChangeCity),
        "slow_mode" => Some(Action::SlowMode),
        "hide" | "restore" => Some(Action::HideContent),
        _ => None,
    }
}

/// Checks and applies a moderation request on a thread; returns the thread as it was before.
pub async fn moderate_thread(
    db: &Db,
    viewer: Option<&Viewer>,
    thread_id: i64,
    request: threads::ThreadRequest,
) -> Result<crate::forum::thread_queries::Thread, AppError> {
    let actor = actor(db, viewer).await?.ok_or(AppError::Unauthorized)?;
    let who = viewer.cloned().ok_or(AppError::Unauthorized)?;
    let thread = db
        .run(move |conn| {
            // A group's private thread does not exist for staff it is not open to.
            crate::forum::visibility::readable_thread(conn, Some(&who), thread_id)?
                .map(|(thread, _)| thread)
                .ok_or(AppError::NotFound)
        })
        .await?;
    let wanted = thread_policy(&request.action).ok_or(AppError::Invalid(FieldError::new(
        "action",
        "error-moderation-action",
    )))?;
    policy::check(Some(&actor), wanted, Target::Board(thread.board_id))?;
    let (action, reason) = db
        .run(move |conn| threads::parse(conn, &request, crate::db::now()))
        .await?;
    if let threads::ThreadAction::Move { board_id, .. } = &action {
        policy::check(Some(&actor), Action::MoveThread, Target::Board(*board_id))?;
    }
    let before = thread.clone();
    let actor_id = actor.user_id;
    db.run(move |conn| {
        threads::apply(conn, actor_id, &thread, &action, &reason).map_err(AppError::from)
    })
    .await?;
    Ok(before)
}

/// The thread moderation form (every field a string: browsers send empty ones).
#[derive(Debug, Deserialize)]
struct ThreadForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    board: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    reason: String,
}

async fn thread_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<ThreadForm>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let form = form.0;
    let minutes = match form.minutes.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            AppError::Invalid(FieldError::new("minutes", "error-slow-mode-minutes"))
        })?),
    };
    let request = threads::ThreadRequest {
        action: form.action,
        board: Some(form.board),
        until: Some(form.until),
        title: Some(form.title),
        city: Some(form.city),
        minutes,
        reason: Some(form.reason),
    };
    moderate_thread(&ctx.db, ctx.viewer.as_ref(), id, request).await?;
    Ok(see_other(&format!("/t/{id}")))
}

/// Checks and applies a moderation request on a post; returns the post's thread id.
pub async fn moderate_post(
    db: &Db,
    viewer: Option<&Viewer>,
    post_id: i64,
    action: &str,
    reason: &str,
) -> Result<i64, AppError> {
    let actor = actor(db, viewer).await?.ok_or(AppError::Unauthorized)?;
    let who = viewer.cloned().ok_or(AppError::Unauthorized)?;
    let target = db
        .run(move |conn| {
            let target = content::post_target(conn, post_id)?.ok_or(AppError::NotFound)?;
            // A group's private thread does not exist for staff it is not open to.
            if crate::forum::visibility::readable_thread(conn, Some(&who), target.thread_id)?
                .is_none()
            {
                return Err(AppError::NotFound);
            }
            Ok(target)
        })
        .await?;
    let action = content::PostAction::parse(action).ok_or(AppError::Invalid(FieldError::new(
        "action",
        "error-moderation-action",
    )))?;
    policy::check(
        Some(&actor),
        action.policy(),
        Target::Board(target.board_id),
    )?;
    let reason = crate::validation::clean_text(reason, true)
        .trim()
        .to_owned();
    if reason.chars().count() > sanctions::MAX_REASON_CHARS {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-too-long",
        )));
    }
    if action != content::PostAction::Restore && reason.is_empty() {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-required",
        )));
    }
    let thread_id = target.thread_id;
    let actor_id = actor.user_id;
    db.run(move |conn| {
        content::apply_post(conn, actor_id, &target, action, &reason).map_err(AppError::from)
    })
    .await?;
    Ok(thread_id)
}

#[derive(Debug, Deserialize)]
struct PostForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

async fn post_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<PostForm>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    moderate_post(
        &ctx.db,
        ctx.viewer.as_ref(),
        id,
        &form.0.action,
        &form.0.reason,
    )
    .await?;
    Ok(see_other(&format!("/p/{id}")))
}

/// Every earlier version of a post, for the board's staff.
async fn post_history(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone();
    let (target, revisions) = ctx
        .db
        .run(move |conn| {
            let target = content::post_target(conn, id)?.ok_or(AppError::NotFound)?;
            let Some((_, staff)) =
                crate::forum::visibility::readable_thread(conn, viewer.as_ref(), target.thread_id)?
            else {
                return Err(AppError::NotFound);
            };
            if !staff {
                return Err(if viewer.is_some() {
                    AppError::Forbidden
                } else {
                    AppError::Unauthorized
                });
            }
            let revisions = crate::forum::thread_queries::revisions(conn, id)?;
            Ok((target, revisions))
        })
        .await?;
    ctx.render(
        "pages/post_history",
        json!({
            "post": {"id": target.id, "number": target.number, "thread_id": target.thread_id, "thread_title": target.thread_title},
            "revisions": revisions,
        }),
    )
}

#[derive(Debug, Deserialize)]
struct LogQuery {
    before: Option<i64>,
}

fn log_labels(ctx: &Ctx, action: &str) -> String {
    ctx.t(&format!("modlog-action-{action}"))
}

async fn staff_log(ctx: Ctx, query: web::Query<LogQuery>) -> Result<HttpResponse, AppError> {
    let actor = actor(&ctx.db, ctx.viewer.as_ref()).await?;
    policy::check(actor.as_ref(), Action::ViewFullLog, Target::Site)?;
    let before = query.before;
    let rows = ctx
        .db
        .run(move |conn| audit::staff_view(conn, before, LOG_PAGE + 1).map_err(AppError::from))
        .await?;
    let next = (rows.len() as i64 > LOG_PAGE).then(|| rows[LOG_PAGE as usize - 1].id);
    let entries: Vec<Value> = rows
        .iter()
        .take(LOG_PAGE as usize)
        .map(|e| {
            json!({
                "actor": e.actor, "action": e.action, "action_label": log_labels(&ctx, &e.action),
                "target_kind": e.target_kind, "target_label": e.target_label, "reason": e.reason,
                "expires_at": e.expires_at, "created_at": e.created_at,
            })
        })
        .collect();
    ctx.render(
        "pages/modlog",
        json!({"entries": entries, "staff": true, "next_url": next.map(|id| format!("/mod/log?before={id}"))}),
    )
}

async fn public_log(ctx: Ctx, query: web::Query<LogQuery>) -> Result<HttpResponse, AppError> {
    if !ctx.config.get().public_modlog {
        return Err(AppError::NotFound);
    }
    let before = query.before;
    let rows = ctx
        .db
        .run(move |conn| audit::public_view(conn, before, LOG_PAGE + 1).map_err(AppError::from))
        .await?;
    let next = (rows.len() as i64 > LOG_PAGE).then(|| rows[LOG_PAGE as usize - 1].id);
    let entries: Vec<Value> = rows
        .iter()
        .take(LOG_PAGE as usize)
        .map(|e| {
            json!({
                "actor": null, "action": e.action, "action_label": log_labels(&ctx, &e.action),
                "target_kind": e.target_kind, "target_label": e.target_label, "reason": "",
                "expires_at": e.expires_at, "created_at": e.created_at,
            })
        })
        .collect();
    ctx.render(
        "pages/modlog",
        json!({"entries": entries, "staff": false, "next_url": next.map(|id| format!("/moderation?before={id}"))}),
    )
}
