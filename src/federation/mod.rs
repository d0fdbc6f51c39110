//! ActivityPub federation (issue 17), with Lemmy's `activitypub_federation` crate for HTTP
//! signatures and fetching remote actors. What it owns:
//!
//! - **Actors.** Every member is a `Person`, every public board of the site, every public board of
//!   a public group and every public group is a `Group` (FEP-1b12), each at the address of its
//!   page: `/u/{name}`, `/b/{slug}`, `/g/{group}/b/{slug}`, `/g/{slug}`. Those addresses answer
//!   the actor document when asked for `application/activity+json` (or the ActivityStreams
//!   `application/ld+json` profile), the HTML page otherwise (`routes`: a guard picks the
//!   handler before the forum's, so the page cache never sees a JSON request). Threads (`Page`)
//!   and posts (`Note`) answer the same way (`objects`); a public action's thread is its
//!   `Event` instead of a `Page`, with Mobilizon's fields (`events`, `event_store`). The
//!   observatory is a `Group` too, at `/observatory` (handle `observatory`), whose `Article`s
//!   are the published deployments, on their pages' addresses (`articles`). Key pairs are made
//!   when first needed (`keys`); a private key is stored sealed with the server's key and is
//!   never shown, exported or logged.
//! - **Discovery.** WebFinger and NodeInfo 2.1 (`discovery`).
//! - **Inboxes.** The shared `/inbox` and each actor's: the signature is verified by the crate,
//!   the sending instance's policy is checked first (`policy`), a replayed activity is answered
//!   without effect; `Follow` / `Undo(Follow)` of a local actor are handled (`inbox`), the
//!   `Accept` goes out through the delivery queue; remote people's replies, threads, edits,
//!   deletions and reports are taken in (`received`); everything else is acknowledged and
//!   ignored.
//! - **Deliveries.** A durable queue (`delivery`), the mail outbox's pattern: one row per
//!   activity and inbox (never two), leased by one worker (`FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL), retried with exponential backoff, marked failed after the last attempt. The
//!   crate's in-memory queue is not used: only its `SendActivityTask::prepare` and
//!   `sign_and_send`.
//! - **Announcing.** The forum sits below federation and must not call it, so `announce` reads
//!   what changed since its cursor instead of being told: new posts by id (re-reading a window
//!   of recent ids so that a transaction committing late is not skipped, each post sent once
//!   thanks to `federated_posts`), edits and hides by comparing `federated_posts` with the posts,
//!   and it does nothing at all while the site's versions have not moved. A table written by the
//!   forum's transactions would have been exact too, but would have put federation's rows into
//!   every posting path of the forum and of moderation; reading is enough here because every
//!   activity is derived from the post as it is now. An action's edits and its cancelling move
//!   its sequence, which `federated_posts` records too, so its `Event` gets an `Update`. The
//!   observatory's deployments go the same way in the same round (`announce_observatory`,
//!   `federated_deployments`): published is sent, a new version updated, unpublished deleted.
//! - **Following.** Members follow boards of other servers (`following`, `following_routes`):
//!   a mirror board here takes what the group announces, and what members post in it goes to
//!   the group (`announce`).
//! - **HTTP client.** Ours (`fetching`): no redirects, timeouts, and names resolving to private
//!   addresses refused.
//! - **Administration.** `/admin/federation`: instance policies (block, limit, allow), each change
//!   written to the moderation log, and the known instances (`admin_routes`).
//!
//! Only public content federates: a private board, a board of an unlisted group, a hidden thread,
//! a hidden or deleted post, a members-only action (its thread, wherever it is), an unpublished
//! deployment and private messages never leave. No address of a remote server is
//! stored or logged: instances are known by their domain only.

pub mod actors;
pub mod admin_routes;
pub mod announce;
pub mod announce_observatory;
pub mod article_store;
pub mod articles;
pub mod delivery;
pub mod discovery;
pub mod error;
pub mod event_store;
pub mod events;
pub mod fetching;
pub mod flag_routes;
pub mod following;
pub mod following_routes;
pub mod following_store;
pub mod inbox;
pub mod incoming;
pub mod keys;
pub mod objects;
pub mod policy;
pub mod queries;
pub mod received;
pub mod received_store;
pub mod routes;
pub mod urls;

use std::sync::Arc;

use activitypub_federation::config::{Data, FederationConfig};

use crate::db::Db;
use crate::sealing::{Sealer, ServerKey};
use crate::settings::Settings;
use policy::PolicyVerifier;
pub use urls::{authority, Urls, ACTIVITY_JSON, PUBLIC};

/// What the crate's handlers and traits get to work with.
#[derive(Clone)]
pub struct FedData {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub urls: Urls,
    /// Seals local actors' private keys before they are stored (`keys`).
    pub keys: Sealer,
}

/// Federation for one server: off, or the crate's configuration over `FedData`.
pub struct Federation {
    config: Option<FederationConfig<FedData>>,
    /// Wakes the delivery worker (`jobs::run_federation`).
    pub wake: tokio::sync::Notify,
}

impl Federation {
    /// Federation as the settings say: nothing when it is off.
    pub async fn new(settings: Arc<Settings>, db: Db) -> anyhow::Result<Federation> {
        if !settings.federation.enabled {
            return Ok(Federation {
                config: None,
                wake: tokio::sync::Notify::new(),
            });
        }
        let urls = Urls::new(settings.base_url())?;
        let allow_http = settings.federation.allow_http;
        let data = FedData {
            db: db.clone(),
            settings: settings.clone(),
            urls: urls.clone(),
            keys: ServerKey::from_settings(&settings)?.sealer(keys::SEAL_INFO)?,
        };
        let config = FederationConfig::builder()
            .domain(urls.domain.clone())
            .app_data(data)
            // `debug` lets the crate accept loopback hosts and explicit ports (tests on one
            // machine); `allow_http` plain-HTTP addresses. Production refuses both at start.
            .debug(allow_http)
            .allow_http_urls(allow_http)
            // Names resolving to private addresses are refused (loopback allowed for tests).
            .client(fetching::client(allow_http)?.into())
            .url_verifier(Box::new(PolicyVerifier {
                db,
                allowlist: settings.federation.allowlist,
                local: urls.domain.clone(),
            }))
            .build()
            .await?;
        Ok(Federation {
            config: Some(config),
            wake: tokio::sync::Notify::new(),
        })
    }

    /// True when federation is on.
    pub fn enabled(&self) -> bool {
        self.config.is_some()
    }

    /// The crate's per-request data, `None` when federation is off.
    pub fn data(&self) -> Option<Data<FedData>> {
        self.config.as_ref().map(FederationConfig::to_request_data)
    }
}
