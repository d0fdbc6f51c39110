//! Vigie's black-box test suite: every test starts the real server on a fresh database and talks
//! to it over HTTP. Runs on SQLite, and on PostgreSQL when `VIGIE_TEST_DATABASE_URL` is set.

mod helpers;
mod prepared;
mod smtp;

mod abuse;
mod accounts;
mod actions;
mod api;
mod architecture;
mod avatars;
mod cities;
mod cli;
mod compose;
mod federation;
mod feeds;
mod flow;
mod forum_security;
mod governance;
mod group_privacy;
mod groups;
mod hardening;
mod health;
mod mail;
mod mail_shared;
mod manifesto;
mod messages;
mod migrations;
mod moderation;
mod observatory;
mod observatory_pages;
mod openapi;
mod readers;
mod search;
mod security;
mod signin_notice;
mod two_factor;
mod validation;
mod write_load;
mod xss;
