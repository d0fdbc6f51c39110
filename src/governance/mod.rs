//! Running the community: the settings administrators change from the site, how accounts are
//! opened (open, approval, invitations, closed), and the limits on what new accounts and members
//! may post.

pub mod routes;
