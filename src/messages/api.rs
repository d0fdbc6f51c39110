//! The JSON API of private messages: `GET`/`POST /conversations`,
//! `GET`/`POST /conversations/{id}/messages`. The rules are the pages' (`service`).

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::service::{self, Draft, Outgoing};
use super::store::Window;
use super::views::{self, ConversationItem, MessageItem};
use crate::forum::domain::Cursor;
use crate::mail::Mailer;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Registers the API handlers.
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(list)
        .service(start)
        .service(messages)
        .service(reply);
}

#[derive(Debug, Deserialize, IntoParams)]
struct CursorQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of the token's user's conversations.
#[derive(Debug, Serialize, ToSchema)]
struct ConversationPage {
    conversations: Vec<ConversationItem>,
    /// Pass it back as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// The token's user's conversations, latest activity first, 30 a page, with their
/// participants, last message and unread count.
#[utoipa::path(
    params(CursorQuery),
    tag = "messages",
    security(("bearer" = [])),
    responses((status = 200, description = "A page of conversations", body = ConversationPage))
)]
#[get("/conversations")]
async fn list(ctx: ApiCtx, query: web::Query<CursorQuery>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let cursor = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    let (conversations, next_cursor) = views::conversation_list(&ctx.db, user_id, cursor).await?;
    Ok(HttpResponse::Ok().json(ConversationPage {
        conversations,
        next_cursor,
    }))
}

/// A new conversation.
#[derive(Debug, Deserialize, ToSchema)]
struct NewConversation {
    /// The other people's usernames (1 to 19).
    to: Vec<String>,
    /// 1 to 150 characters.
    subject: String,
    /// The first message, in Markdown.
    body: String,
}

/// A conversation just started.
#[derive(Debug, Serialize, ToSchema)]
struct ConversationStarted {
    id: i64,
    message_id: i64,
    url: String,
}

/// Starts a conversation with 1 to 19 other members. 403 `forbidden` when one of them does
/// not accept messages from the token's user (the same answer for a block and a closed
/// inbox), for a silenced account or an unconfirmed address; 422 naming `to`, `subject` or
/// `body` (`to` also for more people than the whole hourly allowance); 429 past the posting
/// rate, where each person addressed counts as one message.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = NewConversation,
    responses((status = 201, description = "Started", body = ConversationStarted))
)]
#[post("/conversations")]
async fn start(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    body: web::Json<NewConversation>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let body = body.into_inner();
    let draft = Draft::parse(&body.to.join(","), &body.subject, &body.body).map_err(|errors| {
        // The first field at fault (the page shows them all at once).
        errors
            .into_iter()
            .next()
            .map_or(AppError::BadRequest("error-bad-form"), AppError::Invalid)
    })?;
    let send = Outgoing {
        db: &ctx.db,
        settings: &ctx.settings,
        config: ctx.config.get(),
        mailer: &mailer,
        sender: &viewer,
    };
    let (id, message_id) = service::start(send, draft).await?;
    Ok(HttpResponse::Created().json(ConversationStarted {
        id,
        message_id,
        url: format!("/messages/{id}"),
    }))
}

/// A conversation, for its members.
#[derive(Debug, Serialize, ToSchema)]
struct ConversationInfo {
    id: i64,
    subject: String,
    participants: Vec<String>,
    created_at: NaiveDateTime,
}

/// A page of a conversation's messages.
#[derive(Debug, Serialize, ToSchema)]
struct MessagePage {
    conversation: ConversationInfo,
    messages: Vec<MessageItem>,
    /// Pass it back as `cursor` for the next (newer) messages; `null` on the last page.
    next_cursor: Option<String>,
}

/// A conversation's messages, oldest first, 50 a page (messages of people the reader blocked
/// left out). Reading the last page marks the conversation read. 404 for anyone not in it,
/// site staff included.
#[utoipa::path(
    params(CursorQuery),
    tag = "messages",
    security(("bearer" = [])),
    responses((status = 200, description = "A page of messages", body = MessagePage))
)]
#[get("/conversations/{id}/messages")]
async fn messages(
    ctx: ApiCtx,
    id: web::Path<String>,
    query: web::Query<CursorQuery>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let id = parse_id(&id.into_inner())?;
    let after = match query.cursor.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(raw) => raw.parse::<i64>().map_err(|_| {
            AppError::Invalid(crate::validation::FieldError::new(
                "cursor",
                "error-bad-cursor",
            ))
        })?,
    };
    let opened = views::open(&ctx.db, user_id, id, Window::After(after)).await?;
    let last = opened.messages.last().map(|m| m.id);
    let next_cursor = if opened.more {
        last.map(|m| m.to_string())
    } else {
        let up_to = last.unwrap_or(opened.membership.last_read_id);
        views::mark_read(&ctx.db, &opened, user_id, up_to).await?;
        None
    };
    Ok(HttpResponse::Ok().json(MessagePage {
        conversation: ConversationInfo {
            id: opened.conversation.id,
            subject: opened.conversation.subject,
            participants: opened.participants,
            created_at: opened.conversation.created_at,
        },
        messages: opened.messages,
        next_cursor,
    }))
}

/// A message to write.
#[derive(Debug, Deserialize, ToSchema)]
struct NewMessage {
    /// Markdown.
    body: String,
}

/// A message just written.
#[derive(Debug, Serialize, ToSchema)]
struct MessageWritten {
    id: i64,
    conversation_id: i64,
}

/// Writes a message in a conversation the token's user is in (404 otherwise). 422 `body`,
/// 429 past the posting rate, 403 for an unconfirmed address, or for a silenced account in a
/// conversation without the site's staff.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = NewMessage,
    responses((status = 201, description = "Written", body = MessageWritten))
)]
#[post("/conversations/{id}/messages")]
async fn reply(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    body: web::Json<NewMessage>,
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
    let message = service::reply(send, id, &body.body).await?;
    Ok(HttpResponse::Created().json(MessageWritten {
        id: message,
        conversation_id: id,
    }))
}
