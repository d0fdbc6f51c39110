//! Validated action values: what a person types to announce or change an action (title, start
//! and end in the city's local time, place, meeting point, city, description, visibility,
//! capacity), RSVP answers, and the time zone of each country Vigie knows. Parsing only: the
//! city is looked up by the service, which then turns local times into UTC here.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::markdown::SafeHtml;
use crate::validation::{clean_text, FieldError};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 120;
/// Longest place or meeting point, in characters.
pub const MAX_PLACE: usize = 200;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 20_000;
/// Largest capacity.
pub const MAX_CAPACITY: i64 = 100_000;

/// An RSVP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Going,
    Maybe,
    NotGoing,
}

impl Answer {
    /// Parses a stored or submitted answer (`not going` is accepted for `not_going`).
    pub fn parse(s: &str) -> Option<Answer> {
        match s.trim() {
            "going" => Some(Answer::Going),
            "maybe" => Some(Answer::Maybe),
            "not_going" | "not going" | "not-going" => Some(Answer::NotGoing),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Going => "going",
            Answer::Maybe => "maybe",
            Answer::NotGoing => "not_going",
        }
    }
}

/// Who sees an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionVisibility {
    /// Everyone; listed on `/actions`, city pages and public calendars.
    Public,
    /// The group's members only (for everyone else it does not exist).
    Members,
}

impl ActionVisibility {
    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "public" => Some(ActionVisibility::Public),
            "members" => Some(ActionVisibility::Members),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionVisibility::Public => "public",
            ActionVisibility::Members => "members",
        }
    }
}

/// The time zone of a country's cities (France, Belgium, Switzerland, Luxembourg; anything else
/// is read as French time).
pub fn zone_for_country(country: &str) -> Tz {
    match country {
        "BE" => chrono_tz::Europe::Brussels,
        "CH" => chrono_tz::Europe::Zurich,
        "LU" => chrono_tz::Europe::Luxembourg,
        _ => chrono_tz::Europe::Paris,
    }
}

/// A zone stored on an action, read back (French time if unknown).
pub fn zone_named(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Europe::Paris)
}

/// A UTC timestamp in a zone's local time.
pub fn to_local(at: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    tz.from_utc_datetime(&at).naive_local()
}

/// A moment as typed: a wall-clock time in the city's zone, or an instant with its offset (the
/// API accepts RFC 3339).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Local(NaiveDateTime),
    Instant(NaiveDateTime),
}

impl When {
    /// Parses `2026-12-20T18:30`, `2026-12-20 18:30`, with or without seconds, or an RFC 3339
    /// instant (`2026-12-20T17:30:00Z`, `…+01:00`).
    pub fn parse(raw: &str, field: &'static str) -> Result<When, FieldError> {
        let raw = raw.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
            return Ok(When::Instant(at.naive_utc()));
        }
        for format in [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ] {
            if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
                return Ok(When::Local(at));
            }
        }
        Err(FieldError::new(field, "action-error-datetime"))
    }

    /// The instant in UTC, a wall-clock time being read in `tz` (a time skipped by a change to
    /// summer time is refused; an hour repeated in autumn is its first occurrence).
    pub fn to_utc(self, tz: Tz, field: &'static str) -> Result<NaiveDateTime, FieldError> {
        match self {
            When::Instant(at) => Ok(at),
            When::Local(at) => tz
                .from_local_datetime(&at)
                .earliest()
                .map(|t| t.naive_utc())
                .ok_or(FieldError::new(field, "action-error-datetime-gap")),
        }
    }
}

/// A day typed in a filter (`2026-12-20`).
pub fn parse_day(raw: &str, field: &'static str) -> Result<Option<NaiveDate>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| FieldError::new(field, "action-error-day"))
}

/// What the creation and edit forms (and the API) submit, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub meeting_point: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub capacity: String,
    /// A site board's slug, for site-wide calls (group actions go to the group's boards).
    #[serde(default)]
    pub board: String,
}

/// The form's fields, in the order errors are shown.
pub const FIELDS: [&str; 10] = [
    "title",
    "starts_at",
    "ends_at",
    "place",
    "meeting_point",
    "city",
    "description",
    "visibility",
    "capacity",
    "board",
];

/// A description in Markdown and its cooked HTML.
#[derive(Debug, Clone)]
pub struct Description {
    pub markdown: String,
    pub html: SafeHtml,
}

/// A parsed form: every field valid on its own (the city and the times' zone come next).
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub title: String,
    pub starts_at: When,
    pub ends_at: Option<When>,
    pub place: String,
    pub meeting_point: String,
    pub city: String,
    pub description: Description,
    pub visibility: ActionVisibility,
    pub capacity: Option<i64>,
    pub board: String,
}

fn one_line(raw: &str) -> String {
    clean_text(raw, false).trim().to_owned()
}

/// Parses a title: 3 to 120 characters.
pub fn parse_title(raw: &str) -> Result<String, FieldError> {
    let title = one_line(raw);
    match title.chars().count() {
        0..=2 => Err(FieldError::new("title", "action-error-title-short")),
        n if n > MAX_TITLE => Err(FieldError::new("title", "action-error-title-long")),
        _ => Ok(title),
    }
}

/// Parses a capacity: empty for none, else 1 to 100,000.
pub fn parse_capacity(raw: &str) -> Result<Option<i64>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(n) if (1..=MAX_CAPACITY).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new("capacity", "action-error-capacity")),
    }
}

impl ActionForm {
    /// Checks every field; all errors at once, in form order.
    pub fn parse(&self) -> Result<ActionInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = parse_title(&self.title).map_err(|e| errors.push(e)).ok();
        let starts_at = if self.starts_at.trim().is_empty() {
            errors.push(FieldError::new("starts_at", "action-error-start-missing"));
            None
        } else {
            When::parse(&self.starts_at, "starts_at")
                .map_err(|e| errors.push(e))
                .ok()
        };
        let ends_at = if self.ends_at.trim().is_empty() {
            Some(None)
        } else {
            When::parse(&self.ends_at, "ends_at")
                .map(Some)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let place = one_line(&self.place);
        if place.is_empty() {
            errors.push(FieldError::new("place", "action-error-place-missing"));
        } else if place.chars().count() > MAX_PLACE {
            errors.push(FieldError::new("place", "action-error-place-long"));
        }
        let meeting_point = one_line(&self.meeting_point);
        if meeting_point.chars().count() > MAX_PLACE {
            errors.push(FieldError::new("meeting_point", "action-error-place-long"));
        }
        let city = self.city.trim().to_owned();
        if city.is_empty() {
            errors.push(FieldError::new("city", "error-city-unknown"));
        }
        let description = parse_description(&self.description)
            .map_err(|e| errors.push(e))
            .ok();
        let visibility = match self.visibility.trim() {
            "" => Some(ActionVisibility::Public),
            v => ActionVisibility::parse(v).or_else(|| {
                errors.push(FieldError::new("visibility", "action-error-visibility"));
                None
            }),
        };
        let capacity = parse_capacity(&self.capacity)
            .map_err(|e| errors.push(e))
            .ok();
        match (title, starts_at, ends_at, description, visibility, capacity) {
            (
                Some(title),
                Some(starts_at),
                Some(ends_at),
                Some(description),
                Some(vis),
                Some(cap),
            ) if errors.is_empty() => Ok(ActionInput {
                title,
                starts_at,
                ends_at,
                place,
                meeting_point,
                city,
                description,
                visibility: vis,
                capacity: cap,
                board: self.board.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// Parses and cooks a description (cooked once, here).
pub fn parse_description(raw: &str) -> Result<Description, FieldError> {
    let (markdown, html) =
        crate::markdown::cook_description(raw, MAX_DESCRIPTION, "action-error-description-long")?;
    Ok(Description { markdown, html })
}

/// The times of an action once its zone is known: start and end in UTC, checked (the end after
/// the start; the start in the future when `future_after` is given).
pub fn resolve_times(
    input: &ActionInput,
    tz: Tz,
    future_after: Option<NaiveDateTime>,
) -> Result<(NaiveDateTime, Option<NaiveDateTime>), FieldError> {
    let starts = input.starts_at.to_utc(tz, "starts_at")?;
    let ends = match input.ends_at {
        Some(w) => Some(w.to_utc(tz, "ends_at")?),
        None => None,
    };
    if let Some(now) = future_after {
        if starts <= now {
            return Err(FieldError::new("starts_at", "action-error-start-past"));
        }
    }
    if ends.is_some_and(|e| e <= starts) {
        return Err(FieldError::new("ends_at", "action-error-end-before-start"));
    }
    Ok((starts, ends))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ActionForm {
        ActionForm {
            title: "Rassemblement".into(),
            starts_at: "2030-03-30T01:30".into(),
            place: "Place du Capitole".into(),
            city: "toulouse".into(),
            ..ActionForm::default()
        }
    }

    #[test]
    fn local_times_follow_the_citys_zone() {
        let input = form().parse().unwrap();
        let (start, _) = resolve_times(&input, zone_for_country("FR"), None).unwrap();
        // 30 March 2030, 01:30 in Paris is still winter time (UTC+1).
        assert_eq!(start.to_string(), "2030-03-30 00:30:00");
        let summer = When::parse("2030-07-14T10:00", "starts_at").unwrap();
        let utc = summer.to_utc(zone_for_country("CH"), "starts_at").unwrap();
        assert_eq!(utc.to_string(), "2030-07-14 08:00:00");
    }

    #[test]
    fn a_time_skipped_by_summer_time_is_refused() {
        let gap = When::parse("2030-03-31T02:30", "starts_at").unwrap();
        let err = gap.to_utc(zone_for_country("BE"), "starts_at").unwrap_err();
        assert_eq!(err.key, "action-error-datetime-gap");
    }

    #[test]
    fn bad_fields_are_named() {
        let mut f = form();
        f.capacity = "0".into();
        f.title = "ab".into();
        f.ends_at = "demain".into();
        let errors = f.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "ends_at", "capacity"]);
        assert!(parse_capacity("100001").is_err());
        assert_eq!(parse_capacity("100000").unwrap(), Some(100_000));
    }

    #[test]
    fn the_end_comes_after_the_start() {
        let mut f = form();
        f.ends_at = "2030-03-30T01:00".into();
        let input = f.parse().unwrap();
        let err = resolve_times(&input, zone_for_country("FR"), None).unwrap_err();
        assert_eq!(err.field, "ends_at");
    }
}
