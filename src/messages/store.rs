//! The SQL of private messages: conversations, their members and messages, per-member reading
//! state and delivery (reports are in `report_store`, the hourly allowance in `allowance`).
//! Every list is keyset-paginated and bounded; a page of conversations or messages costs a fixed
//! number of statements.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    conversation_members, conversations, private_messages, user_blocks, users,
};
use crate::db::DbConnection;
use crate::forum::domain::{CookedBody, Cursor};
use crate::sessions::Role;

/// A member found by name.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub username_key: String,
}

/// The members whose name keys are in `keys` (at most as many rows as keys). Deleted accounts
/// are nobody: their anonymous `deleted-N` names and the accounts themselves (whose password is
/// the `!` deletion marker) are left out, so they answer like unknown names.
pub fn people_by_keys(conn: &mut DbConnection, keys: &[String]) -> QueryResult<Vec<Person>> {
    let keys: Vec<&String> = keys.iter().filter(|k| !is_deleted_name(k)).collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::username_key.eq_any(keys))
        .filter(users::password_hash.ne(DELETED_PASSWORD))
        // Private messages stay on this server: people of other servers cannot get them.
        .filter(users::remote_id.is_null())
        .select((users::id, users::username, users::username_key))
        .load(conn)
}

/// The password hash account deletion leaves (`accounts::queries::delete_account`).
const DELETED_PASSWORD: &str = "!";

/// True for the name account deletion gives: `deleted-` and digits.
fn is_deleted_name(key: &str) -> bool {
    key.strip_prefix("deleted-")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// A conversation's own row.
#[derive(Debug, Clone, Queryable)]
pub struct Conversation {
    pub id: i64,
    pub subject: String,
    pub starter_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub message_count: i64,
}

/// A member's reading state in a conversation.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct Membership {
    pub unread_count: i64,
    pub last_read_id: i64,
}

/// Conversation `id` as its member `user_id` sees it: `None` when it does not exist or they
/// are not in it (site staff included: nobody else reads a conversation).
pub fn conversation_for(
    conn: &mut DbConnection,
    id: i64,
    user_id: i64,
) -> QueryResult<Option<(Conversation, Membership)>> {
    conversations::table
        .inner_join(conversation_members::table)
        .filter(conversations::id.eq(id))
        .filter(conversation_members::user_id.eq(user_id))
        .select((
            (
                conversations::id,
                conversations::subject,
                conversations::starter_id,
                conversations::created_at,
                conversations::message_count,
            ),
            (
                conversation_members::unread_count,
                conversation_members::last_read_id,
            ),
        ))
        .first(conn)
        .optional()
}

/// Someone in a conversation.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Participant {
    #[serde(skip)]
    pub conversation_id: i64,
    #[serde(skip)]
    pub user_id: i64,
    pub username: String,
}

/// The people in the conversations `ids` now, by name (at most 20 each).
pub fn participants(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Participant>> {
    conversation_members::table
        .inner_join(users::table)
        .filter(conversation_members::conversation_id.eq_any(ids))
        .order((
            conversation_members::conversation_id,
            users::username_key.asc(),
        ))
        .select((
            conversation_members::conversation_id,
            users::id,
            users::username,
        ))
        .load(conn)
}

/// Starts a conversation between `starter` and `others`; returns its id.
pub fn create_conversation(
    conn: &mut DbConnection,
    subject: &str,
    starter: i64,
    others: &[i64],
    at: NaiveDateTime,
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(conversations::table)
        .values((
            conversations::subject.eq(subject),
            conversations::starter_id.eq(Some(starter)),
            conversations::created_at.eq(at),
            conversations::last_message_at.eq(at),
            conversations::message_count.eq(0),
        ))
        .returning(conversations::id)
        .get_result(conn)?;
    let mut everyone = vec![starter];
    everyone.extend(others.iter().copied().filter(|o| *o != starter));
    add_members(conn, id, &everyone, at)?;
    Ok(id)
}

/// Adds people to a conversation: each sees every message already in it as unread (those of
/// authors they blocked aside).
pub fn add_members(
    conn: &mut DbConnection,
    conversation_id: i64,
    people: &[i64],
    at: NaiveDateTime,
) -> QueryResult<()> {
    for person in people {
        let hidden = user_blocks::table
            .filter(user_blocks::blocker_id.eq(*person))
            .select(user_blocks::blocked_id);
        let visible = private_messages::table
            .filter(private_messages::conversation_id.eq(conversation_id))
            .filter(diesel::dsl::not(private_messages::author_id.eq_any(hidden)));
        let count: i64 = visible.count().get_result(conn)?;
        let last: Option<i64> = visible
            .select(diesel::dsl::max(private_messages::id))
            .first(conn)?;
        diesel::insert_into(conversation_members::table)
            .values((
                conversation_members::conversation_id.eq(conversation_id),
                conversation_members::user_id.eq(*person),
                conversation_members::joined_at.eq(at),
                conversation_members::last_message_id.eq(last),
                conversation_members::last_message_at.eq(at),
                conversation_members::unread_count.eq(count),
                conversation_members::last_read_id.eq(0),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Locks a conversation's row until the transaction ends on PostgreSQL (`FOR UPDATE`), so
/// concurrent additions of people count its members one after the other; SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock. False when it does not exist.
pub fn lock_conversation(conn: &mut DbConnection, conversation_id: i64) -> QueryResult<bool> {
    let query = conversations::table
        .find(conversation_id)
        .select(conversations::id);
    let found: Option<i64> = match conn {
        DbConnection::Postgres(c) => query.for_update().first(c).optional()?,
        DbConnection::Sqlite(c) => query.first(c).optional()?,
    };
    Ok(found.is_some())
}

/// True when someone of the site's staff (an administrator or a global moderator) other than
/// `user_id` is in the conversation now.
pub fn has_site_staff(
    conn: &mut DbConnection,
    conversation_id: i64,
    user_id: i64,
) -> QueryResult<bool> {
    let staff = [Role::Admin.as_str(), Role::Moderator.as_str()];
    diesel::select(diesel::dsl::exists(
        conversation_members::table
            .inner_join(users::table)
            .filter(conversation_members::conversation_id.eq(conversation_id))
            .filter(conversation_members::user_id.ne(user_id))
            .filter(users::role.eq_any(staff)),
    ))
    .get_result(conn)
}

/// The ids of the people in a conversation now.
pub fn member_ids(conn: &mut DbConnection, conversation_id: i64) -> QueryResult<Vec<i64>> {
    conversation_members::table
        .filter(conversation_members::conversation_id.eq(conversation_id))
        .select(conversation_members::user_id)
        .load(conn)
}

/// Writes a message and delivers it: the author has read up to it; every other member, except
/// those who blocked the author, gets it as unread. Returns the message id and the members for
/// whom it is the first unread message (those a mail may tell).
pub fn add_message(
    conn: &mut DbConnection,
    conversation_id: i64,
    author: i64,
    body: &CookedBody,
    blockers: &[i64],
    at: NaiveDateTime,
) -> QueryResult<(i64, Vec<i64>)> {
    let id: i64 = diesel::insert_into(private_messages::table)
        .values((
            private_messages::conversation_id.eq(conversation_id),
            private_messages::author_id.eq(author),
            private_messages::body_md.eq(body.as_str()),
            private_messages::body_html.eq(body.html()),
            private_messages::created_at.eq(at),
        ))
        .returning(private_messages::id)
        .get_result(conn)?;
    diesel::update(conversations::table.find(conversation_id))
        .set((
            conversations::last_message_at.eq(at),
            conversations::message_count.eq(conversations::message_count + 1),
        ))
        .execute(conn)?;
    let readers = conversation_members::table
        .filter(conversation_members::conversation_id.eq(conversation_id))
        .filter(conversation_members::user_id.ne(author))
        .filter(diesel::dsl::not(
            conversation_members::user_id.eq_any(blockers),
        ));
    let first_unread: Vec<i64> = readers
        .clone()
        .filter(conversation_members::unread_count.eq(0))
        .select(conversation_members::user_id)
        .load(conn)?;
    diesel::update(readers)
        .set((
            conversation_members::unread_count.eq(conversation_members::unread_count + 1),
            conversation_members::last_message_id.eq(Some(id)),
            conversation_members::last_message_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(conversation_members::table.find((conversation_id, author)))
        .set((
            conversation_members::unread_count.eq(0),
            conversation_members::last_read_id.eq(id),
            conversation_members::last_message_id.eq(Some(id)),
            conversation_members::last_message_at.eq(at),
        ))
        .execute(conn)?;
    Ok((id, first_unread))
}

/// Marks a conversation read for `user_id` up to message `up_to` (never back before what they
/// already read). Their unread count becomes the number of messages after that which reached
/// them, so a message that arrived after the page they read stays unread. On PostgreSQL their
/// member row is locked first (`FOR UPDATE`), so a message delivered concurrently is either
/// counted here or added to the count after this write.
pub fn mark_read(
    conn: &mut DbConnection,
    conversation_id: i64,
    user_id: i64,
    up_to: i64,
) -> QueryResult<usize> {
    let row = conversation_members::table
        .find((conversation_id, user_id))
        .select(conversation_members::last_read_id);
    let last_read: Option<i64> = match conn {
        DbConnection::Postgres(c) => row.for_update().first(c).optional()?,
        DbConnection::Sqlite(c) => row.first(c).optional()?,
    };
    let Some(last_read) = last_read else {
        return Ok(0);
    };
    let read_to = last_read.max(up_to);
    let hidden = user_blocks::table
        .filter(user_blocks::blocker_id.eq(user_id))
        .select(user_blocks::blocked_id);
    let unread: i64 = private_messages::table
        .filter(private_messages::conversation_id.eq(conversation_id))
        .filter(private_messages::id.gt(read_to))
        .filter(private_messages::author_id.ne(user_id))
        .filter(diesel::dsl::not(private_messages::author_id.eq_any(hidden)))
        .count()
        .get_result(conn)?;
    diesel::update(conversation_members::table.find((conversation_id, user_id)))
        .set((
            conversation_members::unread_count.eq(unread),
            conversation_members::last_read_id.eq(read_to),
        ))
        .execute(conn)
}

/// A message as its readers see it.
#[derive(Debug, Clone, Queryable)]
pub struct MessageRow {
    pub id: i64,
    pub author_id: i64,
    pub author: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
}

/// Which messages of a conversation to read.
#[derive(Debug, Clone, Copy)]
pub enum Window {
    /// The newest ones (before `Some(id)`: the ones older than that).
    Newest { before: Option<i64> },
    /// The oldest ones after message `id` (0: from the first).
    After(i64),
}

/// Up to `limit` messages of a conversation as `reader` sees them (messages of people they
/// blocked are left out), in the order the window reads them (newest first for `Newest`).
pub fn messages(
    conn: &mut DbConnection,
    conversation_id: i64,
    reader: i64,
    window: Window,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let hidden = user_blocks::table
        .filter(user_blocks::blocker_id.eq(reader))
        .select(user_blocks::blocked_id);
    let mut query = private_messages::table
        .inner_join(users::table)
        .filter(private_messages::conversation_id.eq(conversation_id))
        .filter(diesel::dsl::not(private_messages::author_id.eq_any(hidden)))
        .select((
            private_messages::id,
            private_messages::author_id,
            users::username,
            private_messages::body_html,
            private_messages::created_at,
        ))
        .limit(limit)
        .into_boxed();
    query = match window {
        Window::Newest { before } => {
            let q = query.order(private_messages::id.desc());
            match before {
                Some(id) => q.filter(private_messages::id.lt(id)),
                None => q,
            }
        }
        Window::After(id) => query
            .order(private_messages::id.asc())
            .filter(private_messages::id.gt(id)),
    };
    query.load(conn)
}

/// A conversation in a member's list.
#[derive(Debug, Clone, Queryable)]
pub struct ListRow {
    pub id: i64,
    pub subject: String,
    pub last_message_at: NaiveDateTime,
    pub unread_count: i64,
    pub last_message_id: Option<i64>,
}

/// A page of `user_id`'s conversations, latest activity first (keyset on the member's
/// `(last_message_at, conversation id)`).
pub fn list(
    conn: &mut DbConnection,
    user_id: i64,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<ListRow>> {
    let mut query = conversation_members::table
        .inner_join(conversations::table)
        .filter(conversation_members::user_id.eq(user_id))
        .order((
            conversation_members::last_message_at.desc(),
            conversation_members::conversation_id.desc(),
        ))
        .select((
            conversations::id,
            conversations::subject,
            conversation_members::last_message_at,
            conversation_members::unread_count,
            conversation_members::last_message_id,
        ))
        .limit(limit)
        .into_boxed();
    if let Some(c) = after {
        query = query.filter(
            conversation_members::last_message_at.lt(c.at).or(
                conversation_members::last_message_at
                    .eq(c.at)
                    .and(conversation_members::conversation_id.lt(c.id)),
            ),
        );
    }
    query.load(conn)
}

/// The last message of each listed conversation: (message id, author, Markdown source).
pub fn last_messages(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, String, String)>> {
    private_messages::table
        .inner_join(users::table)
        .filter(private_messages::id.eq_any(ids))
        .select((
            private_messages::id,
            users::username,
            private_messages::body_md,
        ))
        .load(conn)
}

/// Takes `user_id` out of a conversation; one left empty is deleted with its messages. True
/// when they were in it.
pub fn leave(conn: &mut DbConnection, conversation_id: i64, user_id: i64) -> QueryResult<bool> {
    let n = diesel::delete(conversation_members::table.find((conversation_id, user_id)))
        .execute(conn)?;
    if n > 0 && member_ids(conn, conversation_id)?.is_empty() {
        diesel::delete(conversations::table.find(conversation_id)).execute(conn)?;
    }
    Ok(n > 0)
}
