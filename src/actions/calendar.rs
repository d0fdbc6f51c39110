//! Calendars (RFC 5545) built with the `icalendar` crate: one VEVENT per action, with a UID that
//! never changes, DTSTAMP (the last change), a SEQUENCE that moves on each change, STATUS
//! (CANCELLED once cancelled) and the action's URL. Times are written in UTC, so no VTIMEZONE
//! is needed; calendar applications show them in their own zone.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::actions::queries::Action;

/// The calendar of `actions`, named `name`, as `text/calendar` content.
pub fn calendar(name: &str, base_url: &str, host: &str, actions: &[Action]) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for action in actions {
        cal.push(event(base_url, host, action));
    }
    cal.done().to_string()
}

/// The stable UID of an action: its id at this instance's host.
pub fn uid(host: &str, action_id: i64) -> String {
    format!("action-{action_id}@{host}")
}

fn event(base_url: &str, host: &str, action: &Action) -> Event {
    let url = format!("{base_url}/a/{}", action.id);
    let location = if action.meeting_point.is_empty() {
        format!("{}, {}", action.place, action.city_name)
    } else {
        format!(
            "{}, {} ({})",
            action.place, action.city_name, action.meeting_point
        )
    };
    let mut description = action.description_md.clone();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&url);
    let mut event = Event::new();
    event
        .uid(&uid(host, action.id))
        .timestamp(action.updated_at.and_utc())
        .sequence(u32::try_from(action.sequence).unwrap_or(u32::MAX))
        .summary(&action.title)
        .description(&description)
        .location(&location)
        .url(&url)
        .starts(action.starts_at.and_utc())
        .status(if action.cancelled() {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if let Some(end) = action.ends_at {
        event.ends(end.and_utc());
    }
    event.done()
}
