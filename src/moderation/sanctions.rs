//! Sanctions on people — warn (a private, recorded note to the person), silence (read-only until
//! a date), suspend (cannot log in until a date), ban (for good) — and staff's private notes.
//! Silence, suspension and ban end every session and API token of the person in the same
//! transaction, so they take effect on the next request.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

pub use crate::accounts::standing::{history, SanctionRow};
use crate::audit;
use crate::db::schema::{board_moderators, mod_notes, posts, sanctions, users};
use crate::db::{write_tx, DbConnection};
use crate::sessions::{self, Role};
use crate::validation::FieldError;

/// Longest reason or note, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// The kinds of sanction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Warn,
    Silence,
    Suspend,
    Ban,
}

impl Kind {
    /// Parses a submitted or stored kind.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "warn" => Some(Kind::Warn),
            "silence" => Some(Kind::Silence),
            "suspend" => Some(Kind::Suspend),
            "ban" => Some(Kind::Ban),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Warn => "warn",
            Kind::Silence => "silence",
            Kind::Suspend => "suspend",
            Kind::Ban => "ban",
        }
    }

    /// The matching policy action.
    pub fn action(self) -> super::policy::Action {
        use super::policy::Action;
        match self {
            Kind::Warn => Action::Warn,
            Kind::Silence => Action::Silence,
            Kind::Suspend => Action::Suspend,
            Kind::Ban => Action::Ban,
        }
    }
}

/// A checked sanction, ready to apply.
#[derive(Debug, Clone)]
pub struct NewSanction {
    pub kind: Kind,
    pub reason: String,
    pub until: Option<NaiveDateTime>,
}

/// Reads `YYYY-MM-DD` (end of that day, UTC) or `YYYY-MM-DDTHH:MM[:SS]` (UTC, also with a
/// trailing `Z` or offset).
pub fn parse_until(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return day.and_hms_opt(23, 59, 59);
    }
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(at.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(at);
        }
    }
    None
}

/// Checks a sanction as submitted: a known kind, a reason of 1–1000 characters, and for silence
/// and suspension a date in the future (a ban has no end; a warning no date).
pub fn validate(
    kind: &str,
    reason: &str,
    until: Option<&str>,
    now: NaiveDateTime,
) -> Result<NewSanction, FieldError> {
    let kind = Kind::parse(kind).ok_or(FieldError::new("kind", "error-sanction-kind"))?;
    let reason = crate::validation::clean_text(reason, true);
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(FieldError::new("reason", "error-reason-required"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(FieldError::new("reason", "error-reason-too-long"));
    }
    let until = match kind {
        Kind::Warn | Kind::Ban => None,
        Kind::Silence | Kind::Suspend => {
            let raw = until.map(str::trim).filter(|u| !u.is_empty());
            let raw = raw.ok_or(FieldError::new("until", "error-until-required"))?;
            let at = parse_until(raw).ok_or(FieldError::new("until", "error-until-invalid"))?;
            if at <= now {
                return Err(FieldError::new("until", "error-until-past"));
            }
            Some(at)
        }
    };
    Ok(NewSanction {
        kind,
        reason,
        until,
    })
}

/// A person as moderation sees them.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Person {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub role_name: String,
}

impl Person {
    /// Their role.
    pub fn role(&self) -> Role {
        Role::parse(&self.role_name).unwrap_or(Role::Member)
    }
}

/// Finds a person by username (any case).
pub fn person(conn: &mut DbConnection, username: &str) -> QueryResult<Option<Person>> {
    users::table
        .filter(users::username_key.eq(crate::accounts::domain::username_key(username)))
        .select((users::id, users::username, users::role))
        .first(conn)
        .optional()
}

/// The boards a user moderates.
pub fn moderated_boards(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    board_moderators::table
        .filter(board_moderators::user_id.eq(user_id))
        .select(board_moderators::board_id)
        .load(conn)
}

/// Applies a sanction: records it, ends the person's sessions (all but a warning), logs it.
pub fn apply(
    conn: &mut DbConnection,
    actor_id: i64,
    target: &Person,
    sanction: &NewSanction,
) -> QueryResult<i64> {
    write_tx(conn, |conn| apply_in(conn, actor_id, target, sanction))
}

/// `apply`, inside the caller's transaction.
pub fn apply_in(
    conn: &mut DbConnection,
    actor_id: i64,
    target: &Person,
    sanction: &NewSanction,
) -> QueryResult<i64> {
    {
        let id = diesel::insert_into(sanctions::table)
            .values((
                sanctions::user_id.eq(target.id),
                sanctions::kind.eq(sanction.kind.as_str()),
                sanctions::reason.eq(&sanction.reason),
                sanctions::until.eq(sanction.until),
                sanctions::created_by.eq(Some(actor_id)),
                sanctions::created_at.eq(crate::db::now()),
            ))
            .returning(sanctions::id)
            .get_result(conn)?;
        if sanction.kind != Kind::Warn {
            sessions::revoke_all(conn, target.id, None)?;
        }
        audit::record(
            conn,
            actor_id,
            sanction.kind.as_str(),
            "user",
            target.id,
            &target.username,
            &sanction.reason,
            sanction.until,
        )?;
        Ok(id)
    }
}

/// Lifts every active silence, suspension and ban of a person; returns how many.
pub fn lift(
    conn: &mut DbConnection,
    actor_id: i64,
    target: &Person,
    reason: &str,
) -> QueryResult<usize> {
    let now = crate::db::now();
    write_tx(conn, |conn| {
        let lifted = diesel::update(
            sanctions::table
                .filter(sanctions::user_id.eq(target.id))
                .filter(sanctions::kind.ne(Kind::Warn.as_str()))
                .filter(sanctions::lifted_at.is_null())
                .filter(sanctions::until.is_null().or(sanctions::until.gt(now))),
        )
        .set((
            sanctions::lifted_at.eq(Some(now)),
            sanctions::lifted_by.eq(Some(actor_id)),
        ))
        .execute(conn)?;
        if lifted > 0 {
            audit::record(
                conn,
                actor_id,
                "lift",
                "user",
                target.id,
                &target.username,
                reason,
                None,
            )?;
        }
        Ok(lifted)
    })
}

/// A private note on a person.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Note {
    pub id: i64,
    pub author: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// Adds a note (and logs it, privately).
pub fn add_note(
    conn: &mut DbConnection,
    actor_id: i64,
    target: &Person,
    body: &str,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        diesel::insert_into(mod_notes::table)
            .values((
                mod_notes::user_id.eq(target.id),
                mod_notes::author_id.eq(Some(actor_id)),
                mod_notes::body.eq(body),
                mod_notes::created_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor_id,
            "note",
            "user",
            target.id,
            &target.username,
            "",
            None,
        )
    })
}

/// The notes on a person, newest first.
pub fn notes(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Note>> {
    mod_notes::table
        .left_join(users::table.on(mod_notes::author_id.eq(users::id.nullable())))
        .filter(mod_notes::user_id.eq(user_id))
        .order(mod_notes::id.desc())
        .limit(200)
        .select((
            mod_notes::id,
            users::username.nullable(),
            mod_notes::body,
            mod_notes::created_at,
        ))
        .load(conn)
}

/// The author of a post, as a person staff may sanction.
pub fn author_of(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<Person>> {
    posts::table
        .inner_join(users::table)
        .filter(posts::id.eq(post_id))
        .select((users::id, users::username, users::role))
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        parse_until("2026-11-28T12:00").expect("date")
    }

    #[test]
    fn sanctions_are_checked() {
        let ok = validate("silence", "spam", Some("2026-12-05"), now()).expect("valid");
        assert_eq!(ok.kind, Kind::Silence);
        assert_eq!(ok.until, parse_until("2026-12-05T23:59:59"));
        assert_eq!(validate("ban", "x", None, now()).expect("ban").until, None);
        assert_eq!(
            validate("mute", "x", None, now()).unwrap_err().field,
            "kind"
        );
        assert_eq!(
            validate("warn", "  ", None, now()).unwrap_err().field,
            "reason"
        );
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            validate("warn", &long, None, now()).unwrap_err().key,
            "error-reason-too-long"
        );
        assert_eq!(
            validate("suspend", "x", Some("2026-11-01"), now())
                .unwrap_err()
                .key,
            "error-until-past"
        );
        assert_eq!(
            validate("suspend", "x", None, now()).unwrap_err().key,
            "error-until-required"
        );
        assert_eq!(
            validate("suspend", "x", Some("demain"), now())
                .unwrap_err()
                .key,
            "error-until-invalid"
        );
        assert!(parse_until("2026-12-01T10:00:00Z").is_some());
    }
}
