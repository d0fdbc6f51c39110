//! Moderation and governance. Who may do what lives in `policy` (one place, tested as a
//! matrix); sanctions on people and private notes in `sanctions`; the log every staff action
//! writes, with its staff and public views, in `log`; pages in `routes`, JSON in `api`.

pub mod api;
pub mod avatar_removal;
pub mod content;
pub mod policy;
pub mod post_delete;
pub mod report_routes;
pub mod reports;
pub mod roles;
pub mod routes;
pub mod sanctions;
pub mod threads;
