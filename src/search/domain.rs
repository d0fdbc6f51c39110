//! A search request, validated: the query's parts, what is searched (`kind`), the order, the
//! filters and where the page starts (`SearchCursor`). The page and the API read the same
//! parameters (`SearchParams`) and refuse the same things, each on its field.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::search::query::Terms;
use crate::validation::FieldError;

/// Results per page.
pub const PER_PAGE: i64 = 20;

/// What is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Every post (the thread's title counts for its opening post).
    Posts,
    /// Threads, by their title and opening post.
    Threads,
    /// The observatory's published deployments.
    Deployments,
}

impl Kind {
    /// Reads `kind`; absent or empty is `posts`.
    fn parse(raw: Option<&str>) -> Result<Kind, FieldError> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "posts" => Ok(Kind::Posts),
            "threads" => Ok(Kind::Threads),
            "deployments" => Ok(Kind::Deployments),
            _ => Err(FieldError::new("kind", "search-error-kind")),
        }
    }

    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Posts => "posts",
            Kind::Threads => "threads",
            Kind::Deployments => "deployments",
        }
    }
}

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Best match first, among the newest matches that pass the filters (`search.rank_window` of them).
    Relevance,
    /// Newest first, over every match.
    Date,
}

impl Sort {
    fn parse(raw: Option<&str>) -> Result<Sort, FieldError> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "relevance" => Ok(Sort::Relevance),
            "date" => Ok(Sort::Date),
            _ => Err(FieldError::new("sort", "search-error-sort")),
        }
    }

    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        }
    }
}

/// Where a page of results starts: after a rank and id (relevance), or below an id (date: ids
/// grow with time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SearchCursor {
    Rank { rank: f64, id: i64 },
    Date { id: i64 },
}

impl SearchCursor {
    /// Encodes the cursor for a URL (the rank's bits, so it reads back exactly).
    pub fn encode(&self) -> String {
        match self {
            SearchCursor::Rank { rank, id } => format!("r{:x}_{id}", rank.to_bits()),
            SearchCursor::Date { id } => format!("d{id}"),
        }
    }

    /// Decodes a cursor made for `sort`; `None` when malformed or made for the other order.
    fn decode(s: &str, sort: Sort) -> Option<SearchCursor> {
        match sort {
            Sort::Relevance => {
                let (bits, id) = s.strip_prefix('r')?.split_once('_')?;
                let rank = f64::from_bits(u64::from_str_radix(bits, 16).ok()?);
                rank.is_finite().then_some(SearchCursor::Rank {
                    rank,
                    id: id.parse().ok()?,
                })
            }
            Sort::Date => Some(SearchCursor::Date {
                id: s.strip_prefix('d')?.parse().ok()?,
            }),
        }
    }
}

/// The parameters as they come, from the page's form or the API's query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub sort: Option<String>,
    pub board: Option<String>,
    pub group: Option<String>,
    pub city: Option<String>,
    pub author: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cursor: Option<String>,
}

/// A validated search, its city still as typed (resolved against the gazetteer by the caller).
#[derive(Debug, Clone)]
pub struct Search {
    pub terms: Terms,
    pub kind: Kind,
    pub sort: Sort,
    pub board: Option<String>,
    pub group: Option<String>,
    pub city: Option<String>,
    pub author: Option<String>,
    /// From this instant (the start of the `from` day).
    pub from: Option<NaiveDateTime>,
    /// Before this instant (the day after `to`).
    pub until: Option<NaiveDateTime>,
    pub cursor: Option<SearchCursor>,
}

/// A trimmed, non-empty parameter.
fn given(raw: &Option<String>) -> Option<String> {
    raw.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A `YYYY-MM-DD` date parameter.
fn date(raw: &Option<String>, field: &'static str) -> Result<Option<NaiveDate>, FieldError> {
    given(raw)
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|_| FieldError::new(field, "search-error-date"))
        })
        .transpose()
}

impl Search {
    /// Validates the parameters; every problem is reported, each on its field.
    pub fn parse(params: &SearchParams) -> Result<Search, Vec<FieldError>> {
        let mut errors = Vec::new();
        let terms = Terms::parse(params.q.as_deref().unwrap_or(""))
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let kind = Kind::parse(params.kind.as_deref())
            .map_err(|e| errors.push(e))
            .unwrap_or(Kind::Posts);
        let sort = Sort::parse(params.sort.as_deref())
            .map_err(|e| errors.push(e))
            .unwrap_or(Sort::Relevance);
        let from = date(&params.from, "from")
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let to = date(&params.to, "to")
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.push(FieldError::new("to", "search-error-range"));
            }
        }
        let cursor = match given(&params.cursor) {
            None => None,
            Some(s) => match SearchCursor::decode(&s, sort) {
                Some(c) => Some(c),
                None => {
                    errors.push(FieldError::new("cursor", "error-bad-cursor"));
                    None
                }
            },
        };
        for (value, field) in [
            (&params.board, "board"),
            (&params.group, "group"),
            (&params.city, "city"),
            (&params.author, "author"),
        ] {
            if value.as_deref().is_some_and(|v| v.chars().count() > 100) {
                errors.push(FieldError::new(field, "search-error-filter"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Search {
            terms,
            kind,
            sort,
            board: given(&params.board),
            group: given(&params.group),
            city: given(&params.city),
            author: given(&params.author),
            from: from.and_then(|d| d.and_hms_opt(0, 0, 0)),
            until: to
                .and_then(|d| d.succ_opt())
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
            cursor,
        })
    }
}

/// One result, as the page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub kind: Kind,
    pub id: i64,
    pub url: String,
    pub title: String,
    /// The title with the matched words marked (escaped HTML).
    pub title_html: String,
    /// The text around the first match, escaped, the matched words in `<mark>`.
    pub excerpt_html: String,
    /// The author's name (`None` for deployments: who proposed one is not public).
    pub author: Option<String>,
    pub created_at: NaiveDateTime,
    /// Where it was said: the board's or the city's name.
    pub place: String,
}

/// A page of results and where the next starts.
#[derive(Debug, Clone, Default)]
pub struct ResultPage {
    pub results: Vec<SearchResult>,
    pub next: Option<SearchCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        let query = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&query).unwrap()
    }

    #[test]
    fn cursors_read_back_exactly_and_only_for_their_order() {
        let c = SearchCursor::Rank {
            rank: -2.718_281_5,
            id: 42,
        };
        assert_eq!(SearchCursor::decode(&c.encode(), Sort::Relevance), Some(c));
        assert_eq!(SearchCursor::decode(&c.encode(), Sort::Date), None);
        let d = SearchCursor::Date { id: 7 };
        assert_eq!(SearchCursor::decode(&d.encode(), Sort::Date), Some(d));
        assert_eq!(SearchCursor::decode("rzz_1", Sort::Relevance), None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = Search::parse(&params(&[
            ("q", &"x".repeat(10_000)),
            ("kind", "people"),
            ("from", "2026-13-01"),
            ("cursor", "nope"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["q", "kind", "from", "cursor"]);
    }

    #[test]
    fn dates_bound_whole_days() {
        let s = Search::parse(&params(&[
            ("q", "drone"),
            ("from", "2026-01-02"),
            ("to", "2026-01-02"),
        ]))
        .unwrap();
        assert_eq!(s.from.unwrap().to_string(), "2026-01-02 00:00:00");
        assert_eq!(s.until.unwrap().to_string(), "2026-01-03 00:00:00");
        assert!(Search::parse(&params(&[("from", "2026-02-01"), ("to", "2026-01-01")])).is_err());
    }
}
