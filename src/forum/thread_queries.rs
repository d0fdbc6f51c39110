//! The SQL that reads a thread: the thread with its board and city, a page of its posts, a post
//! with its Markdown source (for editing), where a post lives, and a post's earlier versions.
//! Writes are in `posting_queries`; boards and thread lists in `queries`.
//!
//! Rows are structs whose fields each name their column (`Selectable`), never tuples: two
//! `String` columns swapped in a select would still compile as a tuple.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{avatars, boards, cities, groups, post_revisions, posts, threads, users};
use crate::db::DbConnection;

/// A thread with its board and city.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = threads)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
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
    #[diesel(select_expression = boards::id)]
    pub board_id: i64,
    #[diesel(select_expression = boards::slug)]
    pub board_slug: String,
    #[diesel(select_expression = boards::name)]
    pub board_name: String,
    #[diesel(select_expression = boards::name_en)]
    pub board_name_en: Option<String>,
    #[diesel(select_expression = boards::group_id)]
    pub group_id: Option<i64>,
    #[diesel(select_expression = boards::visibility)]
    pub board_visibility: String,
    #[diesel(select_expression = groups::slug.nullable())]
    pub group_slug: Option<String>,
    #[diesel(select_expression = groups::name.nullable())]
    pub group_name: Option<String>,
    #[diesel(select_expression = cities::id.nullable())]
    pub city_id: Option<i64>,
    #[diesel(select_expression = cities::slug.nullable())]
    pub city_slug: Option<String>,
    #[diesel(select_expression = cities::name.nullable())]
    pub city_name: Option<String>,
    #[diesel(select_expression = cities::name_en.nullable())]
    pub city_name_en: Option<String>,
    pub pinned_until: Option<NaiveDateTime>,
    pub slow_mode_minutes: i64,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_reason: Option<String>,
}

impl Thread {
    /// Where the thread's board sits (the site's, or a group's public or private board).
    pub fn scope(&self) -> crate::memberships::BoardScope {
        crate::memberships::BoardScope::from_columns(self.group_id, &self.board_visibility)
    }

    /// The address of the thread's board.
    pub fn board_path(&self) -> String {
        crate::forum::queries::board_path(self.group_slug.as_deref(), &self.board_slug)
    }
}

/// A thread by id, with its board, group and city (one statement, prepared once per
/// connection: no `LIMIT` on a primary-key lookup).
pub fn thread_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Thread>> {
    crate::on_backend!(conn, c => {
        threads::table
            .inner_join(boards::table.left_join(groups::table))
            .left_join(cities::table)
            .filter(threads::id.eq(id))
            .select(Thread::as_select())
            .get_result(c).optional()
    })
}

/// A post as pages show it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = posts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PostView {
    pub id: i64,
    pub thread_id: i64,
    pub number: i64,
    pub author_id: i64,
    #[diesel(select_expression = users::username)]
    pub author: String,
    #[diesel(select_expression = users::role)]
    pub author_role: String,
    /// The author's uploaded picture (`avatars.file`), if any: see `PostView::avatar_url`.
    #[diesel(select_expression = avatars::file.nullable())]
    pub author_avatar: Option<String>,
    pub body_html: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_reason: Option<String>,
    pub deleted_at: Option<NaiveDateTime>,
    /// Where the post came from, for a post received from another server (its object id there,
    /// also its address).
    pub remote_id: Option<String>,
}

impl PostView {
    /// The address of the author's avatar.
    pub fn avatar_url(&self) -> String {
        crate::accounts::avatar::url(self.author_id, &self.author, self.author_avatar.as_deref())
    }
}

/// Posts `first..=last` (by number) of a thread, in order (one statement).
pub fn posts_by_number(
    conn: &mut DbConnection,
    thread_id: i64,
    first: i64,
    last: i64,
) -> QueryResult<Vec<PostView>> {
    crate::on_backend!(conn, c => {
        posts::table
            .inner_join(users::table.left_join(avatars::table))
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::number.between(first, last))
            .order(posts::number.asc())
            .select(PostView::as_select())
            .load(c)
    })
}

/// A post with its Markdown source, for editing.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = posts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EditablePost {
    pub id: i64,
    pub thread_id: i64,
    pub number: i64,
    pub author_id: i64,
    pub body_md: String,
    pub version: i64,
    #[diesel(select_expression = threads::title)]
    pub thread_title: String,
    #[diesel(select_expression = threads::slug)]
    pub thread_slug: String,
    pub hidden_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    /// Set for a post received from another server (federation).
    pub remote_id: Option<String>,
}

/// A post by id with its source, whoever may read it: callers go through
/// `visibility::readable_post`.
pub fn editable_post(conn: &mut DbConnection, id: i64) -> QueryResult<Option<EditablePost>> {
    posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(id))
        .select(EditablePost::as_select())
        .first(conn)
        .optional()
}

/// A post's address: its thread and its number there.
#[derive(Debug, Clone, Copy, Queryable, Selectable)]
#[diesel(table_name = posts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PostLocation {
    pub thread_id: i64,
    pub number: i64,
}

/// Where a post lives: its thread and number.
pub fn post_location(conn: &mut DbConnection, id: i64) -> QueryResult<Option<PostLocation>> {
    posts::table
        .filter(posts::id.eq(id))
        .select(PostLocation::as_select())
        .first(conn)
        .optional()
}

/// One earlier version of a post.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = post_revisions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Revision {
    pub version: i64,
    pub body_md: String,
    #[diesel(select_expression = users::username)]
    pub editor: String,
    pub created_at: NaiveDateTime,
}

/// The earlier versions of a post, newest first.
pub fn revisions(conn: &mut DbConnection, post_id: i64) -> QueryResult<Vec<Revision>> {
    post_revisions::table
        .inner_join(users::table.on(users::id.eq(post_revisions::edited_by)))
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::version.desc())
        .select(Revision::as_select())
        .load(conn)
}

/// A member's name (the author of a quoted post).
pub fn username(conn: &mut DbConnection, user_id: i64) -> QueryResult<String> {
    crate::db::schema::users::table
        .find(user_id)
        .select(crate::db::schema::users::username)
        .first(conn)
}
