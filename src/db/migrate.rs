//! Embedded migrations, one folder per backend, applied by `vigie migrate` and (unless turned off)
//! when the server starts.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A migration failure, with the migration harness's own message.
#[derive(Debug, thiserror::Error)]
#[error("migration failed: {0}")]
pub struct MigrationError(String);

fn harness_error(e: Box<dyn std::error::Error + Send + Sync>) -> MigrationError {
    MigrationError(e.to_string())
}

/// Applies every pending migration; returns how many ran.
pub fn run_pending(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map_err(harness_error)?
            .len(),
        DbConnection::Postgres(c) => c
            .run_pending_migrations(POSTGRES)
            .map_err(harness_error)?
            .len(),
    };
    Ok(applied)
}

/// Reverts every applied migration (used by the migration round-trip test).
pub fn revert_all(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c
            .revert_all_migrations(SQLITE)
            .map_err(harness_error)?
            .len(),
        DbConnection::Postgres(c) => c
            .revert_all_migrations(POSTGRES)
            .map_err(harness_error)?
            .len(),
    };
    Ok(reverted)
}
