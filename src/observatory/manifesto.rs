//! The manifesto: its text (admin-editable, French and English) and its signatures.

use actix_web::web;

/// Registers the pages.
pub fn configure(_cfg: &mut web::ServiceConfig) {}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(_cfg: &mut web::ServiceConfig) {}
