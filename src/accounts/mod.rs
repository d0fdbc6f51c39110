//! Accounts: registration, login, sessions, settings, avatars, profiles and the first-admin setup.

pub mod account_mail;
pub mod api;
pub mod avatar;
mod avatar_routes;
pub mod avatar_store;
pub mod blocks;
pub mod domain;
pub mod login;
pub mod message_data;
pub mod password;
pub mod queries;
pub mod recovery;
pub mod registration;
pub mod routes;
pub mod service;
pub mod settings_routes;
pub mod signin_browsers;
pub mod signin_notice;
pub mod standing;
pub mod tokens;
pub mod totp;
pub mod two_factor;
pub mod two_factor_admin;
mod two_factor_api;
mod two_factor_login;
mod two_factor_routes;
pub mod two_factor_store;
