//! What an account holds in private messages, for the data export (the conversations the person
//! is in, every message they wrote, their blocks, preferences and reports) and for account
//! deletion (their access to every conversation ends; their words go with `erase`).
//! The messages themselves are the `messages` feature's; this reads and clears its tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::accounts::blocks::{self, BlockedPerson, MessagePreferences};
use crate::db::schema::{
    conversation_members, conversations, message_allowance, message_preferences, message_reports,
    private_messages, user_blocks,
};
use crate::db::DbConnection;

/// The private-message part of a data export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedMessages {
    /// Who may write to them, and how they are told by mail.
    pub preferences: MessagePreferences,
    /// The people they blocked.
    pub blocked: Vec<BlockedPerson>,
    /// The conversations they are in.
    pub conversations: Vec<ExportedConversation>,
    /// Every message they wrote, with its Markdown source.
    pub messages: Vec<ExportedMessage>,
    /// Their reports on messages.
    pub reports: Vec<ExportedMessageReport>,
}

/// A conversation the person is in.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedConversation {
    pub id: i64,
    pub subject: String,
    pub joined_at: NaiveDateTime,
}

/// A message the person wrote.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedMessage {
    pub id: i64,
    pub conversation_id: i64,
    pub body_markdown: String,
    pub created_at: NaiveDateTime,
}

/// A report the person filed on a message.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedMessageReport {
    /// `null` once the message is gone.
    pub message_id: Option<i64>,
    pub reason: String,
    pub text: String,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

/// Gathers the person's private-message data.
pub fn export(conn: &mut DbConnection, user_id: i64) -> QueryResult<ExportedMessages> {
    let conversations = conversation_members::table
        .inner_join(conversations::table)
        .filter(conversation_members::user_id.eq(user_id))
        .order(conversations::id.asc())
        .select((
            conversations::id,
            conversations::subject,
            conversation_members::joined_at,
        ))
        .load(conn)?;
    let messages = private_messages::table
        .filter(private_messages::author_id.eq(user_id))
        .order(private_messages::id.asc())
        .select((
            private_messages::id,
            private_messages::conversation_id,
            private_messages::body_md,
            private_messages::created_at,
        ))
        .load(conn)?;
    let reports = message_reports::table
        .filter(message_reports::reporter_id.eq(user_id))
        .order(message_reports::id.asc())
        .select((
            message_reports::message_id,
            message_reports::reason,
            message_reports::body,
            message_reports::created_at,
            message_reports::resolved_at,
        ))
        .load(conn)?;
    Ok(ExportedMessages {
        preferences: blocks::preferences(conn, user_id)?,
        blocked: blocks::blocked_by(conn, user_id)?,
        conversations,
        messages,
        reports,
    })
}

/// Ends a deleted account's part in private messages, inside the deletion's transaction: it
/// leaves every conversation (one left empty is deleted with its messages), its blocks (both
/// ways), preferences, reports and hourly allowance go, and with `erase` the text of its
/// messages too. Reports others filed on its messages keep their copy of the reported text, for
/// the staff to review.
pub fn forget(conn: &mut DbConnection, user_id: i64, erase: bool) -> QueryResult<()> {
    let theirs: Vec<i64> = conversation_members::table
        .filter(conversation_members::user_id.eq(user_id))
        .select(conversation_members::conversation_id)
        .load(conn)?;
    diesel::delete(conversation_members::table.filter(conversation_members::user_id.eq(user_id)))
        .execute(conn)?;
    let still_held = conversation_members::table
        .filter(conversation_members::conversation_id.eq_any(&theirs))
        .select(conversation_members::conversation_id);
    diesel::delete(
        conversations::table
            .filter(conversations::id.eq_any(&theirs))
            .filter(diesel::dsl::not(conversations::id.eq_any(still_held))),
    )
    .execute(conn)?;
    diesel::delete(
        user_blocks::table.filter(
            user_blocks::blocker_id
                .eq(user_id)
                .or(user_blocks::blocked_id.eq(user_id)),
        ),
    )
    .execute(conn)?;
    diesel::delete(message_preferences::table.find(user_id)).execute(conn)?;
    diesel::delete(message_reports::table.filter(message_reports::reporter_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(message_allowance::table.filter(message_allowance::user_id.eq(user_id)))
        .execute(conn)?;
    if erase {
        diesel::update(private_messages::table.filter(private_messages::author_id.eq(user_id)))
            .set((
                private_messages::body_md.eq(""),
                private_messages::body_html.eq(""),
            ))
            .execute(conn)?;
    }
    Ok(())
}
