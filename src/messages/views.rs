//! What the pages and the API show of conversations and messages, read in a bounded number of
//! statements: a page of the list (three), a page of a conversation's messages (three).

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::domain::{CONVERSATIONS_PER_PAGE, MESSAGES_PER_PAGE};
use super::store::{self, Conversation, Membership, MessageRow, Window};
use crate::db::Db;
use crate::forum::domain::Cursor;
use crate::web::error::AppError;

/// Characters of the last message a list shows.
const LAST_MESSAGE_CHARS: usize = 140;

/// The last message of a conversation, in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LastMessage {
    pub author: String,
    /// Its first characters, as plain Markdown.
    pub excerpt: String,
}

/// A conversation in the reader's list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationItem {
    pub id: i64,
    pub subject: String,
    /// The people in it now, the reader included.
    pub participants: Vec<String>,
    /// When the last message the reader received (or wrote) arrived.
    pub last_message_at: NaiveDateTime,
    /// Messages the reader has not read yet.
    pub unread: i64,
    pub last_message: Option<LastMessage>,
    /// Its page.
    pub url: String,
}

/// A page of the reader's conversations, latest first, and the cursor of the next.
pub async fn conversation_list(
    db: &Db,
    user_id: i64,
    cursor: Option<Cursor>,
) -> Result<(Vec<ConversationItem>, Option<String>), AppError> {
    db.run(move |conn| {
        let mut rows = store::list(conn, user_id, cursor, CONVERSATIONS_PER_PAGE + 1)?;
        let more = rows.len() as i64 > CONVERSATIONS_PER_PAGE;
        rows.truncate(CONVERSATIONS_PER_PAGE as usize);
        let next = if more {
            rows.last().map(|r| {
                Cursor {
                    at: r.last_message_at,
                    id: r.id,
                }
                .encode()
            })
        } else {
            None
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let people = store::participants(conn, &ids)?;
        let last_ids: Vec<i64> = rows.iter().filter_map(|r| r.last_message_id).collect();
        let last = store::last_messages(conn, &last_ids)?;
        let items = rows
            .into_iter()
            .map(|r| {
                let last_message = r
                    .last_message_id
                    .and_then(|m| last.iter().find(|(id, _, _)| *id == m))
                    .map(|(_, author, body)| LastMessage {
                        author: author.clone(),
                        excerpt: excerpt(body),
                    });
                ConversationItem {
                    participants: people
                        .iter()
                        .filter(|p| p.conversation_id == r.id)
                        .map(|p| p.username.clone())
                        .collect(),
                    url: format!("/messages/{}", r.id),
                    id: r.id,
                    subject: r.subject,
                    last_message_at: r.last_message_at,
                    unread: r.unread_count,
                    last_message,
                }
            })
            .collect();
        Ok::<_, AppError>((items, next))
    })
    .await
}

/// The first characters of a message, on one line.
fn excerpt(markdown: &str) -> String {
    let flat: String = markdown.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > LAST_MESSAGE_CHARS {
        let mut cut: String = flat.chars().take(LAST_MESSAGE_CHARS).collect();
        cut.push('…');
        cut
    } else {
        flat
    }
}

/// A message, as its readers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageItem {
    pub id: i64,
    pub author: String,
    /// The message, cooked from Markdown and sanitised when it was written.
    pub body_html: String,
    pub created_at: NaiveDateTime,
    /// The reader had not read it before this page.
    pub unread: bool,
    /// Written by the reader.
    pub mine: bool,
}

/// A conversation read by one of its members: its row, their reading state, who is in it.
pub struct Opened {
    pub conversation: Conversation,
    pub membership: Membership,
    pub participants: Vec<String>,
    /// The messages of this page, oldest first.
    pub messages: Vec<MessageItem>,
    /// There are more messages beyond this page (older for the page, newer for the API).
    pub more: bool,
}

/// Conversation `id` as member `user_id` reads it (404 for anyone else), one window of its
/// messages.
pub async fn open(db: &Db, user_id: i64, id: i64, window: Window) -> Result<Opened, AppError> {
    db.run(move |conn| {
        let (conversation, membership) =
            store::conversation_for(conn, id, user_id)?.ok_or(AppError::NotFound)?;
        let participants = store::participants(conn, &[id])?
            .into_iter()
            .map(|p| p.username)
            .collect();
        let mut rows = store::messages(conn, id, user_id, window, MESSAGES_PER_PAGE + 1)?;
        let more = rows.len() as i64 > MESSAGES_PER_PAGE;
        rows.truncate(MESSAGES_PER_PAGE as usize);
        if matches!(window, Window::Newest { .. }) {
            rows.reverse();
        }
        let messages = rows
            .into_iter()
            .map(|m: MessageRow| MessageItem {
                unread: m.author_id != user_id && m.id > membership.last_read_id,
                mine: m.author_id == user_id,
                id: m.id,
                author: m.author,
                body_html: m.body_html,
                created_at: m.created_at,
            })
            .collect();
        Ok::<_, AppError>(Opened {
            conversation,
            membership,
            participants,
            messages,
            more,
        })
    })
    .await
}

/// Marks a conversation read for its member up to message `up_to` (the last they see; messages
/// of people they blocked count as read), when there is anything to mark (a write only then).
pub async fn mark_read(db: &Db, opened: &Opened, user_id: i64, up_to: i64) -> Result<(), AppError> {
    if opened.membership.unread_count == 0 && up_to <= opened.membership.last_read_id {
        return Ok(());
    }
    let id = opened.conversation.id;
    db.write(move |conn| {
        crate::db::write_tx_private(conn, |conn| store::mark_read(conn, id, user_id, up_to))
            .map_err(AppError::from)
    })
    .await?;
    Ok(())
}
