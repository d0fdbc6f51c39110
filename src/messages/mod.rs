//! Private messages: conversations between two to twenty members, started from the messages
//! page or a profile, with their reply form, unread counts (the header's, through
//! `sessions`), mails per each member's settings, blocks and closed inboxes
//! (`accounts::blocks`), posting limits (`forum::limits`) and reports to site staff, who see
//! the reported message only and can open no conversation.
//!
//! `domain` validates, `store` holds the SQL (`report_store` that of reports, `allowance` the
//! hourly allowance counted in people reached), `service` the rules shared by the pages
//! (`routes`, `block_routes`, `report_routes`) and the API (`api`), `views` what they show,
//! `mails` the notification mail. The data export and account deletion read and clear these
//! tables from `accounts::message_data`.

pub mod allowance;
pub mod api;
mod block_routes;
pub mod domain;
pub mod mails;
mod report_routes;
pub mod report_store;
pub mod routes;
pub mod service;
pub mod store;
pub mod views;

use actix_web::web;

use crate::web::openapi::ApiConfig;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::configure)
        .configure(block_routes::configure)
        .configure(report_routes::configure);
}

/// Registers the API handlers (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.configure(api::configure_api)
        .configure(block_routes::configure_api)
        .configure(report_routes::configure_api);
}
