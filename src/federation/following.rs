//! Following a board (or group) of another server from here, as one follows a Lemmy community:
//! a member gives its handle (`!board@other.example`, `board@other.example`) or its address;
//! the actor is found (WebFinger, then its document), must be a `Group` of another server and
//! not blocked; the board that mirrors it here is made the first time (`following_store`), and
//! the member's `Follow` (from their own `Person`) goes out through the delivery queue. Once the
//! group accepts, what it announces lands in the mirror (`received`), readable by everyone here
//! and answerable by members: their posts there go to the group (`announce`). Unfollowing sends
//! the `Undo`.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use serde_json::{json, Value};
use url::Url;

use super::actors::RemoteActor;
use super::error::FederationError;
use super::following_store as store;
use super::queries::ActorKind;
use super::urls::{authority, Urls};
use super::{delivery, FedData};
use crate::db::{write_tx_private, DbError};

/// Why a follow could not be made (each is shown to the member, with what they typed kept).
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// Not a handle nor an address.
    #[error("not a handle or address")]
    Unreadable,
    /// Nothing answered for it, or the instance is blocked.
    #[error("not found: {0}")]
    NotFound(String),
    /// It is a person, not a board or group.
    #[error("not a group")]
    NotAGroup,
    /// It is one of ours.
    #[error("a board of this server")]
    Ours,
    /// The member follows as many as they may.
    #[error("too many followed boards")]
    TooMany,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl FollowError {
    /// The message key shown on the form.
    pub fn message(&self) -> &'static str {
        match self {
            FollowError::Unreadable => "federation-follow-unreadable",
            FollowError::NotFound(_) => "federation-follow-not-found",
            FollowError::NotAGroup => "federation-follow-not-group",
            FollowError::Ours => "federation-follow-ours",
            FollowError::TooMany => "federation-follow-too-many",
            FollowError::Db(_) => "error-unavailable",
        }
    }
}

/// What a member typed, read: an address, or a handle without its `!`/`@`.
enum Wanted {
    Address(Url),
    Handle(String),
}

fn read(input: &str) -> Result<Wanted, FollowError> {
    let input = input.trim();
    if input.starts_with("https://") || input.starts_with("http://") {
        return Url::parse(input)
            .map(Wanted::Address)
            .map_err(|_| FollowError::Unreadable);
    }
    let handle = input.trim_start_matches(['!', '@']);
    match handle.split_once('@') {
        Some((name, domain)) if !name.is_empty() && !domain.is_empty() && handle.len() <= 300 => {
            Ok(Wanted::Handle(handle.to_owned()))
        }
        _ => Err(FollowError::Unreadable),
    }
}

/// The id of a member's `Follow` of a board (new for each follow: a follow after an unfollow
/// is a new activity for the other server).
fn follow_id(urls: &Urls, user_id: i64, board_id: i64) -> String {
    let at = chrono::Utc::now().timestamp_micros();
    urls.activity(&format!("follow/{user_id}/{board_id}/{at}"))
}

/// A member's `Follow` of a group.
fn follow_activity(id: &str, person: &str, group: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "Follow",
        "actor": person,
        "object": group,
        "to": [group],
    })
}

/// Follows the board or group `input` names for member `user_id` (`username`); returns the
/// slug of the board that mirrors it here.
pub async fn follow(
    data: &Data<FedData>,
    user_id: i64,
    username: &str,
    input: &str,
) -> Result<String, FollowError> {
    let wanted = read(input)?;
    let followed = data
        .db
        .run(move |conn| store::count_followed(conn, user_id).map_err(DbError::from))
        .await?;
    if followed >= store::MAX_FOLLOWED {
        return Err(FollowError::TooMany);
    }
    let found = match wanted {
        Wanted::Address(url) => {
            if authority(&url).as_deref() == Some(data.urls.domain.as_str()) {
                return Err(FollowError::Ours);
            }
            ObjectId::<RemoteActor>::from(url).dereference(data).await
        }
        Wanted::Handle(handle) => {
            let domain = handle.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
            if domain.as_deref() == Some(data.urls.domain.as_str()) {
                return Err(FollowError::Ours);
            }
            webfinger_resolve_actor::<FedData, RemoteActor>(&handle, data).await
        }
    };
    let group = found.map_err(|e: FederationError| {
        tracing::info!(error = %e, "remote board not found");
        FollowError::NotFound(e.to_string())
    })?;
    if group.row.kind != "Group" {
        return Err(FollowError::NotAGroup);
    }
    let urls = data.urls.clone();
    let person = urls.at(&format!("/u/{username}"));
    let inbox = group
        .row
        .shared_inbox
        .clone()
        .unwrap_or_else(|| group.row.inbox.clone());
    let row = group.row.clone();
    let slug = data
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                let (board_id, slug) = store::mirror_board(conn, &row)?;
                let id = follow_id(&urls, user_id, board_id);
                if store::add(conn, user_id, board_id, &id)? {
                    let activity = follow_activity(&id, &person, &row.ap_id);
                    delivery::queue(conn, ActorKind::User, user_id, &activity, &[inbox])?;
                }
                Ok::<_, diesel::result::Error>(slug)
            })
            .map_err(DbError::from)
        })
        .await?;
    tracing::info!(domain = %group.row.domain, "remote board followed");
    Ok(slug)
}

/// Ends member `user_id`'s follow of mirrored board `board_id` (its `Undo` queued); false when
/// they did not follow it.
pub async fn unfollow(
    data: &Data<FedData>,
    user_id: i64,
    username: &str,
    board_id: i64,
) -> Result<bool, FollowError> {
    let urls = data.urls.clone();
    let person = urls.at(&format!("/u/{username}"));
    let done = data
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                let Some((follow, group)) = store::remove(conn, user_id, board_id)? else {
                    return Ok(false);
                };
                if let Some(inbox) = super::queries::remote_inbox(conn, &group)? {
                    let tail = follow.rsplit('/').next().unwrap_or_default().to_owned();
                    let undo = json!({
                        "@context": "https://www.w3.org/ns/activitystreams",
                        "id": urls.activity(&format!("undo/follow/{user_id}/{board_id}/{tail}")),
                        "type": "Undo",
                        "actor": person,
                        "to": [group],
                        "object": follow_activity(&follow, &person, &group),
                    });
                    delivery::queue(conn, ActorKind::User, user_id, &undo, &[inbox])?;
                }
                Ok::<_, diesel::result::Error>(true)
            })
            .map_err(DbError::from)
        })
        .await?;
    Ok(done)
}

/// The group's `Accept` (or `Reject`) of a follow: the follow is marked accepted (or dropped).
pub async fn answered(
    data: &Data<FedData>,
    group: &Url,
    follow: &str,
    accepted: bool,
) -> Result<(), FederationError> {
    let group = group.to_string();
    let follow = follow.to_owned();
    let changed = data
        .db
        .write(move |conn| {
            if accepted {
                store::accept(conn, &follow, &group)
            } else {
                store::reject(conn, &follow, &group)
            }
            .map_err(DbError::from)
        })
        .await?;
    if changed {
        tracing::info!(accepted, "follow of a remote board answered");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_addresses_are_read() {
        assert!(
            matches!(read("!general@other.example"), Ok(Wanted::Handle(h)) if h == "general@other.example")
        );
        assert!(matches!(
            read(" general@other.example "),
            Ok(Wanted::Handle(_))
        ));
        assert!(matches!(
            read("https://other.example/b/general"),
            Ok(Wanted::Address(_))
        ));
        assert!(read("general").is_err());
        assert!(read("@other.example").is_err());
        assert!(read("").is_err());
    }
}
