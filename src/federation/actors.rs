//! Actors: the local ones (which address names which member, board or group, or the
//! observatory, and their documents) and the remote ones (fetched through the crate, cached in
//! `federation_remote_actors`, refreshed when the crate finds them stale).

use activitypub_federation::config::Data;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use super::error::FederationError;
use super::keys::{key_pair, LocalActor};
use super::queries::{
    self, ActorKind, BoardActor, GroupActor, NewRemoteActor, UserActor, OBSERVATORY_ID,
};
use super::urls::{authority, Urls, OBSERVATORY_PATH};
use super::FedData;
use crate::db::{Db, DbError};
use crate::sealing::Sealer;

/// A local actor that may federate.
#[derive(Debug, Clone)]
pub enum Local {
    User(UserActor),
    Board(BoardActor),
    Group(GroupActor),
    /// The observatory: a `Group` whose `Article`s are the published deployments.
    Observatory,
}

impl Local {
    /// Its kind and id, as keys and followers are stored.
    pub fn key(&self) -> (ActorKind, i64) {
        match self {
            Local::User(u) => (ActorKind::User, u.id),
            Local::Board(b) => (ActorKind::Board, b.id),
            Local::Group(g) => (ActorKind::Group, g.id),
            Local::Observatory => (ActorKind::Observatory, OBSERVATORY_ID),
        }
    }

    /// Its page, relative to the base URL (also its actor id).
    pub fn path(&self) -> String {
        match self {
            Local::User(u) => format!("/u/{}", u.username),
            Local::Board(b) => b.path(),
            Local::Group(g) => format!("/g/{}", g.slug),
            Local::Observatory => OBSERVATORY_PATH.to_owned(),
        }
    }

    /// Its actor id.
    pub fn ap_id(&self, urls: &Urls) -> String {
        urls.at(&self.path())
    }

    /// The name it goes by in handles.
    pub fn preferred_username(&self) -> String {
        match self {
            Local::User(u) => u.username.clone(),
            Local::Board(b) => match &b.group {
                Some((_, group)) => format!("{group}.{}", b.slug),
                None => b.slug.clone(),
            },
            Local::Group(g) => g.slug.clone(),
            Local::Observatory => OBSERVATORY_HANDLE.to_owned(),
        }
    }
}

/// The observatory's name in handles (`observatory@domain`).
pub const OBSERVATORY_HANDLE: &str = "observatory";

/// Finds the local actor a path names (`/u/{name}`, `/b/{slug}`, `/g/{slug}`,
/// `/g/{group}/b/{slug}`, `/observatory`), if it may federate.
pub async fn local_by_path(db: &Db, path: &str) -> Result<Option<Local>, FederationError> {
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    db.run(move |conn| {
        let found = match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["u", name] => queries::user_by_name(conn, name)?.map(Local::User),
            ["b", slug] => queries::site_board(conn, slug)?.map(Local::Board),
            ["g", slug] => queries::public_group(conn, slug)?.map(Local::Group),
            ["g", group, "b", slug] => queries::group_board(conn, group, slug)?.map(Local::Board),
            ["observatory"] => Some(Local::Observatory),
            _ => None,
        };
        Ok::<_, FederationError>(found)
    })
    .await
}

/// Finds the local actor of a stored kind and id, if it may (still) federate.
pub async fn local_by_key(
    db: &Db,
    kind: ActorKind,
    id: i64,
) -> Result<Option<Local>, FederationError> {
    db.run(move |conn| {
        let found = match kind {
            ActorKind::User => queries::user_by_id(conn, id)?.map(Local::User),
            ActorKind::Board => queries::board_by_id(conn, id)?
                .filter(|b| b.remote.is_none())
                .map(Local::Board),
            ActorKind::Group => queries::group_by_id(conn, id)?.map(Local::Group),
            ActorKind::Observatory => (id == OBSERVATORY_ID).then_some(Local::Observatory),
        };
        Ok::<_, FederationError>(found)
    })
    .await
}

/// The signer for a local actor (its key pair made now if needed).
pub async fn signer(
    db: &Db,
    sealer: &Sealer,
    urls: &Urls,
    local: &Local,
) -> Result<LocalActor, FederationError> {
    let (kind, id) = local.key();
    let keys = key_pair(db, sealer, kind, id).await?;
    let ap_id = local.ap_id(urls);
    Ok(LocalActor {
        id: parse_url(&ap_id)?,
        inbox: parse_url(&format!("{ap_id}/inbox"))?,
        keys,
    })
}

fn parse_url(s: &str) -> Result<Url, FederationError> {
    Url::parse(s).map_err(|e| FederationError::Internal(anyhow::Error::new(e)))
}

/// An RFC 3339 date for ActivityStreams.
pub fn datetime(at: NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The actor document of a local actor (`Person` or `Group`), with its public key.
pub async fn document(
    db: &Db,
    sealer: &Sealer,
    urls: &Urls,
    local: &Local,
    site_name: &str,
) -> Result<Value, FederationError> {
    let (kind, id) = local.key();
    let keys = key_pair(db, sealer, kind, id).await?;
    let ap_id = local.ap_id(urls);
    let (kind_name, name, summary, published) = match local {
        Local::User(u) => (
            "Person",
            u.username.clone(),
            String::new(),
            Some(u.created_at),
        ),
        Local::Board(b) => (
            "Group",
            b.name.clone(),
            crate::templates::escape_html(&b.description),
            Some(b.created_at),
        ),
        Local::Group(g) => (
            "Group",
            g.name.clone(),
            g.description_html.clone(),
            Some(g.created_at),
        ),
        Local::Observatory => (
            "Group",
            format!("{site_name} · Observatoire"),
            String::new(),
            None,
        ),
    };
    let mut doc = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": ap_id,
        "type": kind_name,
        "preferredUsername": local.preferred_username(),
        "name": name,
        "url": ap_id,
        "inbox": format!("{ap_id}/inbox"),
        "outbox": format!("{ap_id}/outbox"),
        "followers": format!("{ap_id}/followers"),
        "endpoints": {"sharedInbox": urls.shared_inbox()},
        "publicKey": {
            "id": format!("{ap_id}#main-key"),
            "owner": ap_id,
            "publicKeyPem": keys.public_key,
        },
        "manuallyApprovesFollowers": false,
        "discoverable": true,
        "generator": {"type": "Application", "name": site_name},
    });
    if let Some(published) = published {
        doc["published"] = Value::String(datetime(published));
    }
    if !summary.is_empty() {
        doc["summary"] = Value::String(summary);
    }
    match local {
        // FEP-1b12: anyone may post; the group announces.
        Local::Board(_) | Local::Group(_) => {
            doc["postingRestrictedToMods"] = Value::Bool(false);
        }
        // Its articles are the reviewed deployments: nobody posts to it.
        Local::Observatory => doc["postingRestrictedToMods"] = Value::Bool(true),
        Local::User(_) => {}
    }
    Ok(doc)
}

/// A collection that says how many items it has without listing them (followers are not
/// published).
pub fn counted_collection(id: &str, total: i64) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": total,
        "orderedItems": [],
    })
}

/// A collection that lists its items (an outbox: its newest activities, all of them it
/// publishes, so `totalItems` counts what is listed).
pub fn ordered_collection(id: &str, items: Vec<Value>) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })
}

/// A remote actor as its server describes it (what we read of it).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteActorJson {
    id: Url,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    preferred_username: Option<String>,
    inbox: Url,
    #[serde(default)]
    endpoints: Option<Endpoints>,
    public_key: RemoteKey,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Endpoints {
    #[serde(default)]
    shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemoteKey {
    owner: Url,
    public_key_pem: String,
}

/// A remote actor, from the cache.
#[derive(Debug, Clone)]
pub struct RemoteActor {
    pub row: queries::RemoteActorRow,
    id: Url,
    inbox: Url,
    shared_inbox: Option<Url>,
}

impl RemoteActor {
    fn from_row(row: queries::RemoteActorRow) -> Result<RemoteActor, FederationError> {
        let bad = |e: url::ParseError| FederationError::BadRequest(e.to_string());
        Ok(RemoteActor {
            id: Url::parse(&row.ap_id).map_err(bad)?,
            inbox: Url::parse(&row.inbox).map_err(bad)?,
            shared_inbox: row
                .shared_inbox
                .as_deref()
                .map(Url::parse)
                .transpose()
                .map_err(bad)?,
            row,
        })
    }
}

/// Caps on what is kept of a remote actor.
const MAX_NAME: usize = 200;
const MAX_KEY: usize = 4096;

#[async_trait::async_trait]
impl Object for RemoteActor {
    type DataType = FedData;
    type Kind = RemoteActorJson;
    type Error = FederationError;

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(DateTime::<Utc>::from_naive_utc_and_offset(
            self.row.fetched_at,
            Utc,
        ))
    }

    async fn read_from_id(
        object_id: Url,
        data: &Data<FedData>,
    ) -> Result<Option<Self>, FederationError> {
        let id = object_id.to_string();
        let row = data
            .db
            .run(move |conn| queries::remote_actor(conn, &id).map_err(DbError::from))
            .await?;
        row.map(RemoteActor::from_row).transpose()
    }

    async fn into_json(self, _data: &Data<FedData>) -> Result<RemoteActorJson, FederationError> {
        Err(FederationError::NotFound)
    }

    async fn verify(
        json: &RemoteActorJson,
        expected_domain: &Url,
        _data: &Data<FedData>,
    ) -> Result<(), FederationError> {
        // An address by IP, not by name, is neither followed nor stored.
        let named = |url: &Url| url.domain().is_some();
        let shared = json
            .endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_ref());
        if !named(&json.id) || !named(&json.inbox) || shared.is_some_and(|u| !named(u)) {
            return Err(FederationError::BadRequest(
                "actor without a domain name".into(),
            ));
        }
        verify_domains_match(&json.id, expected_domain)?;
        verify_domains_match(&json.inbox, expected_domain)?;
        if let Some(shared) = shared {
            verify_domains_match(shared, expected_domain)?;
        }
        if json.public_key.owner != json.id {
            return Err(FederationError::BadRequest(
                "key owner is not the actor".into(),
            ));
        }
        if json.public_key.public_key_pem.len() > MAX_KEY {
            return Err(FederationError::BadRequest("key too long".into()));
        }
        Ok(())
    }

    async fn from_json(
        json: RemoteActorJson,
        data: &Data<FedData>,
    ) -> Result<Self, FederationError> {
        let domain = authority(&json.id)
            .ok_or_else(|| FederationError::BadRequest("actor without host".into()))?;
        let name: String = json
            .preferred_username
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_NAME)
            .collect();
        let kind: String = json.kind.chars().take(40).collect();
        let row = data
            .db
            .write(move |conn| {
                crate::db::write_tx_private(conn, |conn| {
                    queries::upsert_remote_actor(
                        conn,
                        &NewRemoteActor {
                            ap_id: json.id.as_str(),
                            kind: &kind,
                            name: &name,
                            domain: &domain,
                            inbox: json.inbox.as_str(),
                            shared_inbox: json
                                .endpoints
                                .as_ref()
                                .and_then(|e| e.shared_inbox.as_ref())
                                .map(Url::as_str),
                            public_key: &json.public_key.public_key_pem,
                        },
                    )
                })
                .map_err(DbError::from)
            })
            .await?;
        RemoteActor::from_row(row)
    }
}

impl Actor for RemoteActor {
    fn id(&self) -> Url {
        self.id.clone()
    }

    fn public_key_pem(&self) -> &str {
        &self.row.public_key
    }

    fn private_key_pem(&self) -> Option<String> {
        None
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.shared_inbox.clone()
    }
}
