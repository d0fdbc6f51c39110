//! The background worker every server process runs: it fans out new posts into notifications,
//! sends the outbox, queues due digests, purges old sent mail, unpins threads whose pin
//! ended and sweeps expired sessions, tokens and links (`maintenance`). Requests wake it after they commit something for it; otherwise it looks every `mail.poll_seconds` (which is how the other
//! instances sharing a PostgreSQL database notice work).

use std::time::{Duration, Instant};

use actix_web::web::Data;

use super::outbox::{self, RetryPolicy};
use super::transport::build_message;
use crate::db::DbConnection;
use crate::notifications::{digest, fanout};
use crate::web::error::AppError;
use crate::web::AppState;

/// Mails leased per round.
const BATCH: i64 = 20;

/// How often expired sessions, tokens and links are swept (a bounded batch of each).
const SWEEP_EVERY: Duration = Duration::from_secs(300);

/// Runs a closure with a pooled connection on the blocking pool.
async fn blocking<T, F>(state: &Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&AppState, &mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = state
            .pool
            .get()
            .map_err(|e| AppError::internal(anyhow::Error::new(e)))?;
        f(&state, &mut conn)
    })
    .await
    .map_err(|e| AppError::internal(anyhow::Error::new(e)))?
}

/// Runs forever (until the runtime stops).
pub async fn run(state: Data<AppState>) {
    let poll = Duration::from_secs(state.settings.mail.poll_seconds.max(1));
    let mut next_digest_check = Instant::now();
    let mut next_purge = Instant::now();
    let mut next_sweep = Instant::now() + SWEEP_EVERY;
    loop {
        let mut busy = false;
        match blocking(&state, |state, conn| fanout::run_batch(state, conn, 20)).await {
            Ok(n) => busy |= n > 0,
            Err(e) => tracing::warn!(error = ?e, "fan-out round failed"),
        }
        match send_round(&state).await {
            Ok(n) => busy |= n as i64 >= BATCH,
            Err(e) => tracing::warn!(error = ?e, "outbox round failed"),
        }
        if Instant::now() >= next_digest_check {
            next_digest_check = Instant::now() + Duration::from_secs(60);
            let now = crate::db::now();
            // Pins that end on a date are lifted here too, within a minute of their end.
            if let Err(e) = blocking(&state, move |_, conn| {
                crate::moderation::threads::unpin_expired(conn, now).map_err(AppError::from)
            })
            .await
            {
                tracing::warn!(error = ?e, "unpinning ended pins failed");
            }
            match blocking(&state, move |state, conn| {
                digest::send_due(state, conn, now, false)
            })
            .await
            {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(digests = n, "digests queued");
                    busy = true;
                }
                Err(e) => tracing::warn!(error = ?e, "digest round failed"),
            }
        }
        if Instant::now() >= next_purge {
            next_purge = Instant::now() + Duration::from_secs(3600);
            let days = state.settings.mail.keep_sent_days;
            if let Err(e) = blocking(&state, move |_, conn| {
                outbox::purge_sent(conn, days).map_err(AppError::from)
            })
            .await
            {
                tracing::warn!(error = ?e, "outbox purge failed");
            }
            // Unconfirmed manifesto signatures are forgotten after their link expires, as the
            // confirmation mail promises.
            if let Err(e) = blocking(&state, move |_, conn| {
                crate::db::write_tx_private(conn, |conn| {
                    crate::observatory::manifesto_store::purge_unconfirmed(conn, crate::db::now())
                })
                .map_err(AppError::from)
            })
            .await
            {
                tracing::warn!(error = ?e, "manifesto purge failed");
            }
        }
        if Instant::now() >= next_sweep {
            next_sweep = Instant::now() + SWEEP_EVERY;
            let idle = chrono::Duration::hours(state.settings.security.session_idle_hours);
            let now = crate::db::now();
            match blocking(&state, move |_, conn| {
                crate::maintenance::sweep_once(conn, now, idle, crate::maintenance::BATCH)
                    .map_err(AppError::from)
            })
            .await
            {
                Ok(swept) if swept.total() > 0 => {
                    tracing::info!(
                        sessions = swept.sessions,
                        email_tokens = swept.email_tokens,
                        signatures = swept.signatures,
                        invites = swept.invites,
                        "expired rows swept"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "sweep of expired rows failed"),
            }
        }
        if !busy {
            tokio::select! {
                _ = state.mailer.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// Leases due mails and sends them one by one; returns how many were leased.
pub async fn send_round(state: &Data<AppState>) -> Result<usize, AppError> {
    let settings = &state.settings.mail;
    let lease = chrono::Duration::seconds((settings.smtp_timeout_seconds * 4 + 60) as i64);
    let now = crate::db::now();
    let batch = blocking(state, move |_, conn| {
        outbox::lease_due(conn, now, BATCH, lease).map_err(AppError::from)
    })
    .await?;
    let policy = RetryPolicy {
        base_seconds: settings.retry_base_seconds.max(1),
        max_seconds: settings.retry_max_seconds.max(1),
        max_attempts: settings.max_attempts.max(1),
    };
    let taken = batch.len();
    for mail in batch {
        let label = format!("{}-{}", mail.id, mail.kind);
        let result = match build_message(
            &mail,
            &state.mailer.from_named(&state.config.get().site_name),
        ) {
            Ok(message) => state.mailer.transport.send(message, &label).await,
            Err(failure) => Err(failure),
        };
        let now = crate::db::now();
        match result {
            Ok(_) => {
                tracing::info!(outbox_id = mail.id, kind = %mail.kind, transport = state.mailer.transport.name(), "mail sent");
                blocking(state, move |_, conn| {
                    outbox::mark_sent(conn, &mail, now).map_err(AppError::from)
                })
                .await?;
            }
            Err(failure) => {
                let id = mail.id;
                let gave_up = blocking(state, move |_, conn| {
                    outbox::mark_failed(
                        conn,
                        &mail,
                        &failure.message,
                        failure.permanent,
                        policy,
                        now,
                    )
                    .map_err(AppError::from)
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
