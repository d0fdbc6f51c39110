//! The forum itself: boards, threads, posts and their revisions.

pub mod api;
pub mod domain;
pub mod limits;
pub mod profiles;
pub mod queries;
pub mod routes;
