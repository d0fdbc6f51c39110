//! Local groups: the directory, a group's page, joining (open, on request, by invitation),
//! coordinators' administration, and the group's own boards (public or private), whose threads
//! and posts are the forum's.
//!
//! `domain` parses what people type, `queries` holds the SQL, `service` the rules shared by the
//! pages (`routes`, and `admin_routes` for a group's administration) and the JSON API (`api`).

mod admin_routes;
mod api;
pub mod domain;
pub mod queries;
mod routes;
pub mod service;

pub use api::configure as configure_api;

/// Registers the groups' pages: the public ones and the administration.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
    admin_routes::configure(cfg);
}
