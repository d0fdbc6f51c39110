//! The observatory: a sourced, collaborative record of surveillance deployments, city by city.
//! Technologies and companies (`catalogue`), deployments with their sources, proposals, reviews
//! and revisions (`deployments`), the server-rendered map (`map`, its marks' shapes in `map_marks`, over `map_outlines`),
//! open-data exports (`export`), pages, forms and API (`routes`, `form_routes`, `api`, with
//! `access` deciding who sees a deployment), and the manifesto (`manifesto`: its pages; its
//! text, signatures, signing and lists in `manifesto_text`, `manifesto_signature`,
//! `manifesto_store` and `manifesto_lists`).

pub mod access;
pub mod admin;
pub mod api;
pub mod catalogue;
pub mod deployments;
pub mod export;
pub mod form_routes;
pub mod manifesto;
pub mod manifesto_api;
pub mod manifesto_default;
pub mod manifesto_lists;
pub mod manifesto_signature;
pub mod manifesto_store;
pub mod manifesto_text;
pub mod map;
pub mod map_marks;
pub mod map_outlines;
pub mod routes;
pub mod views;
