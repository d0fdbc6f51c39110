//! The browser families an account signed in from (`signin_browsers`) and its switch for the
//! sign-in notice: the stored side of `signin_notice`, read by the data export and the mail
//! settings without the mail code.

use diesel::prelude::*;

use crate::db::schema::{signin_browsers, users};
use crate::db::DbConnection;

/// A browser family an account signed in from, in its data export.
#[derive(Debug, Clone, serde::Serialize, Queryable)]
pub struct ExportedBrowser {
    pub family: String,
    pub first_seen_at: chrono::NaiveDateTime,
}

/// The browser families the account signed in from, oldest first (for its data export).
pub fn export(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<ExportedBrowser>> {
    signin_browsers::table
        .filter(signin_browsers::user_id.eq(user_id))
        .order((
            signin_browsers::first_seen_at.asc(),
            signin_browsers::family.asc(),
        ))
        .select((signin_browsers::family, signin_browsers::first_seen_at))
        .load(conn)
}

/// Whether the account wants the notice.
pub fn wants_notice(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    users::table
        .find(user_id)
        .select(users::signin_notice)
        .first(conn)
}

/// Turns the notice on or off.
pub fn set_wanted(conn: &mut DbConnection, user_id: i64, wanted: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::signin_notice.eq(wanted))
        .execute(conn)
}
