//! The actions' JSON API under `/api/v1/actions`: the list (filters as on `/actions`),
//! announcing, reading, changing and cancelling an action, and answering it.

use actix_web::{get, patch, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::actions::answers;
use crate::actions::domain::{ActionForm, Answer};
use crate::actions::listing::{self, ListQuery};
use crate::actions::queries;
use crate::actions::service::{self, ActionView, Host};
use crate::forum::limits::{self, Poster};
use crate::mail::Mailer;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Registers the API routes (inside `/api/v1`).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(cancel)
        .service(rsvp);
}

/// A page of actions.
#[derive(Debug, Serialize, ToSchema)]
struct ActionList {
    /// As `service::action_view` writes them.
    #[schema(value_type = Vec<ActionView>)]
    actions: Vec<Value>,
    /// The `cursor` of the next page, if any.
    next_cursor: Option<String>,
}

/// The upcoming actions the reader may see, soonest first.
#[utoipa::path(
    operation_id = "actions",
    tag = "actions",
    params(ListQuery),
    responses((status = 200, description = "A page of actions", body = ActionList))
)]
#[get("/actions")]
async fn list(ctx: ApiCtx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let base = ctx.settings.base_url().to_owned();
    let page = listing::page(
        &ctx.db,
        ctx.viewer.clone(),
        base,
        ctx.lang,
        query.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(ActionList {
        actions: page.actions,
        next_cursor: page.next,
    }))
}

/// A capacity as JSON may write it: a number, a string, or null.
fn capacity_text(v: Option<&Value>) -> Result<String, AppError> {
    match v {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(AppError::Invalid(FieldError::new(
            "capacity",
            "action-error-capacity",
        ))),
    }
}

/// Body of `POST /actions` and `PATCH /actions/{id}` (every field optional in a patch).
#[derive(Debug, Default, Deserialize, ToSchema)]
struct ActionBody {
    /// The group that holds it (its slug; none: a site board's action).
    group: Option<String>,
    /// The board of its discussion thread (its slug).
    board: Option<String>,
    title: Option<String>,
    /// Local time in the city's zone (`2026-12-20T18:30`).
    starts_at: Option<String>,
    /// Local time; `null` for no end (missing: unchanged).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    ends_at: Option<Option<String>>,
    place: Option<String>,
    meeting_point: Option<String>,
    /// A city's slug or name.
    city: Option<String>,
    /// Markdown.
    description: Option<String>,
    /// `public` or `members`.
    visibility: Option<String>,
    /// A number (as a number or a string), or `null` for no limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    capacity: Option<Value>,
}

/// Keeps `"ends_at": null` (no end) apart from a missing `ends_at` (unchanged).
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Keeps `"capacity": null` apart from a missing capacity.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl ActionBody {
    /// Writes the body's fields over `form`.
    fn apply(self, form: &mut ActionForm) -> Result<(), AppError> {
        let set = |slot: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut form.title, self.title);
        set(&mut form.starts_at, self.starts_at);
        if let Some(end) = self.ends_at {
            form.ends_at = end.unwrap_or_default();
        }
        set(&mut form.place, self.place);
        set(&mut form.meeting_point, self.meeting_point);
        set(&mut form.city, self.city);
        set(&mut form.description, self.description);
        set(&mut form.visibility, self.visibility);
        set(&mut form.board, self.board);
        if self.capacity.is_some() {
            form.capacity = capacity_text(self.capacity.as_ref())?;
        }
        Ok(())
    }
}

fn first_error(mut errors: Vec<FieldError>) -> AppError {
    if errors.is_empty() {
        AppError::BadRequest("error-bad-form")
    } else {
        AppError::Invalid(errors.remove(0))
    }
}

/// Announces an action, with its discussion thread (members who may post; a group's, its
/// members).
#[utoipa::path(
    operation_id = "create_action",
    tag = "actions",
    security(("bearer" = [])),
    request_body = ActionBody,
    responses((status = 201, description = "The new action", body = ActionView))
)]
#[post("/actions")]
async fn create(ctx: ApiCtx, body: web::Json<ActionBody>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let body = body.into_inner();
    let group = body.group.clone();
    let mut form = ActionForm::default();
    body.apply(&mut form)?;
    let input = form.parse().map_err(first_error)?;
    let base = ctx.settings.base_url().to_owned();
    let lang = ctx.lang;
    let config = ctx.config.get();
    let json = ctx
        .db
        .run(move |conn| {
            let host = service::host(conn, group.as_deref(), &viewer)?;
            if matches!(host, Host::Site) {
                limits::check_new_post(conn, &config, &Poster::of(&viewer), &input.title)?;
            }
            let id = service::create(conn, &host, viewer.user_id, lang, &base, &input)?;
            reloaded(conn, id, &viewer, &base, lang)
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

/// The action JSON after a write, as its author sees it.
fn reloaded(
    conn: &mut crate::db::DbConnection,
    id: i64,
    viewer: &crate::sessions::Viewer,
    base: &str,
    lang: crate::i18n::Lang,
) -> Result<Value, AppError> {
    let (action, access) = service::load(conn, id, Some(viewer))?;
    let rsvps = service::visible_rsvps(conn, id, access, Some(viewer.user_id))?;
    Ok(service::action_json(
        base,
        &action,
        access,
        Some(viewer.user_id),
        &rsvps,
        lang,
    ))
}

/// An action (404 for a members-only action the reader may not see).
#[utoipa::path(
    operation_id = "action",
    tag = "actions",
    responses((status = 200, description = "The action", body = ActionView))
)]
#[get("/actions/{id}")]
async fn show(ctx: ApiCtx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone();
    let base = ctx.settings.base_url().to_owned();
    let lang = ctx.lang;
    let json = ctx
        .db
        .run(move |conn| {
            let (action, access) = service::load(conn, id, viewer.as_ref())?;
            let me = viewer.as_ref().map(|v| v.user_id);
            let rsvps = service::visible_rsvps(conn, id, access, me)?;
            Ok::<_, AppError>(service::action_json(
                &base, &action, access, me, &rsvps, lang,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

/// Runs `write` on an action the viewer manages (403 otherwise, 404 when they cannot see it)
/// and answers with the action as it is now.
async fn managed_write<F>(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    id: String,
    write: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut crate::db::DbConnection, &Mailer, &queries::Action) -> Result<(), AppError>
        + Send
        + 'static,
{
    let id = parse_id(&id)?;
    let viewer = ctx.require_user()?.clone();
    let base = ctx.settings.base_url().to_owned();
    let lang = ctx.lang;
    let m = mailer.clone();
    let json = ctx
        .db
        .run(move |conn| {
            let action = service::load_managed(conn, id, &viewer)?;
            write(conn, &m, &action)?;
            reloaded(conn, id, &viewer, &base, lang)
        })
        .await?;
    mailer.wake();
    Ok(HttpResponse::Ok().json(json))
}

/// Changes an action (its author, its group's coordinators, the staff); those who answered
/// get a mail.
#[utoipa::path(
    operation_id = "update_action",
    tag = "actions",
    security(("bearer" = [])),
    request_body = ActionBody,
    responses((status = 200, description = "The action as it is now", body = ActionView))
)]
#[patch("/actions/{id}")]
async fn update(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    body: web::Json<ActionBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    managed_write(ctx, mailer, id.into_inner(), move |conn, mailer, action| {
        let mut form = listing::form_of(action);
        body.apply(&mut form)?;
        let input = form.parse().map_err(first_error)?;
        service::update(conn, mailer, action, &input)
    })
    .await
}

/// Cancels an action (409 when it already is); those who answered get a mail.
#[utoipa::path(
    operation_id = "cancel_action",
    tag = "actions",
    security(("bearer" = [])),
    responses((status = 200, description = "The cancelled action", body = ActionView))
)]
#[post("/actions/{id}/cancel")]
async fn cancel(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    managed_write(ctx, mailer, id.into_inner(), service::cancel).await
}

/// Body of `PUT /actions/{id}/rsvp`.
#[derive(Debug, Deserialize, ToSchema)]
struct RsvpBody {
    /// `going`, `maybe` or `not_going`.
    #[serde(default)]
    answer: String,
    /// Counted without showing the name.
    #[serde(default)]
    hide_name: bool,
}

/// The answer as recorded.
#[derive(Debug, Serialize, ToSchema)]
struct RsvpAnswer {
    /// `going`, `maybe` or `not_going`.
    answer: &'static str,
    /// Going, but on the waiting list (the action is full).
    waitlisted: bool,
}

/// Answers an action (or changes the answer).
#[utoipa::path(
    operation_id = "answer_action",
    tag = "actions",
    security(("bearer" = [])),
    request_body = RsvpBody,
    responses((status = 200, description = "The answer", body = RsvpAnswer))
)]
#[put("/actions/{id}/rsvp")]
async fn rsvp(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    body: web::Json<RsvpBody>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let viewer = ctx.require_user()?.clone();
    answers::may_answer(&ctx.settings, &viewer)?;
    let body = body.into_inner();
    let answer = Answer::parse(&body.answer).ok_or(AppError::Invalid(FieldError::new(
        "answer",
        "action-error-answer",
    )))?;
    let m = mailer.clone();
    let answered = ctx
        .db
        .run(move |conn| {
            let (action, _) = service::load(conn, id, Some(&viewer))?;
            answers::answer(conn, &m, &action, viewer.user_id, answer, body.hide_name)
        })
        .await?;
    mailer.wake();
    Ok(HttpResponse::Ok().json(RsvpAnswer {
        answer: answered.answer.as_str(),
        waitlisted: answered.waitlisted,
    }))
}
