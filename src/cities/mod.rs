//! Cities: the GeoNames list, its import, the directory and city pages.

pub mod api;
pub mod import;
pub mod queries;
pub mod routes;
