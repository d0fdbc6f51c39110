//! The write gate: on SQLite, the one queue every frequent writer (posting, edits, the background
//! jobs, the truncating checkpoint) joins, and the one thread and connection that write.
//!
//! SQLite lets one writer at a time hold its write lock. Writers that each take a pooled
//! connection and then wait for that lock (`BEGIN IMMEDIATE` + busy timeout) keep the pool's
//! connections idle, so readers and other writers time out behind them. Here, writes queue
//! instead, first come first served, holding nothing: the request waits asynchronously for its
//! answer while one thread runs the queued writes one after the other on its own connection, so
//! a writer never waits for the pool nor for the blocking threads the readers use, and readers
//! never wait for a writer. The wait is bounded (`database.write_wait_ms`): a write still queued
//! past it is not run, and its request gets a 503 with `Retry-After`. On PostgreSQL (row locks,
//! several instances) there is no queue and writers use the pool.
//!
//! The gate knows nothing of the connection type `C`: the queued work opens (or replaces) the
//! connection in the slot it is handed (`Db::write`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A queued write: it gets the writer's connection slot (`None` until the first write opens
/// it), or the time it waited in vain.
pub type Job<C> = Box<dyn FnOnce(Result<&mut Option<C>, QueueTimeout>) + Send>;

/// Work the writer thread does on its connection slot after a write (the log's upkeep).
pub type AfterWrite<C> = Box<dyn FnMut(&mut Option<C>) + Send>;

/// A write waiting for its turn, with when it arrived.
struct Queued<C> {
    since: Instant,
    job: Job<C>,
}

/// The process-wide queue of SQLite writers and its thread (none on PostgreSQL). Clones share
/// the queue; the thread ends when the last clone is dropped.
pub struct WriteGate<C> {
    queue: Option<mpsc::Sender<Queued<C>>>,
    /// The longest a write waits for its turn.
    wait: Duration,
}

impl<C> Clone for WriteGate<C> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
            wait: self.wait,
        }
    }
}

impl<C> std::fmt::Debug for WriteGate<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteGate")
            .field("queue", &self.queue.is_some())
            .field("wait", &self.wait)
            .finish()
    }
}

/// A write's turn did not come within the configured wait (or the writer thread is gone).
#[derive(Debug, thiserror::Error)]
#[error("no turn to write within {0:?}")]
pub struct QueueTimeout(pub Duration);

impl<C: Send + 'static> WriteGate<C> {
    /// One writer thread, each write waiting at most `wait` for its turn (SQLite). Without a
    /// thread (the system refused one) the gate is open and `BEGIN IMMEDIATE` alone orders the
    /// writers.
    pub fn single(wait: Duration) -> Self {
        Self::single_with(wait, Box::new(|_| {}))
    }

    /// `single`, with `after` run on the writer's connection after each write, in the writers'
    /// turn (SQLite: the checkpoint that keeps the log short under sustained writes).
    pub fn single_with(wait: Duration, after: AfterWrite<C>) -> Self {
        let (sender, receiver) = mpsc::channel::<Queued<C>>();
        // Queued work may own async resources (the mailer's SMTP pool spawns its closing when
        // dropped): the writer thread runs inside the runtime that made the gate, if any, so
        // that is never a panic, even after that runtime has stopped.
        let runtime = tokio::runtime::Handle::try_current().ok();
        let spawned = std::thread::Builder::new()
            .name("vigie-writer".into())
            .spawn(move || {
                let _inside = runtime.as_ref().map(tokio::runtime::Handle::enter);
                write_in_turn(receiver, wait, after);
            });
        match spawned {
            Ok(_) => Self {
                queue: Some(sender),
                wait,
            },
            Err(e) => {
                tracing::error!(error = %e, "no writer thread: writes are not queued");
                Self::open()
            }
        }
    }

    /// No queue at all (PostgreSQL: row locks order the writers, across instances too).
    pub fn open() -> Self {
        Self {
            queue: None,
            wait: Duration::ZERO,
        }
    }

    /// Whether writes queue here (SQLite) rather than going straight to the pool.
    pub fn queues(&self) -> bool {
        self.queue.is_some()
    }

    /// The longest a write waits for its turn.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// Queues `job` behind the writes already waiting. When the writer thread is gone (it
    /// never is while the gate lives), the job is run at once with a `QueueTimeout`.
    pub fn submit(&self, job: Job<C>) {
        let Some(queue) = &self.queue else {
            return job(Err(QueueTimeout(self.wait)));
        };
        if let Err(mpsc::SendError(lost)) = queue.send(Queued {
            since: Instant::now(),
            job,
        }) {
            (lost.job)(Err(QueueTimeout(self.wait)));
        }
    }
}

/// The writer thread: runs the queued writes in arrival order on its connection slot, turning
/// away those that waited longer than `wait`. A write that panics loses the connection (it may
/// be mid-transaction); the next one opens a new one. `after` runs after each write.
fn write_in_turn<C>(receiver: mpsc::Receiver<Queued<C>>, wait: Duration, mut after: AfterWrite<C>) {
    let mut slot: Option<C> = None;
    for Queued { since, job } in receiver {
        if since.elapsed() > wait {
            job(Err(QueueTimeout(wait)));
            continue;
        }
        if catch_unwind(AssertUnwindSafe(|| job(Ok(&mut slot)))).is_err() {
            tracing::error!("a queued write panicked; its connection is closed");
            slot = None;
        }
        if catch_unwind(AssertUnwindSafe(|| after(&mut slot))).is_err() {
            tracing::error!("the work after a write panicked; its connection is closed");
            slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Queues a job that records `n` after `pause`, and returns how it went.
    fn queue(
        gate: &WriteGate<u32>,
        n: u32,
        pause: Duration,
        seen: &Arc<Mutex<Vec<u32>>>,
    ) -> tokio::sync::oneshot::Receiver<Result<Option<u32>, ()>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let seen = seen.clone();
        gate.submit(Box::new(move |turn| {
            let outcome = match turn {
                Ok(slot) => {
                    std::thread::sleep(pause);
                    let before = *slot;
                    *slot = Some(n);
                    seen.lock().expect("not poisoned").push(n);
                    Ok(before)
                }
                Err(_) => Err(()),
            };
            let _ = tx.send(outcome);
        }));
        rx
    }

    #[tokio::test]
    async fn writes_run_one_at_a_time_in_arrival_order_on_one_connection() {
        let gate = WriteGate::<u32>::single(Duration::from_secs(5));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answers: Vec<_> = (0..5)
            .map(|n| queue(&gate, n, Duration::from_millis(2), &seen))
            .collect();
        let mut previous = Vec::new();
        for answer in answers {
            previous.push(answer.await.expect("answered").expect("ran"));
        }
        assert_eq!(*seen.lock().expect("not poisoned"), vec![0, 1, 2, 3, 4]);
        // Each write found the slot the previous one left.
        assert_eq!(previous, vec![None, Some(0), Some(1), Some(2), Some(3)]);
    }

    #[tokio::test]
    async fn a_write_queued_too_long_is_not_run() {
        let gate = WriteGate::<u32>::single(Duration::from_millis(20));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let slow = queue(&gate, 1, Duration::from_millis(100), &seen);
        let late = queue(&gate, 2, Duration::ZERO, &seen);
        assert!(slow.await.expect("answered").is_ok());
        assert!(late.await.expect("answered").is_err());
        assert_eq!(*seen.lock().expect("not poisoned"), vec![1]);
    }

    #[tokio::test]
    async fn a_panicking_write_loses_the_connection_not_the_queue() {
        let gate = WriteGate::<u32>::single(Duration::from_secs(5));
        let seen = Arc::new(Mutex::new(Vec::new()));
        queue(&gate, 1, Duration::ZERO, &seen)
            .await
            .expect("answered")
            .expect("ran");
        gate.submit(Box::new(|_| panic!("a bug in a write")));
        let after = queue(&gate, 2, Duration::ZERO, &seen);
        assert_eq!(after.await.expect("answered"), Ok(None));
    }

    #[test]
    fn postgres_has_no_queue() {
        assert!(!WriteGate::<u32>::open().queues());
    }
}
