//! The background jobs every server process runs, and when: fanning out new posts into
//! notifications, sending the outbox, queueing due digests and the actions' reminders, purging old sent mail, lifting
//! pins whose date has passed, forgetting unconfirmed manifesto signatures and sweeping expired
//! sessions, tokens and links (`crate::maintenance`). Requests wake
//! it (through `Mailer::wake`) after they commit something for it; otherwise it looks every
//! `mail.poll_seconds` (which is how the other instances sharing a PostgreSQL database notice
//! work). Each job's work lives in the feature that owns it; this module only schedules.
//!
//! Federation has a loop of its own (`run_federation`): its deliveries wait on remote servers
//! (up to the crate's 10-second timeout each), which must not hold up the mail.
//!
//! Every write of a job takes its turn in the write queue (`Db::write`) like the posters do, one
//! small transaction per turn (a post fanned out, a digest, an action's reminders), so on SQLite
//! a job never fights a poster for the lock nor keeps posters waiting long; the reads that decide
//! whether there is anything to do take no turn.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::db::{Db, DbConnection};
use crate::federation::{announce, delivery, Federation};
use crate::mail::sender::{send_round, BATCH};
use crate::mail::{outbox, Mailer};
use crate::notifications::{digest, fanout};
use crate::settings::Settings;
use crate::web::error::AppError;

/// How often expired sessions, tokens and links are swept (a bounded batch of each).
const SWEEP_EVERY: Duration = Duration::from_secs(300);

/// What the jobs need: the database, the settings, the mailer and federation.
#[derive(Clone)]
pub struct Jobs {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub mailer: Arc<Mailer>,
    pub federation: Arc<Federation>,
}

impl Jobs {
    /// Runs `f`, which only reads, with a pooled connection off the async threads.
    async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&Jobs, &mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let jobs = self.clone();
        self.db.run(move |conn| f(&jobs, conn)).await
    }

    /// Runs `f`, which writes, in its turn in the write queue (see `Db::write`).
    async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&Jobs, &mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let jobs = self.clone();
        self.db.write(move |conn| f(&jobs, conn)).await
    }

    /// Fans out the queued posts, each in its own turn; returns how many were leased.
    async fn fan_out_round(&self) -> Result<usize, AppError> {
        if !self.read(|_, conn| Ok(fanout::any_due(conn)?)).await? {
            return Ok(0);
        }
        let leased = self.write(|_, conn| Ok(fanout::lease(conn, 20)?)).await?;
        let taken = leased.len();
        for post in leased {
            if let Err(e) = self
                .write(move |jobs, conn| fanout::fan_out(&jobs.mailer, &jobs.settings, conn, post))
                .await
            {
                tracing::warn!(error = ?e, post_id = post.post_id(), "fan-out failed; it will be retried");
            }
        }
        Ok(taken)
    }

    /// Queues the actions' reminders due now, one action per turn; returns how many.
    async fn reminders_round(&self) -> Result<usize, AppError> {
        let now = crate::db::now();
        let due = self
            .read(move |_, conn| crate::actions::answers::due_reminders(conn, now))
            .await?;
        let mut queued = 0;
        for action in due {
            queued += self
                .write(move |jobs, conn| {
                    crate::actions::answers::send_reminders(conn, &jobs.mailer, &action, now)
                })
                .await?;
        }
        Ok(queued)
    }

    /// Queues the digests due now, one reader per turn; returns how many.
    async fn digest_round(&self, now: chrono::NaiveDateTime) -> Result<usize, AppError> {
        let due = self
            .read(move |jobs, conn| Ok(digest::due_readers(&jobs.settings, conn, now, false)?))
            .await?;
        let mut sent = 0;
        for user_id in due {
            let queued = self
                .write(move |jobs, conn| {
                    digest::send_one(&jobs.mailer, &jobs.settings, conn, user_id, now, false)
                })
                .await?;
            sent += usize::from(queued);
        }
        Ok(sent)
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
        match jobs.fan_out_round().await {
            Ok(n) => busy |= n > 0,
            Err(e) => tracing::warn!(error = ?e, "fan-out round failed"),
        }
        // Reminders go out the day before an action, once per action and person (an indexed
        // look at the actions starting within a day: cheap enough for every round).
        match jobs.reminders_round().await {
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
                .write(move |_, conn| {
                    crate::moderation::threads::unpin_expired(conn, now).map_err(AppError::from)
                })
                .await
            {
                tracing::warn!(error = ?e, "unpinning ended pins failed");
            }
            match jobs.digest_round(now).await {
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
                .write(move |_, conn| outbox::purge_sent(conn, days).map_err(AppError::from))
                .await
            {
                tracing::warn!(error = ?e, "outbox purge failed");
            }
            // Unconfirmed manifesto signatures are forgotten after their link expires, as the
            // confirmation mail promises.
            if let Err(e) = jobs
                .write(move |_, conn| {
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
                .write(move |_, conn| {
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

/// How long received activity ids and delivered rows are kept, in days.
const FEDERATION_KEEP_DAYS: i64 = 7;

/// Federation's loop, when it is on: turns what changed in public boards into deliveries
/// (`federation::announce`), sends the due deliveries (`federation::delivery`) and forgets old
/// receipts and deliveries. Woken by an inbox that queued an answer (`Federation::wake`), else
/// every `mail.poll_seconds` (which is also how it notices new posts).
pub async fn run_federation(jobs: Jobs) {
    let Some(data) = jobs.federation.data() else {
        return;
    };
    let poll = Duration::from_secs(jobs.settings.mail.poll_seconds.max(1));
    let mut next_purge = Instant::now();
    loop {
        let mut busy = false;
        let moved = jobs.read(|_, conn| Ok(announce::site_moved(conn)?)).await;
        match moved {
            Ok(Some(versions)) => {
                let urls = data.urls.clone();
                match jobs
                    .write(move |_, conn| Ok(announce::round(conn, &urls, versions)?))
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(deliveries = n, "federation deliveries queued");
                        busy = true;
                    }
                    Err(e) => tracing::warn!(error = ?e, "federation announce round failed"),
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = ?e, "federation announce check failed"),
        }
        match delivery::send_round(&data).await {
            Ok(n) => busy |= n as i64 >= delivery::BATCH,
            Err(e) => tracing::warn!(error = ?e, "federation delivery round failed"),
        }
        if Instant::now() >= next_purge {
            next_purge = Instant::now() + Duration::from_secs(3600);
            let before = crate::db::now() - chrono::Duration::days(FEDERATION_KEEP_DAYS);
            if let Err(e) = jobs
                .write(move |_, conn| {
                    crate::db::write_tx_private(conn, |conn| {
                        crate::federation::queries::purge_received(conn, before)?;
                        crate::federation::queries::purge_orphans(conn)?;
                        delivery::purge_delivered(conn, before)
                    })
                    .map_err(AppError::from)
                })
                .await
            {
                tracing::warn!(error = ?e, "federation purge failed");
            }
        }
        if !busy {
            tokio::select! {
                _ = jobs.federation.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}
