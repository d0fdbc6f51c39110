//! Who may read and write what in the forum, in one place: hidden threads (a 404 for everyone
//! but their author and the board's staff), hidden posts (a placeholder for everyone but their
//! author and the board's staff), deleted posts (gone for all). Every read and write path of the
//! forum (thread pages, the API, quotes, replies, edits, permalinks) asks here; moderation asks
//! here too, and decides only what staff may *do*. This module must not depend on moderation.
//!
//! "The board's staff" are administrators, global moderators and the moderators of that board,
//! as moderation's policy has it for actions on a board's content; on a group's boards, the
//! group's coordinators too.
//!
//! A limited server's board (see `memberships::BoardVisibility::Followers`) exists only for the
//! members who follow it and for the site's staff, who moderate it as they do the site's boards.
//!
//! A group's private board exists only for the group's members (everyone else gets a 404, so
//! that its existence does not leak). Site staff read a thread there only when a member of the
//! group reported a post in it, and each such read is written to the moderation log, where the
//! group's coordinators see it. Membership is read on every request: leaving or being removed
//! takes effect at once.

use diesel::prelude::*;

use crate::db::schema::{board_moderators, group_members, posts, reports};
use crate::db::DbConnection;
use crate::forum::thread_queries::{self, PostView, Thread};
use crate::memberships::{self, BoardScope, GroupRole};
use crate::sessions::{Role, Viewer};

/// The reason stored on a post hidden automatically by members' reports (shown to staff in the
/// reader's language).
pub const AUTO_HIDE_REASON: &str = "auto:reports";

/// True when `viewer` is staff on `board_id`: the site's staff on the site's boards and a
/// group's public boards (and the board's own moderators), a group's coordinators on all of
/// its boards. On a private board the site's staff are not staff here: they reach a reported
/// thread through `readable_thread`.
pub fn is_board_staff(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    board_id: i64,
) -> QueryResult<bool> {
    let Some(v) = viewer else {
        return Ok(false);
    };
    let Some(scope) = memberships::board_scope(conn, board_id)? else {
        return Ok(false);
    };
    staff_on(conn, v, board_id, scope)
}

/// `is_board_staff` when the board's scope is already known (no statement for the site's
/// boards unless the member moderates some board).
pub fn staff_on(
    conn: &mut DbConnection,
    v: &Viewer,
    board_id: i64,
    scope: BoardScope,
) -> QueryResult<bool> {
    if let Some(group) = scope.group_id {
        if memberships::role_in(conn, group, v.user_id)? == Some(GroupRole::Coordinator) {
            return Ok(true);
        }
        if scope.is_private() {
            return Ok(false);
        }
    }
    if v.role != Role::Member {
        return Ok(true);
    }
    if !v.moderates_boards {
        return Ok(false);
    }
    diesel::select(diesel::dsl::exists(
        board_moderators::table
            .filter(board_moderators::user_id.eq(v.user_id))
            .filter(board_moderators::board_id.eq(board_id)),
    ))
    .get_result(conn)
}

/// Whether `viewer` may reply in thread `thread_id`, and as its board's staff: `None` when the
/// thread does not exist for them (missing, hidden, or in a private board of a group they are
/// not in: all answer 404). A locked thread or slow mode does not stop the staff; those checks
/// are the writer's.
pub fn reply_access(
    conn: &mut DbConnection,
    viewer: &Viewer,
    thread_id: i64,
) -> QueryResult<Option<bool>> {
    Ok(readable_thread(conn, Some(viewer), thread_id)?
        .filter(|(thread, staff)| may_write_in(thread.hidden_at.is_some(), *staff))
        .map(|(_, staff)| staff))
}

/// True when `viewer` is staff on the board of thread `thread_id`.
pub fn is_thread_staff(
    conn: &mut DbConnection,
    viewer: &Viewer,
    thread_id: i64,
) -> QueryResult<bool> {
    Ok(readable_thread(conn, Some(viewer), thread_id)?.is_some_and(|(_, staff)| staff))
}

/// True when `viewer` may edit other people's posts in the thread of `post_id` (the board's
/// staff).
pub fn may_edit_others_post(
    conn: &mut DbConnection,
    viewer: &Viewer,
    post_id: i64,
) -> QueryResult<bool> {
    let thread: Option<i64> = posts::table
        .filter(posts::id.eq(post_id))
        .select(posts::thread_id)
        .first(conn)
        .optional()?;
    match thread {
        Some(thread_id) => is_thread_staff(conn, viewer, thread_id),
        None => Ok(false),
    }
}

/// True when a member of group `group_id` reported a post of thread `thread_id` (which opens
/// the thread to the site's staff).
fn reported_by_member(conn: &mut DbConnection, thread_id: i64, group_id: i64) -> QueryResult<bool> {
    let members = group_members::table
        .filter(group_members::group_id.eq(group_id))
        .select(group_members::user_id);
    let thread_posts = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .select(posts::id);
    diesel::select(diesel::dsl::exists(
        reports::table
            .filter(reports::post_id.eq_any(thread_posts))
            .filter(reports::reporter_id.eq_any(members)),
    ))
    .get_result(conn)
}

/// Whether `viewer` may see thread `thread` at all (its board's scope), and whether they are
/// its board's staff: `None` when the thread's board is private to a group they are not in
/// (and no member's report opened it to them). A site staff member's read of a private thread
/// is written to the moderation log.
pub fn thread_access(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    thread: &Thread,
) -> QueryResult<Option<bool>> {
    let scope = thread.scope();
    let Some(v) = viewer else {
        return Ok((!scope.is_private()).then_some(false));
    };
    if !scope.is_private() {
        return staff_on(conn, v, thread.board_id, scope).map(Some);
    }
    if scope.is_for_followers() {
        // A limited server's board: its followers read it, the site's staff moderate it.
        if v.role != Role::Member {
            return Ok(Some(true));
        }
        return Ok(memberships::follows_board(conn, thread.board_id, v.user_id)?.then_some(false));
    }
    let Some(group) = scope.group_id else {
        return Ok(None);
    };
    match memberships::role_in(conn, group, v.user_id)? {
        Some(GroupRole::Coordinator) => Ok(Some(true)),
        Some(GroupRole::Member) => Ok(Some(false)),
        None if v.role != Role::Member && reported_by_member(conn, thread.id, group)? => {
            crate::audit::record(
                conn,
                v.user_id,
                PRIVATE_READ_ACTION,
                "thread",
                thread.id,
                &thread.title,
                "",
                None,
            )?;
            Ok(Some(true))
        }
        None => Ok(None),
    }
}

/// The moderation log's action for a site staff member reading a group's private thread.
pub const PRIVATE_READ_ACTION: &str = "read_private_thread";

/// May `viewer` see board `board` (its page and its list of threads)? A group's private board
/// is for its members only, a limited server's board for its followers and the site's staff
/// (everyone else gets a 404).
pub fn may_read_board(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    board: &crate::forum::queries::Board,
) -> QueryResult<bool> {
    if board.scope().is_for_followers() && viewer.is_some_and(|v| v.role != Role::Member) {
        return Ok(true);
    }
    memberships::may_read_scope(conn, board.id, board.scope(), viewer.map(|v| v.user_id))
}

/// May `viewer` start a thread in `board`? The site's boards take any member who may post; a
/// group's boards, public or private, only the group's members; a limited server's board,
/// those who read it.
pub fn may_post_in_board(
    conn: &mut DbConnection,
    viewer: &Viewer,
    board: &crate::forum::queries::Board,
) -> QueryResult<bool> {
    match board.group_id {
        None if board.scope().is_for_followers() => may_read_board(conn, Some(viewer), board),
        None => Ok(true),
        Some(group) => memberships::is_member(conn, group, viewer.user_id),
    }
}

/// What `viewer` may do with `board`: (read it, start threads in it), with one statement at
/// most (the membership, for a group's board; the follow, for a limited server's board).
pub fn board_rights(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    board: &crate::forum::queries::Board,
) -> QueryResult<(bool, bool)> {
    let private = board.scope().is_private();
    if board.scope().is_for_followers() {
        let reads = match viewer {
            Some(_) => may_read_board(conn, viewer, board)?,
            None => false,
        };
        return Ok((reads, reads));
    }
    let (Some(group), Some(v)) = (board.group_id, viewer) else {
        // The site's boards, or a visitor.
        return Ok((!private, viewer.is_some() && board.group_id.is_none()));
    };
    let member = memberships::is_member(conn, group, v.user_id)?;
    Ok((!private || member, member))
}

/// May this reader open the thread?
pub fn may_read_thread(thread: &Thread, reader: Option<i64>, staff: bool) -> bool {
    thread.hidden_at.is_none() || staff || reader == Some(thread.author_id)
}

/// A thread `viewer` may read, and whether they are its board's staff; `None` when it does not
/// exist or is hidden from them (both answer 404).
pub fn readable_thread(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    thread_id: i64,
) -> QueryResult<Option<(Thread, bool)>> {
    let Some(thread) = thread_queries::thread_by_id(conn, thread_id)? else {
        return Ok(None);
    };
    let Some(staff) = thread_access(conn, viewer, &thread)? else {
        return Ok(None);
    };
    let reader = viewer.map(|v| v.user_id);
    Ok(may_read_thread(&thread, reader, staff).then_some((thread, staff)))
}

/// How a post shows to one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// As written.
    Visible,
    /// Hidden, but shown to its author or staff, marked.
    HiddenShown,
    /// Hidden: a placeholder instead of the text.
    Placeholder,
    /// Deleted for good.
    Deleted,
}

impl Shown {
    /// True when the reader gets the post's text.
    pub fn readable(self) -> bool {
        matches!(self, Shown::Visible | Shown::HiddenShown)
    }
}

/// How a post hidden at `hidden_at` (deleted at `deleted_at`), written by `author_id`, shows to
/// `reader`.
pub fn shown_as(
    author_id: i64,
    hidden_at: Option<chrono::NaiveDateTime>,
    deleted_at: Option<chrono::NaiveDateTime>,
    reader: Option<i64>,
    staff: bool,
) -> Shown {
    if deleted_at.is_some() {
        Shown::Deleted
    } else if hidden_at.is_none() {
        Shown::Visible
    } else if staff || reader == Some(author_id) {
        Shown::HiddenShown
    } else {
        Shown::Placeholder
    }
}

/// How `post` shows to `reader`.
pub fn shown(post: &PostView, reader: Option<i64>, staff: bool) -> Shown {
    shown_as(
        post.author_id,
        post.hidden_at,
        post.deleted_at,
        reader,
        staff,
    )
}

/// A post a reader may see the source of, with what decides what they may do with it.
#[derive(Debug, Clone)]
pub struct ReadablePost {
    pub post: thread_queries::EditablePost,
    /// Its thread is hidden (only the board's staff write there).
    pub thread_hidden: bool,
    /// The reader is the board's staff.
    pub staff: bool,
}

/// A post `viewer` may read the source of (to quote or edit it); `None` when the post does not
/// exist, is deleted, is hidden from them, or sits in a thread hidden from them (all answer 404).
pub fn readable_post(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    post_id: i64,
) -> QueryResult<Option<ReadablePost>> {
    let Some(post) = thread_queries::editable_post(conn, post_id)? else {
        return Ok(None);
    };
    let Some((thread, staff)) = readable_thread(conn, viewer, post.thread_id)? else {
        return Ok(None);
    };
    let reader = viewer.map(|v| v.user_id);
    let shown = shown_as(
        post.author_id,
        post.hidden_at,
        post.deleted_at,
        reader,
        staff,
    );
    Ok(shown.readable().then_some(ReadablePost {
        post,
        thread_hidden: thread.hidden_at.is_some(),
        staff,
    }))
}

/// May someone write in this thread (reply, edit)? A hidden thread takes writes from the board's
/// staff only; for everyone else it does not exist (404), its author included.
pub fn may_write_in(thread_hidden: bool, staff: bool) -> bool {
    !thread_hidden || staff
}

/// Why a post may not be edited by someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditDenied {
    /// It does not exist for them (404).
    NotFound,
    /// They read it but it is not theirs, and they are not the board's staff (403).
    NotYours,
}

impl From<EditDenied> for crate::web::error::AppError {
    fn from(e: EditDenied) -> Self {
        match e {
            EditDenied::NotFound => crate::web::error::AppError::NotFound,
            EditDenied::NotYours => crate::web::error::AppError::Forbidden,
        }
    }
}

/// A post `viewer` may edit (theirs, or any as the board's staff, but never one received from
/// another server), with whether they edit as staff.
pub fn editable_by(
    conn: &mut DbConnection,
    viewer: &Viewer,
    post_id: i64,
) -> QueryResult<Result<(thread_queries::EditablePost, bool), EditDenied>> {
    let Some(found) = readable_post(conn, Some(viewer), post_id)? else {
        return Ok(Err(EditDenied::NotFound));
    };
    if !may_write_in(found.thread_hidden, found.staff) {
        return Ok(Err(EditDenied::NotFound));
    }
    if found.post.author_id != viewer.user_id && !found.staff {
        return Ok(Err(EditDenied::NotYours));
    }
    // A post received from another server is its author's to edit, there: staff hide or delete
    // it here (an edit here would go out as its author's words).
    if found.post.remote_id.is_some() {
        return Ok(Err(EditDenied::NotYours));
    }
    Ok(Ok((found.post, found.staff)))
}
