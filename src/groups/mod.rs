//! Local groups: the directory, a group's page, joining (open, on request, by invitation),
//! coordinators' administration, and the group's own boards (public or private), whose threads
//! and posts are the forum's.
//!
//! `domain` parses what people type, `queries` holds the SQL, `service` the rules shared by the
//! pages (`routes`) and the JSON API (`api`).

mod api;
pub mod domain;
pub mod queries;
mod routes;
pub mod service;

pub use api::configure as configure_api;
pub use routes::configure;
