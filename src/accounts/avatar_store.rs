//! The SQL behind avatars: the uploaded pictures (`avatars`, one row per member who has one).
//! Drawn avatars are never stored (see `accounts::avatar`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{applications, avatars, users};
use crate::db::{now, DbConnection};
use crate::images::Encoded;

/// A member's uploaded picture, without its bytes.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = avatars)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct StoredAvatar {
    /// The name its address ends with.
    pub file: String,
    pub content_type: String,
    /// When it was uploaded.
    pub created_at: NaiveDateTime,
}

/// The member's uploaded picture, if any.
pub fn current(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<StoredAvatar>> {
    avatars::table
        .find(user_id)
        .select(StoredAvatar::as_select())
        .first(conn)
        .optional()
}

/// A member whose avatar may be shown: their name and their picture's file, if any. `None`
/// for an unknown id and for an applicant not yet approved (not a member, not shown).
pub fn owner(
    conn: &mut DbConnection,
    user_id: i64,
) -> QueryResult<Option<(String, Option<String>)>> {
    users::table
        .left_join(avatars::table)
        .filter(users::id.eq(user_id))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            applications::table.filter(applications::user_id.eq(users::id)),
        )))
        .select((users::username, avatars::file.nullable()))
        .first(conn)
        .optional()
}

/// The bytes and media type of a member's picture if its file is still `file`.
pub fn picture(
    conn: &mut DbConnection,
    user_id: i64,
    file: &str,
) -> QueryResult<Option<(String, Vec<u8>)>> {
    avatars::table
        .find(user_id)
        .filter(avatars::file.eq(file))
        .select((avatars::content_type, avatars::data))
        .first(conn)
        .optional()
}

/// Puts `picture` (already made by `crate::images`) as the member's avatar under `file`,
/// replacing any earlier one. Run it in a write transaction that moves the content version:
/// pages show avatars.
pub fn save(
    conn: &mut DbConnection,
    user_id: i64,
    file: &str,
    picture: &Encoded,
) -> QueryResult<()> {
    diesel::delete(avatars::table.find(user_id)).execute(conn)?;
    diesel::insert_into(avatars::table)
        .values((
            avatars::user_id.eq(user_id),
            avatars::file.eq(file),
            avatars::content_type.eq(picture.content_type),
            avatars::created_at.eq(now()),
            avatars::data.eq(&picture.bytes),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes the member's picture (they get the drawn one back); the number of rows removed.
pub fn remove(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(avatars::table.find(user_id)).execute(conn)
}
