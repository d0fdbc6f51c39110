//! Accounts: registration, login, sessions, settings, avatars, profiles and the first-admin setup.

pub mod account_mail;
pub mod api;
pub mod avatar;
mod avatar_routes;
pub mod avatar_store;
pub mod domain;
pub mod login;
pub mod password;
pub mod queries;
pub mod recovery;
pub mod registration;
pub mod routes;
pub mod service;
pub mod settings_routes;
pub mod standing;
pub mod tokens;
