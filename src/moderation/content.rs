//! Hidden content: hiding and restoring posts (with a reason), deleting a post for good (its
//! text and history go; the row stays so that numbering holds), and who may still read what is
//! hidden (its author and the board's staff, marked as such; everyone else sees a placeholder, or
//! a 404 for a hidden thread).

use diesel::prelude::*;

use super::policy::{self, Action, Actor, Target};
use super::sanctions::moderated_boards;
use crate::audit;
use crate::db::schema::{post_revisions, posts, threads};
use crate::db::{write_tx, DbConnection};
use crate::forum::queries::{PostView, Thread};
use crate::sessions::{Role, Viewer};

/// True when `viewer` is staff on `board_id` (reads the boards they moderate only if they
/// moderate some).
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
    board_right(conn, v, board_id, Action::ViewHidden)
}

/// May this board moderator do `action` on this board? (Reads the boards they moderate.)
fn board_right(
    conn: &mut DbConnection,
    v: &Viewer,
    board_id: i64,
    action: Action,
) -> QueryResult<bool> {
    let actor = Actor {
        user_id: v.user_id,
        role: v.role,
        moderated_boards: moderated_boards(conn, v.user_id)?,
    };
    Ok(policy::check(Some(&actor), action, Target::Board(board_id)).is_ok())
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
    match post_target(conn, post_id)? {
        Some(target) => board_right(conn, viewer, target.board_id, Action::EditPost),
        None => Ok(false),
    }
}

/// May this reader open the thread?
pub fn may_read_thread(thread: &Thread, reader: Option<i64>, staff: bool) -> bool {
    thread.hidden_at.is_none() || staff || reader == Some(thread.author_id)
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

/// How `post` shows to `reader`.
pub fn shown(post: &PostView, reader: Option<i64>, staff: bool) -> Shown {
    if post.deleted_at.is_some() {
        Shown::Deleted
    } else if post.hidden_at.is_none() {
        Shown::Visible
    } else if staff || reader == Some(post.author_id) {
        Shown::HiddenShown
    } else {
        Shown::Placeholder
    }
}

/// What a moderator does to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostAction {
    Hide,
    Restore,
    Delete,
}

impl PostAction {
    /// Parses `hide`, `restore` or `delete`.
    pub fn parse(s: &str) -> Option<PostAction> {
        match s {
            "hide" => Some(PostAction::Hide),
            "restore" => Some(PostAction::Restore),
            "delete" => Some(PostAction::Delete),
            _ => None,
        }
    }

    /// The policy action that allows it.
    pub fn policy(self) -> Action {
        match self {
            PostAction::Hide | PostAction::Restore => Action::HideContent,
            PostAction::Delete => Action::DeletePost,
        }
    }

    fn log_name(self) -> &'static str {
        match self {
            PostAction::Hide => "hide_post",
            PostAction::Restore => "restore_post",
            PostAction::Delete => "delete_post",
        }
    }
}

/// The post a moderation request is about, with its thread.
#[derive(Debug, Clone)]
pub struct PostTarget {
    pub id: i64,
    pub number: i64,
    pub thread_id: i64,
    pub board_id: i64,
    pub city_id: Option<i64>,
    pub thread_title: String,
}

/// Finds a post and its thread.
pub fn post_target(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<PostTarget>> {
    let row: Option<(i64, i64, i64, i64, Option<i64>, String)> = posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(post_id))
        .select((
            posts::id,
            posts::number,
            threads::id,
            threads::board_id,
            threads::city_id,
            threads::title,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(id, number, thread_id, board_id, city_id, thread_title)| PostTarget {
            id,
            number,
            thread_id,
            board_id,
            city_id,
            thread_title,
        },
    ))
}

/// Applies a post action and logs it, in its own transaction.
pub fn apply_post(
    conn: &mut DbConnection,
    actor_id: i64,
    post: &PostTarget,
    action: PostAction,
    reason: &str,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        apply_post_in(conn, actor_id, post, action, reason)
    })
}

/// Applies a post action and logs it, inside the caller's transaction.
pub fn apply_post_in(
    conn: &mut DbConnection,
    actor_id: i64,
    post: &PostTarget,
    action: PostAction,
    reason: &str,
) -> QueryResult<()> {
    let now = crate::db::now();
    {
        let row = posts::table.find(post.id);
        match action {
            PostAction::Hide => {
                diesel::update(row)
                    .set((
                        posts::hidden_at.eq(Some(now)),
                        posts::hidden_reason.eq(Some(reason)),
                    ))
                    .execute(conn)?;
            }
            PostAction::Restore => {
                diesel::update(row)
                    .set((
                        posts::hidden_at.eq(None::<chrono::NaiveDateTime>),
                        posts::hidden_reason.eq(None::<String>),
                    ))
                    .execute(conn)?;
            }
            PostAction::Delete => {
                diesel::delete(post_revisions::table.filter(post_revisions::post_id.eq(post.id)))
                    .execute(conn)?;
                diesel::update(row)
                    .set((
                        posts::body_md.eq(""),
                        posts::body_html.eq(""),
                        posts::deleted_at.eq(Some(now)),
                        posts::version.eq(posts::version + 1),
                    ))
                    .execute(conn)?;
            }
        }
        diesel::update(threads::table.find(post.thread_id))
            .set(threads::version.eq(threads::version + 1))
            .execute(conn)?;
        audit::record(
            conn,
            actor_id,
            action.log_name(),
            "post",
            post.id,
            &format!("{} #{}", post.thread_title, post.number),
            reason,
            None,
        )
    }
}
