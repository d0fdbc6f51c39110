//! Local actors' RSA key pairs: made the first time an actor is shown or signs (2048 bits, off
//! the async threads), stored once per actor (a race between two requests keeps the first).
//! The private key is stored sealed (`crate::sealing`, under its own subkey of the server's
//! key, bound to its actor), so a copy of the database cannot sign as this instance; a key
//! written before sealing is sealed in place when next read. The private key leaves this module
//! only inside a `LocalActor` used to sign a delivery: it is never serialised, shown, exported
//! or logged.

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
use crate::sealing::{SealError, Sealer};

/// HKDF's `info` of the subkey that seals private keys.
pub const SEAL_INFO: &[u8] = b"vigie/federation/actor-private-key/v1";

/// How a private key written before sealing begins.
const PLAIN_PEM: &str = "-----BEGIN";

/// A key pair as used (the private key opened).
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

impl From<SealError> for FederationError {
    fn from(e: SealError) -> Self {
        FederationError::Internal(anyhow::Error::new(e))
    }
}

/// What binds a sealed private key to its actor.
fn owner(kind: ActorKind, id: i64) -> Vec<u8> {
    format!("vigie-actor-key:{}:{id}", kind.as_str()).into_bytes()
}

/// The stored public key and (sealed, or plain if written before sealing) private key.
fn stored(
    conn: &mut DbConnection,
    kind: ActorKind,
    id: i64,
) -> QueryResult<Option<(String, String)>> {
    federation_keys::table
        .filter(federation_keys::actor_kind.eq(kind.as_str()))
        .filter(federation_keys::local_id.eq(id))
        .select((federation_keys::public_key, federation_keys::private_key))
        .first(conn)
        .optional()
}

/// Opens a stored pair.
fn opened(
    sealer: &Sealer,
    kind: ActorKind,
    id: i64,
    (public_key, private_key): (String, String),
) -> Result<KeyPair, FederationError> {
    let private_key = if private_key.starts_with(PLAIN_PEM) {
        private_key
    } else {
        let pem = sealer.unseal(&owner(kind, id), &private_key)?;
        String::from_utf8(pem).map_err(|e| FederationError::Internal(anyhow::Error::new(e)))?
    };
    Ok(KeyPair {
        public_key,
        private_key,
    })
}

/// The key pair of a local actor, made and stored now if it has none.
pub async fn key_pair(
    db: &Db,
    sealer: &Sealer,
    kind: ActorKind,
    id: i64,
) -> Result<KeyPair, FederationError> {
    if let Some(row) = db
        .run(move |conn| stored(conn, kind, id).map_err(DbError::from))
        .await?
    {
        if row.1.starts_with(PLAIN_PEM) {
            // Written before private keys were sealed: sealed now, in place (only if still
            // plain, so two requests doing it at once agree).
            let sealed = sealer.seal(&owner(kind, id), row.1.as_bytes())?;
            let plain = row.1.clone();
            db.write(move |conn| {
                diesel::update(
                    federation_keys::table
                        .filter(federation_keys::actor_kind.eq(kind.as_str()))
                        .filter(federation_keys::local_id.eq(id))
                        .filter(federation_keys::private_key.eq(plain)),
                )
                .set(federation_keys::private_key.eq(sealed))
                .execute(conn)
                .map_err(DbError::from)
            })
            .await?;
        }
        return opened(sealer, kind, id, row);
    }
    let fresh = tokio::task::spawn_blocking(generate_actor_keypair)
        .await
        .map_err(|e| FederationError::Internal(anyhow::Error::new(e)))??;
    let sealed = sealer.seal(&owner(kind, id), fresh.private_key.as_bytes())?;
    let row = db
        .write(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_keys::table)
                    .values((
                        federation_keys::actor_kind.eq(kind.as_str()),
                        federation_keys::local_id.eq(id),
                        federation_keys::public_key.eq(&fresh.public_key),
                        federation_keys::private_key.eq(&sealed),
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
    opened(sealer, kind, id, row.ok_or(FederationError::NotFound)?)
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
