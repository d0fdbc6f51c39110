//! An activity as an inbox receives it (the parts every kind has, its object left as it came),
//! and what handling one needs to read of it: the id an object names, the local actor an
//! address names.

use activitypub_federation::config::Data;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::actors::{local_by_path, Local};
use super::error::FederationError;
use super::FedData;

/// An activity as received: the parts every kind has, the object left as it came.
#[derive(Debug, Deserialize)]
pub struct Incoming {
    pub(super) id: Url,
    pub(super) actor: Url,
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) object: Value,
    /// A `Flag`'s text.
    #[serde(default)]
    pub(super) content: Option<String>,
}

/// The id an object names: itself when it is a string, its `id` when it is an object.
pub(super) fn object_id(object: &Value) -> Option<&str> {
    object
        .as_str()
        .or_else(|| object.get("id").and_then(Value::as_str))
}

/// The local actor an address names, when it is ours and may federate.
pub(super) async fn local_target(
    data: &Data<FedData>,
    target: &str,
) -> Result<Local, FederationError> {
    let path = target
        .strip_prefix(&data.urls.base)
        .filter(|rest| rest.starts_with('/'))
        .ok_or(FederationError::NotFound)?;
    local_by_path(&data.db, path)
        .await?
        .ok_or(FederationError::NotFound)
}
