//! An action's times as people read them: in the local time of its city, as a sentence, as a
//! form field, and in UTC for the JSON.

use chrono::NaiveDateTime;

use crate::actions::domain::{self, zone_named};
use crate::actions::queries::Action;
use crate::i18n::Lang;

/// The start (and end) in the action's local time, as `lang` writes it.
pub fn when_text(action: &Action, lang: Lang) -> String {
    let tz = zone_named(&action.timezone);
    let start = lang.datetime(domain::to_local(action.starts_at, tz));
    match action.ends_at {
        None => start,
        Some(end) => {
            let end_local = domain::to_local(end, tz);
            let start_local = domain::to_local(action.starts_at, tz);
            if end_local.date() == start_local.date() {
                format!("{start} – {}", end_local.format("%H:%M"))
            } else {
                format!("{start} – {}", lang.datetime(end_local))
            }
        }
    }
}

/// A UTC timestamp as RFC 3339.
pub fn utc(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A time in the action's zone, as a form field writes it (`2026-12-20T18:30`).
pub fn local_field(at: NaiveDateTime, timezone: &str) -> String {
    domain::to_local(at, zone_named(timezone))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}
