//! Accounts: registration, login, sessions, settings, profiles and the first-admin setup.

pub mod account_mail;
pub mod api;
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
