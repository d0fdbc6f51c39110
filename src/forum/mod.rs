//! The forum itself: boards, threads, posts and their revisions.

pub mod api;
pub mod domain;
pub mod queries;
pub mod routes;
