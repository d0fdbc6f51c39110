//! The periodic sweep of rows that can no longer be used: expired sessions, email tokens
//! (verification, reset, address change), unconfirmed manifesto signatures whose link expired,
//! and invitation links that expired unused. Until swept they were deleted only when the same
//! token came back, so most stayed forever.
//!
//! Each owning module says what "expired" means for its rows (`sweep_expired` next to its
//! queries); this module only calls them, in bounded batches, from the background worker (every
//! few minutes) and from `vigie maintenance sweep`. It holds no business rule of its own.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::db::{write_tx_private, DbConnection};

/// Rows deleted at most per table and per round, so a sweep never holds the write lock long.
pub const BATCH: i64 = 500;

/// How many rows one sweep deleted, per kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: usize,
    pub email_tokens: usize,
    pub signatures: usize,
    pub invites: usize,
}

impl Swept {
    /// Every row deleted.
    pub fn total(&self) -> usize {
        self.sessions + self.email_tokens + self.signatures + self.invites
    }

    fn add(&mut self, other: Swept) {
        self.sessions += other.sessions;
        self.email_tokens += other.email_tokens;
        self.signatures += other.signatures;
        self.invites += other.invites;
    }
}

/// One round: up to `batch` rows of each kind, each kind in its own short write transaction.
/// `idle` is the browser sessions' idle timeout.
pub fn sweep_once(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    idle: Duration,
    batch: i64,
) -> QueryResult<Swept> {
    use crate::accounts::tokens;
    use crate::sessions;
    Ok(Swept {
        sessions: write_tx_private(conn, |c| sessions::sweep_expired(c, now, idle, batch))?,
        // Sign-ins that waited too long for their two-factor code count with the mailed tokens.
        email_tokens: write_tx_private(conn, |c| tokens::sweep_expired(c, now, batch))?
            + write_tx_private(conn, |c| {
                crate::accounts::two_factor_store::sweep_expired_challenges(c, now, batch)
            })?,
        signatures: write_tx_private(conn, |c| {
            crate::observatory::manifesto_store::purge_unconfirmed(c, now)
        })?,
        invites: write_tx_private(conn, |c| {
            crate::accounts::registration::sweep_expired(c, now, batch)
        })?,
    })
}

/// Rounds until nothing is left to delete (the command line's sweep).
pub fn sweep_all(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    idle: Duration,
) -> QueryResult<Swept> {
    let mut total = Swept::default();
    loop {
        let round = sweep_once(conn, now, idle, BATCH)?;
        total.add(round);
        let full = [round.sessions, round.email_tokens, round.invites]
            .iter()
            .any(|n| *n as i64 >= BATCH);
        if !full {
            return Ok(total);
        }
    }
}
