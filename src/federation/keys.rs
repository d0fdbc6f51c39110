//! Local actors' RSA key pairs: made the first time an actor is shown or signs (2048 bits, off
//! the async threads), stored once per actor (a race between two requests keeps the first).
//! The private key leaves this module only inside a `LocalActor` used to sign a delivery: it is
//! never serialised, shown, exported or logged.

use activitypub_federation::config::Data;
use activitypub_federation::http_signatures::generate_actor_keypair;
use activitypub_federation::traits::{Actor, Object};
use diesel::prelude::*;
use url::Url;

use super::error::FederationError;
use super::queries::ActorKind;
use super::FedData;
use crate::db::schema::federation_keys;
use crate::db::{Db, DbConnection, DbError};

/// A key pair as stored.
#[derive(Clone)]
pub struct KeyPair {
    pub public_key: String,
    private_key: String,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

fn stored(conn: &mut DbConnection, kind: ActorKind, id: i64) -> QueryResult<Option<KeyPair>> {
    let row: Option<(String, String)> = federation_keys::table
        .filter(federation_keys::actor_kind.eq(kind.as_str()))
        .filter(federation_keys::local_id.eq(id))
        .select((federation_keys::public_key, federation_keys::private_key))
        .first(conn)
        .optional()?;
    Ok(row.map(|(public_key, private_key)| KeyPair {
        public_key,
        private_key,
    }))
}

/// The key pair of a local actor, made and stored now if it has none.
pub async fn key_pair(db: &Db, kind: ActorKind, id: i64) -> Result<KeyPair, FederationError> {
    if let Some(pair) = db
        .run(move |conn| stored(conn, kind, id).map_err(DbError::from))
        .await?
    {
        return Ok(pair);
    }
    let fresh = tokio::task::spawn_blocking(generate_actor_keypair)
        .await
        .map_err(|e| FederationError::Internal(anyhow::Error::new(e)))??;
    let pair = db
        .write(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_keys::table)
                    .values((
                        federation_keys::actor_kind.eq(kind.as_str()),
                        federation_keys::local_id.eq(id),
                        federation_keys::public_key.eq(&fresh.public_key),
                        federation_keys::private_key.eq(&fresh.private_key),
                        federation_keys::created_at.eq(crate::db::now()),
                    ))
                    .on_conflict_do_nothing()
                    .execute(c))?;
                stored(conn, kind, id)
            })
            .map_err(DbError::from)
        })
        .await?;
    tracing::info!(
        actor_kind = kind.as_str(),
        local_id = id,
        "actor key pair made"
    );
    pair.ok_or(FederationError::NotFound)
}

/// A local actor able to sign: what the crate's sender needs, nothing more.
#[derive(Debug, Clone)]
pub struct LocalActor {
    pub id: Url,
    pub inbox: Url,
    pub keys: KeyPair,
}

#[async_trait::async_trait]
impl Object for LocalActor {
    type DataType = FedData;
    type Kind = serde_json::Value;
    type Error = FederationError;

    async fn read_from_id(
        _object_id: Url,
        _data: &Data<FedData>,
    ) -> Result<Option<Self>, FederationError> {
        // Local actors are never looked up through the crate.
        Ok(None)
    }

    async fn into_json(self, _data: &Data<FedData>) -> Result<serde_json::Value, FederationError> {
        Err(FederationError::NotFound)
    }

    async fn verify(
        _json: &serde_json::Value,
        _expected_domain: &Url,
        _data: &Data<FedData>,
    ) -> Result<(), FederationError> {
        Err(FederationError::NotFound)
    }

    async fn from_json(
        _json: serde_json::Value,
        _data: &Data<FedData>,
    ) -> Result<Self, FederationError> {
        Err(FederationError::NotFound)
    }
}

impl Actor for LocalActor {
    fn id(&self) -> Url {
        self.id.clone()
    }

    fn public_key_pem(&self) -> &str {
        &self.keys.public_key
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(self.keys.private_key.clone())
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}
