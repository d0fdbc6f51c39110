//! What arrives in an inbox. The sending instance's policy is checked first (a blocked or, in
//! allow-list mode, unlisted instance is refused with 403 before anything is fetched); a signed
//! request seen before, or dated more than an hour ago, is a replay (401); then the crate checks
//! the body's digest, fetches (or reads from the cache) the actor and verifies the
//! HTTP signature with its key (401 when it does not match). A verified activity is handled at
//! most once (`federation_received`, written in the same transaction as its effect):
//!
//! - `Follow` of a local member, public board or public group: the follower is stored and an
//!   `Accept` queued for their inbox, in one transaction;
//! - `Undo` of such a `Follow`: the follow ends;
//! - `Accept` or `Reject` of a member's follow of a remote board: see `following`;
//! - `Create`, `Update` and `Delete` of posts, `Flag`, and a followed group's `Announce` of
//!   them: see `received`;
//! - `Like` and every other activity: acknowledged, without effect.

use activitypub_federation::actix_web::inbox::receive_activity;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::ActivityHandler;
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use super::actors::RemoteActor;
use super::error::FederationError;
use super::incoming::{local_target, object_id, Incoming};
use super::queries;
use super::urls::{authority, Urls};
use super::{delivery, following, policy, received, FedData};
use crate::db::{write_tx_private, DbError};

/// The one field read before the signature is checked.
#[derive(Deserialize)]
struct Peek {
    actor: Value,
}

/// Handles one POST to an inbox.
pub async fn receive(
    req: &HttpRequest,
    body: Bytes,
    data: &Data<FedData>,
) -> Result<(), FederationError> {
    let peek: Peek = serde_json::from_slice(&body)
        .map_err(|e| FederationError::BadRequest(format!("not an activity: {e}")))?;
    let actor = peek
        .actor
        .as_str()
        .or_else(|| peek.actor.get("id").and_then(Value::as_str))
        .and_then(|s| Url::parse(s).ok())
        .ok_or_else(|| FederationError::BadRequest("activity without actor".into()))?;
    let allowlist = data.settings.federation.allowlist;
    if !policy::url_permitted(&data.db, &actor, allowlist).await? {
        return Err(FederationError::Refused(
            authority(&actor).unwrap_or_default(),
        ));
    }
    refuse_replays(req, data).await?;
    receive_activity::<Incoming, RemoteActor, FedData>(req.clone(), body, data).await?;
    Ok(())
}

/// How old a signed request's `Date` may be, in seconds (the crate's limit for signatures).
const MAX_AGE_SECONDS: i64 = 3600;

/// How far ahead of this server's clock a `Date` may be, in seconds.
const MAX_AHEAD_SECONDS: i64 = 300;

/// Refuses (401) a signed request seen before, or dated outside the accepted window: a
/// signature is good once. Our deliveries, like Mastodon's and Lemmy's, sign each attempt anew
/// (with its own `Date`), and a signature seen is remembered longer than it stays valid.
async fn refuse_replays(req: &HttpRequest, data: &Data<FedData>) -> Result<(), FederationError> {
    let invalid = || {
        FederationError::Protocol(Box::new(
            activitypub_federation::error::Error::ActivitySignatureInvalid,
        ))
    };
    let Some(signature) = req.headers().get("signature") else {
        // Unsigned: the crate refuses it.
        return Ok(());
    };
    let date = req
        .headers()
        .get("date")
        .and_then(|d| d.to_str().ok())
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
        .ok_or_else(invalid)?;
    let age = chrono::Utc::now().timestamp() - date.timestamp();
    if !(-MAX_AHEAD_SECONDS..=MAX_AGE_SECONDS).contains(&age) {
        return Err(invalid());
    }
    let key = format!(
        "signature:{}",
        hex::encode(Sha256::digest(signature.as_bytes()))
    );
    let fresh = data
        .db
        .write(move |conn| queries::first_reception(conn, &key).map_err(DbError::from))
        .await?;
    if fresh {
        Ok(())
    } else {
        Err(invalid())
    }
}

#[async_trait::async_trait]
impl ActivityHandler for Incoming {
    type DataType = FedData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<FedData>) -> Result<(), FederationError> {
        Ok(())
    }

    async fn receive(self, data: &Data<FedData>) -> Result<(), FederationError> {
        match self.kind.as_str() {
            "Follow" => follow(self, data).await,
            "Undo" => undo(self, data).await,
            "Accept" | "Reject" => answered(self, data).await,
            "Announce" => received::announced(self, data).await,
            "Create" => received::create(self, data).await,
            "Update" => received::update(self, data).await,
            "Delete" => received::delete(self, data).await,
            "Flag" => received::flag(self, data).await,
            other => {
                tracing::debug!(kind = %other.chars().take(40).collect::<String>(), "activity acknowledged without effect");
                Ok(())
            }
        }
    }
}

/// The `Accept` of a follow, from the followed actor.
pub fn accept(urls: &Urls, local_id: &str, follow_id: &str, follower: &str) -> Value {
    let digest = Sha256::digest(follow_id.as_bytes());
    let key = hex::encode(&digest[..16]);
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": urls.activity(&format!("accept/{key}")),
        "type": "Accept",
        "actor": local_id,
        "to": [follower],
        "object": {
            "id": follow_id,
            "type": "Follow",
            "actor": follower,
            "object": local_id,
        },
    })
}

async fn follow(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let target = object_id(&activity.object)
        .ok_or_else(|| FederationError::BadRequest("Follow without object".into()))?
        .to_owned();
    let local = local_target(data, &target).await?;
    let follower = ObjectId::<RemoteActor>::from(activity.actor.clone())
        .dereference(data)
        .await?;
    let (kind, local_id) = local.key();
    let local_ap_id = local.ap_id(&data.urls);
    let accept = accept(
        &data.urls,
        &local_ap_id,
        activity.id.as_str(),
        activity.actor.as_str(),
    );
    let follow_id = activity.id.to_string();
    let inbox = follower.row.inbox.clone();
    let remote_id = follower.row.id;
    let stored = data
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                if !queries::first_reception(conn, &follow_id)? {
                    return Ok(false);
                }
                queries::add_follower(conn, kind, local_id, remote_id, &follow_id)?;
                delivery::queue(conn, kind, local_id, &accept, &[inbox])?;
                Ok::<_, diesel::result::Error>(true)
            })
            .map_err(DbError::from)
        })
        .await?;
    if stored {
        tracing::info!(
            target_kind = kind.as_str(),
            target_id = local_id,
            domain = %follower.row.domain,
            "remote follow accepted"
        );
    }
    Ok(())
}

/// A group's answer to a member's follow of it (`Accept` or `Reject` of the `Follow`).
async fn answered(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let Some(follow) = object_id(&activity.object) else {
        return Ok(());
    };
    // Only a follow of ours is answered here.
    if !follow.starts_with(&data.urls.base) {
        return Ok(());
    }
    let accepted = activity.kind == "Accept";
    following::answered(data, &activity.actor, follow, accepted).await
}

async fn undo(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    // Only the undoing of a follow has an effect; the follow must be the undoer's own.
    let inner = &activity.object;
    let is_follow = inner.get("type").and_then(Value::as_str) == Some("Follow");
    let inner_actor = inner.get("actor").and_then(object_id);
    if !is_follow || inner_actor != Some(activity.actor.as_str()) {
        return Ok(());
    }
    let Some(target) = inner.get("object").and_then(object_id) else {
        return Ok(());
    };
    let local = match local_target(data, target).await {
        Ok(local) => local,
        Err(FederationError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    let follower = ObjectId::<RemoteActor>::from(activity.actor.clone())
        .dereference(data)
        .await?;
    let (kind, local_id) = local.key();
    let undo_id = activity.id.to_string();
    let remote_id = follower.row.id;
    let removed = data
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                if !queries::first_reception(conn, &undo_id)? {
                    return Ok(false);
                }
                queries::remove_follower(conn, kind, local_id, remote_id)
            })
            .map_err(DbError::from)
        })
        .await?;
    if removed {
        tracing::info!(
            target_kind = kind.as_str(),
            target_id = local_id,
            "remote follow ended"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accept_names_the_follow_and_has_a_stable_id() {
        let urls = Urls::new("https://v.example").expect("urls");
        let a = accept(
            &urls,
            "https://v.example/b/general",
            "https://social.example/follows/1",
            "https://social.example/users/zoe",
        );
        let b = accept(
            &urls,
            "https://v.example/b/general",
            "https://social.example/follows/1",
            "https://social.example/users/zoe",
        );
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["type"], "Accept");
        assert_eq!(a["object"]["id"], "https://social.example/follows/1");
        assert_eq!(a["object"]["object"], "https://v.example/b/general");
    }
}
