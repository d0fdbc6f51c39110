//! The background jobs every server process runs, and when: fanning out new posts into
//! notifications, sending the outbox, queueing due digests and the actions' reminders, purging old sent mail, lifting
//! pins whose date has passed, forgetting unconfirmed manifesto signatures and sweeping expired
//! sessions, tokens and links (`crate::maintenance`). Requests wake
//! it (through `Mailer::wake`) after they commit something for it; otherwise it looks every
//! `mail.poll_seconds` (which is how the other instances sharing a PostgreSQL database notice
//! work). Each job's work lives in the feature that owns it; this module only schedules.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::db::{Db, DbConnection};
use crate::mail::sender::{send_round, BATCH};
use crate::mail::{outbox, Mailer};
use crate::notifications::{digest, fanout};
use crate::settings::Settings;
use crate::web::error::AppError;

/// How often expired sessions, tokens and links are swept (a bounded batch of each).
const SWEEP_EVERY: Duration = Duration::from_secs(300);

/// What the jobs need: the database, the settings and the mailer.
#[derive(Clone)]
pub struct Jobs {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub mailer: Arc<Mailer>,
}

impl Jobs {
    /// Runs `f` with a pooled connection off the async threads.
    async fn blocking<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&Jobs, &mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let jobs = self.clone();
        self.db.run(move |conn| f(&jobs, conn)).await
    }
}

/// Runs forever (until the runtime stops).
pub async fn run(jobs: Jobs) {
    let poll = Duration::from_secs(jobs.settings.mail.poll_seconds.max(1));
    let mut next_digest_check = Instant::now();
    let mut next_purge = Instant::now();
    let mut next_sweep = Instant::now() + SWEEP_EVERY;
    loop {
        let mut busy = false;
        match jobs
            .blocking(|jobs, conn| fanout::run_batch(&jobs.mailer, &jobs.settings, conn, 20))
            .await
        {
            Ok(n) => busy |= n > 0,
            Err(e) => tracing::warn!(error = ?e, "fan-out round failed"),
        }
        // Reminders go out the day before an action, once per action and person (an indexed
        // look at the actions starting within a day: cheap enough for every round).
        match jobs
            .blocking(|jobs, conn| {
                crate::actions::answers::send_reminders(conn, &jobs.mailer, crate::db::now())
            })
            .await
        {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(reminders = n, "action reminders queued");
                busy = true;
            }
            Err(e) => tracing::warn!(error = ?e, "reminder round failed"),
        }
        match send_round(&jobs.db, &jobs.mailer, &jobs.settings.mail).await {
            Ok(n) => busy |= n as i64 >= BATCH,
            Err(e) => tracing::warn!(error = ?e, "outbox round failed"),
        }
        if Instant::now() >= next_digest_check {
            next_digest_check = Instant::now() + Duration::from_secs(60);
            let now = crate::db::now();
            // Pins that end on a date are lifted here too, within a minute of their end.
            if let Err(e) = jobs
                .blocking(move |_, conn| {
                    crate::moderation::threads::unpin_expired(conn, now).map_err(AppError::from)
                })
                .await
            {
                tracing::warn!(error = ?e, "unpinning ended pins failed");
            }
            match jobs
                .blocking(move |jobs, conn| {
                    digest::send_due(&jobs.mailer, &jobs.settings, conn, now, false)
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
            let days = jobs.settings.mail.keep_sent_days;
            if let Err(e) = jobs
                .blocking(move |_, conn| outbox::purge_sent(conn, days).map_err(AppError::from))
                .await
            {
                tracing::warn!(error = ?e, "outbox purge failed");
            }
            // Unconfirmed manifesto signatures are forgotten after their link expires, as the
            // confirmation mail promises.
            if let Err(e) = jobs
                .blocking(move |_, conn| {
                    crate::db::write_tx_private(conn, |conn| {
                        crate::observatory::manifesto_store::purge_unconfirmed(
                            conn,
                            crate::db::now(),
                        )
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
            let idle = chrono::Duration::hours(jobs.settings.security.session_idle_hours);
            let now = crate::db::now();
            match jobs
                .blocking(move |_, conn| {
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
                _ = jobs.mailer.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}
