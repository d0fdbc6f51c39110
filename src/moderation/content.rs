//! Hidden content: hiding and restoring posts (with a reason), deleting a post for good (its
//! text and history go; the row stays so that numbering holds). Who may still read what is
//! hidden is the forum's rule, in `crate::forum::visibility`.

use diesel::prelude::*;

use super::policy::Action;
use crate::audit;
use crate::db::schema::{post_revisions, posts, threads};
use crate::db::{write_tx, DbConnection};

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
        if action != PostAction::Restore {
            crate::notifications::queries::mark_read_for_hidden(conn, Some(post.id), None)?;
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

/// What the confirmation page before a deletion shows of a post.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostExcerpt {
    pub author: String,
    pub body_md: String,
    pub created_at: chrono::NaiveDateTime,
    pub deleted: bool,
}

/// A post's author, text and date, for the page asking whether to delete it.
pub fn post_excerpt(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<PostExcerpt>> {
    use crate::db::schema::users;
    let row: Option<(
        String,
        String,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    )> = posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::id.eq(post_id))
        .select((
            users::username,
            posts::body_md,
            posts::created_at,
            posts::deleted_at,
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(author, body_md, created_at, deleted_at)| PostExcerpt {
            author,
            body_md,
            created_at,
            deleted: deleted_at.is_some(),
        }),
    )
}
