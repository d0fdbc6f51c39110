//! Keeps SQLite's write-ahead log short. The server checkpoints it once a second from a
//! background task (`app`) rather than letting a writer do it at commit time, which kept that
//! writer's request — and the readers around it — waiting.
//!
//! A passive checkpoint never waits for anyone, but under a steady stream of writes and reads
//! it never catches up with the log's end, so the log never starts over and grows without bound
//! (gigabytes within a minute of sustained posting). So once the log passes `TRUNCATE_ABOVE`,
//! the task takes a writer's turn (`Db::write`: posters queue behind it instead of failing) and
//! truncates the log; the readers still on an older snapshot are short, and the busy timeout
//! lets the checkpoint wait for them. Nothing happens here on PostgreSQL.
//!
//! Once a second is not often enough under a burst of posting (thousands of replies a second
//! write a hundred megabytes of log in that second, and truncating that much held the writers
//! for ~170 ms), so the writer thread itself also looks at the log's size after its writes
//! (`keeper`, at most every `KEEPER_EVERY`) and truncates it past `TRUNCATE_ABOVE`: smaller,
//! more frequent checkpoints, and a log that stays near that size.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::{Db, DbConnection, DbError};

/// Size of the log past which the next checkpoint truncates it: 16 MiB.
pub const TRUNCATE_ABOVE: u64 = 16 * 1024 * 1024;

/// How often, at most, the writer thread looks at the log's size after a write.
pub const KEEPER_EVERY: Duration = Duration::from_millis(50);

/// The writer thread's upkeep of the log `file` (see `gate::WriteGate::single_with`): after a
/// write, at most every `KEEPER_EVERY`, a truncating checkpoint on the writer's own connection
/// when the log is larger than `TRUNCATE_ABOVE`.
pub fn keeper(file: PathBuf) -> super::gate::AfterWrite<DbConnection> {
    let mut last = Instant::now();
    Box::new(move |slot| {
        if last.elapsed() < KEEPER_EVERY {
            return;
        }
        last = Instant::now();
        let Some(conn) = slot.as_mut() else {
            return;
        };
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        if size <= TRUNCATE_ABOVE {
            return;
        }
        let started = Instant::now();
        match run(conn, "TRUNCATE") {
            Ok(report) => tracing::debug!(
                wal_bytes_before = size,
                busy = report.as_ref().map_or(0, |r| r.busy),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "write-ahead log truncated by the writer"
            ),
            Err(e) => tracing::debug!(error = %e, "writer's checkpoint skipped"),
        }
    })
}

/// What `PRAGMA wal_checkpoint` reports.
#[derive(Debug, QueryableByName)]
struct Report {
    /// 1 when the checkpoint could not finish (a reader or writer kept it from the log's end).
    #[diesel(sql_type = Integer)]
    busy: i32,
    /// Frames in the log, and frames copied into the database (-1 when not in WAL mode).
    #[diesel(sql_type = Integer)]
    log: i32,
    #[diesel(sql_type = Integer)]
    checkpointed: i32,
}

/// How a checkpoint went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// Not SQLite, or no log file yet.
    Nothing,
    /// A passive checkpoint: whatever could be copied without waiting.
    Passive,
    /// The log was copied whole and truncated to nothing.
    Truncated,
    /// A truncating checkpoint could not reach the log's end (a reader stayed too long); the
    /// next round tries again.
    Busy,
}

/// Runs one checkpoint: passive while the log is small, truncating (in a writer's turn) once it
/// is larger than `TRUNCATE_ABOVE`.
pub async fn checkpoint(db: &Db) -> Result<Checkpoint, DbError> {
    let Some(file) = db.pool().wal_file().map(ToOwned::to_owned) else {
        return Ok(Checkpoint::Nothing);
    };
    let Ok(size) = std::fs::metadata(&file).map(|m| m.len()) else {
        return Ok(Checkpoint::Nothing);
    };
    if size <= TRUNCATE_ABOVE {
        db.run(|conn| run(conn, "PASSIVE")).await?;
        return Ok(Checkpoint::Passive);
    }
    let started = Instant::now();
    let report = db.write(|conn| run(conn, "TRUNCATE")).await?;
    let after = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let outcome = match report {
        Some(ref r) if r.busy != 0 => Checkpoint::Busy,
        _ => Checkpoint::Truncated,
    };
    tracing::debug!(
        wal_bytes_before = size,
        wal_bytes_after = after,
        frames = report.as_ref().map_or(-1, |r| r.log),
        copied = report.as_ref().map_or(-1, |r| r.checkpointed),
        elapsed_ms = started.elapsed().as_millis() as u64,
        outcome = ?outcome,
        "write-ahead log checkpoint"
    );
    Ok(outcome)
}

/// Runs `PRAGMA wal_checkpoint(mode)` on a SQLite connection.
fn run(conn: &mut DbConnection, mode: &'static str) -> Result<Option<Report>, DbError> {
    match conn {
        DbConnection::Sqlite(c) => Ok(Some(
            diesel::sql_query(format!("PRAGMA wal_checkpoint({mode})")).get_result(c)?,
        )),
        DbConnection::Postgres(_) => Ok(None),
    }
}
