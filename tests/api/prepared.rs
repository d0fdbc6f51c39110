//! The database a `TestApp` starts from: migrated and loaded with the reference data (cities,
//! their names, the default boards) once per run of the suite, then copied for each test — a
//! file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. Each test still gets a
//! database of its own, in exactly the state a fresh one has after the server's start, in a
//! fraction of the time (the migrations and the 13,000 rows of reference data took 0.6 s on
//! SQLite and 1.8 s on PostgreSQL per test).
//!
//! The template is named after what it is made from: the test binary (the migrations are
//! embedded in it) and the reference data files, by their modification times, so a rebuild or an
//! edited file makes a new one and the stale ones are removed. A test that needs an empty
//! database (the migrations', the command line's) uses `helpers::fresh_database`.
//!
//! When the template cannot be made or copied, the test gets an empty database and the server
//! migrates it at start, as it would without a template.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use diesel::{Connection, PgConnection, RunQueryDsl};
use vigie::bootstrap;
use vigie::db::{migrate, DbManager};

use crate::helpers::{fresh_database, postgres_url, test_settings, with_database, TestDb};

/// The prefix of every template's name (a PostgreSQL database, or a file in the target's
/// temporary directory).
const PREFIX: &str = "vigie_tpl_";

/// The template of this run, made by the first test that asks; `None` when it could not be.
static TEMPLATE: OnceLock<Option<Template>> = OnceLock::new();

/// Where this run's template is.
enum Template {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A database of its own for a test, already migrated and loaded, and its URL.
pub fn prepared_database() -> (TestDb, String) {
    let template = TEMPLATE.get_or_init(|| {
        make_template()
            .map_err(|e| eprintln!("no template database ({e}); each test migrates its own"))
            .ok()
    });
    let copied = template.as_ref().and_then(|t| {
        copy_of(t)
            .map_err(|e| eprintln!("could not copy the template database: {e}"))
            .ok()
    });
    copied.unwrap_or_else(fresh_database)
}

/// What the template is made from, as a short key: the test binary and the reference data.
fn key() -> String {
    let mut hasher = DefaultHasher::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let inputs = [
        std::env::current_exe().unwrap_or_default(),
        root.join("data/cities-fr-be-ch-lu.csv"),
        root.join("data/city-names.csv"),
    ];
    for path in inputs {
        path.hash(&mut hasher);
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// Makes this run's template, unless one made from the same inputs is already there.
fn make_template() -> Result<Template, String> {
    let name = format!("{PREFIX}{}", key());
    match postgres_url() {
        Some(admin_url) => {
            make_postgres(&admin_url, &name)?;
            Ok(Template::Postgres { admin_url, name })
        }
        None => {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            let path = dir.join(format!("{name}.db"));
            if !path.exists() {
                make_sqlite(&dir, &path)?;
            }
            Ok(Template::Sqlite(path))
        }
    }
}

/// Migrates the database at `url` and loads the reference data, as the server does at start.
fn migrate_and_load(url: &str) -> Result<(), String> {
    let settings = test_settings(url);
    let mut conn = DbManager::new(&settings.database)
        .connect()
        .map_err(|e| e.to_string())?;
    migrate::run_pending(&mut conn).map_err(|e| e.to_string())?;
    bootstrap::ensure_reference_data(&mut conn, &settings.site.cities_file)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Writes the SQLite template under another name, then renames it into place (concurrent runs
/// of the same build may race; each rename is whole), and removes the stale ones.
fn make_sqlite(dir: &Path, path: &Path) -> Result<(), String> {
    let work = dir.join(format!("{}.{}.tmp", PREFIX, std::process::id()));
    let _ = std::fs::remove_file(&work);
    migrate_and_load(&format!("sqlite:{}", work.display()))?;
    // The connection is closed: its write-ahead log was checkpointed into the file and removed.
    let log = PathBuf::from(format!("{}-wal", work.display()));
    if log.exists() {
        return Err(format!("{} was left behind", log.display()));
    }
    std::fs::rename(&work, path).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let stale = entry.path();
        let file = stale.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if file.starts_with(PREFIX) && file.ends_with(".db") && stale != path {
            let _ = std::fs::remove_file(&stale);
        }
    }
    Ok(())
}

/// Makes the PostgreSQL template under another name, then renames it (a template is never seen
/// half made), and drops the stale ones nobody is copying. An advisory lock keeps concurrent
/// runs from making it twice.
fn make_postgres(admin_url: &str, name: &str) -> Result<(), String> {
    let mut admin = PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
    let run = |conn: &mut PgConnection, sql: &str| {
        diesel::sql_query(sql)
            .execute(conn)
            .map_err(|e| format!("{sql}: {e}"))
    };
    // Any constant will do: only the suite takes this lock.
    run(&mut admin, "SELECT pg_advisory_lock(7815202612)")?;
    let made = (|| {
        let databases = |admin: &mut PgConnection, condition: &str| {
            diesel::sql_query(format!(
                "SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%' AND {condition}"
            ))
            .load::<Database>(admin)
            .map_err(|e| e.to_string())
        };
        if !databases(&mut admin, &format!("datname = '{name}'"))?.is_empty() {
            return Ok(());
        }
        let work = format!("{name}_work");
        run(&mut admin, &format!("DROP DATABASE IF EXISTS \"{work}\""))?;
        run(&mut admin, &format!("CREATE DATABASE \"{work}\""))?;
        migrate_and_load(&with_database(admin_url, &work))?;
        run(
            &mut admin,
            &format!("ALTER DATABASE \"{work}\" RENAME TO \"{name}\""),
        )?;
        for Database { datname } in databases(&mut admin, &format!("datname <> '{name}'"))? {
            // Fails, and is left, while another run copies it.
            let _ = run(&mut admin, &format!("DROP DATABASE \"{datname}\""));
        }
        Ok(())
    })();
    let _ = run(&mut admin, "SELECT pg_advisory_unlock(7815202612)");
    made
}

/// A database's name, from `pg_database`.
#[derive(diesel::QueryableByName)]
struct Database {
    #[diesel(sql_type = diesel::sql_types::Text)]
    datname: String,
}

/// A test's own copy of the template.
fn copy_of(template: &Template) -> Result<(TestDb, String), String> {
    match template {
        Template::Sqlite(path) => {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let file = dir.path().join("vigie.db");
            std::fs::copy(path, &file).map_err(|e| e.to_string())?;
            let url = format!("sqlite:{}", file.display());
            Ok((TestDb::Sqlite { _dir: dir }, url))
        }
        Template::Postgres { admin_url, name } => {
            let copy = format!("vigie_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
            diesel::sql_query(format!("CREATE DATABASE \"{copy}\" TEMPLATE \"{name}\""))
                .execute(&mut admin)
                .map_err(|e| e.to_string())?;
            let url = with_database(admin_url, &copy);
            Ok((
                TestDb::Postgres {
                    admin_url: admin_url.clone(),
                    name: copy,
                },
                url,
            ))
        }
    }
}
