//! The forum itself: boards, threads, posts and their revisions, and their Atom feeds. Who may read and write what
//! (hidden threads and posts, the board's staff) is the forum's own service, `visibility`: every
//! page and API handler, here and in moderation, asks it.

pub mod api;
pub mod boards;
pub mod domain;
mod edit_routes;
mod feed_routes;
pub mod feeds;
pub mod limits;
mod post_routes;
pub mod posting_queries;
pub mod profiles;
pub mod queries;
mod reading_routes;
pub mod routes;
pub mod thread_queries;
mod thread_routes;
pub mod views;
pub mod visibility;
