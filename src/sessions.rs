//! Server-side sessions and API tokens: random tokens handed to the client, only their SHA-256
//! stored, looked up with the user's current role on every request, revocable one by one or all
//! at once.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::schema::{
    board_moderators, conversation_members, notifications, sanctions, sessions, two_factor,
    two_factor_challenges, users,
};
use crate::db::DbConnection;

/// What a session was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session behind a cookie.
    Web,
    /// A bearer token for the JSON API.
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Moderator,
    Admin,
}

impl Role {
    /// Parses a stored or typed role.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "member" => Some(Role::Member),
            "moderator" => Some(Role::Moderator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
}

/// The person behind a request, as the database says now.
#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub locale: Option<String>,
    pub home_city_id: Option<i64>,
    /// The address was confirmed (or the account was made verified).
    pub email_verified: bool,
    /// Unread notifications, for the header.
    pub unread_notifications: i64,
    /// Conversations with unread private messages, for the header.
    pub unread_messages: i64,
    /// Silenced by a moderator: may read, not post.
    pub silenced: bool,
    /// Moderates at least one board (beyond their role).
    pub moderates_boards: bool,
    /// Signs in with a second factor (two-factor sign-in is on).
    pub two_factor: bool,
    /// Staff whose role the site requires two-factor sign-in for, without it: their staff
    /// rights are suspended (`role` reads `Member`) until they turn it on (set by the request
    /// contexts from the site's settings, never by `find`).
    #[serde(skip)]
    pub needs_two_factor: bool,
    /// When the account was made (new accounts have tighter posting limits).
    #[serde(skip)]
    pub joined_at: chrono::NaiveDateTime,
    #[serde(skip)]
    pub session_id: i64,
    #[serde(skip)]
    pub csrf_token: String,
}

impl Viewer {
    /// True for administrators.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Suspends the staff rights (a role, moderated boards) of a viewer without the second
    /// factor the site requires of staff (`required`): they act as a member, and
    /// `needs_two_factor` says why, until they turn it on.
    pub fn require_two_factor_for_staff(&mut self, required: bool) {
        let staff = self.role != Role::Member || self.moderates_boards;
        if required && staff && !self.two_factor {
            self.role = Role::Member;
            self.moderates_boards = false;
            self.needs_two_factor = true;
        }
    }
}

/// A fresh random token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in constant time (for equal lengths; a length mismatch answers at once,
/// which reveals only the length).
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Lifetimes of sessions, from settings.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    pub api: Duration,
}

/// Opens a session and returns its token (shown once, never stored).
pub fn create(
    conn: &mut DbConnection,
    user_id: i64,
    kind: SessionKind,
    label: &str,
    policy: SessionPolicy,
) -> QueryResult<String> {
    let token = new_token();
    let now = Utc::now().naive_utc();
    let expires = match kind {
        SessionKind::Web => now + policy.absolute,
        SessionKind::Api => now + policy.api,
    };
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(hash_token(&token)),
            sessions::user_id.eq(user_id),
            sessions::kind.eq(kind.as_str()),
            sessions::csrf_token.eq(new_token()),
            sessions::label.eq(label.chars().take(80).collect::<String>()),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires),
        ))
        .execute(conn)?;
    Ok(token)
}

type SessionRow = (
    i64,
    String,
    NaiveDateTime,
    NaiveDateTime,
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// What a token leads to (`find`): nothing, a session past its end (to delete), or a live
/// session with its user, and whether its `last_seen_at` is due to be moved.
#[derive(Debug)]
pub enum Found {
    Nothing,
    Expired(i64),
    Live { viewer: Viewer, touch: bool },
}

/// Finds the session behind a token, with the user's current name, role and standing, in one
/// read-only statement (prepared once per connection). `lookup` does the writes it implies.
pub fn find(
    conn: &mut DbConnection,
    token: &str,
    kind: SessionKind,
    policy: SessionPolicy,
    now: NaiveDateTime,
) -> QueryResult<Found> {
    let query = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(hash_token(token)))
        .filter(sessions::kind.eq(kind.as_str()))
        .select((
            sessions::id,
            sessions::csrf_token,
            sessions::last_seen_at,
            sessions::expires_at,
            users::id,
            users::username,
            users::role,
            users::locale,
            users::home_city_id,
            users::email_verified_at,
            users::created_at,
            notifications::table
                .filter(notifications::user_id.eq(users::id))
                .filter(notifications::read_at.is_null())
                .count()
                .single_value(),
            sanctions::table
                .filter(sanctions::user_id.eq(users::id))
                .filter(sanctions::kind.eq("silence"))
                .filter(sanctions::lifted_at.is_null())
                .filter(sanctions::until.is_null().or(sanctions::until.gt(now)))
                .count()
                .single_value(),
            board_moderators::table
                .filter(board_moderators::user_id.eq(users::id))
                .count()
                .single_value(),
            conversation_members::table
                .filter(conversation_members::user_id.eq(users::id))
                // A constant in the text: a bound 0 would make SQLite prepare the whole
                // statement again at each lookup (see `db::literal`).
                .filter(conversation_members::unread_count.gt(crate::db::literal::Zero))
                .count()
                .single_value(),
            two_factor::table
                .filter(two_factor::user_id.eq(users::id))
                .filter(two_factor::secret.is_not_null())
                .count()
                .single_value(),
        ));
    // The token hash is unique: no LIMIT, which would keep the statement out of the cache.
    let row: Option<SessionRow> = crate::on_backend!(conn, c => query.get_result(c).optional())?;
    let Some((
        session_id,
        csrf,
        last_seen,
        expires,
        user_id,
        username,
        role,
        locale,
        home,
        verified_at,
        joined_at,
        unread,
        silences,
        moderated,
        unread_conversations,
        second_factor,
    )) = row
    else {
        return Ok(Found::Nothing);
    };
    let idle_expired = kind == SessionKind::Web && now - last_seen > policy.idle;
    if now >= expires || idle_expired {
        return Ok(Found::Expired(session_id));
    }
    Ok(Found::Live {
        touch: now - last_seen > Duration::minutes(5),
        viewer: Viewer {
            user_id,
            username,
            role: Role::parse(&role).unwrap_or(Role::Member),
            locale,
            home_city_id: home,
            email_verified: verified_at.is_some(),
            unread_notifications: unread.unwrap_or(0),
            unread_messages: unread_conversations.unwrap_or(0),
            silenced: silences.unwrap_or(0) > 0,
            moderates_boards: moderated.unwrap_or(0) > 0,
            two_factor: second_factor.unwrap_or(0) > 0,
            needs_two_factor: false,
            joined_at,
            session_id,
            csrf_token: csrf,
        },
    })
}

/// Moves a session's `last_seen_at` (at most every five minutes: see `find`).
pub fn touch(conn: &mut DbConnection, session_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(session_id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
}

/// Finds the live session behind a token, with the user's current name and role.
/// Touches `last_seen_at` at most every five minutes, and drops expired sessions.
pub fn lookup(
    conn: &mut DbConnection,
    token: &str,
    kind: SessionKind,
    policy: SessionPolicy,
) -> QueryResult<Option<Viewer>> {
    let now = crate::db::now();
    match find(conn, token, kind, policy, now)? {
        Found::Nothing => Ok(None),
        Found::Expired(id) => {
            revoke(conn, id)?;
            Ok(None)
        }
        Found::Live { viewer, touch: t } => {
            if t {
                touch(conn, viewer.session_id, now)?;
            }
            Ok(Some(viewer))
        }
    }
}

/// Ends one session.
pub fn revoke(conn: &mut DbConnection, session_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(session_id)).execute(conn)
}

/// Ends one of a user's sessions by id (only if it is theirs).
pub fn revoke_own(conn: &mut DbConnection, user_id: i64, session_id: i64) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::user_id.eq(user_id)),
    )
    .execute(conn)
}

/// Ends every session and token of a user, except `keep` if given, and every sign-in of theirs
/// still waiting for its second factor (a ban, a suspension or a new password must not let a
/// password typed before it finish signing in with a code).
pub fn revoke_all(conn: &mut DbConnection, user_id: i64, keep: Option<i64>) -> QueryResult<usize> {
    diesel::delete(two_factor_challenges::table.filter(two_factor_challenges::user_id.eq(user_id)))
        .execute(conn)?;
    let query = sessions::table.filter(sessions::user_id.eq(user_id));
    match keep {
        Some(id) => diesel::delete(query.filter(sessions::id.ne(id))).execute(conn),
        None => diesel::delete(query).execute(conn),
    }
}

/// One line of the "your sessions" list.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct SessionInfo {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// A user's open sessions, newest first.
pub fn list(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<SessionInfo>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::last_seen_at.desc())
        .select((
            sessions::id,
            sessions::kind,
            sessions::label,
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .limit(100)
        .load(conn)
}

/// A short, non-identifying description of a browser for the session list ("Firefox · Linux").
pub fn describe_user_agent(ua: &str) -> String {
    let browser = [
        ("Firefox/", "Firefox"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name)
    .unwrap_or("?");
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name)
    .unwrap_or("?");
    format!("{browser} · {os}")
}

/// Deletes up to `batch` sessions that can no longer be used: past their absolute end, or (for
/// browser sessions) idle longer than `idle`. Returns how many went.
pub fn sweep_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    idle: Duration,
    batch: i64,
) -> QueryResult<usize> {
    let dead = sessions::table
        .select(sessions::id)
        .filter(
            sessions::expires_at.le(now).or(sessions::kind
                .eq(SessionKind::Web.as_str())
                .and(sessions::last_seen_at.lt(now - idle))),
        )
        .limit(batch)
        .load::<i64>(conn)?;
    diesel::delete(sessions::table.filter(sessions::id.eq_any(dead))).execute(conn)
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc123", "abc123"));
        assert!(!same_secret("abc123", "abc124"));
        assert!(!same_secret("abc123", "abc1234"));
        assert!(!same_secret("", "x"));
        assert!(same_secret("", ""));
    }
}
