//! The moderation log: one row per staff action (who, what, on what, why, when, until when).
//! Staff read all of it; the public transparency page shows actions on content and sanctions
//! without the moderators' names, private warnings and notes, or the reasons (which may quote
//! hidden content or private matters).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, mod_log, threads, users};
use crate::db::DbConnection;

/// Actions the public log never shows.
const PRIVATE_ACTIONS: [&str; 12] = [
    "warn",
    // A member's sign-in settings are between them and the administrators.
    "reset_two_factor",
    // A site staff member's read of a group's private thread is for the group's coordinators.
    "read_private_thread",
    "note",
    // Applications name people who are not members (yet), or never will be.
    "approve",
    "reject",
    "invite",
    "revoke_invite",
    // Reports are between their authors and the staff.
    "resolve_reports_hidden",
    "resolve_reports_dismissed",
    "resolve_reports_sanctioned",
    // A rejected proposal was never public.
    "deployment_reject",
];

/// Actions whose target (a hidden thread's title, a hidden post) the public log does not name.
const UNNAMED_TARGETS: [&str; 4] = ["hide", "hide_post", "delete_post", "auto_hide_post"];

/// Writes one row for a staff member's action (inside the caller's transaction).
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConnection,
    actor_id: i64,
    action: &str,
    target_kind: &str,
    target_id: i64,
    target_label: &str,
    reason: &str,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    record_as(
        conn,
        Some(actor_id),
        action,
        target_kind,
        target_id,
        target_label,
        reason,
        expires_at,
    )
}

/// Writes one row; `None` as the actor is the site itself (an automatic action).
#[allow(clippy::too_many_arguments)]
pub fn record_as(
    conn: &mut DbConnection,
    actor_id: Option<i64>,
    action: &str,
    target_kind: &str,
    target_id: i64,
    target_label: &str,
    reason: &str,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::insert_into(mod_log::table)
        .values((
            mod_log::actor_id.eq(actor_id),
            mod_log::action.eq(action),
            mod_log::target_kind.eq(target_kind),
            mod_log::target_id.eq(target_id),
            mod_log::target_label.eq(target_label),
            mod_log::reason.eq(reason),
            mod_log::expires_at.eq(expires_at),
            mod_log::created_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One line of the log as staff see it.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target_kind: String,
    pub target_id: i64,
    pub target_label: String,
    pub reason: String,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// One line of the public log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicEntry {
    pub id: i64,
    pub action: String,
    pub target_kind: String,
    pub target_label: String,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// The newest entries, older than `before` when given.
pub fn staff_view(
    conn: &mut DbConnection,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Entry>> {
    mod_log::table
        .left_join(users::table.on(mod_log::actor_id.eq(users::id.nullable())))
        .filter(mod_log::id.lt(before.unwrap_or(i64::MAX)))
        .order(mod_log::id.desc())
        .limit(limit)
        .select((
            mod_log::id,
            users::username.nullable(),
            mod_log::action,
            mod_log::target_kind,
            mod_log::target_id,
            mod_log::target_label,
            mod_log::reason,
            mod_log::expires_at,
            mod_log::created_at,
        ))
        .load(conn)
}

/// The public entries, older than `before` when given.
pub fn public_view(
    conn: &mut DbConnection,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<PublicEntry>> {
    type Row = (
        i64,
        String,
        String,
        i64,
        String,
        Option<NaiveDateTime>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = mod_log::table
        .filter(mod_log::action.ne_all(PRIVATE_ACTIONS))
        .filter(mod_log::id.lt(before.unwrap_or(i64::MAX)))
        .order(mod_log::id.desc())
        .limit(limit)
        .select((
            mod_log::id,
            mod_log::action,
            mod_log::target_kind,
            mod_log::target_id,
            mod_log::target_label,
            mod_log::expires_at,
            mod_log::created_at,
        ))
        .load(conn)?;
    // Threads hidden now, or in a group's private board, are not named, whatever the action
    // was; posts never are.
    let thread_ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.2 == "thread")
        .map(|r| r.3)
        .collect();
    let hidden: Vec<i64> = if thread_ids.is_empty() {
        Vec::new()
    } else {
        threads::table
            .inner_join(boards::table)
            .filter(threads::id.eq_any(&thread_ids))
            .filter(
                threads::hidden_at
                    .is_not_null()
                    .or(boards::visibility.ne("public")),
            )
            .select(threads::id)
            .load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(
            |(id, action, target_kind, target_id, target_label, expires_at, created_at)| {
                let unnamed = UNNAMED_TARGETS.contains(&action.as_str())
                    || target_kind == "post"
                    || (target_kind == "thread" && hidden.contains(&target_id));
                PublicEntry {
                    id,
                    action,
                    target_kind,
                    target_label: if unnamed { String::new() } else { target_label },
                    expires_at,
                    created_at,
                }
            },
        )
        .collect())
}

/// A site staff member's read of one of a group's private threads (through a member's report),
/// for the group's coordinators.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct PrivateRead {
    pub staff: Option<String>,
    pub thread_id: i64,
    pub thread_title: String,
    pub created_at: NaiveDateTime,
}

/// The newest reads of group `group_id`'s private threads by site staff (action `action`, the
/// forum's name for such a read).
pub fn private_reads(
    conn: &mut DbConnection,
    group_id: i64,
    action: &str,
    limit: i64,
) -> QueryResult<Vec<PrivateRead>> {
    mod_log::table
        .inner_join(threads::table.on(threads::id.eq(mod_log::target_id)))
        .inner_join(boards::table.on(boards::id.eq(threads::board_id)))
        .left_join(users::table.on(mod_log::actor_id.eq(users::id.nullable())))
        .filter(mod_log::action.eq(action))
        .filter(mod_log::target_kind.eq("thread"))
        .filter(boards::group_id.eq(group_id))
        .order(mod_log::id.desc())
        .limit(limit)
        .select((
            users::username.nullable(),
            threads::id,
            threads::title,
            mod_log::created_at,
        ))
        .load(conn)
}
