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
///
/// On PostgreSQL the connection's `statement_timeout` (see `DbManager`) is lifted meanwhile: a
/// migration that rewrites a large table or builds an index runs for minutes on a big forum, and
/// cancelling it would leave the server unable to start.
pub fn run_pending(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map_err(harness_error)?
            .len(),
        DbConnection::Postgres(c) => {
            use diesel::sql_types::Text;
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Setting {
                #[diesel(sql_type = Text)]
                value: String,
            }
            let setup = |e: diesel::result::Error| MigrationError(e.to_string());
            let set = |c: &mut diesel::PgConnection, value: &str| {
                diesel::sql_query("SELECT set_config('statement_timeout', $1, false) AS value")
                    .bind::<Text, _>(value)
                    .get_result::<Setting>(c)
                    .map_err(setup)
            };
            let before = diesel::sql_query("SELECT current_setting('statement_timeout') AS value")
                .get_result::<Setting>(c)
                .map_err(setup)?;
            set(c, "0")?;
            let applied = c.run_pending_migrations(POSTGRES).map(|m| m.len());
            set(c, &before.value)?;
            applied.map_err(harness_error)?
        }
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
