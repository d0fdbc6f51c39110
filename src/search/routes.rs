//! The search page, `/recherche` (`/search`): a plain GET form (works without JavaScript), the
//! results with their marked excerpts, and a link to the next page. An empty query shows the
//! form; a bad one shows the form again with the error on its field, the text kept.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use crate::forum::queries as forum_queries;
use crate::forum::views::board_display_name;
use crate::search::domain::{Kind, Search, SearchParams};
use crate::search::{run, SearchFailure};
use crate::validation::FieldError;
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// The filter fields the form shows errors for.
const FIELDS: [&str; 9] = [
    "q", "kind", "sort", "board", "group", "city", "author", "from", "to",
];

/// Registers the page under its French and English paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/recherche", web::get().to(page))
        .route("/search", web::get().to(page));
}

async fn page(ctx: Ctx, params: web::Query<SearchParams>) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let search = Search::parse(&params);
    let reader = ctx.viewer.as_ref().map(|v| v.user_id);
    let lang = ctx.lang;
    let window = ctx.settings.search.rank_window;
    let to_run = search.clone().ok();
    let (boards, outcome) = ctx
        .db
        .run(move |conn| {
            let boards = forum_queries::list_boards(conn)?;
            let outcome = match &to_run {
                Some(s) if s.terms.is_searchable() => Some(run(conn, s, reader, lang, window)),
                _ => None,
            };
            let outcome = match outcome {
                Some(Err(SearchFailure::Db(e))) => return Err(AppError::from(e)),
                Some(Err(SearchFailure::Field(e))) => Some(Err(e)),
                Some(Ok(page)) => Some(Ok(page)),
                None => None,
            };
            Ok::<_, AppError>((boards, outcome))
        })
        .await?;
    let mut errors: Vec<FieldError> = match &search {
        Err(errors) => errors.clone(),
        Ok(_) => Vec::new(),
    };
    let mut results = Value::Null;
    let mut next_url = Value::Null;
    if let Some(outcome) = outcome {
        match outcome {
            Err(e) => errors.push(e),
            Ok(page) => {
                results = json!(page.results);
                if let Some(next) = page.next {
                    let mut query = params.clone();
                    query.cursor = Some(next.encode());
                    next_url = json!(format!("{}?{}", ctx.req.path(), encode(&query)));
                }
            }
        }
    }
    let kind = search.as_ref().map(|s| s.kind).unwrap_or(Kind::Posts);
    let searched = search.as_ref().is_ok_and(|s| s.terms.is_searchable());
    let board_options: Vec<Value> = boards
        .iter()
        .filter(|b| b.board.group_id.is_none())
        .map(|b| {
            json!({
                "slug": b.board.slug,
                "name": board_display_name(&b.board, lang),
                "selected": params.board.as_deref() == Some(b.board.slug.as_str()),
            })
        })
        .collect();
    let kinds: Vec<Value> = [Kind::Posts, Kind::Threads, Kind::Deployments]
        .iter()
        .map(|k| {
            let mut query = params.clone();
            query.kind = Some(k.as_str().to_owned());
            query.cursor = None;
            json!({
                "value": k.as_str(),
                "label": ctx.t(&format!("search-kind-{}", k.as_str())),
                "current": *k == kind,
                "url": format!("{}?{}", ctx.req.path(), encode(&query)),
            })
        })
        .collect();
    let filtered = [
        &params.board,
        &params.group,
        &params.city,
        &params.author,
        &params.from,
        &params.to,
    ]
    .iter()
    .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    ctx.render_status(
        status,
        "pages/search",
        json!({
            "action": ctx.req.path(),
            "q": params.q.as_deref().unwrap_or(""),
            "params": {
                "group": params.group, "city": params.city, "author": params.author,
                "from": params.from, "to": params.to,
            },
            "sort_date": params.sort.as_deref() == Some("date"),
            "kind": kind.as_str(),
            "kinds": kinds,
            "boards": board_options,
            "filtered": filtered,
            "searched": searched && errors.is_empty(),
            "results": results,
            "next_url": next_url,
            "errors": ctx.field_errors(&FIELDS, &errors),
            "has_errors": !errors.is_empty(),
        }),
    )
}

/// The query string of a search's parameters (empty ones left out).
fn encode(params: &SearchParams) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("q", &params.q),
        ("kind", &params.kind),
        ("sort", &params.sort),
        ("board", &params.board),
        ("group", &params.group),
        ("city", &params.city),
        ("author", &params.author),
        ("from", &params.from),
        ("to", &params.to),
        ("cursor", &params.cursor),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().filter(|s| !s.is_empty()).map(|s| (k, s)))
    .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}
