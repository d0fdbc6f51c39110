//! The SQL of following boards of other servers: the board row that mirrors one here (marked by
//! its `Group` actor's id), who follows it, and the list each member sees.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::queries::RemoteActorRow;
use super::received_store::handle;
use crate::db::schema::{boards, federation_following};
use crate::db::{now, DbConnection};

/// The board that mirrors a remote `Group` here, made the first time someone follows it: a
/// board of the site (no group), public unless its instance is limited (`policy`), its slug
/// and name the group's handle (`name@domain`, which no local board can have), listed apart
/// from the site's boards. Returns its id and slug.
pub fn mirror_board(conn: &mut DbConnection, group: &RemoteActorRow) -> QueryResult<(i64, String)> {
    let known: Option<(i64, String)> = boards::table
        .filter(boards::remote_id.eq(&group.ap_id))
        .select((boards::id, boards::slug))
        .first(conn)
        .optional()?;
    if let Some(known) = known {
        return Ok(known);
    }
    let base = handle(group);
    let digest = hex::encode(Sha256::digest(group.ap_id.as_bytes()));
    let mut slug = base.clone();
    for len in [6, 12, 64] {
        let taken: Option<i64> = boards::table
            .filter(boards::slug.eq(&slug))
            .select(boards::id)
            .first(conn)
            .optional()?;
        if taken.is_none() {
            break;
        }
        slug = format!("{base}~{}", &digest[..len]);
    }
    let visibility = super::policy::mirror_visibility(conn, &group.ap_id)?;
    let last: Option<i64> = boards::table
        .select(diesel::dsl::max(boards::position))
        .first(conn)?;
    let id = diesel::insert_into(boards::table)
        .values((
            boards::slug.eq(&slug),
            boards::name.eq(&base),
            boards::description.eq(""),
            boards::position.eq(last.unwrap_or(0) + 10),
            boards::created_at.eq(now()),
            boards::visibility.eq(visibility.as_str()),
            boards::remote_id.eq(Some(&group.ap_id)),
        ))
        .returning(boards::id)
        .get_result(conn)?;
    Ok((id, slug))
}

/// How many boards of other servers a member may follow.
pub const MAX_FOLLOWED: i64 = 200;

/// How many boards of other servers a member follows.
pub fn count_followed(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    federation_following::table
        .filter(federation_following::user_id.eq(user_id))
        .count()
        .get_result(conn)
}

/// Records a member's follow of a mirrored board (pending until the group accepts); false when
/// they follow it already.
pub fn add(
    conn: &mut DbConnection,
    user_id: i64,
    board_id: i64,
    follow_id: &str,
) -> QueryResult<bool> {
    let n = crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_following::table)
        .values((
            federation_following::user_id.eq(user_id),
            federation_following::board_id.eq(board_id),
            federation_following::follow_id.eq(follow_id),
            federation_following::accepted.eq(false),
            federation_following::created_at.eq(now()),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Ends a member's follow; returns its `Follow` id (for the `Undo`) and the group's actor id.
pub fn remove(
    conn: &mut DbConnection,
    user_id: i64,
    board_id: i64,
) -> QueryResult<Option<(String, String)>> {
    let row: Option<(String, Option<String>)> = federation_following::table
        .inner_join(boards::table)
        .filter(federation_following::user_id.eq(user_id))
        .filter(federation_following::board_id.eq(board_id))
        .select((federation_following::follow_id, boards::remote_id))
        .first(conn)
        .optional()?;
    diesel::delete(
        federation_following::table
            .filter(federation_following::user_id.eq(user_id))
            .filter(federation_following::board_id.eq(board_id)),
    )
    .execute(conn)?;
    // A limited server's board is its followers' only: what it told them is gone with it.
    crate::memberships::forget_unfollowed_notifications(conn, &[board_id])?;
    Ok(row.and_then(|(follow, group)| group.map(|group| (follow, group))))
}

/// Marks a follow accepted, when `group` is the group it followed; returns whether one was.
pub fn accept(conn: &mut DbConnection, follow_id: &str, group: &str) -> QueryResult<bool> {
    let board: Option<i64> = boards::table
        .filter(boards::remote_id.eq(group))
        .select(boards::id)
        .first(conn)
        .optional()?;
    let Some(board) = board else {
        return Ok(false);
    };
    let n = diesel::update(
        federation_following::table
            .filter(federation_following::follow_id.eq(follow_id))
            .filter(federation_following::board_id.eq(board)),
    )
    .set(federation_following::accepted.eq(true))
    .execute(conn)?;
    Ok(n > 0)
}

/// Drops a follow the group refused.
pub fn reject(conn: &mut DbConnection, follow_id: &str, group: &str) -> QueryResult<bool> {
    let boards_of_group = boards::table
        .filter(boards::remote_id.eq(group))
        .select(boards::id);
    let boards: Vec<i64> = federation_following::table
        .filter(federation_following::follow_id.eq(follow_id))
        .filter(federation_following::board_id.eq_any(boards_of_group))
        .select(federation_following::board_id)
        .load(conn)?;
    let n = diesel::delete(
        federation_following::table
            .filter(federation_following::follow_id.eq(follow_id))
            .filter(federation_following::board_id.eq_any(&boards)),
    )
    .execute(conn)?;
    crate::memberships::forget_unfollowed_notifications(conn, &boards)?;
    Ok(n > 0)
}

/// The mirrored board of a remote group someone here follows (accepted), if any: only those
/// take what the group announces.
pub fn followed_board(conn: &mut DbConnection, group: &str) -> QueryResult<Option<i64>> {
    boards::table
        .inner_join(federation_following::table)
        .filter(boards::remote_id.eq(group))
        .filter(federation_following::accepted.eq(true))
        .select(boards::id)
        .first(conn)
        .optional()
}

/// The mirrored board of a remote group, followed or not (a thread may be addressed to it).
pub fn mirror_of(conn: &mut DbConnection, group: &str) -> QueryResult<Option<i64>> {
    boards::table
        .filter(boards::remote_id.eq(group))
        .select(boards::id)
        .first(conn)
        .optional()
}

/// A board of another server a member follows, as their list shows it.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Followed {
    pub board_id: i64,
    pub slug: String,
    pub name: String,
    /// The group's actor id (its address there).
    pub remote_id: Option<String>,
    pub thread_count: i64,
    pub last_post_at: Option<NaiveDateTime>,
    /// False while the group has not accepted the follow.
    pub accepted: bool,
    pub since: NaiveDateTime,
    /// `followers` while its instance is limited here, `public` otherwise.
    pub visibility: String,
}

/// The boards of other servers a member follows, most recently active first.
pub fn followed_by(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Followed>> {
    federation_following::table
        .inner_join(boards::table)
        .filter(federation_following::user_id.eq(user_id))
        .order((boards::last_post_at.desc(), boards::id.desc()))
        .limit(500)
        .select((
            boards::id,
            boards::slug,
            boards::name,
            boards::remote_id,
            boards::thread_count,
            boards::last_post_at,
            federation_following::accepted,
            federation_following::created_at,
            boards::visibility,
        ))
        .load(conn)
}
