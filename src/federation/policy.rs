//! Instance policies: what administrators decided for a remote instance (its domain: the host,
//! with its port when one is written), `block` (nothing is received from it, nothing sent to it),
//! `limit` (its content is for its followers only) or `allow` (the only instances that federate
//! in allow-list mode). Checked before an inbox reads a signature, before anything is fetched
//! and before each delivery (the crate's `UrlVerifier`).
//!
//! A limited instance's boards followed here are read by the members following them (and the
//! site's staff) only: their visibility is `followers` while the limit (or a block) stands
//! (see `memberships::BoardVisibility`). Its people follow nobody here, so what they post in our
//! own boards, or in another server's, is kept hidden for staff to review (see `received`).

use activitypub_federation::config::UrlVerifier;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use url::Url;

use super::urls::{authority, domain_of};
use crate::db::schema::{
    boards, federation_followers, federation_policies, federation_remote_actors, users,
};
use crate::db::{Db, DbConnection, DbError};
use crate::memberships::BoardVisibility;

/// An administrator's decision about an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    Block,
    Limit,
    Allow,
}

impl Policy {
    /// Parses a stored or submitted policy.
    pub fn parse(s: &str) -> Option<Policy> {
        match s {
            "block" => Some(Policy::Block),
            "limit" => Some(Policy::Limit),
            "allow" => Some(Policy::Allow),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Block => "block",
            Policy::Limit => "limit",
            Policy::Allow => "allow",
        }
    }
}

/// A domain as administrators type it (`Social.Example`, `https://social.example/`,
/// `localhost:8080`), normalised; `None` when it is not a plain host.
pub fn normalise_domain(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let candidate = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&candidate).ok()?;
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    // Instances are known by name: an IP address is never stored.
    url.domain()?;
    if !(url.path().is_empty() || url.path() == "/") || url.query().is_some() {
        return None;
    }
    let domain = authority(&url)?;
    let valid = domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    valid.then_some(domain)
}

/// The policy stored for a domain.
pub fn policy_of(conn: &mut DbConnection, domain: &str) -> QueryResult<Option<Policy>> {
    let stored: Option<String> = federation_policies::table
        .find(domain)
        .select(federation_policies::policy)
        .first(conn)
        .optional()?;
    Ok(stored.as_deref().and_then(Policy::parse))
}

/// Whether an instance may federate with this one.
pub fn permits(policy: Option<Policy>, allowlist: bool) -> bool {
    match policy {
        Some(Policy::Block) => false,
        Some(Policy::Allow) => true,
        Some(Policy::Limit) | None => !allowlist,
    }
}

/// Whether the instance of `url` may federate (a URL without host may not).
pub async fn url_permitted(db: &Db, url: &Url, allowlist: bool) -> Result<bool, DbError> {
    let Some(domain) = authority(url) else {
        return Ok(false);
    };
    let policy = db
        .run(move |conn| policy_of(conn, &domain).map_err(DbError::from))
        .await?;
    Ok(permits(policy, allowlist))
}

/// The crate's hook: refuses to fetch from, or deliver to, an instance that may not federate.
#[derive(Clone)]
pub struct PolicyVerifier {
    pub db: Db,
    pub allowlist: bool,
    /// Our own domain (always permitted).
    pub local: String,
}

#[async_trait::async_trait]
impl UrlVerifier for PolicyVerifier {
    async fn verify(&self, url: &Url) -> Result<(), activitypub_federation::error::Error> {
        if authority(url).as_deref() == Some(self.local.as_str()) {
            return Ok(());
        }
        // Servers are known by name: an address written as an IP is never fetched from or
        // delivered to (names are checked when resolved, see `fetching`).
        if url.domain().is_none() {
            return Err(activitypub_federation::error::Error::UrlVerificationError(
                "address without a domain name",
            ));
        }
        match url_permitted(&self.db, url, self.allowlist).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(activitypub_federation::error::Error::UrlVerificationError(
                "instance refused by policy",
            )),
            Err(e) => Err(activitypub_federation::error::Error::Other(format!(
                "policy unavailable: {e}"
            ))),
        }
    }
}

/// One policy as the admin page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyLine {
    pub domain: String,
    pub policy: String,
    pub reason: String,
    pub set_by: Option<String>,
    pub set_at: NaiveDateTime,
}

/// Every policy, by domain.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<PolicyLine>> {
    let rows: Vec<(String, String, String, Option<String>, NaiveDateTime)> =
        federation_policies::table
            .left_join(users::table)
            .order(federation_policies::domain)
            .select((
                federation_policies::domain,
                federation_policies::policy,
                federation_policies::reason,
                users::username.nullable(),
                federation_policies::set_at,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(domain, policy, reason, set_by, set_at)| PolicyLine {
            domain,
            policy,
            reason,
            set_by,
            set_at,
        })
        .collect())
}

/// The visibility a policy gives the boards of its instance followed here: for their
/// followers under a limit, and under a block too (what a block keeps of them must not be
/// wider than what a limit showed); public otherwise.
fn visibility_under(policy: Option<Policy>) -> BoardVisibility {
    match policy {
        Some(Policy::Limit | Policy::Block) => BoardVisibility::Followers,
        Some(Policy::Allow) | None => BoardVisibility::Public,
    }
}

/// The visibility of the board mirroring the remote group `ap_id` here (see
/// `visibility_under`).
pub fn mirror_visibility(conn: &mut DbConnection, ap_id: &str) -> QueryResult<BoardVisibility> {
    let policy = match domain_of(ap_id) {
        Some(domain) => policy_of(conn, &domain)?,
        None => None,
    };
    Ok(visibility_under(policy))
}

/// Gives the boards of `domain` followed here the visibility its policy now calls for
/// (`visibility_under`).
fn apply_to_mirrors(
    conn: &mut DbConnection,
    domain: &str,
    policy: Option<Policy>,
) -> QueryResult<()> {
    let mirrors: Vec<(i64, Option<String>)> = boards::table
        .filter(boards::remote_id.is_not_null())
        .select((boards::id, boards::remote_id))
        .load(conn)?;
    let ids: Vec<i64> = mirrors
        .into_iter()
        .filter(|(_, ap_id)| ap_id.as_deref().and_then(domain_of).as_deref() == Some(domain))
        .map(|(id, _)| id)
        .collect();
    let visibility = visibility_under(policy);
    diesel::update(boards::table.filter(boards::id.eq_any(&ids)))
        .set(boards::visibility.eq(visibility.as_str()))
        .execute(conn)?;
    crate::memberships::forget_unfollowed_notifications(conn, &ids)?;
    Ok(())
}

/// Sets the policy of a domain (replacing any earlier one), and the visibility of its boards
/// followed here with it.
pub fn set(
    conn: &mut DbConnection,
    domain: &str,
    policy: Policy,
    reason: &str,
    admin_id: i64,
) -> QueryResult<()> {
    apply_to_mirrors(conn, domain, Some(policy))?;
    diesel::delete(federation_policies::table.find(domain)).execute(conn)?;
    diesel::insert_into(federation_policies::table)
        .values((
            federation_policies::domain.eq(domain),
            federation_policies::policy.eq(policy.as_str()),
            federation_policies::reason.eq(reason),
            federation_policies::set_by.eq(admin_id),
            federation_policies::set_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes the policy of a domain (its boards followed here are public again); returns the one
/// it had.
pub fn remove(conn: &mut DbConnection, domain: &str) -> QueryResult<Option<Policy>> {
    apply_to_mirrors(conn, domain, None)?;
    let before = policy_of(conn, domain)?;
    diesel::delete(federation_policies::table.find(domain)).execute(conn)?;
    Ok(before)
}

/// A remote instance met, with how many of its actors are known and how many follows it has.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    pub domain: String,
    pub actors: i64,
    pub follows: i64,
}

/// The remote instances met, by domain.
pub fn known_instances(conn: &mut DbConnection) -> QueryResult<Vec<Instance>> {
    let actors: Vec<(String, i64)> = federation_remote_actors::table
        .group_by(federation_remote_actors::domain)
        .select((federation_remote_actors::domain, diesel::dsl::count_star()))
        .order(federation_remote_actors::domain)
        .load(conn)?;
    let follows: Vec<(String, i64)> = federation_followers::table
        .inner_join(federation_remote_actors::table)
        .group_by(federation_remote_actors::domain)
        .select((federation_remote_actors::domain, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(actors
        .into_iter()
        .map(|(domain, actors)| {
            let follows = follows
                .iter()
                .find(|(d, _)| *d == domain)
                .map_or(0, |(_, n)| *n);
            Instance {
                domain,
                actors,
                follows,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_never_shows_more_than_a_limit() {
        let followers = BoardVisibility::Followers;
        assert_eq!(visibility_under(Some(Policy::Limit)), followers);
        assert_eq!(visibility_under(Some(Policy::Block)), followers);
        assert_eq!(
            visibility_under(Some(Policy::Allow)),
            BoardVisibility::Public
        );
        assert_eq!(visibility_under(None), BoardVisibility::Public);
    }

    #[test]
    fn domains_are_normalised_or_refused() {
        assert_eq!(
            normalise_domain("Social.Example"),
            Some("social.example".into())
        );
        assert_eq!(
            normalise_domain(" https://social.example/ "),
            Some("social.example".into())
        );
        assert_eq!(
            normalise_domain("localhost:8080"),
            Some("localhost:8080".into())
        );
        assert_eq!(normalise_domain("social.example/path"), None);
        assert_eq!(normalise_domain("user@social.example"), None);
        assert_eq!(normalise_domain(""), None);
        assert_eq!(normalise_domain("192.0.2.7"), None);
    }

    #[test]
    fn blocks_win_and_allow_lists_admit_only_the_allowed() {
        assert!(!permits(Some(Policy::Block), false));
        assert!(permits(None, false));
        assert!(permits(Some(Policy::Limit), false));
        assert!(!permits(None, true));
        assert!(!permits(Some(Policy::Limit), true));
        assert!(permits(Some(Policy::Allow), true));
    }
}
