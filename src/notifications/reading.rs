//! What each member has read: per thread, the highest post number they have seen (one row,
//! moved forward when they read further); per board, when they last marked it all read. Lists
//! mark the threads with posts since (with how many), and `/t/{id}/nouveaux` opens a thread at
//! its first unread post. Nothing is kept for visitors.
//!
//! A thread the member never opened counts as unread only when something was posted in it
//! after they joined and after they last marked its board read.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{board_reads, thread_reads, watches};
use crate::db::DbConnection;
use crate::i18n::FluentArg;
use crate::notifications::{Level, Target};
use crate::sessions::Viewer;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::page_cache::{Listed, Marks};

/// How much of a thread a member has read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// Nothing new.
    None,
    /// Opened before; `n` posts since.
    Since(i64),
    /// Never opened, with posts since the member's watermark.
    New(i64),
}

impl Unread {
    /// Where a list's thread stands for a reader: `read` is their last read post number (if
    /// any), `watermark` when they joined or last marked the board read.
    pub fn of(thread: &Listed, read: Option<i64>, watermark: NaiveDateTime) -> Unread {
        if thread.last_post_at <= watermark {
            return Unread::None;
        }
        match read {
            Some(n) if n >= thread.post_count => Unread::None,
            Some(n) => Unread::Since(thread.post_count - n),
            None => Unread::New(thread.post_count),
        }
    }
}

/// The member's read state of `threads`: last read post number by thread, and the time they
/// marked each of the threads' boards read. One statement.
pub fn states(
    conn: &mut DbConnection,
    user_id: i64,
    threads: &[Listed],
) -> QueryResult<(HashMap<i64, i64>, HashMap<i64, NaiveDateTime>)> {
    if threads.is_empty() {
        return Ok(Default::default());
    }
    let thread_ids: Vec<i64> = threads.iter().map(|t| t.id).collect();
    let mut board_ids: Vec<i64> = threads.iter().map(|t| t.board_id).collect();
    board_ids.sort_unstable();
    board_ids.dedup();
    // Boards come back with a negative id and no post number: one statement for both.
    let query = thread_reads::table
        .filter(thread_reads::user_id.eq(user_id))
        .filter(thread_reads::thread_id.eq_any(&thread_ids))
        .select((
            thread_reads::thread_id,
            thread_reads::last_read_number,
            thread_reads::read_at,
        ))
        .union_all(
            board_reads::table
                .filter(board_reads::user_id.eq(user_id))
                .filter(board_reads::board_id.eq_any(&board_ids))
                .select((
                    diesel::dsl::sql::<diesel::sql_types::BigInt>("0 - board_id"),
                    diesel::dsl::sql::<diesel::sql_types::BigInt>("0"),
                    board_reads::read_at,
                )),
        );
    let rows: Vec<(i64, i64, NaiveDateTime)> = crate::on_backend!(conn, c => query.load(c))?;
    let mut read = HashMap::new();
    let mut boards = HashMap::new();
    for (id, number, at) in rows {
        if id < 0 {
            boards.insert(-id, at);
        } else {
            read.insert(id, number);
        }
    }
    Ok((read, boards))
}

/// The reader's unread marks for `threads` (one statement), or `None` for a visitor.
pub async fn marks(ctx: &Ctx, threads: &[Listed]) -> Result<Option<Marks>, AppError> {
    let Some(viewer) = ctx.viewer.as_ref() else {
        return Ok(None);
    };
    if threads.is_empty() {
        return Ok(Some(Marks::new()));
    }
    let user_id = viewer.user_id;
    let listed = threads.to_vec();
    let (read, boards) = ctx
        .db
        .run_quick_read(move |conn| states(conn, user_id, &listed).map_err(AppError::from))
        .await?;
    Ok(Some(render_marks(ctx, viewer, threads, &read, &boards)))
}

/// The marks themselves: a link to the first unread post, saying how many are new.
pub fn render_marks(
    ctx: &Ctx,
    viewer: &Viewer,
    threads: &[Listed],
    read: &HashMap<i64, i64>,
    boards: &HashMap<i64, NaiveDateTime>,
) -> Marks {
    let mut marks = Marks::new();
    for t in threads {
        let watermark = boards
            .get(&t.board_id)
            .copied()
            .map_or(viewer.joined_at, |at| at.max(viewer.joined_at));
        let (key, count) = match Unread::of(t, read.get(&t.id).copied(), watermark) {
            Unread::None => continue,
            Unread::Since(n) => ("thread-unread-since", n),
            Unread::New(n) => ("thread-unread-new", n),
        };
        let label = ctx.lang.t_args(key, &[("count", FluentArg::Num(count))]);
        marks.insert(
            t.id,
            format!(
                " <a class=\"badge unread\" href=\"/t/{}/nouveaux\">{}</a>",
                t.id,
                handlebars::html_escape(&label)
            ),
        );
    }
    marks
}

/// Moves the member's read mark of a thread forward to post `number` (never back). One
/// statement when the caller knows whether a mark exists (`had`: `Some(None)` for none).
pub fn record(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
    number: i64,
) -> QueryResult<()> {
    record_known(conn, user_id, thread_id, number, None)
}

fn record_known(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
    number: i64,
    had: Option<Option<i64>>,
) -> QueryResult<()> {
    let now = crate::db::now();
    let moved = if had == Some(None) {
        0
    } else {
        diesel::update(thread_reads::table.find((user_id, thread_id)))
            .filter(thread_reads::last_read_number.lt(number))
            .set((
                thread_reads::last_read_number.eq(number),
                thread_reads::read_at.eq(now),
            ))
            .execute(conn)?
    };
    if moved == 0 && matches!(had, None | Some(None)) {
        // First read (or already further: then this does nothing).
        crate::on_backend!(conn, c => diesel::insert_into(thread_reads::table)
            .values((
                thread_reads::user_id.eq(user_id),
                thread_reads::thread_id.eq(thread_id),
                thread_reads::last_read_number.eq(number),
                thread_reads::read_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// After the member's own post number `number`: their read mark follows it when they had read
/// everything before it (replying from the last page), and stays where it was otherwise (their
/// reply does not mark read what others wrote that they have not seen).
pub fn record_own_post(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
    number: i64,
) -> QueryResult<()> {
    diesel::update(thread_reads::table.find((user_id, thread_id)))
        .filter(thread_reads::last_read_number.eq(number - 1))
        .set((
            thread_reads::last_read_number.eq(number),
            thread_reads::read_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks everything in a board read for the member, as of now: the threads they opened are
/// read to their last post, the others fall under the board's new watermark.
pub fn mark_board_read(conn: &mut DbConnection, user_id: i64, board_id: i64) -> QueryResult<()> {
    use crate::db::schema::threads;
    let now = crate::db::now();
    let in_board = threads::table
        .filter(threads::board_id.eq(board_id))
        .select(threads::id);
    let last = threads::table
        .filter(threads::id.eq(thread_reads::thread_id))
        .select(threads::post_count)
        .single_value()
        .assume_not_null();
    diesel::update(
        thread_reads::table
            .filter(thread_reads::user_id.eq(user_id))
            .filter(thread_reads::thread_id.eq_any(in_board)),
    )
    .set((
        thread_reads::last_read_number.eq(last),
        thread_reads::read_at.eq(now),
    ))
    .execute(conn)?;
    crate::on_backend!(conn, c => diesel::insert_into(board_reads::table)
        .values((
            board_reads::user_id.eq(user_id),
            board_reads::board_id.eq(board_id),
            board_reads::read_at.eq(now),
        ))
        .on_conflict((board_reads::user_id, board_reads::board_id))
        .do_update()
        .set(board_reads::read_at.eq(now))
        .execute(c))?;
    Ok(())
}

/// The member's last read post number in a thread, and when they last marked its board read.
pub fn thread_state(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
    board_id: i64,
) -> QueryResult<(Option<i64>, Option<NaiveDateTime>)> {
    let read = thread_reads::table
        .find((user_id, thread_id))
        .select(thread_reads::last_read_number)
        .single_value();
    let board = board_reads::table
        .find((user_id, board_id))
        .select(board_reads::read_at)
        .single_value();
    diesel::select((read, board)).get_result(conn)
}

/// The member's watch level on a thread and the last post number they read there, in one
/// statement (what a kept thread page needs for them).
pub fn level_and_read(
    conn: &mut DbConnection,
    user_id: i64,
    thread_id: i64,
) -> QueryResult<(Level, Option<i64>)> {
    let level = watches::table
        .find((user_id, Target::Thread.as_str(), thread_id))
        .select(watches::level)
        .single_value();
    let read = thread_reads::table
        .find((user_id, thread_id))
        .select(thread_reads::last_read_number)
        .single_value();
    let (level, read): (Option<String>, Option<i64>) =
        diesel::select((level, read)).get_result(conn)?;
    Ok((
        level
            .as_deref()
            .and_then(Level::parse)
            .unwrap_or(Level::Normal),
        read,
    ))
}

/// Records, after the page's reads, that the member read a thread up to post `number` when
/// that is further than `had` (their mark as the page's reads found it): one statement, a
/// write, whose turn comes after the page's reads. A failure only leaves the mark behind.
pub async fn record_read(ctx: &Ctx, thread_id: i64, number: i64, had: Option<i64>) {
    let Some(viewer) = ctx.viewer.as_ref() else {
        return;
    };
    if matches!(had, Some(r) if r >= number) {
        return;
    }
    let user_id = viewer.user_id;
    let recorded = ctx
        .db
        .write(move |conn| {
            record_known(conn, user_id, thread_id, number, Some(had)).map_err(AppError::from)
        })
        .await;
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "read mark not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(10, minute, 0))
            .expect("a time")
    }

    #[test]
    fn unread_counts_posts_since_the_last_read_one() {
        let t = Listed {
            id: 1,
            board_id: 1,
            post_count: 12,
            last_post_at: at(30),
        };
        assert_eq!(Unread::of(&t, Some(12), at(0)), Unread::None);
        assert_eq!(Unread::of(&t, Some(9), at(0)), Unread::Since(3));
        assert_eq!(Unread::of(&t, None, at(0)), Unread::New(12));
        // Marked read (or joined) after the last post: nothing new.
        assert_eq!(Unread::of(&t, Some(9), at(31)), Unread::None);
        assert_eq!(Unread::of(&t, None, at(30)), Unread::None);
    }
}
