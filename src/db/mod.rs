//! The database layer: one connection type over SQLite and PostgreSQL, the pool, per-connection
//! SQLite pragmas, the write gate (`Db::write`: SQLite's writers queue there, not on its lock),
//! the write-transaction helper, the write-ahead log's upkeep (`wal`), embedded migrations and
//! statement counting.
//!
//! It owns no business rules: queries live next to the feature that needs them.

/// Inserts many rows in one statement. Multi-row inserts are not available through the
/// `MultiConnection` enum, so this dispatches to the inner connection.
#[macro_export]
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite(c) => {
                diesel::insert_into($table).values($rows).execute(c)?
            }
            $crate::db::DbConnection::Postgres(c) => {
                diesel::insert_into($table).values($rows).execute(c)?
            }
        }
    };
}

/// Runs a query on the inner connection of either backend. Queries through the
/// `MultiConnection` enum are serialised again on every run and some (any with `LIMIT`) are
/// never kept as prepared statements; the hot read paths use this to get the backend's own
/// prepared-statement cache.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}

pub mod gate;
pub mod literal;
pub mod migrate;
pub mod schema;
pub mod wal;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, Instrumentation, InstrumentationEvent};
use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::result::Error as DieselError;

use crate::settings::{DatabaseSettings, DatabaseTarget};
use gate::{QueueTimeout, WriteGate};
use schema::site_state;

/// One connection to whichever database the settings name.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// The connection pool shared by every request, with the longest a request waits for its
/// database work, the queue SQLite's writers wait in (with their own connection, opened by
/// `manager`) and the file of SQLite's write-ahead log (derefs to the r2d2 pool).
#[derive(Debug, Clone)]
pub struct Pool {
    inner: r2d2::Pool<DbManager>,
    work_timeout: Option<Duration>,
    write_gate: WriteGate<DbConnection>,
    manager: Arc<DbManager>,
    wal_file: Option<PathBuf>,
}

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<DbManager>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl Pool {
    /// How long a request waits for one `Db::run` before answering 503: the pool timeout plus
    /// the statement timeout. A PostgreSQL server that stops answering (a dead network path
    /// keeps a socket open without an error) then costs a request this long, not forever.
    /// `None` when the statement timeout is off.
    pub fn work_timeout(&self) -> Option<Duration> {
        self.work_timeout
    }

    /// The queue of writers (one at a time on SQLite, none on PostgreSQL), shared by every
    /// clone of this pool.
    pub fn write_gate(&self) -> &WriteGate<DbConnection> {
        &self.write_gate
    }

    /// The SQLite write-ahead log file (`<database>-wal`); `None` on PostgreSQL and in memory.
    pub fn wal_file(&self) -> Option<&std::path::Path> {
        self.wal_file.as_deref()
    }
}

/// Which backend a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Errors of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not open the database")]
    Connect(#[source] ConnectionError),
    #[error("could not prepare a database connection")]
    Setup(#[source] DieselError),
    #[error("no database connection available")]
    Pool(#[source] r2d2::PoolError),
    #[error("a database query failed")]
    Query(#[from] DieselError),
    #[error("the database work was cancelled")]
    Cancelled,
    #[error("the database did not answer in time")]
    TimedOut,
    #[error("too many writers waiting")]
    WriteQueue(#[source] QueueTimeout),
}

/// Opens connections for the pool: the right backend for the URL, SQLite pragmas on each.
#[derive(Debug)]
pub struct DbManager {
    target: DatabaseTarget,
    synchronous: String,
    busy_timeout_ms: u64,
    statement_timeout_ms: u64,
    autocheckpoint: bool,
}

impl DbManager {
    /// Builds a manager from the database settings.
    pub fn new(settings: &DatabaseSettings) -> Self {
        let synchronous = match settings.sqlite_synchronous.to_ascii_lowercase().as_str() {
            "full" => "FULL",
            "off" => "OFF",
            _ => "NORMAL",
        };
        let connect_timeout = settings.pool_timeout_ms.div_ceil(1000).max(2);
        let target = match settings.target() {
            DatabaseTarget::Postgres(url) => {
                DatabaseTarget::Postgres(postgres_url_with_timeouts(&url, connect_timeout))
            }
            sqlite => sqlite,
        };
        Self {
            target,
            synchronous: synchronous.to_owned(),
            busy_timeout_ms: settings.sqlite_busy_timeout_ms,
            statement_timeout_ms: settings.statement_timeout_seconds.saturating_mul(1000),
            autocheckpoint: true,
        }
    }

    /// SQLite connections that leave checkpoints to `wal::checkpoint` (the server's background
    /// task).
    pub fn without_autocheckpoint(mut self) -> Self {
        self.autocheckpoint = false;
        self
    }

    /// Opens one connection.
    pub fn connect(&self) -> Result<DbConnection, DbError> {
        match &self.target {
            DatabaseTarget::Postgres(url) => {
                let mut conn = diesel::PgConnection::establish(url).map_err(DbError::Connect)?;
                // The server cancels any statement running longer than this (a lock wait, a
                // runaway query), so no request holds a connection indefinitely. JIT
                // compilation, which the server may turn on for statements it expects to be
                // costly, adds tens of milliseconds to a page's short statements: off. So do
                // parallel workers: each is a process started for one statement (a search walking
                // many posts), and it takes a core from the other requests: none.
                conn.batch_execute(&format!(
                    "SET statement_timeout = {}; SET jit = off; \
                     SET max_parallel_workers_per_gather = 0",
                    self.statement_timeout_ms
                ))
                .map_err(DbError::Setup)?;
                Ok(DbConnection::Postgres(conn))
            }
            DatabaseTarget::Sqlite(path) => {
                if let Some(parent) = std::path::Path::new(path).parent() {
                    if !parent.as_os_str().is_empty() && path != ":memory:" {
                        let _ = std::fs::create_dir_all(parent);
                    }
                }
                let mut conn =
                    diesel::SqliteConnection::establish(path).map_err(DbError::Connect)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -1024; PRAGMA wal_autocheckpoint = {}; \
                     PRAGMA journal_size_limit = {};",
                    self.busy_timeout_ms,
                    self.synchronous,
                    if self.autocheckpoint { 1000 } else { 0 },
                    JOURNAL_SIZE_LIMIT
                ))
                .map_err(DbError::Setup)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    /// The backend this manager connects to.
    pub fn backend(&self) -> Backend {
        match self.target {
            DatabaseTarget::Postgres(_) => Backend::Postgres,
            DatabaseTarget::Sqlite(_) => Backend::Sqlite,
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        DbManager::connect(self)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::Query)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // A connection left inside a transaction (a panic mid-write) must not be reused.
        left_in_transaction(conn)
    }
}

/// Whether a connection is still inside a transaction (or cannot tell) after its work is done.
fn left_in_transaction(conn: &mut DbConnection) -> bool {
    let status = match conn {
        DbConnection::Postgres(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
    };
    !matches!(status, Ok(None))
}

/// Adds libpq's `connect_timeout` and TCP keepalives to a PostgreSQL URL, unless it sets them
/// already: a server that vanishes from the network is then noticed by the kernel instead of
/// leaving a connection waiting forever.
pub fn postgres_url_with_timeouts(url: &str, connect_timeout_seconds: u64) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let has = |name: &str| {
        query
            .split('&')
            .any(|pair| pair.split('=').next() == Some(name))
    };
    let mut extra = Vec::new();
    if !has("connect_timeout") {
        extra.push(format!("connect_timeout={connect_timeout_seconds}"));
    }
    if !has("keepalives") {
        extra.push("keepalives=1".to_owned());
        for (name, value) in [
            ("keepalives_idle", 30),
            ("keepalives_interval", 10),
            ("keepalives_count", 3),
        ] {
            if !has(name) {
                extra.push(format!("{name}={value}"));
            }
        }
    }
    if extra.is_empty() {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{}", extra.join("&"))
}

/// The size SQLite cuts its write-ahead log back to when the log restarts (`journal_size_limit`):
/// 64 MiB. Without it, the file keeps the largest size it ever reached.
pub const JOURNAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// The write-ahead log of the SQLite database at `path` (a file path or a `file:` URI), if it is
/// a file.
pub fn wal_file(path: &str) -> Option<PathBuf> {
    let path = match path.strip_prefix("file:") {
        Some(uri) => uri.split('?').next().unwrap_or(uri),
        None => path,
    };
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(format!("{path}-wal")))
}

/// Builds the pool without opening a connection first, so the server starts even when the
/// database is down (requests then get a 503 page until it comes back).
pub fn build_pool(settings: &DatabaseSettings) -> Pool {
    let manager = DbManager::new(settings).without_autocheckpoint();
    let writer = Arc::new(DbManager::new(settings).without_autocheckpoint());
    let backend = manager.backend();
    let size = match backend {
        Backend::Sqlite => settings.pool_size.max(2),
        Backend::Postgres => settings.pool_size.max(1),
    };
    let pool_timeout = Duration::from_millis(settings.pool_timeout_ms);
    let inner = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .connection_timeout(pool_timeout)
        // A PostgreSQL connection whose server went away is noticed at checkout and replaced,
        // instead of failing the request that drew it. A SQLite file does not go away.
        .test_on_check_out(backend == Backend::Postgres)
        .error_handler(Box::new(r2d2::LoggingErrorHandler))
        .build_unchecked(manager);
    let work_timeout = (settings.statement_timeout_seconds > 0)
        .then(|| pool_timeout + Duration::from_secs(settings.statement_timeout_seconds));
    let (write_gate, wal_file) = match settings.target() {
        DatabaseTarget::Sqlite(path) => {
            let wal = wal_file(&path);
            let wait = Duration::from_millis(settings.write_wait_ms);
            let gate = match wal.clone() {
                Some(file) => WriteGate::single_with(wait, wal::keeper(file)),
                None => WriteGate::single(wait),
            };
            (gate, wal)
        }
        DatabaseTarget::Postgres(_) => (WriteGate::open(), None),
    };
    Pool {
        inner,
        work_timeout,
        write_gate,
        manager: writer,
        wal_file,
    }
}

/// Runs `f` in one write transaction: `BEGIN IMMEDIATE` on SQLite (so concurrent writers queue on
/// the busy timeout instead of failing at commit), a plain transaction on PostgreSQL. Every such
/// transaction also moves the site's content version, which invalidates every page in the
/// visitors' cache; posting uses `write_tx_posting` instead.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    transaction(conn, Bump::Content, f)
}

/// A write transaction for new posts and edits: it moves only the site's activity version
/// (home page, directory, profiles); the writer moves the versions of the thread, board and
/// city it touched, so the other cached pages stay valid.
pub fn write_tx_posting<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    transaction(conn, Bump::Activity, f)
}

/// A write transaction for what no visitor's page shows (the outbox, notifications, watches,
/// tokens): it moves no version, so the visitors' page cache stays valid.
pub fn write_tx_private<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    transaction(conn, Bump::Nothing, f)
}

/// Which site-wide version a write transaction moves.
#[derive(Clone, Copy)]
enum Bump {
    Content,
    Activity,
    Nothing,
}

fn transaction<T, E, F>(conn: &mut DbConnection, bump: Bump, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn).and_then(|value| {
        let row = site_state::table.find(1);
        match bump {
            Bump::Content => on_backend!(&mut *conn, c => diesel::update(row)
                .set(site_state::content_version.eq(site_state::content_version + 1))
                .execute(c))?,
            Bump::Activity => on_backend!(&mut *conn, c => diesel::update(row)
                .set(site_state::activity_version.eq(site_state::activity_version + 1))
                .execute(c))?,
            Bump::Nothing => 0,
        };
        Ok(value)
    });
    match result {
        Ok(value) => {
            let committed = match conn {
                DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
                DbConnection::Postgres(c) => AnsiTransactionManager::commit_transaction(c),
            };
            if let Err(e) = committed {
                let _ = rollback(conn);
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            rollback(conn)?;
            Err(e)
        }
    }
}

fn rollback(conn: &mut DbConnection) -> Result<(), DieselError> {
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
        DbConnection::Postgres(c) => AnsiTransactionManager::rollback_transaction(c),
    }
}

/// Counts the SQL statements a connection runs while it is lent to one request.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicUsize>);

impl StatementCounter {
    /// Statements counted so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

struct CountingInstrumentation(StatementCounter);

impl Instrumentation for CountingInstrumentation {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0 .0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A handle on the pool for one request: runs blocking database work off the async threads and
/// counts the statements it runs.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    counter: StatementCounter,
}

impl Db {
    /// A handle with its own statement counter.
    pub fn new(pool: Pool, backend: Backend, counter: StatementCounter) -> Self {
        Self {
            pool,
            backend,
            counter,
        }
    }

    /// The same pool and backend, counting statements into `counter` (one per request).
    pub fn with_counter(&self, counter: StatementCounter) -> Self {
        Self {
            pool: self.pool.clone(),
            backend: self.backend,
            counter,
        }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Runs a tiny read (one indexed row) right here on SQLite when a connection is free: in
    /// WAL mode a reader never waits for a writer, and the hop to the blocking pool and back
    /// costs more than the read. Anywhere else (PostgreSQL, no free connection) it is `run`.
    pub async fn run_quick_read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        if self.backend == Backend::Sqlite {
            if let Some(mut conn) = self.pool.try_get() {
                conn.set_instrumentation(CountingInstrumentation(self.counter.clone()));
                let result = f(&mut conn);
                conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
                return result;
            }
        }
        self.run(f).await
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let counter = self.counter.clone();
        let work = actix_web::web::block(move || {
            let mut conn = pool.get().map_err(DbError::Pool)?;
            counted(&mut conn, counter, f)
        });
        let finished = match self.pool.work_timeout() {
            Some(limit) => tokio::time::timeout(limit, work)
                .await
                .map_err(|_| E::from(DbError::TimedOut))?,
            None => work.await,
        };
        finished.map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Runs `f`, which writes, in its turn: on SQLite it joins the process's write queue (see
    /// `gate`) and waits for its answer asynchronously, holding no connection; the writer
    /// thread runs it on its own connection, or turns it away (a 503) if it waited longer than
    /// `database.write_wait_ms`. Every frequent writer goes through here (posting, edits, the
    /// background jobs), so none holds a pooled connection while waiting for SQLite's lock, and
    /// readers never wait for a writer. The work timeout counts from the end of that wait. On
    /// PostgreSQL it is `run`.
    ///
    /// Keep slow work that needs no database (cooking Markdown, rendering, sending) out of `f`:
    /// every other writer waits for it.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let gate = self.pool.write_gate();
        if !gate.queues() {
            return self.run(f).await;
        }
        let (answer, answered) = tokio::sync::oneshot::channel();
        let manager = self.pool.manager.clone();
        let counter = self.counter.clone();
        gate.submit(Box::new(move |turn| {
            let result = match turn {
                Ok(slot) => write_on(slot, &manager, counter, f),
                Err(waited) => Err(E::from(DbError::WriteQueue(waited))),
            };
            // The request may have gone away meanwhile; the write stands all the same.
            let _ = answer.send(result);
        }));
        let finished = match self.pool.work_timeout() {
            Some(limit) => tokio::time::timeout(gate.wait() + limit, answered)
                .await
                .map_err(|_| E::from(DbError::TimedOut))?,
            None => answered.await,
        };
        // No answer: the write panicked (the writer thread logged it).
        finished.map_err(|_| E::from(DbError::Cancelled))?
    }
}

/// Runs a queued write on the writers' connection, opening it first if needed (or again, when
/// the previous write left it inside a transaction).
fn write_on<T, E, F>(
    slot: &mut Option<DbConnection>,
    manager: &DbManager,
    counter: StatementCounter,
    f: F,
) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DbError>,
{
    if slot.as_mut().is_some_and(left_in_transaction) {
        *slot = None;
    }
    if slot.is_none() {
        *slot = Some(manager.connect()?);
    }
    match slot.as_mut() {
        Some(conn) => counted(conn, counter, f),
        None => Err(E::from(DbError::Cancelled)),
    }
}

/// Runs `f` on `conn`, counting its statements into `counter`.
fn counted<T>(
    conn: &mut DbConnection,
    counter: StatementCounter,
    f: impl FnOnce(&mut DbConnection) -> T,
) -> T {
    conn.set_instrumentation(CountingInstrumentation(counter));
    let result = f(conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    result
}

/// The current UTC time, truncated to microseconds so both backends store and compare it alike.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::{postgres_url_with_timeouts, wal_file};
    use std::path::PathBuf;

    #[test]
    fn the_write_ahead_log_sits_next_to_the_database_file() {
        assert_eq!(
            wal_file("data/vigie.db"),
            Some(PathBuf::from("data/vigie.db-wal"))
        );
        assert_eq!(
            wal_file("file:/srv/vigie.db?mode=rwc"),
            Some(PathBuf::from("/srv/vigie.db-wal"))
        );
        assert_eq!(wal_file(":memory:"), None);
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout_and_keepalives() {
        assert_eq!(
            postgres_url_with_timeouts("postgres://u@h/db", 5),
            "postgres://u@h/db?connect_timeout=5&keepalives=1&keepalives_idle=30\
             &keepalives_interval=10&keepalives_count=3"
        );
        assert_eq!(
            postgres_url_with_timeouts("postgres://u@h/db?sslmode=disable&connect_timeout=9", 5),
            "postgres://u@h/db?sslmode=disable&connect_timeout=9&keepalives=1\
             &keepalives_idle=30&keepalives_interval=10&keepalives_count=3"
        );
        let chosen = "postgres://u@h/db?keepalives=0&connect_timeout=3";
        assert_eq!(postgres_url_with_timeouts(chosen, 5), chosen);
    }
}
