//! The SQL that reads a thread: the thread with its board and city, a page of its posts, a post
//! with its Markdown source (for editing), where a post lives, and a post's earlier versions.
//! Writes are in `posting_queries`; boards and thread lists in `queries`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, cities, post_revisions, posts, threads, users};
use crate::db::DbConnection;

/// A thread with its board and city.
#[derive(Debug, Clone, Serialize)]
pub struct Thread {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub post_count: i64,
    pub pinned: bool,
    pub locked: bool,
    pub created_at: NaiveDateTime,
    pub last_post_at: NaiveDateTime,
    pub author_id: i64,
    pub board_id: i64,
    pub board_slug: String,
    pub board_name: String,
    pub board_name_en: Option<String>,
    pub city_id: Option<i64>,
    pub city_slug: Option<String>,
    pub city_name: Option<String>,
    pub pinned_until: Option<NaiveDateTime>,
    pub slow_mode_minutes: i64,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_reason: Option<String>,
}

type ThreadRow = (
    (
        i64,
        String,
        String,
        i64,
        bool,
        bool,
        NaiveDateTime,
        NaiveDateTime,
        i64,
        Option<NaiveDateTime>,
        i64,
        Option<NaiveDateTime>,
        Option<String>,
    ),
    (i64, String, String, Option<String>),
    Option<(i64, String, String)>,
);

/// A thread by id (one statement).
pub fn thread_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Thread>> {
    let row: Option<ThreadRow> = threads::table
        .inner_join(boards::table)
        .left_join(cities::table)
        .filter(threads::id.eq(id))
        .select((
            (
                threads::id,
                threads::title,
                threads::slug,
                threads::post_count,
                threads::pinned,
                threads::locked,
                threads::created_at,
                threads::last_post_at,
                threads::author_id,
                threads::pinned_until,
                threads::slow_mode_minutes,
                threads::hidden_at,
                threads::hidden_reason,
            ),
            (boards::id, boards::slug, boards::name, boards::name_en),
            (cities::id, cities::slug, cities::name).nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(t, b, c)| Thread {
        id: t.0,
        title: t.1,
        slug: t.2,
        post_count: t.3,
        pinned: t.4,
        locked: t.5,
        created_at: t.6,
        last_post_at: t.7,
        author_id: t.8,
        board_id: b.0,
        board_slug: b.1,
        board_name: b.2,
        board_name_en: b.3,
        city_id: c.as_ref().map(|c| c.0),
        city_slug: c.as_ref().map(|c| c.1.clone()),
        city_name: c.map(|c| c.2),
        pinned_until: t.9,
        slow_mode_minutes: t.10,
        hidden_at: t.11,
        hidden_reason: t.12,
    }))
}

/// A post as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub id: i64,
    pub thread_id: i64,
    pub number: i64,
    pub author_id: i64,
    pub author: String,
    pub author_role: String,
    pub body_html: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_reason: Option<String>,
    pub deleted_at: Option<NaiveDateTime>,
}

type PostRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<NaiveDateTime>,
);

fn post_from_row(r: PostRow) -> PostView {
    PostView {
        id: r.0,
        thread_id: r.1,
        number: r.2,
        author_id: r.3,
        author: r.4,
        author_role: r.5,
        body_html: r.6,
        version: r.7,
        created_at: r.8,
        edited_at: r.9,
        hidden_at: r.10,
        hidden_reason: r.11,
        deleted_at: r.12,
    }
}

/// Posts `first..=last` (by number) of a thread, in order (one statement).
pub fn posts_by_number(
    conn: &mut DbConnection,
    thread_id: i64,
    first: i64,
    last: i64,
) -> QueryResult<Vec<PostView>> {
    let rows: Vec<PostRow> = posts::table
        .inner_join(users::table)
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::number.between(first, last))
        .order(posts::number.asc())
        .select((
            posts::id,
            posts::thread_id,
            posts::number,
            posts::author_id,
            users::username,
            users::role,
            posts::body_html,
            posts::version,
            posts::created_at,
            posts::edited_at,
            posts::hidden_at,
            posts::hidden_reason,
            posts::deleted_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(post_from_row).collect())
}

/// A post with its Markdown source, for editing.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct EditablePost {
    pub id: i64,
    pub thread_id: i64,
    pub number: i64,
    pub author_id: i64,
    pub body_md: String,
    pub version: i64,
    pub thread_title: String,
    pub thread_slug: String,
    pub hidden_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A post by id with its source, whoever may read it: callers go through
/// `visibility::readable_post`.
pub fn editable_post(conn: &mut DbConnection, id: i64) -> QueryResult<Option<EditablePost>> {
    posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(id))
        .select((
            posts::id,
            posts::thread_id,
            posts::number,
            posts::author_id,
            posts::body_md,
            posts::version,
            threads::title,
            threads::slug,
            posts::hidden_at,
            posts::deleted_at,
        ))
        .first(conn)
        .optional()
}

/// Where a post lives: its thread and number.
pub fn post_location(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(i64, i64)>> {
    posts::table
        .filter(posts::id.eq(id))
        .select((posts::thread_id, posts::number))
        .first(conn)
        .optional()
}

/// One earlier version of a post.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Revision {
    pub version: i64,
    pub body_md: String,
    pub editor: String,
    pub created_at: NaiveDateTime,
}

/// The earlier versions of a post, newest first.
pub fn revisions(conn: &mut DbConnection, post_id: i64) -> QueryResult<Vec<Revision>> {
    post_revisions::table
        .inner_join(users::table.on(users::id.eq(post_revisions::edited_by)))
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::version.desc())
        .select((
            post_revisions::version,
            post_revisions::body_md,
            users::username,
            post_revisions::created_at,
        ))
        .load(conn)
}
