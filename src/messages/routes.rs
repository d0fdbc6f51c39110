//! The pages of private messages: the list of conversations, a new conversation (from the
//! messages page or a profile's "Outgoing a message" link), a conversation with its reply form,
//! adding people (its starter) and leaving. Every form works without JavaScript and comes back
//! with the text kept when it is refused.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::domain::MAX_PARTICIPANTS;
use super::service::{self, Draft, Outgoing};
use super::store::Window;
use super::views;
use crate::forum::domain::Cursor;
use crate::mail::Mailer;
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/messages", web::get().to(list_page))
        .route("/messages/new", web::get().to(new_page))
        .route("/messages/new", web::post().to(new_submit))
        .route("/messages/{id}", web::get().to(conversation_page))
        .route("/messages/{id}/reply", web::post().to(reply_submit))
        .route("/messages/{id}/leave", web::post().to(leave_submit))
        .route(
            "/messages/{id}/participants",
            web::post().to(participants_submit),
        );
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

async fn list_page(ctx: Ctx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let cursor = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    let (items, next) = views::conversation_list(&ctx.db, user_id, cursor).await?;
    ctx.render(
        "pages/messages",
        json!({
            "conversations": items,
            "next_cursor": next,
            "is_first_page": cursor.is_none(),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct NewQuery {
    to: Option<String>,
}

/// The new-conversation form's page data.
fn new_form(ctx: &Ctx, form: &NewForm, errors: &[FieldError], general: Option<String>) -> Value {
    json!({
        "form": {"to": form.to, "subject": form.subject, "body": form.body},
        "errors": ctx.field_errors(&["to", "subject", "body"], errors),
        "general_error": general,
        "max_people": MAX_PARTICIPANTS - 1,
    })
}

async fn new_page(ctx: Ctx, query: web::Query<NewQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_user()?;
    let form = NewForm {
        to: query.to.clone().unwrap_or_default(),
        subject: String::new(),
        body: String::new(),
    };
    ctx.render("pages/message_new", new_form(&ctx, &form, &[], None))
}

/// Fields of the new-conversation form.
#[derive(Debug, Deserialize)]
struct NewForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// A form page sent back after a refusal, with the wait a 429 asks for.
pub(super) fn with_retry_after(mut res: HttpResponse, refusal: &AppError) -> HttpResponse {
    if let Some(secs) = refusal.report().retry_after {
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    res
}

/// True for what a form shows next to the kept text rather than as an error page.
fn shown_in_form(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid(_) | AppError::Refused(_) | AppError::PostingRate { .. }
    )
}

async fn new_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    form: CsrfForm<NewForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let form = form.0;
    let draft = match Draft::parse(&form.to, &form.subject, &form.body) {
        Ok(d) => d,
        Err(errors) => {
            return ctx.render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "pages/message_new",
                new_form(&ctx, &form, &errors, None),
            )
        }
    };
    let send = Outgoing {
        db: &ctx.db,
        settings: &ctx.settings,
        config: ctx.config.get(),
        mailer: &mailer,
        sender: &viewer,
    };
    match service::start(send, draft).await {
        Ok((id, _)) => Ok(see_other(&format!("/messages/{id}"))),
        Err(e) if shown_in_form(&e) => {
            let (errors, general) = match &e {
                AppError::Invalid(f) => (vec![f.clone()], None),
                other => (Vec::new(), Some(other.message(ctx.lang))),
            };
            let status = actix_web::ResponseError::status_code(&e);
            let res = ctx.render_status(
                status,
                "pages/message_new",
                new_form(&ctx, &form, &errors, general),
            )?;
            Ok(with_retry_after(res, &e))
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
struct ConversationQuery {
    before: Option<String>,
    /// Back from the report form.
    reported: Option<String>,
}

/// What a conversation page shows besides its messages: the kept reply and its error, the
/// kept names of the add-people form and theirs.
#[derive(Default)]
struct Kept {
    body: String,
    error: Option<String>,
    to: String,
    to_error: Option<String>,
    /// A report on one of its messages was just filed.
    reported: bool,
}

/// Renders a conversation for its member, marking it read when it shows the newest messages.
async fn show(
    mut ctx: Ctx,
    id: i64,
    before: Option<i64>,
    status: StatusCode,
    kept: Kept,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let opened = views::open(&ctx.db, user_id, id, Window::Newest { before }).await?;
    if before.is_none() {
        let last = opened.messages.last().map(|m| m.id);
        let up_to = last.unwrap_or(opened.membership.last_read_id);
        views::mark_read(&ctx.db, &opened, user_id, up_to).await?;
        if opened.membership.unread_count > 0 {
            // The header read the count before this page marked the conversation read.
            if let Some(v) = ctx.viewer.as_mut() {
                v.unread_messages = (v.unread_messages - 1).max(0);
            }
        }
    }
    let older = if opened.more {
        opened.messages.first().map(|m| m.id)
    } else {
        None
    };
    let is_starter = opened.conversation.starter_id == Some(user_id);
    let room = MAX_PARTICIPANTS.saturating_sub(opened.participants.len());
    ctx.render_status(
        status,
        "pages/conversation",
        json!({
            "conversation": {
                "id": opened.conversation.id,
                "subject": opened.conversation.subject,
                "created_at": opened.conversation.created_at,
                "message_count": opened.conversation.message_count,
            },
            "participants": opened.participants,
            "messages": opened.messages,
            "older_before": older,
            "is_newest": before.is_none(),
            "may_add": is_starter && room > 0,
            "room": room,
            "form": {"body": kept.body, "to": kept.to},
            "error": kept.error,
            "to_error": kept.to_error,
            "reported": kept.reported,
        }),
    )
}

async fn conversation_page(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<ConversationQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_user()?;
    let id = parse_id(&id.into_inner())?;
    let before = match query.before.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(parse_id(raw)?),
    };
    let kept = Kept {
        reported: query.reported.is_some(),
        ..Kept::default()
    };
    show(ctx, id, before, StatusCode::OK, kept).await
}

/// Fields of the reply form.
#[derive(Debug, Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
}

async fn reply_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    form: CsrfForm<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = parse_id(&id.into_inner())?;
    let send = Outgoing {
        db: &ctx.db,
        settings: &ctx.settings,
        config: ctx.config.get(),
        mailer: &mailer,
        sender: &viewer,
    };
    match service::reply(send, id, &form.0.body).await {
        Ok(message) => Ok(see_other(&format!("/messages/{id}#m{message}"))),
        Err(e) if shown_in_form(&e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let kept = Kept {
                body: form.0.body,
                error: Some(e.message(ctx.lang)),
                ..Kept::default()
            };
            let res = show(ctx, id, None, status, kept).await?;
            Ok(with_retry_after(res, &e))
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn leave_submit(
    ctx: Ctx,
    id: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let id = parse_id(&id.into_inner())?;
    service::leave(&ctx.db, user_id, id).await?;
    Ok(see_other("/messages"))
}

/// Fields of the add-people form.
#[derive(Debug, Deserialize)]
struct ParticipantsForm {
    #[serde(default)]
    to: String,
}

async fn participants_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    form: CsrfForm<ParticipantsForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = parse_id(&id.into_inner())?;
    let send = Outgoing {
        db: &ctx.db,
        settings: &ctx.settings,
        config: ctx.config.get(),
        mailer: &mailer,
        sender: &viewer,
    };
    match service::add_people(send, id, &form.0.to).await {
        Ok(_) => Ok(see_other(&format!("/messages/{id}"))),
        Err(e) if shown_in_form(&e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let kept = Kept {
                to: form.0.to,
                to_error: Some(e.message(ctx.lang)),
                ..Kept::default()
            };
            show(ctx, id, None, status, kept).await
        }
        Err(e) => Err(e),
    }
}
