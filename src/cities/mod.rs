//! Cities as people browse them: the directory, a city's page (its threads across boards, the
//! watch form and the observatory's dossier) and the cities' JSON API. The list of cities
//! itself, its lookups and its import live in `crate::gazetteer`.

pub mod api;
pub mod routes;
