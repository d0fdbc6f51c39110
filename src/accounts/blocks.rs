//! Blocks between members and each member's message preferences. A block is one person's
//! decision about another: the blocked person can no longer start a conversation with them or
//! add them to one, their messages and mentions no longer reach them, and nothing tells the
//! blocked person (a refusal reads like a closed inbox). Notifications (`fanout`) and private
//! messages (`crate::messages`) ask here; the pages that change blocks live in `messages`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{message_preferences, user_blocks, users};
use crate::db::DbConnection;

/// Who may start a conversation with a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Inbox {
    /// Every member (but the ones they blocked).
    Everyone,
    /// Only their contacts: people they share a local group with (and site staff).
    Contacts,
}

impl Inbox {
    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<Inbox> {
        match s {
            "everyone" => Some(Inbox::Everyone),
            "contacts" => Some(Inbox::Contacts),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Inbox::Everyone => "everyone",
            Inbox::Contacts => "contacts",
        }
    }
}

/// How a member hears of a new message by mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageMail {
    /// "A new message from X", without its subject or text (the default).
    Notice,
    /// The same, with the conversation's subject and the message's text.
    Text,
    /// No mail.
    Never,
}

impl MessageMail {
    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<MessageMail> {
        match s {
            "notice" => Some(MessageMail::Notice),
            "text" => Some(MessageMail::Text),
            "never" => Some(MessageMail::Never),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageMail::Notice => "notice",
            MessageMail::Text => "text",
            MessageMail::Never => "never",
        }
    }
}

/// A member's message preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MessagePreferences {
    pub inbox: Inbox,
    pub email: MessageMail,
}

impl Default for MessagePreferences {
    fn default() -> Self {
        MessagePreferences {
            inbox: Inbox::Everyone,
            email: MessageMail::Notice,
        }
    }
}

/// The preferences of `user_id` (the defaults when they never chose).
pub fn preferences(conn: &mut DbConnection, user_id: i64) -> QueryResult<MessagePreferences> {
    let row: Option<(String, String)> = message_preferences::table
        .find(user_id)
        .select((message_preferences::inbox, message_preferences::email))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((inbox, email)) => MessagePreferences {
            // An unknown stored value fails closed: contacts only, no text in mail.
            inbox: Inbox::parse(&inbox).unwrap_or(Inbox::Contacts),
            email: MessageMail::parse(&email).unwrap_or(MessageMail::Notice),
        },
        None => MessagePreferences::default(),
    })
}

/// The preferences of several members at once (the defaults for those who never chose).
pub fn preferences_of(
    conn: &mut DbConnection,
    user_ids: &[i64],
) -> QueryResult<Vec<(i64, MessagePreferences)>> {
    let rows: Vec<(i64, String, String)> = message_preferences::table
        .filter(message_preferences::user_id.eq_any(user_ids))
        .select((
            message_preferences::user_id,
            message_preferences::inbox,
            message_preferences::email,
        ))
        .load(conn)?;
    Ok(user_ids
        .iter()
        .map(|id| {
            let prefs = rows
                .iter()
                .find(|(user, _, _)| user == id)
                .map(|(_, inbox, email)| MessagePreferences {
                    inbox: Inbox::parse(inbox).unwrap_or(Inbox::Contacts),
                    email: MessageMail::parse(email).unwrap_or(MessageMail::Notice),
                })
                .unwrap_or_default();
            (*id, prefs)
        })
        .collect())
}

/// Saves the preferences of `user_id`.
pub fn set_preferences(
    conn: &mut DbConnection,
    user_id: i64,
    prefs: MessagePreferences,
) -> QueryResult<()> {
    crate::db::write_tx_private(conn, |conn| {
        diesel::delete(message_preferences::table.find(user_id)).execute(conn)?;
        diesel::insert_into(message_preferences::table)
            .values((
                message_preferences::user_id.eq(user_id),
                message_preferences::inbox.eq(prefs.inbox.as_str()),
                message_preferences::email.eq(prefs.email.as_str()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// True when `blocker` blocked `blocked`.
pub fn is_blocked(conn: &mut DbConnection, blocker: i64, blocked: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        user_blocks::table.find((blocker, blocked)),
    ))
    .get_result(conn)
}

/// When `blocker` blocked `blocked`, if they do now.
pub fn blocked_since(
    conn: &mut DbConnection,
    blocker: i64,
    blocked: i64,
) -> QueryResult<Option<NaiveDateTime>> {
    user_blocks::table
        .find((blocker, blocked))
        .select(user_blocks::created_at)
        .first(conn)
        .optional()
}

/// Those among `people` who blocked `author` (for deliveries and notifications).
pub fn blockers_among(
    conn: &mut DbConnection,
    author: i64,
    people: &[i64],
) -> QueryResult<Vec<i64>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    user_blocks::table
        .filter(user_blocks::blocked_id.eq(author))
        .filter(user_blocks::blocker_id.eq_any(people))
        .select(user_blocks::blocker_id)
        .load(conn)
}

/// Those among `people` whom `user` blocked.
pub fn blocked_among(conn: &mut DbConnection, user: i64, people: &[i64]) -> QueryResult<Vec<i64>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    user_blocks::table
        .filter(user_blocks::blocker_id.eq(user))
        .filter(user_blocks::blocked_id.eq_any(people))
        .select(user_blocks::blocked_id)
        .load(conn)
}

/// Blocks `blocked` for `blocker`; true when it is new.
pub fn block(conn: &mut DbConnection, blocker: i64, blocked: i64) -> QueryResult<bool> {
    crate::db::write_tx_private(conn, |conn| {
        if is_blocked(conn, blocker, blocked)? {
            return Ok(false);
        }
        diesel::insert_into(user_blocks::table)
            .values((
                user_blocks::blocker_id.eq(blocker),
                user_blocks::blocked_id.eq(blocked),
                user_blocks::created_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// Lifts a block; true when there was one.
pub fn unblock(conn: &mut DbConnection, blocker: i64, blocked: i64) -> QueryResult<bool> {
    crate::db::write_tx_private(conn, |conn| {
        let n = diesel::delete(user_blocks::table.find((blocker, blocked))).execute(conn)?;
        Ok(n > 0)
    })
}

/// Most blocks a list shows (the settings page and the export).
const MAX_LISTED: i64 = 1000;

/// Someone a member blocked.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct BlockedPerson {
    pub username: String,
    pub since: NaiveDateTime,
}

/// The people `user_id` blocked, by name.
pub fn blocked_by(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<BlockedPerson>> {
    user_blocks::table
        .inner_join(users::table.on(users::id.eq(user_blocks::blocked_id)))
        .filter(user_blocks::blocker_id.eq(user_id))
        .order(users::username_key.asc())
        .limit(MAX_LISTED)
        .select((users::username, user_blocks::created_at))
        .load(conn)
}
