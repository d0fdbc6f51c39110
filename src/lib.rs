//! Vigie: a discussion forum for local groups that resist urban surveillance.
//!
//! `main.rs` parses the command line and calls into `cli`; `app::Application` builds the server
//! that both `vigie serve` and the test suite run.

pub mod accounts;
pub mod actions;
pub mod admin;
pub mod allocator;
pub mod app;
pub mod audit;
pub mod bootstrap;
pub mod cities;
pub mod cli;
pub mod db;
pub mod federation;
pub mod forum;
pub mod gazetteer;
pub mod governance;
pub mod groups;
pub mod i18n;
pub mod images;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod markdown;
pub mod memberships;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod observatory;
pub mod sealing;
pub mod search;
pub mod seed;
pub mod sessions;
pub mod settings;
pub mod site_config;
pub mod telemetry;
pub mod templates;
pub mod validation;
pub mod web;
