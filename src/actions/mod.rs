//! Actions (events) of local groups and public boards: their pages and forms, RSVPs with a
//! waiting list, reminders the day before, and calendars (iCalendar feeds).
//!
//! `domain` parses what people type (local times in the city's zone), `queries` holds the SQL (`rsvp_queries` that of answers),
//! `service` the rules shared by the pages (`routes`) and the JSON API (`api`), `answers` the
//! RSVPs, waiting list and reminders, `mails` what is written to people, `times` local times, `listing` the
//! filters of the lists, `calendar` the RFC 5545 feeds, `feed_routes` the Atom feed.

pub mod answers;
mod api;
pub mod calendar;
pub mod domain;
mod feed_routes;
pub mod listing;
mod mails;
pub mod queries;
mod routes;
mod rsvp_queries;
pub mod service;
pub mod times;

pub use api::configure as configure_api;
pub use routes::configure;
