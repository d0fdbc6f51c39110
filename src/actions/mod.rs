//! Actions (events) of local groups and public boards: their pages and forms, RSVPs with a
//! waiting list, reminders the day before, and calendars (iCalendar feeds).
//!
//! `domain` parses what people type (local times in the city's zone), `queries` holds the SQL,
//! `service` the rules shared by the pages (`routes`) and the JSON API (`api`), `listing` the
//! filters of the lists, `calendar` the RFC 5545 feeds.

mod api;
pub mod calendar;
pub mod domain;
pub mod listing;
pub mod queries;
mod routes;
pub mod service;

pub use api::configure as configure_api;
pub use routes::configure;
