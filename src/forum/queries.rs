//! The SQL behind boards and thread lists: the boards and their changes, a board's or a city's
//! page of threads, a member's threads. Every list is keyset-paginated over an index. A thread
//! and its posts are read in `thread_queries`, written in `posting_queries`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, cities, groups, threads, users};
use crate::db::{now, write_tx, DbConnection};
use crate::forum::domain::Cursor;
use crate::memberships::{BoardScope, BoardVisibility};

diesel::alias!(users as last_posters: LastPosters);

/// A board with its counters, and the group it belongs to (none for the site's boards).
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = boards)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Board {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    pub position: i64,
    pub thread_count: i64,
    pub post_count: i64,
    pub last_post_at: Option<NaiveDateTime>,
    pub last_thread_id: Option<i64>,
    pub group_id: Option<i64>,
    pub visibility: String,
    #[diesel(select_expression = groups::slug.nullable())]
    pub group_slug: Option<String>,
    #[diesel(select_expression = groups::name.nullable())]
    pub group_name: Option<String>,
}

impl Board {
    /// Where the board sits (the site's, or a group's public or private board).
    pub fn scope(&self) -> BoardScope {
        BoardScope::from_columns(self.group_id, &self.visibility)
    }

    /// The board's address: `/b/{slug}`, or `/g/{group}/b/{slug}` for a group's board.
    pub fn path(&self) -> String {
        board_path(self.group_slug.as_deref(), &self.slug)
    }
}

/// A board's address from its group's slug (if any) and its own.
pub fn board_path(group_slug: Option<&str>, slug: &str) -> String {
    match group_slug {
        Some(group) => format!("/g/{group}/b/{slug}"),
        None => format!("/b/{slug}"),
    }
}

/// Which board a request names: one of the site's, or one of a group's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardRef {
    /// `/b/{slug}`.
    Site(String),
    /// `/g/{group}/b/{slug}`.
    Group { group: String, board: String },
}

/// A board and the title of its latest thread, for the home page.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = boards)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct BoardSummary {
    #[serde(flatten)]
    #[diesel(embed)]
    pub board: Board,
    #[diesel(select_expression = threads::title.nullable())]
    pub last_thread_title: Option<String>,
    #[diesel(select_expression = threads::slug.nullable())]
    pub last_thread_slug: Option<String>,
}

/// Every board of the site (not the groups') in display order, with the latest thread's title
/// (one statement).
pub fn list_boards(conn: &mut DbConnection) -> QueryResult<Vec<BoardSummary>> {
    crate::on_backend!(conn, c => {
        boards::table
            .left_join(groups::table)
            .left_join(threads::table.on(threads::id.nullable().eq(boards::last_thread_id)))
            .filter(boards::group_id.is_null())
            // Boards of other servers followed here are listed apart (federation's page).
            .filter(boards::remote_id.is_null())
            .order((boards::position.asc(), boards::id.asc()))
            .select(BoardSummary::as_select())
            .load(c)
    })
}

/// Every board of group `group_id` in display order (public and private: the caller decides
/// who sees which), with the latest thread's title (one statement).
pub fn group_boards(conn: &mut DbConnection, group_id: i64) -> QueryResult<Vec<BoardSummary>> {
    boards::table
        .left_join(groups::table)
        .left_join(threads::table.on(threads::id.nullable().eq(boards::last_thread_id)))
        .filter(boards::group_id.eq(group_id))
        .order((boards::position.asc(), boards::id.asc()))
        .select(BoardSummary::as_select())
        .load(conn)
}

/// One of the site's boards by slug (a group's boards are reached through their group).
pub fn board_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Board>> {
    // Unique: no `LIMIT`, so the statement stays prepared (as in the lookups below).
    crate::on_backend!(conn, c => {
        boards::table
            .left_join(groups::table)
            .filter(boards::slug.eq(slug))
            .filter(boards::group_id.is_null())
            .select(Board::as_select())
            .get_result(c).optional()
    })
}

/// A group's board by the group's slug and the board's.
pub fn group_board(
    conn: &mut DbConnection,
    group_slug: &str,
    slug: &str,
) -> QueryResult<Option<Board>> {
    crate::on_backend!(conn, c => {
        boards::table
            .inner_join(groups::table)
            .filter(groups::slug.eq(group_slug))
            .filter(boards::slug.eq(slug))
            .select(Board::as_select())
            .get_result(c).optional()
    })
}

/// A board by id (the site's or a group's).
pub fn board_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Board>> {
    crate::on_backend!(conn, c => {
        boards::table
            .left_join(groups::table)
            .filter(boards::id.eq(id))
            .select(Board::as_select())
            .get_result(c).optional()
    })
}

/// The board a request names.
pub fn board_by_ref(conn: &mut DbConnection, board: &BoardRef) -> QueryResult<Option<Board>> {
    match board {
        BoardRef::Site(slug) => board_by_slug(conn, slug),
        BoardRef::Group { group, board } => group_board(conn, group, board),
    }
}

/// Fields of a new or changed board.
#[derive(Debug, Clone)]
pub struct BoardFields {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    /// The group the board belongs to (`None`: one of the site's boards).
    pub group_id: Option<i64>,
    /// Public, or private to the group's members (the site's boards are always public).
    pub visibility: BoardVisibility,
}

/// Creates a board at the end of its list (the site's, or its group's), in its own write
/// transaction. A slug already used in the same list is a unique violation.
pub fn create_board(conn: &mut DbConnection, fields: &BoardFields) -> QueryResult<i64> {
    write_tx(conn, |conn| create_board_in(conn, fields))
}

/// `create_board` inside the caller's write transaction (a group creates its boards with
/// itself; SQLite's `BEGIN IMMEDIATE` cannot nest).
pub fn create_board_in(conn: &mut DbConnection, fields: &BoardFields) -> QueryResult<i64> {
    let mut last = boards::table
        .select(diesel::dsl::max(boards::position))
        .into_boxed();
    last = match fields.group_id {
        Some(g) => last.filter(boards::group_id.eq(g)),
        None => last.filter(boards::group_id.is_null()),
    };
    let last: Option<i64> = last.first(conn)?;
    diesel::insert_into(boards::table)
        .values((
            boards::slug.eq(&fields.slug),
            boards::name.eq(&fields.name),
            boards::description.eq(&fields.description),
            boards::name_en.eq(&fields.name_en),
            boards::description_en.eq(&fields.description_en),
            boards::position.eq(last.unwrap_or(0) + 10),
            boards::created_at.eq(now()),
            boards::group_id.eq(fields.group_id),
            boards::visibility.eq(fields.visibility.as_str()),
        ))
        .returning(boards::id)
        .get_result(conn)
}

/// Changes a board's names and descriptions (the slug stays).
pub fn update_board(conn: &mut DbConnection, id: i64, fields: &BoardFields) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        diesel::update(boards::table.find(id))
            .set((
                boards::name.eq(&fields.name),
                boards::description.eq(&fields.description),
                boards::name_en.eq(&fields.name_en),
                boards::description_en.eq(&fields.description_en),
            ))
            .execute(conn)
    })
}

/// Moves a board one step up (`-1`) or down (`+1`) in its list (the site's or its group's).
pub fn move_board(conn: &mut DbConnection, id: i64, direction: i32) -> QueryResult<()> {
    write_tx(conn, |conn| {
        let group: Option<i64> = boards::table
            .find(id)
            .select(boards::group_id)
            .first(conn)?;
        let mut ids = boards::table
            .order((boards::position.asc(), boards::id.asc()))
            .select(boards::id)
            .into_boxed();
        ids = match group {
            Some(g) => ids.filter(boards::group_id.eq(g)),
            None => ids.filter(boards::group_id.is_null()),
        };
        let ids: Vec<i64> = ids.load(conn)?;
        let Some(index) = ids.iter().position(|b| *b == id) else {
            return Err(diesel::result::Error::NotFound);
        };
        let mut ids = ids;
        let other = index as i64 + i64::from(direction);
        if other >= 0 && (other as usize) < ids.len() {
            ids.swap(index, other as usize);
        }
        for (i, board_id) in ids.iter().enumerate() {
            diesel::update(boards::table.find(board_id))
                .set(boards::position.eq((i as i64 + 1) * 10))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// A line of a thread list.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadListItem {
    /// The address of the thread's board (`/b/…` or `/g/…/b/…`).
    pub board_path: String,
    pub id: i64,
    pub board_id: i64,
    pub title: String,
    pub slug: String,
    pub board_slug: String,
    pub board_name: String,
    pub city_slug: Option<String>,
    pub city_name: Option<String>,
    /// The city's English name, when not the French one.
    pub city_name_en: Option<String>,
    pub author: String,
    pub post_count: i64,
    pub reply_count: i64,
    pub pinned: bool,
    pub locked: bool,
    pub created_at: NaiveDateTime,
    pub last_post_at: NaiveDateTime,
    pub last_poster: Option<String>,
    pub last_page: i64,
}

/// A line of a thread list as loaded, each field tied to its column.
#[derive(Queryable, Selectable)]
#[diesel(table_name = threads)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct ThreadListRow {
    id: i64,
    board_id: i64,
    title: String,
    slug: String,
    post_count: i64,
    pinned: bool,
    locked: bool,
    created_at: NaiveDateTime,
    last_post_at: NaiveDateTime,
    #[diesel(select_expression = boards::slug)]
    board_slug: String,
    #[diesel(select_expression = boards::name)]
    board_name: String,
    #[diesel(select_expression = groups::slug.nullable())]
    group_slug: Option<String>,
    #[diesel(select_expression = cities::slug.nullable())]
    city_slug: Option<String>,
    #[diesel(select_expression = cities::name.nullable())]
    city_name: Option<String>,
    #[diesel(select_expression = cities::name_en.nullable())]
    city_name_en: Option<String>,
    #[diesel(select_expression = users::username)]
    author: String,
    #[diesel(select_expression = last_posters.field(users::username).nullable())]
    last_poster: Option<String>,
}

/// Which threads a list shows.
#[derive(Debug, Clone, Copy)]
pub enum ThreadFilter {
    /// Threads of a board, optionally of one city; `pinned` picks the pinned or the other ones.
    Board {
        board_id: i64,
        city_id: Option<i64>,
        pinned: bool,
    },
    /// Threads attached to a city, across boards.
    City(i64),
    /// Threads started by a user.
    Author(i64),
}

/// One page of threads, newest activity first, after `cursor` (one statement).
pub fn list_threads(
    conn: &mut DbConnection,
    filter: ThreadFilter,
    cursor: Option<Cursor>,
    limit: i64,
    posts_per_page: i64,
) -> QueryResult<Vec<ThreadListItem>> {
    // Each list has one fixed statement (no boxed query, whose SQL diesel rebuilds and SQLite
    // prepares again on every run): the first page reads "before the end of time".
    let (at, before_id) = match cursor {
        Some(c) => (c.at, c.id),
        None => (end_of_time(), i64::MAX),
    };
    macro_rules! listed {
        () => {
            threads::table
                .inner_join(boards::table.left_join(groups::table))
                .left_join(cities::table)
                .inner_join(users::table.on(users::id.eq(threads::author_id)))
                .left_join(
                    last_posters.on(last_posters
                        .field(users::id)
                        .nullable()
                        .eq(threads::last_post_author_id)),
                )
                .select(ThreadListRow::as_select())
                .filter(threads::hidden_at.is_null())
        };
    }
    macro_rules! by_activity {
        () => {
            threads::last_post_at
                .lt(at)
                .or(threads::last_post_at.eq(at).and(threads::id.lt(before_id)))
        };
    }
    let by_activity_order = (threads::last_post_at.desc(), threads::id.desc());
    let public = boards::visibility.eq(BoardVisibility::Public.as_str());
    // SQLite plans with the value of a bound `LIMIT` and so prepares the statement again each
    // time it is bound: there the rows are read one by one and the reading stops at `limit`
    // (the index gives them in order, nothing is sorted); PostgreSQL keeps its `LIMIT`.
    macro_rules! fetch {
        ($query:expr) => {
            match conn {
                DbConnection::Sqlite(c) => $query
                    .load_iter::<ThreadListRow, diesel::connection::DefaultLoadingMode>(c)?
                    .take(usize::try_from(limit).unwrap_or(0))
                    .collect::<QueryResult<Vec<_>>>(),
                DbConnection::Postgres(c) => $query.limit(limit).load(c),
            }
        };
    }
    let rows: Vec<ThreadListRow> = match filter {
        ThreadFilter::Board {
            board_id,
            city_id: None,
            pinned,
        } => fetch!(listed!()
            .filter(threads::board_id.eq(board_id))
            .filter(threads::pinned.eq(pinned))
            .filter(by_activity!())
            .order(by_activity_order)),
        ThreadFilter::Board {
            board_id,
            city_id: Some(city),
            pinned,
        } => fetch!(listed!()
            .filter(threads::board_id.eq(board_id))
            .filter(threads::pinned.eq(pinned))
            .filter(threads::city_id.eq(city))
            .filter(by_activity!())
            .order(by_activity_order)),
        // Lists across boards show the public boards only: a group's private board is read in
        // the group's space, never on a city page or a profile.
        ThreadFilter::City(city) => fetch!(listed!()
            .filter(threads::city_id.eq(city))
            .filter(public)
            .filter(by_activity!())
            .order(by_activity_order)),
        // A profile lists the threads someone started, newest first.
        ThreadFilter::Author(author) => fetch!(listed!()
            .filter(threads::author_id.eq(author))
            .filter(public)
            .filter(
                threads::created_at
                    .lt(at)
                    .or(threads::created_at.eq(at).and(threads::id.lt(before_id))),
            )
            .order((threads::created_at.desc(), threads::id.desc()))),
    }?;
    Ok(rows
        .into_iter()
        .map(|row| ThreadListItem {
            id: row.id,
            board_id: row.board_id,
            title: row.title,
            slug: row.slug,
            board_path: board_path(row.group_slug.as_deref(), &row.board_slug),
            board_slug: row.board_slug,
            board_name: row.board_name,
            city_slug: row.city_slug,
            city_name: row.city_name,
            city_name_en: row.city_name_en,
            author: row.author,
            post_count: row.post_count,
            reply_count: (row.post_count - 1).max(0),
            pinned: row.pinned,
            locked: row.locked,
            created_at: row.created_at,
            last_post_at: row.last_post_at,
            last_poster: row.last_poster,
            last_page: last_page(row.post_count, posts_per_page),
        })
        .collect())
}

/// A time after every stored one: the cursor of a list's first page.
fn end_of_time() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or(NaiveDateTime::MAX)
}

/// Cuts a list fetched with one extra row: the rows to show and the cursor of the next page.
pub fn split_page(
    mut rows: Vec<ThreadListItem>,
    per_page: usize,
) -> (Vec<ThreadListItem>, Option<Cursor>) {
    if rows.len() > per_page {
        rows.truncate(per_page);
        let next = rows.last().map(|t| Cursor {
            at: t.last_post_at,
            id: t.id,
        });
        (rows, next)
    } else {
        (rows, None)
    }
}

/// Sizes of list pages.
#[derive(Debug, Clone, Copy)]
pub struct PageSizes {
    pub threads: i64,
    pub posts: i64,
}

impl PageSizes {
    /// The sizes the configuration file sets.
    pub fn new(site: &crate::settings::SiteSettings) -> Self {
        PageSizes {
            threads: site.threads_per_page,
            posts: site.posts_per_page,
        }
    }
}

/// One page of a board: pinned threads (first page only), then the others by activity.
#[derive(Debug, Clone)]
pub struct BoardPage {
    pub board: Board,
    pub city: Option<crate::gazetteer::City>,
    /// A city filter that matched no city (no candidates) or several (the candidates): the
    /// board is shown unfiltered, with a word about it.
    pub city_miss: Option<(String, Vec<crate::gazetteer::City>)>,
    pub pinned: Vec<ThreadListItem>,
    pub threads: Vec<ThreadListItem>,
    pub next: Option<Cursor>,
}

/// Loads one page of a board, optionally filtered by a city (its slug, or any of its names:
/// "Bruxelles", "Brussel"). `None` when the board does not exist; a city filter that matches
/// no city or several leaves the board unfiltered (`city_miss`). Three statements at most
/// without a city filter.
pub fn board_page(
    conn: &mut DbConnection,
    board: &BoardRef,
    city_slug: Option<&str>,
    cursor: Option<Cursor>,
    sizes: PageSizes,
) -> QueryResult<Option<BoardPage>> {
    let Some(board) = board_by_ref(conn, board)? else {
        return Ok(None);
    };
    let mut city_miss = None;
    let city = match city_slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => match crate::gazetteer::resolve(conn, s)? {
            crate::gazetteer::Resolved::One(c) => Some(c),
            crate::gazetteer::Resolved::Unknown => {
                city_miss = Some((s.to_owned(), Vec::new()));
                None
            }
            crate::gazetteer::Resolved::Ambiguous(list) => {
                city_miss = Some((s.to_owned(), list));
                None
            }
        },
        None => None,
    };
    let city_id = city.as_ref().map(|c| c.id);
    let filter = |pinned| ThreadFilter::Board {
        board_id: board.id,
        city_id,
        pinned,
    };
    let pinned = if cursor.is_none() {
        list_threads(conn, filter(true), None, sizes.threads, sizes.posts)?
    } else {
        Vec::new()
    };
    let rows = list_threads(conn, filter(false), cursor, sizes.threads + 1, sizes.posts)?;
    let (threads, next) = split_page(rows, sizes.threads as usize);
    Ok(Some(BoardPage {
        board,
        city,
        city_miss,
        pinned,
        threads,
        next,
    }))
}

/// One page of a city's threads.
#[derive(Debug, Clone)]
pub struct CityPage {
    pub city: crate::gazetteer::City,
    pub threads: Vec<ThreadListItem>,
    pub next: Option<Cursor>,
}

/// One page of a city's threads across boards; `None` when the city does not exist.
pub fn city_page(
    conn: &mut DbConnection,
    slug: &str,
    cursor: Option<Cursor>,
    sizes: PageSizes,
) -> QueryResult<Option<CityPage>> {
    let Some(city) = crate::gazetteer::by_slug(conn, slug)? else {
        return Ok(None);
    };
    let rows = list_threads(
        conn,
        ThreadFilter::City(city.id),
        cursor,
        sizes.threads + 1,
        sizes.posts,
    )?;
    let (threads, next) = split_page(rows, sizes.threads as usize);
    Ok(Some(CityPage {
        city,
        threads,
        next,
    }))
}

/// The page holding the last post of a thread.
pub fn last_page(post_count: i64, per_page: i64) -> i64 {
    ((post_count.max(1) - 1) / per_page.max(1)) + 1
}

impl ThreadListItem {
    /// What tells whether a reader has read all of it (see `notifications::reading`).
    pub fn listed(&self) -> crate::web::page_cache::Listed {
        crate::web::page_cache::Listed {
            id: self.id,
            board_id: self.board_id,
            post_count: self.post_count,
            last_post_at: self.last_post_at,
        }
    }
}
