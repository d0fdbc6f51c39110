//! What the forum's Atom feeds hold, as a visitor reads it: the newest threads of a board, a
//! city or a group's public boards (each entry the opening post's cooked HTML), and the newest
//! posts of a thread. One statement per list; the feeds' pages (`feed_routes`, and the city's
//! and the group's in their features) add the frame (`web::feed`).
//!
//! Only what a visitor may read goes in: the SQL leaves out hidden threads, hidden and deleted
//! posts and the groups' private boards, and each row is checked again with `visibility`'s own
//! rules before it becomes an entry. Whether the thread or board itself may be read is the
//! page's question, asked of `visibility` as the page asks it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{boards, posts, threads, users};
use crate::db::DbConnection;
use crate::forum::thread_queries::Thread;
use crate::forum::visibility::{self, Shown};
use crate::i18n::{FluentArg, Lang};
use crate::markdown::SafeHtml;
use crate::memberships::{BoardScope, BoardVisibility};
use crate::web::feed::{absolute, Entry, MAX_ENTRIES};

/// Which threads a feed lists.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// A board's (the site's, or a group's public board).
    Board(i64),
    /// Threads attached to a city, across the public boards.
    City(i64),
    /// Threads of a group's public boards.
    Group(i64),
}

/// A thread with its opening post, as a feed lists it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threads)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Opening {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub created_at: NaiveDateTime,
    pub hidden_at: Option<NaiveDateTime>,
    #[diesel(select_expression = boards::group_id)]
    pub group_id: Option<i64>,
    #[diesel(select_expression = boards::visibility)]
    pub board_visibility: String,
    #[diesel(select_expression = posts::author_id)]
    pub author_id: i64,
    #[diesel(select_expression = users::username)]
    pub author: String,
    #[diesel(select_expression = posts::body_html)]
    pub body_html: String,
    #[diesel(select_expression = posts::edited_at)]
    pub edited_at: Option<NaiveDateTime>,
    #[diesel(select_expression = posts::hidden_at)]
    pub post_hidden_at: Option<NaiveDateTime>,
    #[diesel(select_expression = posts::deleted_at)]
    pub post_deleted_at: Option<NaiveDateTime>,
}

impl Opening {
    /// A visitor reads it: a visible thread of a public board, its opening post shown as
    /// written.
    fn public(&self) -> bool {
        let scope = BoardScope::from_columns(self.group_id, &self.board_visibility);
        self.hidden_at.is_none()
            && !scope.is_private()
            && shown_to_visitors(self.author_id, self.post_hidden_at, self.post_deleted_at)
    }
}

/// A post a visitor reads as written, by `visibility`'s rule.
fn shown_to_visitors(
    author_id: i64,
    hidden_at: Option<NaiveDateTime>,
    deleted_at: Option<NaiveDateTime>,
) -> bool {
    visibility::shown_as(author_id, hidden_at, deleted_at, None, false) == Shown::Visible
}

/// The newest threads of `listing` (by creation) a visitor reads, with their opening posts, at
/// most `MAX_ENTRIES` (one statement).
pub fn newest_threads(conn: &mut DbConnection, listing: Listing) -> QueryResult<Vec<Opening>> {
    let public = BoardVisibility::Public.as_str();
    let mut query = threads::table
        .inner_join(boards::table)
        .inner_join(posts::table.on(posts::thread_id.eq(threads::id).and(posts::number.eq(1))))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(threads::hidden_at.is_null())
        .filter(boards::visibility.eq(public))
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .select(Opening::as_select())
        .into_boxed();
    query = match listing {
        Listing::Board(id) => query.filter(threads::board_id.eq(id)),
        Listing::City(id) => query.filter(threads::city_id.eq(id)),
        Listing::Group(id) => query.filter(boards::group_id.eq(id)),
    };
    let rows = query
        .order((threads::created_at.desc(), threads::id.desc()))
        .limit(MAX_ENTRIES)
        .load(conn)?;
    Ok(rows.into_iter().filter(Opening::public).collect())
}

/// The feed's entries for `rows`: each thread, its opening post's cooked HTML as content.
pub fn thread_entries(base_url: &str, rows: Vec<Opening>) -> Vec<Entry> {
    rows.into_iter()
        .map(|t| Entry {
            url: absolute(base_url, &format!("/t/{}/{}", t.id, t.slug)),
            title: t.title,
            author: Some(t.author),
            published: t.created_at,
            updated: t.edited_at.unwrap_or(t.created_at),
            content: Some(SafeHtml::from_trusted_storage(t.body_html)),
            summary: None,
            categories: Vec::new(),
        })
        .collect()
}

/// A post as a thread's feed shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct FeedPost {
    pub id: i64,
    pub number: i64,
    pub author_id: i64,
    #[diesel(select_expression = users::username)]
    pub author: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A thread a visitor may read (by `visibility::readable_thread`) and its newest posts they
/// see, newest first, at most `MAX_ENTRIES`; `None` when the thread does not exist for a
/// visitor (missing, hidden, or in a group's private board). Two statements.
pub fn thread_with_posts(
    conn: &mut DbConnection,
    thread_id: i64,
) -> QueryResult<Option<(Thread, Vec<FeedPost>)>> {
    let Some((thread, _)) = visibility::readable_thread(conn, None, thread_id)? else {
        return Ok(None);
    };
    let rows: Vec<FeedPost> = posts::table
        .inner_join(users::table)
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .order(posts::number.desc())
        .limit(MAX_ENTRIES)
        .select(FeedPost::as_select())
        .load(conn)?;
    let posts = rows
        .into_iter()
        .filter(|p| shown_to_visitors(p.author_id, p.hidden_at, p.deleted_at))
        .collect();
    Ok(Some((thread, posts)))
}

/// The thread feed's entries: each post (its permalink, `/p/{id}`), titled with the thread's
/// title and its number.
pub fn post_entries(
    base_url: &str,
    lang: Lang,
    thread: &Thread,
    posts: Vec<FeedPost>,
) -> Vec<Entry> {
    posts
        .into_iter()
        .map(|p| Entry {
            url: absolute(base_url, &format!("/p/{}", p.id)),
            title: lang.t_args(
                "feed-post-title",
                &[
                    ("thread", FluentArg::Str(thread.title.clone())),
                    ("number", FluentArg::Num(p.number)),
                ],
            ),
            author: Some(p.author),
            published: p.created_at,
            updated: p.edited_at.unwrap_or(p.created_at),
            content: Some(SafeHtml::from_trusted_storage(p.body_html)),
            summary: None,
            categories: Vec::new(),
        })
        .collect()
}
