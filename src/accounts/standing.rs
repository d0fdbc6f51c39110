//! An account's standing: the sanctions on record for it, read side. Logging in asks whether a
//! suspension or ban is running; the settings page and the data export list the history.
//! Moderation (`crate::moderation::sanctions`) decides and writes sanctions; it reads them
//! through here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::sanctions;
use crate::db::DbConnection;

/// One sanction, for the person and for staff.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = sanctions)]
pub struct SanctionRow {
    pub id: i64,
    pub kind: String,
    pub reason: String,
    pub until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
}

impl SanctionRow {
    /// True while it restricts the person (a warning never does).
    pub fn is_active(&self, now: NaiveDateTime) -> bool {
        self.kind != "warn" && self.lifted_at.is_none() && self.until.map_or(true, |u| u > now)
    }
}

/// Every sanction of a person, newest first.
pub fn history(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<SanctionRow>> {
    sanctions::table
        .filter(sanctions::user_id.eq(user_id))
        .order(sanctions::id.desc())
        .limit(200)
        .select(SanctionRow::as_select())
        .load(conn)
}

/// The suspension or ban that keeps a person from logging in now, if any.
pub fn login_block(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<SanctionRow>> {
    sanctions::table
        .filter(sanctions::user_id.eq(user_id))
        .filter(sanctions::kind.eq_any(["suspend", "ban"]))
        .filter(sanctions::lifted_at.is_null())
        .filter(sanctions::until.is_null().or(sanctions::until.gt(now)))
        .order(sanctions::id.desc())
        .select(SanctionRow::as_select())
        .first(conn)
        .optional()
}
