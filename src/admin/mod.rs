//! Administration pages: boards (create, rename, describe, reorder). Every handler requires an
//! administrator, read from the database on this request.

pub mod routes;
