//! The durable delivery queue (`federation_deliveries`), as the mail outbox does it: an activity
//! is written for each inbox in the transaction that decides it (an `Accept` with its follower,
//! an announce with the cursor that found the post), at most once per activity and inbox (a
//! unique key: queueing the same activity again does nothing). A worker leases due rows (`FOR
//! UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite, so several servers on one
//! database never deliver a row twice), signs each with its actor's key and posts it through
//! the crate (`SendActivityTask::prepare` + `sign_and_send`), then records the outcome:
//! delivered, retried with exponential backoff, or failed after the last attempt. A remote
//! server that refuses an activity for good (a 4xx other than 408 and 429) counts as delivered,
//! as the crate has it. A refused instance (blocked, or not allowed) fails at once.

use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::Data;
use activitypub_federation::traits::ActivityHandler;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Serialize, Serializer};
use serde_json::Value;
use url::Url;

use super::actors::{local_by_key, signer};
use super::error::FederationError;
use super::queries::ActorKind;
use super::urls::authority;
use super::FedData;
use crate::db::schema::federation_deliveries;
use crate::db::{write_tx_private, DbConnection, DbError};
use crate::mail::outbox::RetryPolicy;

/// Deliveries leased per round.
pub const BATCH: i64 = 20;

/// How long a lease lasts: longer than a batch of requests at the crate's 10-second timeout.
const LEASE_SECONDS: i64 = 300;

/// Queues `activity`, signed by the local actor `(kind, id)`, for each inbox (once per inbox
/// and activity); returns how many rows were new. Runs in the caller's transaction.
pub fn queue(
    conn: &mut DbConnection,
    kind: ActorKind,
    actor_id: i64,
    activity: &Value,
    inboxes: &[String],
) -> QueryResult<usize> {
    let activity_id = activity["id"].as_str().unwrap_or_default().to_owned();
    let body = activity.to_string();
    let now = crate::db::now();
    let mut written = 0;
    for inbox in inboxes {
        let Some(domain) = Url::parse(inbox).ok().as_ref().and_then(authority) else {
            continue;
        };
        written += crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_deliveries::table)
            .values((
                federation_deliveries::activity_id.eq(&activity_id),
                federation_deliveries::actor_kind.eq(kind.as_str()),
                federation_deliveries::actor_local_id.eq(actor_id),
                federation_deliveries::inbox.eq(inbox),
                federation_deliveries::domain.eq(&domain),
                federation_deliveries::activity.eq(&body),
                federation_deliveries::status.eq("pending"),
                federation_deliveries::attempts.eq(0),
                federation_deliveries::next_attempt_at.eq(now),
                federation_deliveries::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(written)
}

/// A leased delivery.
#[derive(Debug, Clone, Queryable)]
pub struct Leased {
    pub id: i64,
    pub activity_id: String,
    pub actor_kind: String,
    pub actor_local_id: i64,
    pub inbox: String,
    pub activity: String,
    pub attempts: i64,
    pub claimed_until: Option<NaiveDateTime>,
}

/// Whether any delivery is due (a plain read, no write lock).
pub fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<bool> {
    let due: Option<i64> = federation_deliveries::table
        .filter(federation_deliveries::status.eq("pending"))
        .filter(federation_deliveries::next_attempt_at.le(now))
        .filter(
            federation_deliveries::claimed_until
                .is_null()
                .or(federation_deliveries::claimed_until.lt(now)),
        )
        .select(federation_deliveries::id)
        .first(conn)
        .optional()?;
    Ok(due.is_some())
}

/// Leases up to `limit` due deliveries.
pub fn lease_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Leased>> {
    write_tx_private(conn, |conn| {
        let due = federation_deliveries::table
            .filter(federation_deliveries::status.eq("pending"))
            .filter(federation_deliveries::next_attempt_at.le(now))
            .filter(
                federation_deliveries::claimed_until
                    .is_null()
                    .or(federation_deliveries::claimed_until.lt(now)),
            )
            .order(federation_deliveries::id)
            .limit(limit)
            .select(federation_deliveries::id);
        let ids: Vec<i64> = match conn {
            DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let until = now + Duration::seconds(LEASE_SECONDS);
        diesel::update(federation_deliveries::table.filter(federation_deliveries::id.eq_any(&ids)))
            .set(federation_deliveries::claimed_until.eq(until))
            .execute(conn)?;
        federation_deliveries::table
            .filter(federation_deliveries::id.eq_any(&ids))
            .order(federation_deliveries::id)
            .select((
                federation_deliveries::id,
                federation_deliveries::activity_id,
                federation_deliveries::actor_kind,
                federation_deliveries::actor_local_id,
                federation_deliveries::inbox,
                federation_deliveries::activity,
                federation_deliveries::attempts,
                federation_deliveries::claimed_until,
            ))
            .load(conn)
    })
}

/// Records a delivery.
fn mark_delivered(conn: &mut DbConnection, row: &Leased, now: NaiveDateTime) -> QueryResult<()> {
    write_tx_private(conn, |conn| {
        diesel::update(
            federation_deliveries::table
                .find(row.id)
                .filter(federation_deliveries::claimed_until.eq(row.claimed_until)),
        )
        .set((
            federation_deliveries::status.eq("delivered"),
            federation_deliveries::delivered_at.eq(now),
            federation_deliveries::attempts.eq(row.attempts + 1),
            federation_deliveries::claimed_until.eq(None::<NaiveDateTime>),
            federation_deliveries::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
        Ok(())
    })
}

/// Records a failed attempt; returns whether it was the last one.
fn mark_failed(
    conn: &mut DbConnection,
    row: &Leased,
    error: &str,
    permanent: bool,
    policy: RetryPolicy,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let attempts = row.attempts + 1;
    let give_up = permanent || attempts >= policy.max_attempts;
    let error: String = error.chars().take(500).collect();
    write_tx_private(conn, |conn| {
        diesel::update(
            federation_deliveries::table
                .find(row.id)
                .filter(federation_deliveries::claimed_until.eq(row.claimed_until)),
        )
        .set((
            federation_deliveries::status.eq(if give_up { "failed" } else { "pending" }),
            federation_deliveries::attempts.eq(attempts),
            federation_deliveries::last_error.eq(&error),
            federation_deliveries::next_attempt_at.eq(now + policy.delay(attempts)),
            federation_deliveries::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        Ok(give_up)
    })
}

/// Deletes delivered rows older than `before`.
pub fn purge_delivered(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        federation_deliveries::table
            .filter(federation_deliveries::status.eq("delivered"))
            .filter(federation_deliveries::delivered_at.lt(before)),
    )
    .execute(conn)
}

/// Counts by state (pending, delivered, failed), for the admin page.
pub fn counts(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    federation_deliveries::table
        .group_by(federation_deliveries::status)
        .select((federation_deliveries::status, diesel::dsl::count_star()))
        .load(conn)
}

/// A stored activity, handed to the crate's sender as it was written.
#[derive(Debug)]
pub struct StoredActivity {
    id: Url,
    actor: Url,
    json: Value,
}

impl StoredActivity {
    fn parse(text: &str) -> Result<StoredActivity, FederationError> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| FederationError::Internal(anyhow::Error::new(e)))?;
        let url = |field: &str| {
            json[field]
                .as_str()
                .and_then(|s| Url::parse(s).ok())
                .ok_or_else(|| {
                    FederationError::BadRequest(format!("stored activity without {field}"))
                })
        };
        Ok(StoredActivity {
            id: url("id")?,
            actor: url("actor")?,
            json,
        })
    }
}

impl Serialize for StoredActivity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

#[async_trait::async_trait]
impl ActivityHandler for StoredActivity {
    type DataType = FedData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<FedData>) -> Result<(), FederationError> {
        // Only ever sent, never received.
        Err(FederationError::NotFound)
    }

    async fn receive(self, _data: &Data<FedData>) -> Result<(), FederationError> {
        Err(FederationError::NotFound)
    }
}

/// The outcome of one attempt.
enum Outcome {
    Delivered,
    Retry(String),
    GiveUp(String),
}

/// Signs and sends one leased delivery.
async fn attempt(data: &Data<FedData>, row: &Leased) -> Outcome {
    let Some(kind) = ActorKind::parse(&row.actor_kind) else {
        return Outcome::GiveUp("unknown actor kind".into());
    };
    let local = match local_by_key(&data.db, kind, row.actor_local_id).await {
        Ok(Some(local)) => local,
        // The board went private, the member left: nothing goes out in their name any more.
        Ok(None) => return Outcome::GiveUp("the local actor no longer federates".into()),
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let actor = match signer(&data.db, &data.keys, &data.urls, &local).await {
        Ok(actor) => actor,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let activity = match StoredActivity::parse(&row.activity) {
        Ok(a) => a,
        Err(e) => return Outcome::GiveUp(e.to_string()),
    };
    let Ok(inbox) = Url::parse(&row.inbox) else {
        return Outcome::GiveUp("bad inbox address".into());
    };
    let tasks = match SendActivityTask::prepare(&activity, &actor, vec![inbox], data).await {
        Ok(tasks) => tasks,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    // `prepare` leaves out an inbox the policy or the address rules refuse.
    let Some(task) = tasks.first() else {
        return Outcome::GiveUp("inbox refused (instance policy or address)".into());
    };
    match task.sign_and_send(data).await {
        Ok(()) => Outcome::Delivered,
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

/// Leases due deliveries and sends them, a batch at a time concurrently; returns how many were
/// leased.
pub async fn send_round(data: &Data<FedData>) -> Result<usize, DbError> {
    let now = crate::db::now();
    let due = data
        .db
        .run(move |conn| any_due(conn, now).map_err(DbError::from))
        .await?;
    if !due {
        return Ok(0);
    }
    let batch = data
        .db
        .write(move |conn| lease_due(conn, now, BATCH).map_err(DbError::from))
        .await?;
    let settings = &data.settings.federation;
    let policy = RetryPolicy {
        base_seconds: settings.retry_base_seconds.max(1),
        max_seconds: settings.retry_max_seconds.max(1),
        max_attempts: settings.max_attempts.max(1),
    };
    let taken = batch.len();
    let mut running = tokio::task::JoinSet::new();
    for row in batch {
        let data = data.reset_request_count();
        running.spawn(async move {
            let outcome = attempt(&data, &row).await;
            let now = crate::db::now();
            let id = row.id;
            let recorded = match outcome {
                Outcome::Delivered => {
                    tracing::info!(delivery_id = id, activity = %row.activity_id, "activity delivered");
                    data.db
                        .write(move |conn| mark_delivered(conn, &row, now).map_err(DbError::from))
                        .await
                }
                Outcome::Retry(error) => record_failure(&data, row, error, false, policy, now).await,
                Outcome::GiveUp(error) => record_failure(&data, row, error, true, policy, now).await,
            };
            if let Err(e) = recorded {
                tracing::warn!(error = ?e, delivery_id = id, "delivery outcome not recorded");
            }
        });
    }
    while running.join_next().await.is_some() {}
    Ok(taken)
}

async fn record_failure(
    data: &Data<FedData>,
    row: Leased,
    error: String,
    permanent: bool,
    policy: RetryPolicy,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let id = row.id;
    let gave_up = data
        .db
        .write(move |conn| {
            mark_failed(conn, &row, &error, permanent, policy, now).map_err(DbError::from)
        })
        .await?;
    tracing::warn!(
        delivery_id = id,
        gave_up,
        "activity not delivered; {}",
        if gave_up {
            "marked failed"
        } else {
            "will retry"
        }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_activity_is_sent_exactly_as_written() {
        let text = r#"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://v.example/ap/activities/accept/1","type":"Accept","actor":"https://v.example/b/general","object":{"type":"Follow"}}"#;
        let activity = StoredActivity::parse(text).expect("parsed");
        assert_eq!(
            activity.id().as_str(),
            "https://v.example/ap/activities/accept/1"
        );
        assert_eq!(activity.actor().as_str(), "https://v.example/b/general");
        let sent: Value = serde_json::to_value(&activity).expect("serialised");
        assert_eq!(sent, serde_json::from_str::<Value>(text).expect("json"));
        assert!(StoredActivity::parse(r#"{"id":"x"}"#).is_err());
    }
}
