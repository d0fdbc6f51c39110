//! The SQL behind boards, threads and posts. Every list is keyset-paginated over an index; every
//! write that changes a counter changes it in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, cities, post_revisions, posts, threads, users};
use crate::db::{now, write_tx, write_tx_posting, DbConnection};
use crate::forum::domain::{CookedBody, Cursor, ThreadTitle};
use crate::validation::slugify;

diesel::alias!(users as last_posters: LastPosters);

/// A board with its counters.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = boards)]
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
}

/// A board and the title of its latest thread, for the home page.
#[derive(Debug, Clone, Serialize)]
pub struct BoardSummary {
    #[serde(flatten)]
    pub board: Board,
    pub last_thread_title: Option<String>,
    pub last_thread_slug: Option<String>,
}

/// Every board in display order, with the latest thread's title (one statement).
pub fn list_boards(conn: &mut DbConnection) -> QueryResult<Vec<BoardSummary>> {
    let rows: Vec<(Board, Option<String>, Option<String>)> = boards::table
        .left_join(threads::table.on(threads::id.nullable().eq(boards::last_thread_id)))
        .order((boards::position.asc(), boards::id.asc()))
        .select((
            Board::as_select(),
            threads::title.nullable(),
            threads::slug.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(board, last_thread_title, last_thread_slug)| BoardSummary {
                board,
                last_thread_title,
                last_thread_slug,
            },
        )
        .collect())
}

/// A board by slug.
pub fn board_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Board>> {
    boards::table
        .filter(boards::slug.eq(slug))
        .select(Board::as_select())
        .first(conn)
        .optional()
}

/// Fields of a new or changed board.
#[derive(Debug, Clone)]
pub struct BoardFields {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub name_en: Option<String>,
    pub description_en: Option<String>,
}

/// Creates a board at the end of the list.
pub fn create_board(conn: &mut DbConnection, fields: &BoardFields) -> QueryResult<i64> {
    write_tx(conn, |conn| {
        let last: Option<i64> = boards::table
            .select(diesel::dsl::max(boards::position))
            .first(conn)?;
        diesel::insert_into(boards::table)
            .values((
                boards::slug.eq(&fields.slug),
                boards::name.eq(&fields.name),
                boards::description.eq(&fields.description),
                boards::name_en.eq(&fields.name_en),
                boards::description_en.eq(&fields.description_en),
                boards::position.eq(last.unwrap_or(0) + 10),
                boards::created_at.eq(now()),
            ))
            .returning(boards::id)
            .get_result(conn)
    })
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

/// Moves a board one step up (`-1`) or down (`+1`) in the list.
pub fn move_board(conn: &mut DbConnection, id: i64, direction: i32) -> QueryResult<()> {
    write_tx(conn, |conn| {
        let ids: Vec<i64> = boards::table
            .order((boards::position.asc(), boards::id.asc()))
            .select(boards::id)
            .load(conn)?;
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
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub board_slug: String,
    pub board_name: String,
    pub city_slug: Option<String>,
    pub city_name: Option<String>,
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

type ThreadListRow = (
    (
        i64,
        String,
        String,
        i64,
        bool,
        bool,
        NaiveDateTime,
        NaiveDateTime,
    ),
    (String, String),
    Option<(String, String)>,
    String,
    Option<String>,
);

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
    let mut query = threads::table
        .inner_join(boards::table)
        .left_join(cities::table)
        .inner_join(users::table.on(users::id.eq(threads::author_id)))
        .left_join(
            last_posters.on(last_posters
                .field(users::id)
                .nullable()
                .eq(threads::last_post_author_id)),
        )
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
            ),
            (boards::slug, boards::name),
            (cities::slug, cities::name).nullable(),
            users::username,
            last_posters.field(users::username).nullable(),
        ))
        .filter(threads::hidden_at.is_null())
        .into_boxed();
    let order_by_creation = matches!(filter, ThreadFilter::Author(_));
    match filter {
        ThreadFilter::Board {
            board_id,
            city_id,
            pinned,
        } => {
            query = query
                .filter(threads::board_id.eq(board_id))
                .filter(threads::pinned.eq(pinned));
            if let Some(city) = city_id {
                query = query.filter(threads::city_id.eq(city));
            }
        }
        ThreadFilter::City(city) => query = query.filter(threads::city_id.eq(city)),
        ThreadFilter::Author(author) => query = query.filter(threads::author_id.eq(author)),
    }
    if order_by_creation {
        if let Some(c) = cursor {
            query = query.filter(
                threads::created_at
                    .lt(c.at)
                    .or(threads::created_at.eq(c.at).and(threads::id.lt(c.id))),
            );
        }
        query = query.order((threads::created_at.desc(), threads::id.desc()));
    } else {
        if let Some(c) = cursor {
            query = query.filter(
                threads::last_post_at
                    .lt(c.at)
                    .or(threads::last_post_at.eq(c.at).and(threads::id.lt(c.id))),
            );
        }
        query = query.order((threads::last_post_at.desc(), threads::id.desc()));
    }
    let rows: Vec<ThreadListRow> = query.limit(limit).load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                (id, title, slug, post_count, pinned, locked, created_at, last_post_at),
                (board_slug, board_name),
                city,
                author,
                last_poster,
            )| {
                ThreadListItem {
                    id,
                    title,
                    slug,
                    board_slug,
                    board_name,
                    city_slug: city.as_ref().map(|c| c.0.clone()),
                    city_name: city.map(|c| c.1),
                    author,
                    post_count,
                    reply_count: (post_count - 1).max(0),
                    pinned,
                    locked,
                    created_at,
                    last_post_at,
                    last_poster,
                    last_page: last_page(post_count, posts_per_page),
                }
            },
        )
        .collect())
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
    pub pinned: Vec<ThreadListItem>,
    pub threads: Vec<ThreadListItem>,
    pub next: Option<Cursor>,
}

/// Loads one page of a board, optionally filtered by a city slug. `None` when the board or
/// the city does not exist. Three statements at most.
pub fn board_page(
    conn: &mut DbConnection,
    slug: &str,
    city_slug: Option<&str>,
    cursor: Option<Cursor>,
    sizes: PageSizes,
) -> QueryResult<Option<BoardPage>> {
    let Some(board) = board_by_slug(conn, slug)? else {
        return Ok(None);
    };
    let city = match city_slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => match crate::gazetteer::by_slug(conn, s)? {
            Some(c) => Some(c),
            None => return Ok(None),
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

/// A thread as a reply sees it: board, city, locked, slow mode minutes, hidden at.
type ReplyTarget = (i64, Option<i64>, bool, i64, Option<NaiveDateTime>);

/// Adds a reply at the end of a thread and updates every counter, in one transaction. `staff`
/// (the board's staff) may reply in a locked, slowed or hidden thread.
pub fn create_reply(
    conn: &mut DbConnection,
    thread_id: i64,
    author_id: i64,
    body: &CookedBody,
    staff: bool,
) -> Result<Written, ReplyError> {
    let at = now();
    write_tx_posting(conn, |conn| {
        let target: Option<ReplyTarget> = threads::table
            .filter(threads::id.eq(thread_id))
            .select((
                threads::board_id,
                threads::city_id,
                threads::locked,
                threads::slow_mode_minutes,
                threads::hidden_at,
            ))
            .first(conn)
            .optional()?;
        let (board_id, city_id, locked, slow_minutes, hidden_at) =
            target.ok_or(ReplyError::NotFound)?;
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
        crate::notifications::enqueue_fanout(conn, post_id)?;
        Ok(Written {
            thread_id,
            post_id,
            number,
        })
    })
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
    let at = now();
    write_tx_posting(conn, |conn| {
        let current: Option<(i64, i64, i64, String, i64)> = posts::table
            .filter(posts::id.eq(post_id))
            .select((
                posts::thread_id,
                posts::number,
                posts::author_id,
                posts::body_md,
                posts::version,
            ))
            .first(conn)
            .optional()?;
        let (thread_id, number, author_id, old_md, version) = current.ok_or(EditError::NotFound)?;
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
    })
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
