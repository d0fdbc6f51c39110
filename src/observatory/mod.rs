//! The observatory: a sourced, collaborative record of surveillance deployments, city by city.
//! Technologies and companies (`catalogue`), deployments with their sources, proposals, reviews
//! and revisions (`deployments`), the server-rendered map (`map`), open-data exports (`export`),
//! pages and API (`routes`, `api`), and the manifesto (`manifesto`).

pub mod admin;
pub mod api;
pub mod catalogue;
pub mod deployments;
pub mod export;
pub mod manifesto;
pub mod manifesto_default;
pub mod manifesto_store;
pub mod map;
pub mod routes;
pub mod views;
