//! How forum rows look to readers: a board's name and description in the reader's language,
//! a board as the pages' JSON, a thread list item as the API's JSON. Pure functions of loaded
//! rows.

use serde_json::{json, Value};

use crate::forum::queries::{Board, ThreadListItem};
use crate::i18n::Lang;

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

/// The JSON form of a thread list item.
pub fn thread_item_json(t: &ThreadListItem) -> Value {
    json!({
        "id": t.id,
        "title": t.title,
        "slug": t.slug,
        "board": t.board_slug,
        "city": t.city_slug,
        "author": t.author,
        "post_count": t.post_count,
        "created_at": t.created_at,
        "last_post_at": t.last_post_at,
        "pinned": t.pinned,
        "locked": t.locked,
    })
}
