//! Sending the outbox: leases due mails, sends each through the transport and records the
//! outcome (sent, or retried with backoff, or failed for good). The background jobs call it
//! in a loop (`crate::jobs`); `vigie mail digest` calls it once.

use super::outbox::{self, RetryPolicy};
use super::transport::build_message;
use super::Mailer;
use crate::db::{Db, DbError};
use crate::settings::MailSettings;

/// Mails leased per round.
pub const BATCH: i64 = 20;

/// Leases due mails and sends them one by one; returns how many were leased.
pub async fn send_round(
    db: &Db,
    mailer: &Mailer,
    settings: &MailSettings,
) -> Result<usize, DbError> {
    let lease = chrono::Duration::seconds((settings.smtp_timeout_seconds * 4 + 60) as i64);
    let now = crate::db::now();
    let due = db
        .run(move |conn| outbox::any_due(conn, now).map_err(DbError::from))
        .await?;
    if !due {
        return Ok(0);
    }
    // The lease and the outcomes are writes: they take their turn with the posters
    // (`Db::write`); the sending itself happens between turns.
    let batch = db
        .write(move |conn| outbox::lease_due(conn, now, BATCH, lease).map_err(DbError::from))
        .await?;
    let policy = RetryPolicy {
        base_seconds: settings.retry_base_seconds.max(1),
        max_seconds: settings.retry_max_seconds.max(1),
        max_attempts: settings.max_attempts.max(1),
    };
    let taken = batch.len();
    for mail in batch {
        let label = format!("{}-{}", mail.id, mail.kind);
        let result = match build_message(&mail, &mailer.sender()) {
            Ok(message) => mailer.transport.send(message, &label).await,
            Err(failure) => Err(failure),
        };
        let now = crate::db::now();
        match result {
            Ok(_) => {
                tracing::info!(outbox_id = mail.id, kind = %mail.kind, transport = mailer.transport.name(), "mail sent");
                db.write(move |conn| outbox::mark_sent(conn, &mail, now).map_err(DbError::from))
                    .await?;
            }
            Err(failure) => {
                let id = mail.id;
                let gave_up = db
                    .write(move |conn| {
                        outbox::mark_failed(
                            conn,
                            &mail,
                            &failure.message,
                            failure.permanent,
                            policy,
                            now,
                        )
                        .map_err(DbError::from)
                    })
                    .await?;
                tracing::warn!(
                    outbox_id = id,
                    gave_up,
                    "mail not sent; {}",
                    if gave_up {
                        "marked failed"
                    } else {
                        "will retry"
                    }
                );
            }
        }
    }
    Ok(taken)
}
