//! Running the community: the settings administrators change from the site, how accounts are
//! opened (open, approval, invitations, closed), and the limits on what new accounts and members
//! may post. `routes` mounts the administrators' pages and API and holds the settings;
//! `application_routes`, `invite_routes` and `role_routes` hold applications, invitations and
//! roles.

pub mod application_routes;
pub mod invite_routes;
pub mod role_routes;
pub mod routes;
