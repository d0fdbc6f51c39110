//! `GET /api/v1/search?q=&kind=&sort=&board=&group=&city=&author=&from=&to=&cursor=` →
//! `{results: [{kind, id, url, title, excerpt_html, author, created_at, place}], next_cursor}`:
//! the same search as the page, for programs. A missing or empty `q` finds nothing (an empty
//! list); a bad parameter is a 422 on its field.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};

use crate::search::domain::{Kind, Search, SearchParams, SearchResult};
use crate::search::{run, SearchFailure};
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;

/// Registers the route (inside the `/api/v1` scope).
pub fn configure(cfg: &mut crate::web::openapi::ApiConfig) {
    cfg.service(search);
}

/// The query string: the page's form, field for field.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// The words to find; `"an exact phrase"`, `-excluded`. Missing or empty: no results.
    q: Option<String>,
    /// What to search (`posts` by default).
    #[param(schema_with = kind_values)]
    kind: Option<String>,
    /// The order (`relevance` by default).
    #[param(schema_with = sort_values)]
    sort: Option<String>,
    /// Only on this board (its slug).
    board: Option<String>,
    /// Only on this group's boards (its slug).
    group: Option<String>,
    /// Only about this city (its slug or name).
    city: Option<String>,
    /// Only by this author (a username, `@` optional; not for deployments).
    author: Option<String>,
    /// Written on or after this day (`YYYY-MM-DD`).
    from: Option<String>,
    /// Written on or before this day (`YYYY-MM-DD`).
    to: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

impl From<SearchQuery> for SearchParams {
    fn from(q: SearchQuery) -> Self {
        SearchParams {
            q: q.q,
            kind: q.kind,
            sort: q.sort,
            board: q.board,
            group: q.group,
            city: q.city,
            author: q.author,
            from: q.from,
            to: q.to,
            cursor: q.cursor,
        }
    }
}

/// A string among `values`.
fn one_of(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}

fn kind_values() -> Object {
    one_of(&["posts", "threads", "deployments"])
}

fn sort_values() -> Object {
    one_of(&["relevance", "date"])
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
struct SearchAnswer {
    results: Vec<SearchHit>,
    /// The `cursor` of the next page, if any.
    next_cursor: Option<String>,
}

/// One result.
#[derive(Debug, Serialize, ToSchema)]
struct SearchHit {
    /// The `kind` searched.
    #[schema(schema_with = kind_values)]
    kind: Kind,
    /// The post's, thread's or deployment's id.
    id: i64,
    url: String,
    title: String,
    /// The text around the first match, escaped, the matched words in `<mark>`.
    excerpt_html: String,
    /// The author's name (none for deployments).
    author: Option<String>,
    created_at: NaiveDateTime,
    /// Where it was said: the board's or the city's name.
    place: String,
}

impl SearchHit {
    fn new(base: &str, r: SearchResult) -> Self {
        SearchHit {
            kind: r.kind,
            id: r.id,
            url: format!("{base}{}", r.url),
            title: r.title,
            excerpt_html: r.excerpt_html,
            author: r.author,
            created_at: r.created_at,
            place: r.place,
        }
    }
}

/// Full-text search of the posts, threads and deployments the reader may read, the same as the
/// search page.
#[utoipa::path(
    tag = "search",
    params(SearchQuery),
    responses((status = 200, description = "A page of results", body = SearchAnswer))
)]
#[get("/search")]
async fn search(ctx: ApiCtx, params: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    let search = Search::parse(&params.into_inner().into())
        .map_err(|mut errors| AppError::Invalid(errors.remove(0)))?;
    let reader = ctx.viewer.as_ref().map(|v| v.user_id);
    let lang = ctx.lang;
    let window = ctx.settings.search.rank_window;
    let page = ctx
        .db
        .run(move |conn| match run(conn, &search, reader, lang, window) {
            Ok(page) => Ok(page),
            Err(SearchFailure::Field(e)) => Err(AppError::Invalid(e)),
            Err(SearchFailure::Db(e)) => Err(AppError::from(e)),
        })
        .await?;
    let base = ctx.settings.base_url();
    Ok(HttpResponse::Ok().json(SearchAnswer {
        results: page
            .results
            .into_iter()
            .map(|r| SearchHit::new(base, r))
            .collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}
