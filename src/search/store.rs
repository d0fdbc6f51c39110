//! The search's SQL: the few statements of one page of results, on FTS5 (SQLite) or on
//! `tsvector` with GIN (PostgreSQL). What the searcher may read is decided in the statements
//! themselves: never a hidden or deleted post, a hidden thread, a private group board of a group
//! they are not in, a limited server's board they do not follow, or an unpublished deployment. Board, city and opening-post filters are also
//! marks in both indexes (see `sqlite_marks`, `pg_marks`), so the index narrows the matches to
//! them.
//!
//! Ordering by relevance ranks the newest matches that pass the filters, `Question::window` of
//! them (the `search.rank_window` setting, 1000 by default: bounded work whatever the size of
//! the forum; narrowing the filters or sorting by date reaches older ones): `ts_rank` on
//! PostgreSQL, BM25 scored in `rank` on SQLite (FTS5's `bm25()` would count every part's rows
//! in the whole index first). Ordering by date walks every match newest first, by id.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

use crate::db::DbConnection;
use crate::search::domain::{Kind, SearchCursor, Sort, PER_PAGE};
use crate::search::query::{self, Part};
use crate::search::rank;

/// On PostgreSQL, a search whose matches are estimated to be at least this dense (a fraction of
/// all posts) walks the newest posts by id and checks each one: its window is reached within a
/// few tens of thousands of rows, while the GIN index would read every match in the forum.
/// Sparser ones read the GIN index (see `posts`).
const WALK_DENSITY: f64 = 0.03;

/// The most posts such a walk reads before the search turns to the GIN index (a few µs each),
/// in windows (40,000 posts for the default window of 1000).
const WALK_MAX: i64 = 40;

/// Below `WALK_DENSITY` but above this, a first look at the newest `PROBE` windows of posts
/// (10,000 for the default window; through the index) measures how dense the matches of
/// several words really are, so the GIN index is then read in a span that holds the window and
/// little more: every match read from the index costs a read of its row (~5 µs).
const PROBE_DENSITY: f64 = 0.001;
const PROBE: i64 = 10;

/// A word in more than this fraction of the posts is not looked up in the GIN index (see
/// `PgSearchState::lookup`).
const COMMON: f64 = 0.2;

/// The fewest matches a first look must have seen for their density to size a span.
const MIN_SEEN: i64 = 8;

/// The columns of a `PostHit` but its rank and window count (`p` posts, `t` threads, `b`
/// boards, `u` users).
const POST_COLUMNS: &str = "p.id, p.thread_id, t.slug AS thread_slug, t.title, p.body_html, \
                            p.created_at, u.username AS author, b.name AS board_name, \
                            b.name_en AS board_name_en";
const POST_JOINS: &str = "JOIN threads t ON t.id = p.thread_id JOIN boards b ON b.id = t.board_id";

/// What a statement filters on, resolved to ids and keys.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub board: Option<String>,
    pub group: Option<String>,
    pub city_id: Option<i64>,
    /// The author's username key (`accounts::domain::username_key`).
    pub author_key: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// A statement's question: the backend's query text, the kind, the order, the filters, the page.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    /// FTS5 `MATCH` text on SQLite, `to_tsquery` input on PostgreSQL.
    pub fts5: &'a str,
    pub tsquery: &'a str,
    /// The parts the query was written from (SQLite scores its window with them).
    pub parts: &'a [Part],
    pub kind: Kind,
    pub sort: Sort,
    pub filters: &'a Filters,
    pub cursor: Option<SearchCursor>,
    /// The reader, for private group boards and followed boards (`None`: a visitor).
    pub reader: Option<i64>,
    /// How many of the newest matches a search by relevance ranks (at least a page).
    pub window: i64,
}

/// A matched post (or thread, through its opening post).
#[derive(Debug, Clone, QueryableByName)]
pub struct PostHit {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub thread_id: i64,
    #[diesel(sql_type = Text)]
    pub thread_slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Text)]
    pub board_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub board_name_en: Option<String>,
    #[diesel(sql_type = Double)]
    pub rank: f64,
    /// How many matches the ranked window held (PostgreSQL's id spans; 0 elsewhere).
    #[diesel(sql_type = BigInt)]
    pub window_hits: i64,
}

/// A matched deployment.
#[derive(Debug, Clone, QueryableByName)]
pub struct DeploymentHit {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub city_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub city_name_en: Option<String>,
    #[diesel(sql_type = Double)]
    pub rank: f64,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
    Time(NaiveDateTime),
}

/// A statement being written, with its binds in order.
struct Statement {
    sql: String,
    binds: Vec<Bind>,
    postgres: bool,
}

impl Statement {
    fn new(postgres: bool) -> Statement {
        Statement {
            sql: String::new(),
            binds: Vec::new(),
            postgres,
        }
    }

    /// Adds a bind and returns its placeholder (`?N` on SQLite, `$N` on PostgreSQL).
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        let n = self.binds.len();
        if self.postgres {
            format!("${n}")
        } else {
            format!("?{n}")
        }
    }

    fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }
}

/// Binds every value of `binds` to a boxed query of backend `DB`.
fn bound<'a, DB>(
    mut query: BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>,
    binds: Vec<Bind>,
) -> BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>
where
    DB: Backend
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Double>
        + diesel::sql_types::HasSqlType<Timestamp>,
    String: diesel::serialize::ToSql<Text, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    f64: diesel::serialize::ToSql<Double, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
{
    for b in binds {
        query = match b {
            Bind::Text(s) => query.bind::<Text, _>(s),
            Bind::Int(i) => query.bind::<BigInt, _>(i),
            Bind::Float(f) => query.bind::<Double, _>(f),
            Bind::Time(t) => query.bind::<Timestamp, _>(t),
        };
    }
    query
}

/// Runs a statement and loads its rows.
fn load<T>(conn: &mut DbConnection, st: Statement) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    match conn {
        DbConnection::Sqlite(c) => bound(diesel::sql_query(st.sql).into_boxed(), st.binds).load(c),
        DbConnection::Postgres(c) => {
            bound(diesel::sql_query(st.sql).into_boxed(), st.binds).load(c)
        }
    }
}

/// The keyset condition for the page after `cursor`, on columns `rank` and `id` of the hits.
fn after(st: &mut Statement, cursor: Option<SearchCursor>, rank: &str, id: &str) -> String {
    match cursor {
        None => "1 = 1".to_owned(),
        Some(SearchCursor::Date { id: last }) => {
            let p = st.bind(Bind::Int(last));
            format!("{id} < {p}")
        }
        Some(SearchCursor::Rank { rank: r, id: last }) => {
            let pr = st.bind(Bind::Float(r));
            let pr2 = st.bind(Bind::Float(r));
            let pi = st.bind(Bind::Int(last));
            format!("({rank} > {pr} OR ({rank} = {pr2} AND {id} < {pi}))")
        }
    }
}

/// What a PostgreSQL search needs to know before its first statement over the posts, read in
/// one statement: the query normalised in the site's text search configuration (then written
/// into the statements as a constant, so the planner sees the query's words and knows how
/// common they are), the newest post's id, how dense the matches should be, and with a board
/// or group filter the marks of the boards it names (`'@ board 12' | …`, see the
/// `…_search_markers` migration), `None` when it names none.
#[derive(QueryableByName)]
struct PgSearchState {
    /// The query, and its required words alone, as `tsquery` text normalised once here: a
    /// statement binds them as constants. `to_tsquery` with a bound configuration cannot be
    /// folded by the planner, so in a row's condition or in `ts_rank` it ran again for every
    /// row (~7 µs each with the accents' dictionary: half of a phrase search's time).
    #[diesel(sql_type = Text)]
    query: String,
    #[diesel(sql_type = Text)]
    required: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    newest: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    boards: Option<String>,
    /// The estimated fraction of posts the query's words and marks all match: the product of
    /// each lexeme's frequency in the column's statistics (`pg_stats.most_common_elems`; one
    /// missing from them counts as rare). `None` before the table was ever analysed.
    #[diesel(sql_type = Nullable<Double>)]
    density: Option<f64>,
    /// The required words' lexemes the GIN index looks up (a `tsquery`): all but those in more
    /// than `COMMON` of the posts, which would add many entries to read and filter out few
    /// rows (the rarest is always kept). Every row it finds is checked against the query.
    #[diesel(sql_type = Nullable<Text>)]
    lookup: Option<String>,
    /// How many lexemes the required words have.
    #[diesel(sql_type = BigInt)]
    words: i64,
    /// How many of them are common (`COMMON`).
    #[diesel(sql_type = BigInt)]
    common: i64,
}

/// The condition on `boards b` for the boards a board or group filter names (`None`: no such
/// filter).
fn boards_condition(st: &mut Statement, filters: &Filters) -> Option<String> {
    match (&filters.group, &filters.board) {
        (None, None) => None,
        (Some(group), board) => {
            let g = st.bind(Bind::Text(group.clone()));
            let mut cond = format!("b.group_id = (SELECT id FROM groups WHERE slug = {g})");
            if let Some(board) = board {
                let b = st.bind(Bind::Text(board.clone()));
                cond.push_str(&format!(" AND b.slug = {b}"));
            }
            Some(cond)
        }
        (None, Some(board)) => {
            let b = st.bind(Bind::Text(board.clone()));
            Some(format!("b.group_id IS NULL AND b.slug = {b}"))
        }
    }
}

fn pg_state(conn: &mut DbConnection, q: &Question) -> QueryResult<PgSearchState> {
    if !matches!(conn, DbConnection::Postgres(_)) {
        return Err(diesel::result::Error::NotFound);
    }
    let mut st = Statement::new(true);
    let boards = boards_condition(&mut st, q.filters).unwrap_or_else(|| "1 = 0".to_owned());
    // The lexemes every match holds: the required words (a prefix stands for every lexeme it
    // begins), the city's and the opening posts' marks, and the board's when there is one.
    let required = || q.parts.iter().filter(|p| !p.excluded);
    let words: Vec<&str> = required()
        .flat_map(|p| {
            let whole = p.words.len() - usize::from(p.prefix);
            p.words[..whole].iter().map(String::as_str)
        })
        .collect();
    let prefixes: Vec<&str> = required()
        .filter(|p| p.prefix)
        .filter_map(|p| p.words.last().map(String::as_str))
        .collect();
    let words = st.bind(Bind::Text(words.join(" ")));
    let prefixes = st.bind(Bind::Text(prefixes.join(" ")));
    let query = st.bind(Bind::Text(q.tsquery.to_owned()));
    let required: Vec<Part> = required().cloned().collect();
    let required = st.bind(Bind::Text(query::tsquery_of(&required).unwrap_or_default()));
    let marks = pg_place_marks(q).join(", ");
    let config = "vigie_search_config()";
    st.push(&format!(
        "WITH elems AS (SELECT u.e, u.f FROM pg_stats s, \
           unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f) \
           WHERE s.schemaname = current_schema() AND s.tablename = 'posts' \
           AND s.attname = 'search_vector'), \
         board AS (SELECT string_agg(quote_literal('@ board ' || b.id), ' | ' ORDER BY b.id) \
             AS marks, CASE WHEN count(*) = 1 THEN min('@ board ' || b.id) END AS mark \
           FROM boards b WHERE {boards}), \
         lexemes AS (\
           SELECT x AS lexeme, false AS prefix, true AS word \
             FROM unnest(tsvector_to_array(to_tsvector({config}, {words}))) AS x \
           UNION ALL SELECT x, true, true \
             FROM unnest(tsvector_to_array(to_tsvector({config}, {prefixes}))) AS x \
           UNION ALL SELECT x, false, false FROM unnest(ARRAY[{marks}]::text[]) AS x \
           UNION ALL SELECT mark, false, false FROM board WHERE mark IS NOT NULL), \
         freqs AS (SELECT l.*, least(coalesce((SELECT sum(f) FROM elems \
             WHERE e = l.lexeme OR (l.prefix AND starts_with(e, l.lexeme))), 0.0), 1.0) AS f \
           FROM lexemes l) \
         SELECT to_tsquery({config}, {query})::text AS query, \
           to_tsquery({config}, {required})::text AS required, \
           (SELECT max(id) FROM posts) AS newest, \
           (SELECT marks FROM board) AS boards, \
           CASE WHEN EXISTS (SELECT 1 FROM elems) THEN \
             (SELECT exp(sum(ln(greatest(f, 1e-9)))) FROM freqs) END AS density, \
           (SELECT string_agg(quote_literal(lexeme) || CASE WHEN prefix THEN ':*' ELSE '' END, \
              ' & ') FROM freqs \
            WHERE word AND (f < {COMMON} OR lexeme = (SELECT lexeme FROM freqs WHERE word \
              ORDER BY f, lexeme LIMIT 1))) AS lookup, \
           (SELECT count(*) FROM freqs WHERE word AND f >= {COMMON}) AS common, \
           (SELECT count(*) FROM freqs WHERE word) AS words"
    ));
    load(conn, st)?.pop().ok_or(diesel::result::Error::NotFound)
}

/// A query's `tsquery` in the site's configuration (PostgreSQL), normalised once so that a
/// statement binds it as a constant (see `PgSearchState::query`).
fn pg_tsquery(conn: &mut DbConnection, tsquery: &str) -> QueryResult<String> {
    #[derive(QueryableByName)]
    struct Normalised {
        #[diesel(sql_type = Text)]
        query: String,
    }
    let mut st = Statement::new(true);
    let q = st.bind(Bind::Text(tsquery.to_owned()));
    st.push(&format!(
        "SELECT to_tsquery(vigie_search_config(), {q})::text AS query"
    ));
    let normalised: Option<Normalised> = load(conn, st)?.pop();
    normalised
        .map(|n| n.query)
        .ok_or(diesel::result::Error::NotFound)
}

/// The marks (a `tsquery`) every post a search may find carries on PostgreSQL: its boards, its
/// city, opening posts for a search of threads; `None` when nothing filters on them.
fn pg_marks(q: &Question, boards: Option<&str>) -> Option<String> {
    let mut marks: Vec<String> = boards.map(|b| format!("({b})")).into_iter().collect();
    marks.extend(pg_place_marks(q));
    (!marks.is_empty()).then(|| marks.join(" & "))
}

/// The marks of a search's city and kind (quoted lexemes, `'@ city 34'`, `'@ opening'`), which
/// the board's join in `pg_marks`.
fn pg_place_marks(q: &Question) -> Vec<String> {
    let mut marks = Vec::new();
    if let Some(city) = q.filters.city_id {
        marks.push(format!("'@ city {city}'"));
    }
    if q.kind == Kind::Threads {
        marks.push("'@ opening'".to_owned());
    }
    marks
}

/// The marks (an FTS5 expression on the `kind` column) every post a search may find carries on
/// SQLite: its boards, its city, opening posts for a search of threads (see the
/// `…_search_marks` migration); `None` when nothing filters on them, `Some("")` when the board
/// or group filter names no board.
fn sqlite_marks(conn: &mut DbConnection, q: &Question) -> QueryResult<Option<String>> {
    #[derive(QueryableByName)]
    struct BoardId {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let mut marks = Vec::new();
    let mut st = Statement::new(false);
    if let Some(cond) = boards_condition(&mut st, q.filters) {
        st.push(&format!("SELECT b.id FROM boards b WHERE {cond}"));
        let boards: Vec<BoardId> = load(conn, st)?;
        if boards.is_empty() {
            return Ok(Some(String::new()));
        }
        let boards: Vec<String> = boards.iter().map(|b| format!("b{}", b.id)).collect();
        marks.push(format!("kind : ({})", boards.join(" OR ")));
    }
    if let Some(city) = q.filters.city_id {
        marks.push(format!("kind : c{city}"));
    }
    if q.kind == Kind::Threads {
        marks.push("kind : opening".to_owned());
    }
    Ok((!marks.is_empty()).then(|| marks.join(" AND ")))
}

/// One page (plus one row, to tell whether another follows) of posts or threads.
///
/// On PostgreSQL a relevance search ranks the newest `Question::window` matches. How it finds
/// them depends on how dense they are expected to be (`PgSearchState::density`): dense ones by
/// walking the newest posts (`Plan::Walk`, at most `WALK_MAX` windows of them); others from the
/// GIN index in a span of the newest posts sized by the estimate or, when the estimate is a
/// guess (several words), by the density a first read of the index over the newest `PROBE`
/// windows measured; rare ones without a span. When a span falls short, once more in a span
/// sized by what it held, then without a span. At most four statements after the first, each
/// giving exactly what the search without a span would (the newest matches, ranked).
pub fn posts(conn: &mut DbConnection, q: &Question) -> QueryResult<Vec<PostHit>> {
    if !matches!(conn, DbConnection::Postgres(_)) {
        let marks = sqlite_marks(conn, q)?;
        if marks.as_deref() == Some("") {
            return Ok(Vec::new());
        }
        let index = Index::Sqlite {
            marks: marks.as_deref(),
        };
        return match q.sort {
            Sort::Relevance => sqlite_ranked(conn, q, index),
            Sort::Date => load(conn, posts_statement(index, q, None, Shape::Page)),
        };
    }
    let state = pg_state(conn, q)?;
    let Some(newest) = state.newest else {
        return Ok(Vec::new());
    };
    if (q.filters.board.is_some() || q.filters.group.is_some()) && state.boards.is_none() {
        return Ok(Vec::new());
    }
    let marks = pg_marks(q, state.boards.as_deref());
    // The index's lookup is the whole query when it is plain words, each its own lexeme, none
    // of them left out.
    let exact = (state.common == 0 || state.words == 1)
        && state.words == q.parts.len() as i64
        && q.parts.iter().all(|p| !p.excluded && p.words.len() == 1);
    let pg = |plan| Index::Pg {
        query: &state.query,
        required: &state.required,
        marks: marks.as_deref(),
        lookup: state.lookup.as_deref(),
        exact,
        plan,
    };
    if q.sort == Sort::Date {
        // Plain `posts`, the planner's choice: newest first by id, or the index for rare words.
        return load(conn, posts_statement(pg(Plan::Walk), q, None, Shape::Page));
    }
    let density = state.density.unwrap_or(0.0);
    let window = q.window;
    let floor = |span: i64| (span < newest).then(|| newest - span);
    // First a look at the newest posts: a walk long enough for the window when the matches are
    // dense, a short probe of their real density when the estimate is a guess (it takes words
    // as independent, while a phrase's words are much more often found together than apart).
    let walk = if density >= WALK_DENSITY {
        ((window as f64 * 2.0 / density) as i64).min(WALK_MAX * window)
    } else if density >= PROBE_DENSITY && state.words > 1 {
        PROBE * window
    } else {
        0
    };
    // One word's density is known from the statistics; an exclusion takes some of its matches
    // away, which a wider margin covers more cheaply than a second statement would.
    let margin = if q.parts.iter().any(|p| p.excluded) {
        1.8
    } else {
        1.4
    };
    let mut span = if density > 0.0 {
        (window as f64 * margin / density).min(newest as f64) as i64
    } else {
        newest
    };
    if walk > 0 {
        // The probe reads the index too: its candidates in so few posts are a handful.
        let plan = if density >= WALK_DENSITY {
            Plan::Walk
        } else {
            Plan::Index
        };
        let st = posts_statement(pg(plan), q, floor(walk), Shape::Page);
        let hits = pg_plan(conn, plan, st)?;
        let seen = hits.first().map_or(0, |h| h.window_hits);
        if seen >= window || walk >= newest {
            return Ok(hits);
        }
        // The span that should hold the window at the density seen, with a margin.
        span = if seen >= MIN_SEEN {
            walk.saturating_mul(window * 5 / 4) / seen
        } else {
            newest
        };
    }
    // The GIN index, in a span wide enough for the window at the density expected (then seen).
    for _ in 0..2 {
        if span >= newest {
            break;
        }
        let st = posts_statement(pg(Plan::Index), q, floor(span), Shape::Page);
        let hits = pg_plan(conn, Plan::Index, st)?;
        let seen = hits.first().map_or(0, |h| h.window_hits);
        if seen >= window {
            return Ok(hits);
        }
        if seen == 0 {
            break;
        }
        span = span.saturating_mul(window * 3 / 2) / seen;
    }
    let st = posts_statement(pg(Plan::Index), q, None, Shape::Page);
    pg_plan(conn, Plan::Index, st)
}

/// How PostgreSQL finds a relevance search's window (see `posts`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Newest posts first by the primary key, each checked, until the window is full: bitmap
    /// scans (the only way to the GIN index) are off for the statement.
    Walk,
    /// Every match in the span from the GIN index: the statement reads `posts` through a fenced
    /// subquery, which the planner cannot turn into a walk, with memory enough for an exact
    /// bitmap.
    Index,
}

/// Runs a PostgreSQL relevance statement with its plan's settings, in a transaction of its own
/// (`SET LOCAL`: the pooled connection keeps its defaults).
fn pg_plan(conn: &mut DbConnection, plan: Plan, st: Statement) -> QueryResult<Vec<PostHit>> {
    let settings = match plan {
        Plan::Walk => "SET LOCAL enable_bitmapscan = off",
        Plan::Index => "SET LOCAL work_mem = '32MB'",
    };
    conn.transaction(|conn| {
        diesel::connection::SimpleConnection::batch_execute(conn, settings)?;
        load(conn, st)
    })
}

/// Which index a statement searches, and what with: on PostgreSQL the text search
/// configuration and the filters' marks (see `pg_marks`), on SQLite the filters' marks (see
/// `sqlite_marks`).
#[derive(Clone, Copy)]
enum Index<'a> {
    Sqlite {
        marks: Option<&'a str>,
    },
    Pg {
        /// The query and its required words, normalised (`PgSearchState::query`).
        query: &'a str,
        required: &'a str,
        marks: Option<&'a str>,
        /// The lexemes the GIN index looks up (`PgSearchState::lookup`).
        lookup: Option<&'a str>,
        /// Whether a row the lookup finds matches the query, unchecked.
        exact: bool,
        plan: Plan,
    },
}

/// What a posts statement gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One page of `PostHit`s, in the question's order.
    Page,
    /// SQLite, by relevance: the newest `Question::window` matches' `WindowRow`s, to score
    /// (`rank`).
    Window,
}

/// The statement for one page of posts (or, `Shape::Window`, for SQLite's window), on `index`
/// and, for a relevance search, only posts above id `floor` when given.
fn posts_statement(index: Index, q: &Question, floor: Option<i64>, shape: Shape) -> Statement {
    let postgres = matches!(index, Index::Pg { .. });
    let mut st = Statement::new(postgres);
    // The id the index walks in order (FTS5 reads its own rowids newest first cheaply).
    let order_id = if postgres {
        "p.id"
    } else {
        "post_search.rowid"
    };
    let (matched, rank, from) = match index {
        Index::Pg {
            query,
            required,
            marks,
            lookup,
            exact,
            plan,
        } => {
            let p = st.bind(Bind::Text(query.to_owned()));
            // What the index looks up: the required words (an excluded word's list would be
            // read whole for nothing) and the marks. The reader's words alone rank, and an
            // exclusion is checked on each row.
            let w = st.bind(Bind::Text(required.to_owned()));
            let marks = marks.map(|marks| st.bind(Bind::Text(marks.to_owned())));
            let with_marks = |words: String| match &marks {
                Some(marks) => format!("{words} && {marks}::tsquery"),
                None => words,
            };
            let m = with_marks(format!("{w}::tsquery"));
            let excludes = q.parts.iter().any(|p| p.excluded);
            let (posts, matched) = match plan {
                Plan::Walk if excludes => (
                    "posts p".to_owned(),
                    format!("p.search_vector @@ ({m}) AND p.search_vector @@ sq.q"),
                ),
                Plan::Walk => ("posts p".to_owned(), format!("p.search_vector @@ ({m})")),
                Plan::Index => {
                    let span = match floor {
                        Some(floor) => format!(" AND id > {}", st.bind(Bind::Int(floor))),
                        None => String::new(),
                    };
                    let look = match lookup {
                        Some(lookup) => {
                            let l = st.bind(Bind::Text(lookup.to_owned()));
                            with_marks(format!("{l}::tsquery"))
                        }
                        None => m.clone(),
                    };
                    (
                        format!(
                            "(SELECT * FROM posts WHERE search_vector @@ ({look}){span} OFFSET 0) p"
                        ),
                        if exact {
                            "TRUE".to_owned()
                        } else {
                            "p.search_vector @@ sq.q".to_owned()
                        },
                    )
                }
            };
            (
                matched,
                "(-ts_rank(p.search_vector, sq.q))::float8".to_owned(),
                format!("(SELECT {p}::tsquery AS q) sq CROSS JOIN {posts}"),
            )
        }
        Index::Sqlite { marks } => {
            // The reader's words in the text columns only, and the filters' marks in `kind` (see
            // the migration), which the index intersects cheaply.
            let mut fts = format!("{{title body}} : ({})", q.fts5);
            if let Some(marks) = marks {
                fts.push_str(" AND ");
                fts.push_str(marks);
            }
            let p = st.bind(Bind::Text(fts));
            (
                format!("post_search MATCH {p}"),
                "bm25(post_search, 4.0, 1.0, 0.0)".to_owned(),
                "post_search JOIN posts p ON p.id = post_search.rowid".to_owned(),
            )
        }
    };
    let reader = st.bind(Bind::Int(q.reader.unwrap_or(-1)));
    let mut conditions = vec![
        matched,
        "p.hidden_at IS NULL".to_owned(),
        "p.deleted_at IS NULL".to_owned(),
        "t.hidden_at IS NULL".to_owned(),
        format!(
            "(b.visibility = 'public' OR b.group_id IN \
             (SELECT group_id FROM group_members WHERE user_id = {reader}) \
             OR (b.visibility = 'followers' AND b.id IN \
             (SELECT board_id FROM federation_following WHERE user_id = {reader})))"
        ),
    ];
    if q.kind == Kind::Threads {
        conditions.push("p.number = 1".to_owned());
    }
    if let Some(floor) = floor {
        let p = st.bind(Bind::Int(floor));
        conditions.push(format!("p.id > {p}"));
    }
    let f = q.filters;
    match (&f.group, &f.board) {
        (Some(group), board) => {
            let g = st.bind(Bind::Text(group.clone()));
            conditions.push(format!(
                "b.group_id = (SELECT id FROM groups WHERE slug = {g})"
            ));
            if let Some(board) = board {
                let b = st.bind(Bind::Text(board.clone()));
                conditions.push(format!("b.slug = {b}"));
            }
        }
        (None, Some(board)) => {
            let b = st.bind(Bind::Text(board.clone()));
            conditions.push(format!("b.group_id IS NULL AND b.slug = {b}"));
        }
        (None, None) => {}
    }
    if let Some(city) = f.city_id {
        let c = st.bind(Bind::Int(city));
        conditions.push(format!("t.city_id = {c}"));
    }
    if let Some(author) = &f.author_key {
        let a = st.bind(Bind::Text(author.clone()));
        conditions.push(format!(
            "p.author_id = (SELECT id FROM users WHERE username_key = {a})"
        ));
    }
    if let Some(from) = f.from {
        let p = st.bind(Bind::Time(from));
        conditions.push(format!("p.created_at >= {p}"));
    }
    if let Some(until) = f.until {
        let p = st.bind(Bind::Time(until));
        conditions.push(format!("p.created_at < {p}"));
    }
    let columns = POST_COLUMNS;
    let joins = POST_JOINS;
    let limit = PER_PAGE + 1;
    if shape == Shape::Window {
        st.push(&format!(
            "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END AS title, p.body_md \
             FROM {from} {joins} WHERE {} ORDER BY {order_id} DESC LIMIT {}",
            conditions.join(" AND "),
            q.window
        ));
        return st;
    }
    match q.sort {
        Sort::Date => {
            let keyset = after(&mut st, q.cursor, "0", order_id);
            conditions.push(keyset);
            let sql = format!(
                "SELECT {columns}, 0.0 AS rank, CAST(0 AS BIGINT) AS window_hits FROM {from} {joins} \
                 JOIN users u ON u.id = p.author_id \
                 WHERE {} ORDER BY {order_id} DESC LIMIT {limit}",
                conditions.join(" AND ")
            );
            st.push(&sql);
        }
        Sort::Relevance => {
            let hits = format!(
                "SELECT p.id AS id, {rank} AS rank FROM {from} {joins} WHERE {} \
                 ORDER BY {order_id} DESC LIMIT {}",
                conditions.join(" AND "),
                q.window
            );
            let keyset = after(&mut st, q.cursor, "h.rank", "h.id");
            // The page is chosen among the ranked ids first; only its rows are then read.
            let window_hits = if floor.is_some() {
                "(SELECT count(*) FROM h)"
            } else {
                "CAST(0 AS BIGINT)"
            };
            let sql = format!(
                "WITH h AS ({hits}), \
                 top AS (SELECT h.id, h.rank FROM h WHERE {keyset} \
                         ORDER BY h.rank, h.id DESC LIMIT {limit}) \
                 SELECT {columns}, top.rank AS rank, {window_hits} AS window_hits \
                 FROM top JOIN posts p ON p.id = top.id {joins} \
                 JOIN users u ON u.id = p.author_id \
                 ORDER BY top.rank, top.id DESC"
            );
            st.push(&sql);
        }
    }
    st
}

/// A row of SQLite's ranked window: the post, its title when it opens its thread, its text.
#[derive(QueryableByName)]
struct WindowRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body_md: String,
}

/// How many of the newest `rank::SAMPLE` posts hold each part (SQLite), with the newest post's
/// id: one statement.
fn sampled_hits(conn: &mut DbConnection, parts: &[Part]) -> QueryResult<(Vec<i64>, i64)> {
    #[derive(QueryableByName)]
    struct Sampled {
        #[diesel(sql_type = Nullable<BigInt>)]
        newest: Option<i64>,
        #[diesel(sql_type = Text)]
        hits: String,
    }
    let mut st = Statement::new(false);
    let counts: Vec<String> = parts
        .iter()
        .map(|part| {
            let m = st.bind(Bind::Text(format!("{{title body}} : {}", part.fts5())));
            format!(
                "(SELECT count(*) FROM post_search WHERE post_search MATCH {m} \
                 AND post_search.rowid > (SELECT max(id) FROM posts) - {})",
                rank::SAMPLE
            )
        })
        .collect();
    let hits = if counts.is_empty() {
        "''".to_owned()
    } else {
        counts.join(" || ',' || ")
    };
    st.push(&format!(
        "SELECT (SELECT max(id) FROM posts) AS newest, {hits} AS hits"
    ));
    let sampled = load::<Sampled>(conn, st)?.pop();
    let newest = sampled.as_ref().and_then(|s| s.newest).unwrap_or(0);
    let hits = sampled
        .map(|s| s.hits.split(',').map(|n| n.parse().unwrap_or(0)).collect())
        .unwrap_or_default();
    Ok((hits, newest))
}

/// SQLite, by relevance. When FTS5's `bm25()` is cheap for these words (`rank::fts5_is_cheap`),
/// one statement ranks and reads the page. Otherwise the window's rows are scored here (see
/// `rank`), the page after the cursor chosen among them, then only its rows read. Two or three
/// statements: the words' sampled frequencies, then the page, or the window and the page.
fn sqlite_ranked(conn: &mut DbConnection, q: &Question, index: Index) -> QueryResult<Vec<PostHit>> {
    let (all_hits, newest) = sampled_hits(conn, q.parts)?;
    let sample = newest.clamp(1, rank::SAMPLE);
    // `bm25()` would also count every post of the marks' boards and cities.
    let marked = matches!(index, Index::Sqlite { marks: Some(_) });
    if !marked && rank::fts5_is_cheap(q.parts, &all_hits, sample, newest) {
        return load(conn, posts_statement(index, q, None, Shape::Page));
    }
    let hits: Vec<i64> = q
        .parts
        .iter()
        .zip(&all_hits)
        .filter(|(p, _)| !p.excluded)
        .map(|(_, h)| *h)
        .collect();
    let window: Vec<WindowRow> = load(conn, posts_statement(index, q, None, Shape::Window))?;
    let rows: Vec<rank::Row> = window
        .iter()
        .map(|w| rank::Row {
            title: &w.title,
            body: &w.body_md,
        })
        .collect();
    let scores = rank::Scorer::new(q.parts, &hits, sample).scores(&rows);
    let mut ranked: Vec<(f64, i64)> = scores
        .into_iter()
        .zip(window.iter().map(|w| w.id))
        .filter(|(score, id)| match q.cursor {
            Some(SearchCursor::Rank { rank, id: last }) => {
                *score > rank || (*score == rank && *id < last)
            }
            _ => true,
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    ranked.truncate((PER_PAGE + 1) as usize);
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let mut st = Statement::new(false);
    let ids: Vec<String> = ranked
        .iter()
        .map(|(_, id)| st.bind(Bind::Int(*id)))
        .collect();
    st.push(&format!(
        "SELECT {POST_COLUMNS}, 0.0 AS rank, CAST(0 AS BIGINT) AS window_hits \
         FROM posts p {POST_JOINS} JOIN users u ON u.id = p.author_id WHERE p.id IN ({})",
        ids.join(", ")
    ));
    let mut rows: Vec<PostHit> = load(conn, st)?;
    for row in &mut rows {
        row.rank = ranked
            .iter()
            .find(|(_, id)| *id == row.id)
            .map_or(0.0, |(score, _)| *score);
    }
    rows.sort_by(|a, b| a.rank.total_cmp(&b.rank).then(b.id.cmp(&a.id)));
    Ok(rows)
}

/// One page (plus one row) of published deployments; the city and the dates filter them.
pub fn deployments(conn: &mut DbConnection, q: &Question) -> QueryResult<Vec<DeploymentHit>> {
    let normalised = match conn {
        DbConnection::Postgres(_) => Some(pg_tsquery(conn, q.tsquery)?),
        DbConnection::Sqlite(_) => None,
    };
    let mut st = Statement::new(normalised.is_some());
    let (matched, rank, from) = if let Some(normalised) = normalised {
        let p = st.bind(Bind::Text(normalised));
        (
            "d.search_vector @@ sq.q".to_owned(),
            "(-ts_rank(d.search_vector, sq.q))::float8".to_owned(),
            format!(
                "(SELECT {p}::tsquery AS q) sq \
                 CROSS JOIN deployments d"
            ),
        )
    } else {
        let p = st.bind(Bind::Text(q.fts5.to_owned()));
        (
            format!("deployment_search MATCH {p}"),
            "bm25(deployment_search, 4.0, 1.0)".to_owned(),
            "deployment_search JOIN deployments d ON d.id = deployment_search.rowid".to_owned(),
        )
    };
    let mut conditions = vec![matched, "d.published_at IS NOT NULL".to_owned()];
    let f = q.filters;
    if let Some(city) = f.city_id {
        let c = st.bind(Bind::Int(city));
        conditions.push(format!("d.city_id = {c}"));
    }
    if let Some(from) = f.from {
        let p = st.bind(Bind::Time(from));
        conditions.push(format!("d.published_at >= {p}"));
    }
    if let Some(until) = f.until {
        let p = st.bind(Bind::Time(until));
        conditions.push(format!("d.published_at < {p}"));
    }
    let columns = "d.id, d.title, d.description_html AS body_html, \
                   d.published_at AS created_at, c.name AS city_name, c.name_en AS city_name_en";
    let limit = PER_PAGE + 1;
    let (rank_column, order) = match q.sort {
        Sort::Date => ("0.0".to_owned(), "d.id DESC"),
        Sort::Relevance => (rank, "rank, d.id DESC"),
    };
    let inner = format!(
        "SELECT {columns}, {rank_column} AS rank FROM {from} JOIN cities c ON c.id = d.city_id \
         WHERE {}",
        conditions.join(" AND ")
    );
    let keyset = after(&mut st, q.cursor, "h.rank", "h.id");
    let order = order.replace("d.id", "h.id");
    st.push(&format!(
        "SELECT * FROM ({inner}) h WHERE {keyset} ORDER BY {order} LIMIT {limit}"
    ));
    load(conn, st)
}

/// `DELETE`s every index entry and writes them again from the tables, `batch` rows at a time,
/// calling `progress` with the rows done after each batch. Returns the posts and deployments
/// indexed. On PostgreSQL the configuration is first set for `language` (`fr`, `en`), and the
/// tables are analysed at the end.
pub fn reindex(
    conn: &mut DbConnection,
    language: &str,
    batch: i64,
    mut progress: impl FnMut(u64, u64),
) -> QueryResult<(u64, u64)> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    let posts: i64 = crate::db::schema::posts::table.count().get_result(conn)?;
    let deployments: i64 = crate::db::schema::deployments::table
        .count()
        .get_result(conn)?;
    let total = (posts + deployments) as u64;
    if postgres {
        let config = if language == "en" {
            "vigie_english"
        } else {
            "vigie_french"
        };
        diesel::sql_query("UPDATE search_settings SET config = $1 WHERE id = 1")
            .bind::<Text, _>(config)
            .execute(conn)?;
    } else {
        diesel::sql_query("INSERT INTO post_search (post_search) VALUES ('delete-all')")
            .execute(conn)?;
        diesel::sql_query(
            "INSERT INTO deployment_search (deployment_search) VALUES ('delete-all')",
        )
        .execute(conn)?;
    }
    let max_post: Option<i64> = crate::db::schema::posts::table
        .select(diesel::dsl::max(crate::db::schema::posts::id))
        .get_result(conn)?;
    let mut done = 0u64;
    let mut start = 0i64;
    let end = max_post.unwrap_or(0);
    while start <= end {
        let stop = start + batch;
        let sql = if postgres {
            "UPDATE posts SET search_vector = vigie_post_vector(thread_id, number, body_md) \
             WHERE id >= $1 AND id < $2"
        } else {
            "INSERT INTO post_search (rowid, title, body, kind) \
             SELECT id, title, body, kind FROM post_search_entries WHERE id >= ?1 AND id < ?2"
        };
        let n = diesel::sql_query(sql)
            .bind::<BigInt, _>(start)
            .bind::<BigInt, _>(stop)
            .execute(conn)?;
        done += n as u64;
        progress(done, total);
        start = stop;
    }
    let sql = if postgres {
        "UPDATE deployments \
         SET search_vector = setweight(to_tsvector(vigie_search_config(), title), 'A') \
                          || setweight(to_tsvector(vigie_search_config(), description_md), 'B')"
    } else {
        "INSERT INTO deployment_search (rowid, title, body) \
         SELECT id, title, description_md FROM deployments"
    };
    let n = diesel::sql_query(sql).execute(conn)?;
    done += n as u64;
    progress(done, total);
    if postgres {
        // The search plans from the words' frequencies in the statistics (`pg_state`): after
        // every vector was written again, perhaps in another language, they must describe the
        // new ones, not wait for autovacuum.
        diesel::sql_query("ANALYZE posts, deployments").execute(conn)?;
    } else {
        diesel::sql_query("INSERT INTO post_search (post_search) VALUES ('optimize')")
            .execute(conn)?;
    }
    Ok((posts as u64, n as u64))
}
