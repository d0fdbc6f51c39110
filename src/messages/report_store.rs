//! The SQL of reports on private messages. A report keeps a copy of the reported message (its
//! author's id and name, its cooked text, when it was written) taken when it is filed, so staff
//! read what was reported even after the author erased their words, the conversation was left by
//! everyone and deleted, or the author's account was deleted (the link to the message is then
//! `NULL`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{conversation_members, message_reports, private_messages, users};
use crate::db::DbConnection;

/// A message someone may report, as it reads now.
#[derive(Debug, Clone, Queryable)]
pub struct Reportable {
    pub conversation_id: i64,
    pub author_id: i64,
    pub author: String,
    pub body_html: String,
    pub written_at: NaiveDateTime,
}

/// Message `message_id` if `reader` may report it: they are in its conversation and read it, or
/// could before they blocked its author (a message that author wrote after the block never
/// reached them, and stays unknown to them).
pub fn reportable(
    conn: &mut DbConnection,
    message_id: i64,
    reader: i64,
) -> QueryResult<Option<Reportable>> {
    let row: Option<Reportable> = private_messages::table
        .inner_join(
            conversation_members::table.on(conversation_members::conversation_id
                .eq(private_messages::conversation_id)
                .and(conversation_members::user_id.eq(reader))),
        )
        .inner_join(users::table.on(users::id.eq(private_messages::author_id)))
        .filter(private_messages::id.eq(message_id))
        .select((
            private_messages::conversation_id,
            private_messages::author_id,
            users::username,
            private_messages::body_html,
            private_messages::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some(message) = row else {
        return Ok(None);
    };
    match crate::accounts::blocks::blocked_since(conn, reader, message.author_id)? {
        Some(since) if message.written_at > since => Ok(None),
        _ => Ok(Some(message)),
    }
}

/// Files a report on a message with a copy of it; `None` when the reporter already has an open
/// one on it.
pub fn insert_report(
    conn: &mut DbConnection,
    message_id: i64,
    message: &Reportable,
    reporter: i64,
    reason: &str,
    text: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let open: bool = diesel::select(diesel::dsl::exists(
        message_reports::table
            .filter(message_reports::message_id.eq(message_id))
            .filter(message_reports::reporter_id.eq(reporter))
            .filter(message_reports::resolved_at.is_null()),
    ))
    .get_result(conn)?;
    if open {
        return Ok(None);
    }
    diesel::insert_into(message_reports::table)
        .values((
            message_reports::message_id.eq(Some(message_id)),
            message_reports::reporter_id.eq(reporter),
            message_reports::reason.eq(reason),
            message_reports::body.eq(text),
            message_reports::created_at.eq(at),
            message_reports::author_id.eq(Some(message.author_id)),
            message_reports::author_name.eq(&message.author),
            message_reports::message_html.eq(&message.body_html),
            message_reports::message_at.eq(message.written_at),
        ))
        .returning(message_reports::id)
        .get_result(conn)
        .map(Some)
}

/// An open report, with the copy of the reported message only (never the rest of its
/// conversation).
#[derive(Debug, Clone, Queryable)]
pub struct OpenReport {
    pub id: i64,
    pub reason: String,
    pub text: String,
    pub created_at: NaiveDateTime,
    pub reporter: String,
    /// `None` once the message itself is gone (its conversation deleted).
    pub message_id: Option<i64>,
    /// The author's name when the report was filed.
    pub author: String,
    /// The author's name now (`deleted-N` after their account's deletion).
    pub author_now: Option<String>,
    pub body_html: String,
    pub written_at: NaiveDateTime,
}

/// Open reports on messages, oldest first (at most `limit`).
pub fn open_reports(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OpenReport>> {
    let (reporters, authors) = diesel::alias!(users as reporters, users as authors);
    message_reports::table
        .inner_join(reporters.on(reporters.field(users::id).eq(message_reports::reporter_id)))
        .left_join(
            authors.on(authors
                .field(users::id)
                .nullable()
                .eq(message_reports::author_id)),
        )
        .filter(message_reports::resolved_at.is_null())
        .order(message_reports::id.asc())
        .limit(limit)
        .select((
            message_reports::id,
            message_reports::reason,
            message_reports::body,
            message_reports::created_at,
            reporters.field(users::username),
            message_reports::message_id,
            message_reports::author_name,
            authors.field(users::username).nullable(),
            message_reports::message_html,
            message_reports::message_at,
        ))
        .load(conn)
}

/// Closes an open report; true when it was open.
pub fn close_report(
    conn: &mut DbConnection,
    report_id: i64,
    staff: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        message_reports::table
            .find(report_id)
            .filter(message_reports::resolved_at.is_null()),
    )
    .set((
        message_reports::resolved_at.eq(Some(at)),
        message_reports::resolved_by.eq(Some(staff)),
    ))
    .execute(conn)?;
    Ok(n > 0)
}
