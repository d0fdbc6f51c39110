//! Sends the observatory's published deployments to its followers, as `announce` does the
//! boards' posts and in the same round (the observatory does not call federation either):
//!
//! 1. with nobody following the observatory, the published deployments are only recorded as
//!    seen (a later follower does not receive the past, only what changes after);
//! 2. a published deployment not yet recorded gets the observatory's `Create` of its
//!    `Article`, announced to the followers, and is recorded in `federated_deployments` at its
//!    version in the same transaction as its deliveries;
//! 3. a recorded deployment whose version moved (a reviewed edit, a revert) gets an `Update`;
//!    one no longer published, or removed, the observatory's `Delete`, once.
//!
//! Unpublished proposals never leave: only `published_at` decides.

use diesel::QueryResult;
use serde_json::Value;

use super::queries::{self, ActorKind, OBSERVATORY_ID};
use super::urls::Urls;
use super::{article_store, articles, delivery, objects};
use crate::db::DbConnection;
use crate::observatory::deployments::{self, Filters};

/// Deployments handled per round (the next round goes on).
const PER_ROUND: i64 = 50;

/// The key of the observatory's `Announce` ids.
fn announcer_key() -> String {
    format!("{}-{OBSERVATORY_ID}", ActorKind::Observatory.as_str())
}

/// One round, inside the announcer's transaction; returns how many deliveries were queued and
/// whether more wait for the next round.
pub fn round(conn: &mut DbConnection, urls: &Urls) -> QueryResult<(usize, bool)> {
    let inboxes = queries::follower_inboxes(conn, ActorKind::Observatory, OBSERVATORY_ID)?;
    let fresh = article_store::unsent(conn, PER_ROUND)?;
    let mut more = fresh.len() as i64 >= PER_ROUND;
    let mut queued = 0;
    for (id, version) in fresh {
        // Read in full only when someone is told; else only recorded at its version.
        let current = if inboxes.is_empty() {
            None
        } else {
            deployments::by_id(conn, id)?.filter(|d| d.published_at.is_some())
        };
        match current {
            Some(d) => {
                queued += send(conn, urls, &articles::authored(urls, &d, false), &inboxes)?;
                article_store::record(conn, d.id, d.version)?;
            }
            None => article_store::record(conn, id, version)?,
        }
    }
    let changed = article_store::changed(conn, PER_ROUND)?;
    more |= changed.len() as i64 >= PER_ROUND;
    for (id, version) in changed {
        let current = match (version, inboxes.is_empty()) {
            (Some(_), false) => deployments::by_id(conn, id)?.filter(|d| d.published_at.is_some()),
            _ => None,
        };
        match (current, version) {
            (Some(d), _) => {
                queued += send(conn, urls, &articles::authored(urls, &d, true), &inboxes)?;
                article_store::record(conn, d.id, d.version)?;
            }
            (None, Some(version)) => article_store::record(conn, id, version)?,
            (None, None) => {
                if !inboxes.is_empty() {
                    queued += send(conn, urls, &articles::deletion(urls, id), &inboxes)?;
                }
                article_store::record_deleted(conn, id)?;
            }
        }
    }
    Ok((queued, more))
}

/// Queues the observatory's `Announce` of `activity` for its followers' inboxes.
fn send(
    conn: &mut DbConnection,
    urls: &Urls,
    activity: &Value,
    inboxes: &[String],
) -> QueryResult<usize> {
    let announce = objects::announce(urls, &urls.observatory(), &announcer_key(), activity);
    delivery::queue(
        conn,
        ActorKind::Observatory,
        OBSERVATORY_ID,
        &announce,
        inboxes,
    )
}

/// The activities the observatory's outbox lists, newest change first (at most `limit`): its
/// `Announce` of the `Create` of each published deployment, as it is now.
pub fn outbox(conn: &mut DbConnection, urls: &Urls, limit: i64) -> QueryResult<Vec<Value>> {
    let list = deployments::published(conn, &Filters::default(), None, limit)?;
    Ok(list
        .iter()
        .map(|d| {
            let create = articles::authored(urls, d, false);
            let mut announce =
                objects::announce(urls, &urls.observatory(), &announcer_key(), &create);
            if let Some(map) = announce.as_object_mut() {
                map.remove("@context");
            }
            announce
        })
        .collect())
}

/// A published deployment's `Article`, `None` when it is not published (or does not exist).
pub fn published_article(
    conn: &mut DbConnection,
    urls: &Urls,
    id: i64,
) -> QueryResult<Option<Value>> {
    Ok(deployments::by_id(conn, id)?
        .filter(|d| d.published_at.is_some())
        .map(|d| articles::article(urls, &d)))
}
