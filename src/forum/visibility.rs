//! Who may read and write what in the forum, in one place: hidden threads (a 404 for everyone
//! but their author and the board's staff), hidden posts (a placeholder for everyone but their
//! author and the board's staff), deleted posts (gone for all). Every read and write path of the
//! forum (thread pages, the API, quotes, replies, edits, permalinks) asks here; moderation asks
//! here too, and decides only what staff may *do*. This module must not depend on moderation.
//!
//! "The board's staff" are administrators, global moderators and the moderators of that board,
//! as moderation's policy has it for actions on a board's content.

use diesel::prelude::*;

use crate::db::schema::{board_moderators, posts, threads};
use crate::db::DbConnection;
use crate::forum::thread_queries::{self, PostView, Thread};
use crate::sessions::{Role, Viewer};

/// The reason stored on a post hidden automatically by members' reports (shown to staff in the
/// reader's language).
pub const AUTO_HIDE_REASON: &str = "auto:reports";

/// True when `viewer` is staff on `board_id` (reads the board's moderators only for members who
/// moderate some board).
pub fn is_board_staff(
    conn: &mut DbConnection,
    viewer: Option<&Viewer>,
    board_id: i64,
) -> QueryResult<bool> {
    let Some(v) = viewer else {
        return Ok(false);
    };
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

/// True when `viewer` is staff on the board of thread `thread_id` (a locked thread or slow mode
/// does not stop them). Looks the board up only for members who moderate some board.
pub fn is_thread_staff(
    conn: &mut DbConnection,
    viewer: &Viewer,
    thread_id: i64,
) -> QueryResult<bool> {
    if viewer.role != Role::Member {
        return Ok(true);
    }
    if !viewer.moderates_boards {
        return Ok(false);
    }
    let board: Option<i64> = threads::table
        .find(thread_id)
        .select(threads::board_id)
        .first(conn)
        .optional()?;
    match board {
        Some(board_id) => is_board_staff(conn, Some(viewer), board_id),
        None => Ok(false),
    }
}

/// True when `viewer` may edit other people's posts in the thread of `post_id` (the board's
/// staff). Looks the board up only for members who moderate some board.
pub fn may_edit_others_post(
    conn: &mut DbConnection,
    viewer: &Viewer,
    post_id: i64,
) -> QueryResult<bool> {
    if viewer.role != Role::Member {
        return Ok(true);
    }
    if !viewer.moderates_boards {
        return Ok(false);
    }
    let board: Option<i64> = posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(post_id))
        .select(threads::board_id)
        .first(conn)
        .optional()?;
    match board {
        Some(board_id) => is_board_staff(conn, Some(viewer), board_id),
        None => Ok(false),
    }
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
    let staff = is_board_staff(conn, viewer, thread.board_id)?;
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

/// A post `viewer` may edit (theirs, or any as the board's staff), with whether they edit as
/// staff.
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
    Ok(Ok((found.post, found.staff)))
}
