//! Validated forum values: thread titles, post bodies, slugs and list cursors.

use chrono::{DateTime, NaiveDateTime};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::queries::{Board, BoardFields, ThreadListItem};
use crate::i18n::Lang;
use crate::validation::{clean_text, FieldError};

/// A thread title: 3 to 150 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadTitle(String);

impl ThreadTitle {
    /// Parses a title.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let title = clean_text(input, false).trim().to_owned();
        let len = title.chars().count();
        if len < 3 {
            return Err(FieldError::new("title", "error-title-short"));
        }
        if len > 150 {
            return Err(FieldError::new("title", "error-title-long"));
        }
        Ok(ThreadTitle(title))
    }

    /// The title text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Longest post body, in characters.
pub const MAX_BODY_CHARS: usize = 50_000;

/// A post body in Markdown: 1 to 50,000 characters, not only blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostBody(String);

impl PostBody {
    /// Parses a body.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let body = clean_text(input, true);
        let body = body.trim_end().to_owned();
        if body.trim().is_empty() {
            return Err(FieldError::new("body", "error-body-empty"));
        }
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(FieldError::new("body", "error-body-long"));
        }
        Ok(PostBody(body))
    }

    /// The Markdown source.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post body with its HTML, cooked before any database connection is taken (so slow Markdown
/// never holds a pooled connection); the writes in `queries` store both as they are.
#[derive(Debug, Clone)]
pub struct CookedBody {
    body: PostBody,
    html: crate::markdown::SafeHtml,
}

impl CookedBody {
    /// Cooks `body` on the calling thread.
    pub fn new(body: PostBody) -> Self {
        let html = crate::markdown::cook(body.as_str());
        CookedBody { body, html }
    }

    /// Cooks `body` on the blocking pool, off the async threads.
    pub async fn cook(body: PostBody) -> Result<Self, crate::web::error::AppError> {
        actix_web::web::block(move || CookedBody::new(body))
            .await
            .map_err(crate::web::error::AppError::internal)
    }

    /// The Markdown source.
    pub fn as_str(&self) -> &str {
        self.body.as_str()
    }

    /// The sanitised HTML.
    pub fn html(&self) -> &str {
        self.html.as_str()
    }
}

/// A position in a list ordered by (time, id), newest first: `<microseconds>_<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: NaiveDateTime,
    pub id: i64,
}

impl Cursor {
    /// Encodes the cursor for a URL.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at.and_utc().timestamp_micros(), self.id)
    }

    /// Reads an optional cursor parameter: absent or empty is the first page; malformed is an
    /// error on `field`.
    pub fn from_param(
        raw: Option<&str>,
        field: &'static str,
    ) -> Result<Option<Cursor>, FieldError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => Cursor::decode(s)
                .map(Some)
                .ok_or(FieldError::new(field, "error-bad-cursor")),
        }
    }

    /// Decodes a cursor from a URL; `None` when malformed.
    pub fn decode(s: &str) -> Option<Cursor> {
        let (micros, id) = s.split_once('_')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
        Some(Cursor {
            at,
            id: id.parse().ok()?,
        })
    }
}

/// Board fields as typed in a form.
#[derive(Debug, Deserialize, Default)]
pub struct BoardForm {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_en: String,
}

fn optional(s: &str) -> Option<String> {
    let s = clean_text(s, true).trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// Validates a board's fields (the slug only when `with_slug`).
pub fn validate_board(form: &BoardForm, with_slug: bool) -> Result<BoardFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let slug = form.slug.trim().to_owned();
    if with_slug
        && (slug.is_empty()
            || slug.len() > 60
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || slug.starts_with('-')
            || slug.ends_with('-'))
    {
        errors.push(FieldError::new("slug", "error-slug-invalid"));
    }
    let name = clean_text(&form.name, false).trim().to_owned();
    if name.is_empty() {
        errors.push(FieldError::new("name", "error-name-empty"));
    } else if name.chars().count() > 80 {
        errors.push(FieldError::new("name", "error-name-long"));
    }
    let description = clean_text(&form.description, true).trim().to_owned();
    if description.chars().count() > 500 || form.description_en.chars().count() > 500 {
        errors.push(FieldError::new("description", "error-description-long"));
    }
    if form.name_en.chars().count() > 80 {
        errors.push(FieldError::new("name", "error-name-long"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BoardFields {
        slug,
        name,
        description,
        name_en: optional(&form.name_en),
        description_en: optional(&form.description_en),
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_and_bodies_have_bounds() {
        assert!(ThreadTitle::parse("ab").is_err());
        assert!(ThreadTitle::parse("  abc  ").is_ok());
        assert!(ThreadTitle::parse(&"x".repeat(151)).is_err());
        assert!(PostBody::parse(" \n ").is_err());
        assert!(PostBody::parse("x").is_ok());
        assert!(PostBody::parse(&"x".repeat(50_001)).is_err());
    }

    proptest! {
        #[test]
        fn cursors_round_trip(micros in 0i64..4_000_000_000_000_000, id in 0i64..i64::MAX) {
            let at = DateTime::from_timestamp_micros(micros).expect("in range").naive_utc();
            let c = Cursor { at, id };
            prop_assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
    }
}
