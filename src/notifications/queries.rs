//! Reading and changing watches and notifications for one user.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::{Level, Target};
use crate::db::schema::{notifications, posts, threads, users, watches};
use crate::db::{write_tx_private, DbConnection};

/// The user's level on one target (normal when never set).
pub fn level(conn: &mut DbConnection, user_id: i64, target: Target, id: i64) -> QueryResult<Level> {
    let query = watches::table
        .find((user_id, target.as_str(), id))
        .select(watches::level);
    let stored: Option<String> = crate::on_backend!(conn, c => query.get_result(c).optional())?;
    Ok(stored
        .as_deref()
        .and_then(Level::parse)
        .unwrap_or(Level::Normal))
}

/// Sets the user's level on a target.
pub fn set_level(
    conn: &mut DbConnection,
    user_id: i64,
    target: Target,
    id: i64,
    level: Level,
) -> QueryResult<()> {
    let now = crate::db::now();
    write_tx_private(conn, |conn| {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(watches::table)
            .values((
                watches::user_id.eq(user_id),
                watches::target_kind.eq(target.as_str()),
                watches::target_id.eq(id),
                watches::level.eq(level.as_str()),
                watches::created_at.eq(now),
            ))
            .on_conflict((watches::user_id, watches::target_kind, watches::target_id))
            .do_update()
            .set(watches::level.eq(level.as_str()))
            .execute(c))?;
        Ok(())
    })
}

/// Watches a thread for its author or a replier, unless they already chose a level for it
/// (inside the posting transaction).
pub fn watch_thread_by_default(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
) -> QueryResult<()> {
    crate::on_backend!(&mut *conn, c => diesel::insert_into(watches::table)
        .values((
            watches::user_id.eq(user_id),
            watches::target_kind.eq(Target::Thread.as_str()),
            watches::target_id.eq(thread_id),
            watches::level.eq(Level::Watching.as_str()),
            watches::created_at.eq(crate::db::now()),
        ))
        .on_conflict((watches::user_id, watches::target_kind, watches::target_id))
        .do_nothing()
        .execute(c))?;
    Ok(())
}

/// One line of the notifications page.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub author: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// A user's notifications, newest first, older than `before` when given.
pub fn list(
    conn: &mut DbConnection,
    user_id: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    // Notifications about a group's private board vanish once the reader is no longer in it.
    let unreadable = crate::memberships::unreadable_board_ids(conn, Some(user_id))?;
    let mut query = notifications::table
        .inner_join(posts::table.inner_join(users::table))
        .inner_join(threads::table)
        .filter(notifications::user_id.eq(user_id))
        .filter(threads::board_id.ne_all(unreadable))
        .filter(threads::hidden_at.is_null())
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(notifications::id.lt(before));
    }
    query
        .order(notifications::id.desc())
        .limit(limit)
        .select((
            notifications::id,
            notifications::kind,
            notifications::post_id,
            notifications::thread_id,
            threads::title,
            users::username,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)
}

/// Marks read every notification about a post staff just hid or deleted, or about any post of a
/// thread they hid (inside the moderation's transaction): the list no longer shows them, so the
/// unread count must not either.
pub fn mark_read_for_hidden(
    conn: &mut DbConnection,
    post_id: Option<i64>,
    thread_id: Option<i64>,
) -> QueryResult<usize> {
    let now = crate::db::now();
    let unread = notifications::table.filter(notifications::read_at.is_null());
    match (post_id, thread_id) {
        (Some(post), _) => diesel::update(unread.filter(notifications::post_id.eq(post)))
            .set(notifications::read_at.eq(now))
            .execute(conn),
        (None, Some(thread)) => diesel::update(unread.filter(notifications::thread_id.eq(thread)))
            .set(notifications::read_at.eq(now))
            .execute(conn),
        (None, None) => Ok(0),
    }
}

/// Marks every notification of the user as read.
pub fn mark_all_read(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    let now = crate::db::now();
    write_tx_private(conn, |conn| {
        diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(now))
        .execute(conn)
    })
}

/// Whether any of the user's notifications about these posts of a thread is unread (a read, so
/// that a page view takes a writer's turn only when it has something to mark).
pub fn any_unseen(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
    post_ids: &[i64],
) -> QueryResult<bool> {
    let found: Option<i64> = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::thread_id.eq(thread_id))
        .filter(notifications::read_at.is_null())
        .filter(notifications::post_id.eq_any(post_ids))
        .select(notifications::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Marks read what the user has just seen: the notifications about these posts of a thread.
pub fn mark_seen(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
    post_ids: &[i64],
) -> QueryResult<usize> {
    let now = crate::db::now();
    write_tx_private(conn, |conn| {
        diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::thread_id.eq(thread_id))
                .filter(notifications::read_at.is_null())
                .filter(notifications::post_id.eq_any(post_ids)),
        )
        .set(notifications::read_at.eq(now))
        .execute(conn)
    })
}

/// Unread notifications of a user.
pub fn unread_count(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// True when the thread, board or city a watch form names exists.
pub fn target_exists(conn: &mut DbConnection, target: Target, id: i64) -> QueryResult<bool> {
    use crate::db::schema::{boards, cities};
    let count: i64 = match target {
        Target::Thread => threads::table.find(id).count().get_result(conn)?,
        Target::Board => boards::table.find(id).count().get_result(conn)?,
        Target::City => cities::table.find(id).count().get_result(conn)?,
    };
    Ok(count > 0)
}

/// Stops the mails of one list for a user (the one-click unsubscribe): direct or watched mail
/// becomes "never"; the digest list turns off whichever category was going to the digest.
pub fn unsubscribe(
    conn: &mut DbConnection,
    user_id: i64,
    list: crate::mail::unsubscribe::ListKind,
) -> QueryResult<()> {
    use crate::accounts::domain::EmailMode;
    use crate::mail::unsubscribe::ListKind;
    let never = EmailMode::Never.as_str();
    let digest = EmailMode::Digest.as_str();
    write_tx_private(conn, |conn| {
        let row = users::table.find(user_id);
        match list {
            ListKind::Direct => diesel::update(row)
                .set(users::email_direct.eq(never))
                .execute(conn)?,
            ListKind::Watched => diesel::update(row)
                .set(users::email_watched.eq(never))
                .execute(conn)?,
            ListKind::Digest => {
                diesel::update(row.filter(users::email_direct.eq(digest)))
                    .set(users::email_direct.eq(never))
                    .execute(conn)?;
                diesel::update(row.filter(users::email_watched.eq(digest)))
                    .set(users::email_watched.eq(never))
                    .execute(conn)?
            }
        };
        Ok(())
    })
}
