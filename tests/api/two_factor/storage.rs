//! What the database and the data export hold of two-factor sign-in: no secret and no recovery
//! code readable; the export says whether it is on and names the browsers signed in from.

use reqwest::StatusCode;

use super::enrol;
use crate::helpers::{browser, TestApp};

/// The rows of the database (every file of SQLite, or the two-factor tables of PostgreSQL).
fn database_bytes(app: &TestApp) -> Vec<u8> {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    use secrecy::ExposeSecret;
    let url = app.settings.database.url.expose_secret().to_owned();
    match url.strip_prefix("sqlite:") {
        Some(path) => {
            let mut all = Vec::new();
            for suffix in ["", "-wal", "-journal"] {
                if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
                    all.extend(bytes);
                }
            }
            all
        }
        None => {
            #[derive(diesel::QueryableByName)]
            struct Row {
                #[diesel(sql_type = diesel::sql_types::Text)]
                row: String,
            }
            let mut conn = PgConnection::establish(&url).expect("connect");
            let mut all = String::new();
            for table in ["two_factor", "two_factor_recovery_codes", "users"] {
                let rows: Vec<Row> =
                    diesel::sql_query(format!("SELECT row_to_json(t)::text AS row FROM {table} t"))
                        .load(&mut conn)
                        .expect("rows");
                for r in rows {
                    all.push_str(&r.row);
                }
            }
            assert!(all.contains("\"secret\""), "the rows were read");
            all.into_bytes()
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_secret_and_the_recovery_codes_are_not_readable_in_the_database() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "hana").await;
    let enrolled = enrol(&app, &client).await;
    let bytes = database_bytes(&app);
    assert!(bytes.len() > 1000);
    assert!(
        !contains(&bytes, enrolled.typed.as_bytes()),
        "base32 secret stored"
    );
    assert!(
        !contains(&bytes, enrolled.typed.to_lowercase().as_bytes()),
        "base32 secret stored"
    );
    assert!(!contains(&bytes, &enrolled.secret), "raw secret stored");
    assert!(!contains(&bytes, hex::encode(&enrolled.secret).as_bytes()));
    for code in &enrolled.codes {
        assert!(!contains(&bytes, code.as_bytes()), "recovery code stored");
        assert!(!contains(&bytes, code.replace('-', "").as_bytes()));
    }
}

#[tokio::test]
async fn the_export_tells_the_two_factor_status_and_the_browsers_but_no_secret() {
    let app = TestApp::spawn().await;
    let client = browser();
    app.register_with(&client, "ilan").await;
    let before = app.get_with(&client, "/settings/export").await.json();
    assert_eq!(before["two_factor"]["enabled"], false);
    assert_eq!(before["two_factor"]["recovery_codes_left"], 0);
    let enrolled = enrol(&app, &client).await;

    let export = app.get_with(&client, "/settings/export").await;
    assert_eq!(export.status, StatusCode::OK);
    let data = export.json();
    assert_eq!(data["two_factor"]["enabled"], true, "{data}");
    assert!(data["two_factor"]["enabled_at"].is_string());
    assert_eq!(data["two_factor"]["recovery_codes_left"], 10);
    let browsers = data["signin_browsers"].as_array().expect("browsers");
    assert!(!browsers.is_empty(), "{data}");
    assert!(browsers[0]["family"].is_string() && browsers[0]["first_seen_at"].is_string());
    // Neither the secret, nor a code, nor anything derived from them.
    let body = export.body.to_lowercase();
    assert!(!body.contains(&enrolled.typed.to_lowercase()));
    for code in &enrolled.codes {
        assert!(!body.contains(code) && !body.contains(&code.replace('-', "")));
    }
    let fields: Vec<&String> = data["two_factor"]
        .as_object()
        .expect("object")
        .keys()
        .collect();
    assert_eq!(
        fields,
        ["enabled", "enabled_at", "recovery_codes_left"],
        "nothing else"
    );
}
