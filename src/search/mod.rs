//! Full-text search over posts, threads and the observatory's deployments: `/recherche`
//! (`/search`) for people, `GET /api/v1/search` for programs, `vigie search reindex` to rebuild
//! the indexes. The indexes are kept in step by the database itself (FTS5 tables and triggers
//! on SQLite, `tsvector` columns, triggers and GIN indexes on PostgreSQL; see the
//! `…_search` migrations), so every write transaction updates them with the text it writes.
//!
//! It sits above the forum and the observatory, whose tables it reads, and asks the gazetteer
//! for the city filter; results only ever show what the reader may read (`store`).

mod api;
pub mod domain;
pub mod excerpt;
pub mod query;
pub mod rank;
mod routes;
pub mod store;

use actix_web::web;
use diesel::QueryResult;

use crate::accounts::domain::username_key;
use crate::db::DbConnection;
use crate::gazetteer;
use crate::i18n::Lang;
use crate::markdown::text_of_html;
use crate::search::domain::{Kind, ResultPage, Search, SearchCursor, SearchResult, Sort, PER_PAGE};
use crate::search::excerpt::{excerpt, marked_title};
use crate::search::store::{Filters, Question};
use crate::validation::FieldError;

/// Registers the search page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    routes::configure(cfg);
}

/// Registers `GET /search` inside the `/api/v1` scope.
pub fn configure_api(cfg: &mut crate::web::openapi::ApiConfig) {
    api::configure(cfg);
}

/// Why a search gave no page of results.
#[derive(Debug)]
pub enum SearchFailure {
    /// A filter names nothing that exists (an unknown or ambiguous city).
    Field(FieldError),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for SearchFailure {
    fn from(e: diesel::result::Error) -> Self {
        SearchFailure::Db(e)
    }
}

/// Runs a validated search for `reader` (`None`: a visitor), ranking at most the newest
/// `window` matches by relevance (the `search.rank_window` setting; never less than a page):
/// the city, when one is given, then the page (see `store::posts` for its statements). Nothing
/// to look for is an empty page, not an error.
pub fn run(
    conn: &mut DbConnection,
    search: &Search,
    reader: Option<i64>,
    lang: Lang,
    window: i64,
) -> Result<ResultPage, SearchFailure> {
    let (Some(fts5), Some(tsquery)) = (search.terms.fts5(), search.terms.tsquery()) else {
        return Ok(ResultPage::default());
    };
    let city_id = match &search.city {
        None => None,
        Some(typed) => Some(
            gazetteer::resolve(conn, typed)?
                .single("city")
                .map_err(SearchFailure::Field)?
                .id,
        ),
    };
    let filters = Filters {
        board: search.board.clone(),
        group: search.group.clone(),
        city_id,
        author_key: search
            .author
            .as_deref()
            .map(|a| username_key(a.trim_start_matches('@'))),
        from: search.from,
        until: search.until,
    };
    let question = Question {
        fts5: &fts5,
        tsquery: &tsquery,
        parts: &search.terms.parts,
        kind: search.kind,
        sort: search.sort,
        filters: &filters,
        cursor: search.cursor,
        reader,
        window: window.max(PER_PAGE),
    };
    let marks = search.terms.marks();
    let mut page = ResultPage::default();
    let cursor_of = |rank: f64, id: i64| match search.sort {
        Sort::Relevance => SearchCursor::Rank { rank, id },
        Sort::Date => SearchCursor::Date { id },
    };
    match search.kind {
        Kind::Posts | Kind::Threads => {
            let mut hits = store::posts(conn, &question)?;
            if hits.len() as i64 > PER_PAGE {
                hits.truncate(PER_PAGE as usize);
                page.next = hits.last().map(|h| cursor_of(h.rank, h.id));
            }
            page.results = hits
                .into_iter()
                .map(|h| {
                    let (id, url) = if search.kind == Kind::Threads {
                        (h.thread_id, format!("/t/{}/{}", h.thread_id, h.thread_slug))
                    } else {
                        (h.id, format!("/p/{}", h.id))
                    };
                    let place = match (lang, h.board_name_en) {
                        (Lang::En, Some(en)) if !en.is_empty() => en,
                        _ => h.board_name,
                    };
                    SearchResult {
                        kind: search.kind,
                        id,
                        url,
                        title_html: marked_title(&h.title, &marks),
                        title: h.title,
                        excerpt_html: excerpt(&text_of_html(&h.body_html), &marks),
                        author: Some(h.author),
                        created_at: h.created_at,
                        place,
                    }
                })
                .collect();
        }
        Kind::Deployments => {
            let mut hits = store::deployments(conn, &question)?;
            if hits.len() as i64 > PER_PAGE {
                hits.truncate(PER_PAGE as usize);
                page.next = hits.last().map(|h| cursor_of(h.rank, h.id));
            }
            page.results = hits
                .into_iter()
                .map(|h| SearchResult {
                    kind: Kind::Deployments,
                    id: h.id,
                    url: format!("/observatoire/d/{}", h.id),
                    title_html: marked_title(&h.title, &marks),
                    title: h.title,
                    excerpt_html: excerpt(&text_of_html(&h.body_html), &marks),
                    author: None,
                    created_at: h.created_at,
                    place: match (lang, h.city_name_en) {
                        (Lang::En, Some(en)) if !en.is_empty() => en,
                        _ => h.city_name,
                    },
                })
                .collect();
        }
    }
    Ok(page)
}

/// Rebuilds the indexes from the tables (`vigie search reindex`); see `store::reindex`.
pub fn reindex(
    conn: &mut DbConnection,
    language: &str,
    progress: impl FnMut(u64, u64),
) -> QueryResult<(u64, u64)> {
    store::reindex(conn, language, 5_000, progress)
}
