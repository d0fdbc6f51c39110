//! The SQL that writes posts: a new thread with its opening post, a reply, an edit (keeping the
//! previous text as a revision). Each updates every counter in the same transaction and queues
//! the notifications fan-out.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, cities, post_revisions, posts, threads, users};
use crate::db::{now, write_tx_posting, DbConnection};
use crate::forum::domain::{CookedBody, ThreadTitle};
use crate::validation::slugify;

/// A new thread.
#[derive(Debug)]
pub struct NewThread<'a> {
    pub board_id: i64,
    pub city_id: Option<i64>,
    pub author_id: i64,
    pub title: &'a ThreadTitle,
    pub body: &'a CookedBody,
}

/// What a successful post write returns.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Written {
    pub thread_id: i64,
    pub post_id: i64,
    pub number: i64,
}

/// Creates a thread and its opening post, and updates every counter, in one transaction.
pub fn create_thread(conn: &mut DbConnection, new: NewThread<'_>) -> QueryResult<Written> {
    write_tx_posting(conn, |conn| create_thread_in(conn, new))
}

/// Replaces the text of a thread's opening post right after `create_thread_in`, in the same
/// transaction (no revision: nobody has read it yet). For features whose thread must point at
/// something that gets its id after the thread (an action and its discussion).
pub fn rewrite_opening_post(
    conn: &mut DbConnection,
    post_id: i64,
    body: &CookedBody,
) -> QueryResult<()> {
    // A new version, like any change of text: pieces of pages are kept by post version.
    diesel::update(posts::table.find(post_id))
        .set((
            posts::body_md.eq(body.as_str()),
            posts::body_html.eq(body.html()),
            posts::version.eq(posts::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// `create_thread`, inside the caller's transaction.
pub fn create_thread_in(conn: &mut DbConnection, new: NewThread<'_>) -> QueryResult<Written> {
    let at = now();
    let mut slug = slugify(new.title.as_str(), 80);
    if slug.is_empty() {
        slug = "sujet".into();
    }
    {
        let thread_id: i64 = diesel::insert_into(threads::table)
            .values((
                threads::board_id.eq(new.board_id),
                threads::city_id.eq(new.city_id),
                threads::author_id.eq(new.author_id),
                threads::title.eq(new.title.as_str()),
                threads::slug.eq(&slug),
                threads::post_count.eq(1),
                threads::created_at.eq(at),
                threads::last_post_at.eq(at),
                threads::last_post_author_id.eq(Some(new.author_id)),
                threads::version.eq(1),
            ))
            .returning(threads::id)
            .get_result(conn)?;
        let post_id: i64 = diesel::insert_into(posts::table)
            .values((
                posts::thread_id.eq(thread_id),
                posts::number.eq(1),
                posts::author_id.eq(new.author_id),
                posts::body_md.eq(new.body.as_str()),
                posts::body_html.eq(new.body.html()),
                posts::created_at.eq(at),
            ))
            .returning(posts::id)
            .get_result(conn)?;
        diesel::update(boards::table.find(new.board_id))
            .set((
                boards::thread_count.eq(boards::thread_count + 1),
                boards::post_count.eq(boards::post_count + 1),
                boards::last_post_at.eq(Some(at)),
                boards::last_thread_id.eq(Some(thread_id)),
                boards::version.eq(boards::version + 1),
            ))
            .execute(conn)?;
        if let Some(city) = new.city_id {
            diesel::update(cities::table.find(city))
                .set((
                    cities::thread_count.eq(cities::thread_count + 1),
                    cities::last_post_at.eq(Some(at)),
                    cities::version.eq(cities::version + 1),
                ))
                .execute(conn)?;
        }
        diesel::update(users::table.find(new.author_id))
            .set((
                users::thread_count.eq(users::thread_count + 1),
                users::post_count.eq(users::post_count + 1),
            ))
            .execute(conn)?;
        crate::notifications::queries::watch_thread_by_default(conn, new.author_id, thread_id)?;
        // One's own post is read.
        crate::notifications::reading::record(conn, new.author_id, thread_id, 1)?;
        crate::notifications::enqueue_fanout(conn, post_id)?;
        Ok(Written {
            thread_id,
            post_id,
            number: 1,
        })
    }
}

/// Why a reply was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("thread not found")]
    NotFound,
    #[error("thread locked")]
    Locked,
    #[error("slow mode: wait {0} seconds")]
    SlowMode(u64),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A thread as a reply sees it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = threads)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct ReplyTarget {
    board_id: i64,
    city_id: Option<i64>,
    locked: bool,
    slow_mode_minutes: i64,
    hidden_at: Option<NaiveDateTime>,
}

/// Adds a reply at the end of a thread and updates every counter, in one transaction. `staff`
/// (the board's staff) may reply in a locked, slowed or hidden thread.
pub fn create_reply(
    conn: &mut DbConnection,
    thread_id: i64,
    author_id: i64,
    body: &CookedBody,
    staff: bool,
) -> Result<Written, ReplyError> {
    write_tx_posting(conn, |conn| {
        create_reply_in(conn, thread_id, author_id, body, staff)
    })
}

/// `create_reply`, inside the caller's transaction.
pub fn create_reply_in(
    conn: &mut DbConnection,
    thread_id: i64,
    author_id: i64,
    body: &CookedBody,
    staff: bool,
) -> Result<Written, ReplyError> {
    let at = now();
    {
        let target: Option<ReplyTarget> = threads::table
            .filter(threads::id.eq(thread_id))
            .select(ReplyTarget::as_select())
            .first(conn)
            .optional()?;
        let ReplyTarget {
            board_id,
            city_id,
            locked,
            slow_mode_minutes: slow_minutes,
            hidden_at,
        } = target.ok_or(ReplyError::NotFound)?;
        // A hidden thread takes replies from the board's staff only; for anyone else it does
        // not exist.
        if hidden_at.is_some() && !staff {
            return Err(ReplyError::NotFound);
        }
        if locked && !staff {
            return Err(ReplyError::Locked);
        }
        if slow_minutes > 0 && !staff {
            let last: Option<NaiveDateTime> = posts::table
                .filter(posts::thread_id.eq(thread_id))
                .filter(posts::author_id.eq(author_id))
                .select(diesel::dsl::max(posts::created_at))
                .first(conn)?;
            if let Some(last) = last {
                let next = last + chrono::Duration::minutes(slow_minutes);
                if next > at {
                    let wait = (next - at).num_seconds().max(1) as u64;
                    return Err(ReplyError::SlowMode(wait));
                }
            }
        }
        let number: i64 = diesel::update(threads::table.find(thread_id))
            .set((
                threads::post_count.eq(threads::post_count + 1),
                threads::last_post_at.eq(at),
                threads::last_post_author_id.eq(Some(author_id)),
                threads::version.eq(threads::version + 1),
            ))
            .returning(threads::post_count)
            .get_result(conn)?;
        let post_id: i64 = diesel::insert_into(posts::table)
            .values((
                posts::thread_id.eq(thread_id),
                posts::number.eq(number),
                posts::author_id.eq(author_id),
                posts::body_md.eq(body.as_str()),
                posts::body_html.eq(body.html()),
                posts::created_at.eq(at),
            ))
            .returning(posts::id)
            .get_result(conn)?;
        diesel::update(boards::table.find(board_id))
            .set((
                boards::post_count.eq(boards::post_count + 1),
                boards::last_post_at.eq(Some(at)),
                boards::last_thread_id.eq(Some(thread_id)),
                boards::version.eq(boards::version + 1),
            ))
            .execute(conn)?;
        if let Some(city) = city_id {
            diesel::update(cities::table.find(city))
                .set((
                    cities::last_post_at.eq(Some(at)),
                    cities::version.eq(cities::version + 1),
                ))
                .execute(conn)?;
        }
        diesel::update(users::table.find(author_id))
            .set(users::post_count.eq(users::post_count + 1))
            .execute(conn)?;
        crate::notifications::queries::watch_thread_by_default(conn, author_id, thread_id)?;
        // One's own reply is read; what came before it may not be (no move back, no jump
        // over others' posts: only when the author had read up to the one before).
        crate::notifications::reading::record_own_post(conn, author_id, thread_id, number)?;
        crate::notifications::enqueue_fanout(conn, post_id)?;
        Ok(Written {
            thread_id,
            post_id,
            number,
        })
    }
}

impl From<ReplyError> for crate::web::error::AppError {
    fn from(e: ReplyError) -> Self {
        use crate::web::error::AppError;
        match e {
            ReplyError::NotFound => AppError::NotFound,
            ReplyError::Locked => AppError::Refused("error-thread-locked"),
            ReplyError::SlowMode(retry_after) => AppError::SlowMode { retry_after },
            ReplyError::Db(e) => AppError::from(e),
        }
    }
}

/// Why an edit was refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("post not found")]
    NotFound,
    #[error("not your post")]
    Forbidden,
    #[error("the post changed since it was loaded")]
    Conflict {
        current_md: String,
        current_version: i64,
    },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A post as an edit finds it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = posts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct EditTarget {
    thread_id: i64,
    number: i64,
    author_id: i64,
    body_md: String,
    version: i64,
}

/// Most revisions kept per post: storing a new one deletes those older than the latest ones.
pub const MAX_REVISIONS: i64 = 50;

/// Replaces a post's text (and the thread title for an opening post), keeping the previous
/// version as a revision (at most `MAX_REVISIONS` of them). `expected_version` guards against overwriting a concurrent edit.
pub fn edit_post(
    conn: &mut DbConnection,
    post_id: i64,
    editor_id: i64,
    editor_is_staff: bool,
    expected_version: Option<i64>,
    body: &CookedBody,
    title: Option<&ThreadTitle>,
) -> Result<Written, EditError> {
    write_tx_posting(conn, |conn| {
        edit_post_in(
            conn,
            post_id,
            editor_id,
            editor_is_staff,
            expected_version,
            body,
            title,
        )
    })
}

/// `edit_post`, inside the caller's transaction.
pub fn edit_post_in(
    conn: &mut DbConnection,
    post_id: i64,
    editor_id: i64,
    editor_is_staff: bool,
    expected_version: Option<i64>,
    body: &CookedBody,
    title: Option<&ThreadTitle>,
) -> Result<Written, EditError> {
    let at = now();
    {
        let current: Option<EditTarget> = posts::table
            .filter(posts::id.eq(post_id))
            .select(EditTarget::as_select())
            .first(conn)
            .optional()?;
        let EditTarget {
            thread_id,
            number,
            author_id,
            body_md: old_md,
            version,
        } = current.ok_or(EditError::NotFound)?;
        if author_id != editor_id && !editor_is_staff {
            return Err(EditError::Forbidden);
        }
        if let Some(expected) = expected_version {
            if expected != version {
                return Err(EditError::Conflict {
                    current_md: old_md,
                    current_version: version,
                });
            }
        }
        diesel::insert_into(post_revisions::table)
            .values((
                post_revisions::post_id.eq(post_id),
                post_revisions::version.eq(version),
                post_revisions::body_md.eq(&old_md),
                post_revisions::edited_by.eq(editor_id),
                post_revisions::created_at.eq(at),
            ))
            .execute(conn)?;
        // Only the latest revisions are kept.
        let oldest_kept: Option<i64> = post_revisions::table
            .filter(post_revisions::post_id.eq(post_id))
            .order(post_revisions::version.desc())
            .offset(MAX_REVISIONS - 1)
            .select(post_revisions::version)
            .first(conn)
            .optional()?;
        if let Some(oldest_kept) = oldest_kept {
            diesel::delete(
                post_revisions::table
                    .filter(post_revisions::post_id.eq(post_id))
                    .filter(post_revisions::version.lt(oldest_kept)),
            )
            .execute(conn)?;
        }
        let updated = diesel::update(
            posts::table
                .filter(posts::id.eq(post_id))
                .filter(posts::version.eq(version)),
        )
        .set((
            posts::body_md.eq(body.as_str()),
            posts::body_html.eq(body.html()),
            posts::version.eq(version + 1),
            posts::edited_at.eq(Some(at)),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(EditError::Conflict {
                current_md: old_md,
                current_version: version,
            });
        }
        let (board_id, city_id): (i64, Option<i64>) =
            diesel::update(threads::table.find(thread_id))
                .set(threads::version.eq(threads::version + 1))
                .returning((threads::board_id, threads::city_id))
                .get_result(conn)?;
        if let (Some(title), 1) = (title, number) {
            let mut slug = slugify(title.as_str(), 80);
            if slug.is_empty() {
                slug = "sujet".into();
            }
            diesel::update(threads::table.find(thread_id))
                .set((threads::title.eq(title.as_str()), threads::slug.eq(slug)))
                .execute(conn)?;
            // The title shows in the board's and the city's lists.
            diesel::update(boards::table.find(board_id))
                .set(boards::version.eq(boards::version + 1))
                .execute(conn)?;
            if let Some(city) = city_id {
                diesel::update(cities::table.find(city))
                    .set(cities::version.eq(cities::version + 1))
                    .execute(conn)?;
            }
        }
        Ok(Written {
            thread_id,
            post_id,
            number,
        })
    }
}

impl EditError {
    /// The current text and version when the edit lost a race; any other failure as an
    /// `AppError`.
    pub fn into_conflict(self) -> Result<(String, i64), crate::web::error::AppError> {
        use crate::web::error::AppError;
        match self {
            EditError::Conflict {
                current_md,
                current_version,
            } => Ok((current_md, current_version)),
            EditError::NotFound => Err(AppError::NotFound),
            EditError::Forbidden => Err(AppError::Forbidden),
            EditError::Db(e) => Err(AppError::from(e)),
        }
    }
}
