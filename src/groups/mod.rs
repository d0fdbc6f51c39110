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

use crate::sessions::{Role, Viewer};
use crate::settings::Settings;
use crate::site_config::{GroupCreation, SiteConfig};
use crate::web::error::AppError;

pub use api::configure as configure_api;
pub use routes::configure;

/// Refuses (403) creating a group unless the site's `group_creation` setting lets `viewer`:
/// verified members when `members`, moderators and administrators when `staff`, nobody when
/// `off`.
pub fn may_create(
    settings: &Settings,
    config: &SiteConfig,
    viewer: &Viewer,
) -> Result<(), AppError> {
    match config.group_creation {
        GroupCreation::Off => Err(AppError::Refused("group-error-creation-off")),
        GroupCreation::Staff if !matches!(viewer.role, Role::Admin | Role::Moderator) => {
            Err(AppError::Refused("group-error-creation-staff"))
        }
        _ => crate::web::context::may_post(settings, viewer),
    }
}
