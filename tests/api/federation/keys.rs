//! Local actors' private keys at rest: sealed with the server's key, so the database never holds
//! one readable; a key stored in plain before sealing existed is sealed when next read, and
//! still signs.

use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use reqwest::StatusCode;
use secrecy::ExposeSecret;

use super::{accepted_follow, base, federated, get_ap, people, verify, Remote};
use crate::helpers::TestApp;

#[derive(diesel::QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor_kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    public_key: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    private_key: String,
}

/// Runs `sql` on the app's database (either backend) and loads its rows.
fn on_database<T>(app: &TestApp, sql: &str) -> Vec<T>
where
    T: diesel::QueryableByName<diesel::sqlite::Sqlite>
        + diesel::QueryableByName<diesel::pg::Pg>
        + 'static,
{
    let url = app.settings.database.url.expose_secret().to_owned();
    match url.strip_prefix("sqlite:") {
        Some(path) => {
            let mut conn = SqliteConnection::establish(path).expect("connect");
            diesel::sql_query(sql).load(&mut conn).expect("query")
        }
        None => {
            let mut conn = PgConnection::establish(&url).expect("connect");
            diesel::sql_query(sql).load(&mut conn).expect("query")
        }
    }
}

/// Every byte of the SQLite files (free pages included), or the key rows of PostgreSQL.
fn stored_bytes(app: &TestApp) -> String {
    let url = app.settings.database.url.expose_secret().to_owned();
    match url.strip_prefix("sqlite:") {
        Some(path) => ["", "-wal", "-journal"]
            .iter()
            .filter_map(|suffix| std::fs::read(format!("{path}{suffix}")).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .collect(),
        None => on_database::<KeyRow>(
            app,
            "SELECT actor_kind, public_key, private_key FROM federation_keys",
        )
        .into_iter()
        .map(|r| format!("{} {}", r.public_key, r.private_key))
        .collect(),
    }
}

#[tokio::test]
async fn private_keys_are_sealed_at_rest_and_plain_ones_sealed_when_read() {
    let app = federated().await;
    people(&app).await;
    let base = base(&app);
    let board = format!("{base}/b/general");

    // A board key stored in plain, as before keys were sealed.
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let board_id = on_database::<Id>(
        &app,
        "SELECT id FROM boards WHERE slug = 'general' AND group_id IS NULL",
    )
    .pop()
    .expect("the general board")
    .id;
    let old = activitypub_federation::http_signatures::generate_actor_keypair().expect("keys");
    let quote = |s: &str| s.replace('\'', "''");
    let _: Vec<KeyRow> = on_database(
        &app,
        &format!(
            "INSERT INTO federation_keys (actor_kind, local_id, public_key, private_key, created_at) \
             VALUES ('board', {board_id}, '{}', '{}', CURRENT_TIMESTAMP) \
             RETURNING actor_kind, public_key, private_key",
            quote(&old.public_key),
            quote(&old.private_key)
        ),
    );
    assert!(
        stored_bytes(&app).contains("PRIVATE KEY"),
        "the plain key is there"
    );

    // Read (the board's document, and alice's, whose key is made now): the board keeps its
    // public key, and no private key is readable in the database any more.
    let doc = get_ap(&app, "/b/general").await.json();
    assert_eq!(doc["publicKey"]["publicKeyPem"], old.public_key);
    let person = get_ap(&app, "/u/alice").await;
    assert_eq!(person.status, StatusCode::OK);
    let rows: Vec<KeyRow> = on_database(
        &app,
        "SELECT actor_kind, public_key, private_key FROM federation_keys",
    );
    assert_eq!(rows.len(), 2, "the board's and alice's");
    for row in &rows {
        assert!(row.public_key.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(
            !row.private_key.contains("PRIVATE") && row.private_key.len() > 1000,
            "{}: {}",
            row.actor_kind,
            row.private_key
        );
    }
    if !app
        .settings
        .database
        .url
        .expose_secret()
        .starts_with("sqlite:")
    {
        assert!(!stored_bytes(&app).contains("PRIVATE KEY"));
    }

    // The sealed key still signs: a remote follower's Accept verifies with the old public key.
    let remote = Remote::start().await;
    let accept = accepted_follow(&remote, &board).await;
    assert_eq!(
        verify(&accept, &old.public_key),
        format!("{board}#main-key")
    );
}
