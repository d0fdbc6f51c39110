//! Validated forum values: thread titles, post bodies (and their cooked HTML) and list cursors.

use chrono::{DateTime, NaiveDateTime};

use crate::accounts::domain::username_key;
use crate::validation::{clean_text, FieldError};
use crate::web::error::AppError;

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
        crate::markdown::check_nesting(&body, "body")?;
        Ok(PostBody(body))
    }

    /// The Markdown source.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// At most this many different people mentioned in one post are linked to their profiles.
const MAX_LINKED_MENTIONS: usize = 50;

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

    /// Cooks `body` on the blocking pool, off the async threads, its `@mentions` of existing
    /// accounts linked to their profiles (one statement finds them, before the write).
    pub async fn cook(body: PostBody, db: &crate::db::Db) -> Result<Self, AppError> {
        let keys: Vec<String> = crate::notifications::mentions::references(body.as_str(), "")
            .mentions
            .into_iter()
            .take(MAX_LINKED_MENTIONS)
            .collect();
        let names = if keys.is_empty() {
            Default::default()
        } else {
            db.run(move |conn| {
                crate::accounts::queries::usernames_by_key(conn, &keys).map_err(AppError::from)
            })
            .await?
        };
        actix_web::web::block(move || {
            let html = crate::markdown::cook_with_mentions(body.as_str(), |name| {
                names.get(&username_key(name)).map(|username| {
                    format!(
                        "/u/{}",
                        percent_encoding::utf8_percent_encode(
                            username,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                })
            });
            CookedBody { body, html }
        })
        .await
        .map_err(AppError::internal)
    }

    /// A post received from another server (federation): its HTML, already sanitised by
    /// `markdown::sanitise_remote`, and its text (the Markdown source it was sent with, or the
    /// text of its HTML), for quoting and search. At most `MAX_BODY_CHARS` characters are kept.
    pub fn received(text: &str, html: crate::markdown::SafeHtml) -> Self {
        let text: String = clean_text(text, true)
            .trim_end()
            .chars()
            .take(MAX_BODY_CHARS)
            .collect();
        CookedBody {
            body: PostBody(text),
            html,
        }
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
