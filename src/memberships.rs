//! Who belongs to which local group, and with what role; and where a board sits (the site's, or
//! a group's public or private board, or a limited server's board for the members following
//! it). This is the one place the forum's visibility rules, the notifications and the groups'
//! pages ask "is this person in that group?" (or "do they follow that board?"), so that leaving
//! a group or unfollowing a board takes effect on the very next request: nothing here is cached.
//!
//! It sits low (below `accounts`, reading only tables) because the forum, the notifications and
//! the account pages need these answers; the groups' pages and forms live in `groups`.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, federation_following, group_members};
use crate::db::DbConnection;

/// A person's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupRole {
    /// Manages members, boards, actions and settings.
    Coordinator,
    /// Reads and writes in the group's boards.
    Member,
}

impl GroupRole {
    /// Parses a stored or submitted role.
    pub fn parse(s: &str) -> Option<GroupRole> {
        match s {
            "coordinator" => Some(GroupRole::Coordinator),
            "member" => Some(GroupRole::Member),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupRole::Coordinator => "coordinator",
            GroupRole::Member => "member",
        }
    }
}

/// Who may read a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BoardVisibility {
    /// Everyone reads it (the site's boards, a group's public boards).
    Public,
    /// Only the group's members read it.
    Private,
    /// The board of another server whose instance administrators limited: only the members
    /// who follow it (and the site's staff) read it. Set and lifted with the instance's policy,
    /// never chosen for a board of ours.
    Followers,
}

impl BoardVisibility {
    /// Parses a submitted visibility: what a group's board may be (public or private).
    pub fn parse(s: &str) -> Option<BoardVisibility> {
        match s {
            "public" => Some(BoardVisibility::Public),
            "private" => Some(BoardVisibility::Private),
            _ => None,
        }
    }

    /// Parses a stored visibility (a submitted one, or `followers`).
    pub fn parse_stored(s: &str) -> Option<BoardVisibility> {
        match s {
            "followers" => Some(BoardVisibility::Followers),
            _ => BoardVisibility::parse(s),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BoardVisibility::Public => "public",
            BoardVisibility::Private => "private",
            BoardVisibility::Followers => "followers",
        }
    }
}

/// Where a board sits: the site's (no group) or a group's, public or private; or a limited
/// server's board, for its followers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardScope {
    pub group_id: Option<i64>,
    pub visibility: BoardVisibility,
}

impl BoardScope {
    /// Builds the scope from a board row's `group_id` and `visibility` columns.
    pub fn from_columns(group_id: Option<i64>, visibility: &str) -> BoardScope {
        BoardScope {
            group_id,
            // An unknown stored value is read as private: failing closed.
            visibility: BoardVisibility::parse_stored(visibility)
                .unwrap_or(BoardVisibility::Private),
        }
    }

    /// True when not everyone reads the board: a group's private board, or a limited server's
    /// board (see `is_for_followers`). Lists across boards, feeds, federation and the shared
    /// page copies leave such boards out.
    pub fn is_private(self) -> bool {
        self.visibility != BoardVisibility::Public
    }

    /// True for the site's public boards: everyone reads them alike (a group's boards depend on
    /// membership, a limited server's on following it), so one copy of their pages may serve
    /// every plain member.
    pub fn read_alike(self) -> bool {
        self.group_id.is_none() && self.visibility == BoardVisibility::Public
    }

    /// True for a limited server's board, read by the members following it.
    pub fn is_for_followers(self) -> bool {
        self.visibility == BoardVisibility::Followers
    }
}

/// The scope of board `board_id`, `None` when there is no such board.
pub fn board_scope(conn: &mut DbConnection, board_id: i64) -> QueryResult<Option<BoardScope>> {
    let row: Option<(Option<i64>, String)> = boards::table
        .find(board_id)
        .select((boards::group_id, boards::visibility))
        .first(conn)
        .optional()?;
    Ok(row.map(|(g, v)| BoardScope::from_columns(g, &v)))
}

/// The role of `user_id` in group `group_id`, `None` when they are not a member.
pub fn role_in(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
) -> QueryResult<Option<GroupRole>> {
    let role: Option<String> = group_members::table
        .find((group_id, user_id))
        .select(group_members::role)
        .first(conn)
        .optional()?;
    Ok(role.as_deref().and_then(GroupRole::parse))
}

/// True when `user_id` is a member (any role) of group `group_id`.
pub fn is_member(conn: &mut DbConnection, group_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        group_members::table.find((group_id, user_id)),
    ))
    .get_result(conn)
}

/// True when `user_id` follows board `board_id` of another server (asked to, at least: nothing
/// arrives in it before its server accepts).
pub fn follows_board(conn: &mut DbConnection, board_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        federation_following::table.find((user_id, board_id)),
    ))
    .get_result(conn)
}

/// True when `reader` (`None`: a visitor) may read board `board_id` of this scope as a member
/// would: public boards for all, private boards for the group's members, a limited server's
/// board for its followers. Site staff's access to a private board through a report, and to a
/// limited server's board, is decided by `forum::visibility`, not here.
pub fn may_read_scope(
    conn: &mut DbConnection,
    board_id: i64,
    scope: BoardScope,
    reader: Option<i64>,
) -> QueryResult<bool> {
    match (scope.visibility, scope.group_id, reader) {
        (BoardVisibility::Public, _, _) => Ok(true),
        (BoardVisibility::Private, Some(group), Some(user)) => is_member(conn, group, user),
        (BoardVisibility::Followers, _, Some(user)) => follows_board(conn, board_id, user),
        (BoardVisibility::Private | BoardVisibility::Followers, _, _) => Ok(false),
    }
}

/// Who reads board `board_id` of this scope when not everyone does: a group's members, or the
/// members following a limited server's board (`None` for a public board).
pub fn restricted_readers(
    conn: &mut DbConnection,
    board_id: i64,
    scope: BoardScope,
) -> QueryResult<Option<Vec<i64>>> {
    match (scope.visibility, scope.group_id) {
        (BoardVisibility::Public, _) => Ok(None),
        (BoardVisibility::Private, Some(group)) => member_ids(conn, group).map(Some),
        (BoardVisibility::Private, None) => Ok(Some(Vec::new())),
        (BoardVisibility::Followers, _) => federation_following::table
            .filter(federation_following::board_id.eq(board_id))
            .select(federation_following::user_id)
            .load(conn)
            .map(Some),
    }
}

/// Every member of group `group_id` (ids).
pub fn member_ids(conn: &mut DbConnection, group_id: i64) -> QueryResult<Vec<i64>> {
    group_members::table
        .filter(group_members::group_id.eq(group_id))
        .select(group_members::user_id)
        .load(conn)
}

/// Marks read the notifications `user_id` still has about the private boards of group
/// `group_id` (when they leave or are removed: the lists stop showing them, so the unread
/// count must too).
pub fn forget_private_notifications(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
) -> QueryResult<usize> {
    use crate::db::schema::{notifications, threads};
    let private_threads = threads::table
        .inner_join(boards::table)
        .filter(boards::group_id.eq(group_id))
        .filter(boards::visibility.ne(BoardVisibility::Public.as_str()))
        .select(threads::id);
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null())
            .filter(notifications::thread_id.eq_any(private_threads)),
    )
    .set(notifications::read_at.eq(crate::db::now()))
    .execute(conn)
}

/// Marks read the notifications about limited servers' boards among `board_ids` that their
/// people no longer read (everyone but the members following each board): when a limit is set
/// or a member stops following, the lists stop showing them, so the unread counts must too.
pub fn forget_unfollowed_notifications(
    conn: &mut DbConnection,
    board_ids: &[i64],
) -> QueryResult<usize> {
    use crate::db::schema::{notifications, threads};
    let mut forgotten = 0;
    for &board in board_ids {
        // One statement a board: its threads, only while it is for its followers.
        let its_threads = threads::table
            .inner_join(boards::table)
            .filter(boards::id.eq(board))
            .filter(boards::visibility.eq(BoardVisibility::Followers.as_str()))
            .select(threads::id);
        let followers = federation_following::table
            .filter(federation_following::board_id.eq(board))
            .select(federation_following::user_id);
        forgotten += diesel::update(
            notifications::table
                .filter(notifications::read_at.is_null())
                .filter(notifications::thread_id.eq_any(its_threads))
                .filter(diesel::dsl::not(notifications::user_id.eq_any(followers))),
        )
        .set(notifications::read_at.eq(crate::db::now()))
        .execute(conn)?;
    }
    Ok(forgotten)
}

/// The groups `user_id` belongs to (ids), for filters over many boards at once.
pub fn group_ids_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    group_members::table
        .filter(group_members::user_id.eq(user_id))
        .select(group_members::group_id)
        .load(conn)
}

/// The ids of the boards `user_id` may not read (every private board of a group they are not
/// in, every limited server's board they do not follow), for filters over lists that span
/// boards (notifications, digests, profiles).
pub fn unreadable_board_ids(
    conn: &mut DbConnection,
    user_id: Option<i64>,
) -> QueryResult<Vec<i64>> {
    let mut query = boards::table
        .filter(boards::visibility.ne(BoardVisibility::Public.as_str()))
        .select(boards::id)
        .into_boxed();
    if let Some(user) = user_id {
        let mine = group_members::table
            .filter(group_members::user_id.eq(user))
            .select(group_members::group_id.nullable());
        let followed = federation_following::table
            .filter(federation_following::user_id.eq(user))
            .select(federation_following::board_id);
        query = query.filter(
            boards::group_id
                .is_null()
                .or(diesel::dsl::not(boards::group_id.eq_any(mine))),
        );
        query = query.filter(
            boards::visibility
                .ne(BoardVisibility::Followers.as_str())
                .or(diesel::dsl::not(boards::id.eq_any(followed))),
        );
    }
    query.load(conn)
}

/// A group a person belongs to, for their settings page and their data export.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct MyGroup {
    pub slug: String,
    pub name: String,
    pub role: String,
}

/// The groups `user_id` belongs to, by name.
pub fn groups_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<MyGroup>> {
    use crate::db::schema::groups;
    group_members::table
        .inner_join(groups::table)
        .filter(group_members::user_id.eq(user_id))
        .order(groups::name.asc())
        .select((groups::slug, groups::name, group_members::role))
        .load(conn)
}

/// True when `a` and `b` are in at least one group together (they count as each other's
/// contacts, for an inbox closed to everyone else).
pub fn share_a_group(conn: &mut DbConnection, a: i64, b: i64) -> QueryResult<bool> {
    let groups_of_b = group_ids_of(conn, b)?;
    if groups_of_b.is_empty() {
        return Ok(false);
    }
    diesel::select(diesel::dsl::exists(
        group_members::table
            .filter(group_members::user_id.eq(a))
            .filter(group_members::group_id.eq_any(groups_of_b)),
    ))
    .get_result(conn)
}
