//! How forum rows look to readers: a board's name and description in the reader's language,
//! a board as the pages' JSON, a thread list item as the API's JSON (typed, serialised without
//! an intermediate JSON tree). Pure functions of loaded rows.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{json, Value};

use crate::forum::queries::{Board, ThreadListItem};
use crate::i18n::Lang;
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// A board's name in the reader's language.
pub fn board_display_name(board: &Board, lang: Lang) -> String {
    match (lang, &board.name_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => board.name.clone(),
    }
}

/// A board's description in the reader's language.
pub fn board_display_description(board: &Board, lang: Lang) -> String {
    match (lang, &board.description_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => board.description.clone(),
    }
}

/// A board as the pages show it, its name and description in the reader's language.
pub fn board_json(board: &Board, lang: Lang) -> Value {
    json!({
        "id": board.id,
        "slug": board.slug,
        "path": board.path(),
        "group": board.group_slug.as_ref().map(|g| json!({"slug": g, "name": board.group_name})),
        "visibility": board.visibility,
        "display_name": board_display_name(board, lang),
        "display_description": board_display_description(board, lang),
        "thread_count": board.thread_count,
        "post_count": board.post_count,
        "last_post_at": board.last_post_at,
        "last_thread_id": board.last_thread_id,
    })
}

/// The rows of a thread table (`partials/thread_row`), each a piece rendered once and kept
/// under everything it shows: the row's JSON (its counts and last activity included, so a new
/// post makes a new key) and whether the board is named.
pub fn thread_rows(
    ctx: &Ctx,
    rows: &[ThreadListItem],
    show_board: bool,
) -> Result<String, AppError> {
    let mut html = String::with_capacity(rows.len() * 700);
    for row in rows {
        let mut key = serde_json::to_string(row).map_err(AppError::internal)?;
        key.push(if show_board { '1' } else { '0' });
        let piece = ctx.fragment("partials/thread_row", Some(&key), || {
            let mut data = serde_json::to_value(row).unwrap_or_default();
            if let Value::Object(map) = &mut data {
                map.insert("show_board".into(), Value::Bool(show_board));
                if let (crate::i18n::Lang::En, Some(en)) = (ctx.lang, &row.city_name_en) {
                    map.insert("city_name".into(), Value::from(en.as_str()));
                }
                // The reader's unread mark goes here when the page is served.
                map.insert("unread_hole".into(), Value::from(ctx.unread_hole(row.id)));
            }
            data
        })?;
        html.push_str(&piece);
    }
    Ok(html)
}

/// A thread list item as the API shows it, serialised straight from the loaded row.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadItem<'a> {
    pub id: i64,
    pub title: &'a str,
    pub slug: &'a str,
    /// The board's slug.
    pub board: &'a str,
    /// The city's slug.
    pub city: Option<&'a str>,
    pub author: &'a str,
    pub post_count: i64,
    pub created_at: NaiveDateTime,
    pub last_post_at: NaiveDateTime,
    pub pinned: bool,
    pub locked: bool,
}

impl<'a> From<&'a ThreadListItem> for ThreadItem<'a> {
    fn from(t: &'a ThreadListItem) -> Self {
        ThreadItem {
            id: t.id,
            title: &t.title,
            slug: &t.slug,
            board: &t.board_slug,
            city: t.city_slug.as_deref(),
            author: &t.author,
            post_count: t.post_count,
            created_at: t.created_at,
            last_post_at: t.last_post_at,
            pinned: t.pinned,
            locked: t.locked,
        }
    }
}

/// A page of threads as the API answers it (pinned threads first).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadList<'a> {
    pub threads: Vec<ThreadItem<'a>>,
    /// The `cursor` of the next page, if any.
    pub next_cursor: Option<String>,
}

impl<'a> ThreadList<'a> {
    /// The list of `items`, with the cursor of the next page.
    pub fn new(
        items: impl IntoIterator<Item = &'a ThreadListItem>,
        next_cursor: Option<String>,
    ) -> Self {
        ThreadList {
            threads: items.into_iter().map(ThreadItem::from).collect(),
            next_cursor,
        }
    }
}
