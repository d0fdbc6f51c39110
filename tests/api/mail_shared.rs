//! A mail to many people is stored once (issue 13): a post's notification mails share one body
//! per reason and language, each recipient's outbox row carrying only its own address and
//! unsubscribe link; what each recipient receives is exactly what a mail to them alone would
//! have been; bodies go with the last row that refers to them; and the migration moves the
//! rows already queued without losing a word.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use reqwest::{Client, StatusCode};
use serde_json::json;
use vigie::db::schema::{mail_bodies, outbox, users};
use vigie::db::{migrate, DbConnection, DbManager};
use vigie::i18n::Lang;
use vigie::mail::unsubscribe::ListKind;
use vigie::mail::{outbox as mail_outbox, Draft, MailTo, Mailer, SharedDraft};
use vigie::settings::Settings;

use crate::helpers::{browser, fresh_database, test_settings, TestApp};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

fn connect(settings: &Settings) -> DbConnection {
    DbManager::new(&settings.database)
        .connect()
        .expect("database")
}

/// Sets `client`'s watch level on the thread at `page` (the form on the page).
async fn watch_thread(app: &TestApp, client: &Client, page: &str) {
    let html = app.get_with(client, page).await.body;
    let field = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).expect("watch form") + marker.len();
        let end = html[start..].find('"').expect("end of value") + start;
        html[start..end].to_owned()
    };
    let (target, id) = (field("target"), field("id"));
    let res = app
        .post_form_with(
            client,
            page,
            "/watch",
            &[
                ("target", &target),
                ("id", &id),
                ("level", "watching"),
                ("next", page),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// The bytes a set of outbox rows takes: their own fields, the bodies they share, and what the
/// same mails took when each row held its whole rendered copy (before issue 13).
fn stored_bytes(conn: &mut DbConnection, rows: &[i64]) -> (usize, usize, usize) {
    type Row = (String, String, String, Option<String>, i64);
    type Body = (i64, String, String, String, Option<String>);
    let per_row: Vec<Row> = outbox::table
        .filter(outbox::id.eq_any(rows))
        .select((
            outbox::message_id,
            outbox::kind,
            outbox::recipient,
            outbox::unsubscribe_url,
            outbox::body_id,
        ))
        .load(conn)
        .expect("rows");
    let own = |r: &Row| r.0.len() + r.1.len() + r.2.len() + r.3.as_ref().map_or(0, String::len);
    let row_bytes: usize = per_row.iter().map(own).sum();
    let ids: HashSet<i64> = per_row.iter().map(|r| r.4).collect();
    let bodies: Vec<Body> = mail_bodies::table
        .filter(mail_bodies::id.eq_any(ids))
        .select((
            mail_bodies::id,
            mail_bodies::subject,
            mail_bodies::body_text,
            mail_bodies::body_html,
            mail_bodies::placeholder,
        ))
        .load(conn)
        .expect("bodies");
    let body_bytes: usize = bodies
        .iter()
        .map(|b| b.1.len() + b.2.len() + b.3.len() + b.4.as_ref().map_or(0, String::len))
        .sum();
    let old_bytes: usize = per_row
        .iter()
        .map(|r| {
            let b = bodies.iter().find(|b| b.0 == r.4).expect("its body");
            let (s, t, h) = mail_outbox::personalise(
                (b.1.clone(), b.2.clone(), b.3.clone()),
                b.4.as_deref(),
                r.3.as_deref(),
            );
            own(r) + s.len() + t.len() + h.len()
        })
        .sum();
    (row_bytes, body_bytes, old_bytes)
}

#[tokio::test]
async fn a_reply_to_many_watchers_is_stored_once_and_each_gets_their_own_link() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let author = browser();
    let replier = browser();
    app.register_with(&author, "autrice").await;
    app.register_with(&replier, "repondeur").await;
    let thread = app
        .new_thread_with(&author, "general", "Caméras & micros", "Qui sait ?", "")
        .await;
    let thread_path = format!("/t/{thread}");
    // Six more members watch the thread; the author watches it already.
    let watchers = [
        "veilleur1",
        "veilleur2",
        "veilleur3",
        "veilleur4",
        "veilleur5",
        "watcher6",
    ];
    for name in watchers {
        let client = browser();
        app.register_with(&client, name).await;
        watch_thread(&app, &client, &thread_path).await;
    }
    let mut conn = connect(&app.settings);
    // One of them reads mail in English: theirs is another body.
    diesel::update(users::table.filter(users::username.eq("watcher6")))
        .set(users::locale.eq("en"))
        .execute(&mut conn)
        .expect("locale");
    let before = app.settle(&admin).await;
    let last_row: i64 = outbox::table
        .select(diesel::dsl::max(outbox::id))
        .first::<Option<i64>>(&mut conn)
        .expect("last row")
        .unwrap_or(0);
    app.smtp.clear();

    let res = app
        .reply_with(
            &replier,
            thread,
            "Moi : <b>rendez-vous</b> jeudi & vendredi.",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = app.settle(&admin).await;

    let mut recipients = vec!["autrice".to_owned()];
    recipients.extend(watchers.iter().map(|w| w.to_string()));
    let mut links = HashSet::new();
    for name in &recipients {
        let address = format!("{name}@example.org");
        let mails = app.mails_to(&address);
        assert_eq!(mails.len(), 1, "{name}: {}", app.smtp.summary());
        let mail = &mails[0];
        let id: i64 = users::table
            .filter(users::username.eq(name))
            .select(users::id)
            .first(&mut conn)
            .expect("user");
        let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
        let link = header.trim_matches(['<', '>', ' ']).to_owned();
        assert!(
            link.starts_with(&format!("{}/unsubscribe/{id}/direct/", app.address)),
            "{name}: {link}"
        );
        assert_eq!(mail.link_containing("/unsubscribe/"), link, "{name}");
        assert!(
            mail.html.contains(&format!("href=\"{link}\"")),
            "{name}: {}",
            mail.html
        );
        for part in [&mail.raw, &mail.text, &mail.html] {
            assert!(!part.contains("vigie-unsubscribe-"), "{name}: {part}");
        }
        assert!(mail.text.contains("rendez-vous"), "{}", mail.text);
        links.insert(link);
    }
    assert_eq!(links.len(), recipients.len(), "a link of one's own");
    assert!(app.mails_to("repondeur@example.org").is_empty(), "own post");

    // In the database: seven rows, two bodies (French and English).
    let rows: Vec<(i64, i64)> = outbox::table
        .filter(outbox::id.gt(last_row))
        .filter(outbox::kind.eq("notification"))
        .select((outbox::id, outbox::body_id))
        .load(&mut conn)
        .expect("rows");
    assert_eq!(rows.len(), 7);
    let bodies: HashSet<i64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(bodies.len(), 2, "one body per language");
    let bodies_added =
        after["bodies"].as_i64().expect("bodies") - before["bodies"].as_i64().expect("bodies");
    assert_eq!(bodies_added, 2, "{before} → {after}");
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let (row_bytes, body_bytes, old_bytes) = stored_bytes(&mut conn, &ids);
    println!(
        "one reply to 7 watchers (2 languages): {} rows ({row_bytes} bytes) + {} bodies \
         ({body_bytes} bytes) = {} bytes; one whole copy per row: {old_bytes} bytes",
        rows.len(),
        bodies.len(),
        row_bytes + body_bytes
    );
    assert!((row_bytes + body_bytes) * 2 < old_bytes);

    // The links work, each for its own recipient.
    let link = links.iter().next().expect("a link").clone();
    let res = Client::new()
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK);

    // Purging sent mail takes the bodies no row refers to any more.
    let past = vigie::db::now() - chrono::Duration::days(40);
    diesel::update(outbox::table.filter(outbox::status.eq("sent")))
        .set(outbox::sent_at.eq(past))
        .execute(&mut conn)
        .expect("age the sent mail");
    mail_outbox::purge_sent(&mut conn, 30).expect("purge");
    let left: i64 = mail_bodies::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    let rows_left: i64 = outbox::table.count().get_result(&mut conn).expect("count");
    assert_eq!((rows_left, left), (0, 0), "every body went with its rows");
}

/// A mailer on `settings` (mail kept in memory).
fn mailer(settings: &Settings) -> Mailer {
    let templates =
        std::sync::Arc::new(vigie::templates::Templates::load(false).expect("templates"));
    let config = std::sync::Arc::new(vigie::site_config::ConfigCache::new(settings));
    Mailer::new(settings, templates, config).expect("mailer")
}

/// A member, written directly.
fn member(conn: &mut DbConnection, name: &str) -> i64 {
    let email = format!("{name}@example.org");
    diesel::insert_into(users::table)
        .values((
            users::username.eq(name),
            users::username_key.eq(name),
            users::username_skeleton.eq(name),
            users::email.eq(&email),
            users::email_key.eq(&email),
            users::password_hash.eq("!"),
            users::role.eq("member"),
            users::post_count.eq(0i64),
            users::thread_count.eq(0i64),
            users::created_at.eq(vigie::db::now()),
            users::email_direct.eq("immediately"),
            users::email_watched.eq("digest"),
        ))
        .execute(conn)
        .expect("member");
    users::table
        .filter(users::username.eq(name))
        .select(users::id)
        .first(conn)
        .expect("member id")
}

/// What the notification template needs, with characters HTML escapes.
fn notification_data() -> serde_json::Value {
    json!({
        "kind": "reply",
        "author": "o'brien",
        "thread_title": "Caméras & \"micros\" <partout>",
        "board": "Général",
        "city": "Saint-Étienne",
        "excerpt_text": "a = b & c",
        "excerpt_html": "<p>a = b &amp; c</p>",
        "truncated": true,
        "post_url": "http://forum.example/x?a=1&b=2/p/3",
        "thread_url": "http://forum.example/x?a=1&b=2/t/1",
        "settings_url": "http://forum.example/x?a=1&b=2/settings#notifications",
    })
}

fn lease_all(conn: &mut DbConnection) -> Vec<mail_outbox::Leased> {
    mail_outbox::lease_due(
        conn,
        vigie::db::now() + chrono::Duration::seconds(1),
        100,
        chrono::Duration::minutes(5),
    )
    .expect("lease")
}

#[test]
fn a_shared_mail_reads_exactly_as_a_mail_to_one_person() {
    let (_db, url) = fresh_database();
    let mut settings = test_settings(&url);
    settings.mail.transport = "memory".into();
    // A base URL with characters HTML escapes, so the unsubscribe link is escaped too.
    settings.server.base_url = "http://forum.example/x?a=1&b=2".into();
    let mut conn = connect(&settings);
    migrate::run_pending(&mut conn).expect("migrations");
    let mailer = mailer(&settings);
    let ana = member(&mut conn, "ana");
    let ben = member(&mut conn, "ben");

    for (lang, list) in [
        (Lang::Fr, Some(ListKind::Direct)),
        (Lang::En, Some(ListKind::Watched)),
        (Lang::Fr, None),
    ] {
        diesel::delete(outbox::table)
            .execute(&mut conn)
            .expect("clear");
        diesel::delete(mail_bodies::table)
            .execute(&mut conn)
            .expect("clear");
        for (user_id, address) in [(ana, "ana@example.org"), (ben, "ben@example.org")] {
            mailer
                .queue(
                    &mut conn,
                    Draft {
                        template: "notification",
                        lang,
                        to: address,
                        user_id: Some(user_id),
                        list,
                        data: notification_data(),
                    },
                )
                .expect("queue");
        }
        let shared = mailer
            .queue_shared(
                &mut conn,
                SharedDraft {
                    template: "notification",
                    lang,
                    list,
                    data: notification_data(),
                },
                &[
                    MailTo {
                        address: "ana@example.org",
                        user_id: ana,
                    },
                    MailTo {
                        address: "ben@example.org",
                        user_id: ben,
                    },
                ],
            )
            .expect("queue_shared");
        assert_eq!(shared, 2);
        let bodies: i64 = mail_bodies::table
            .count()
            .get_result(&mut conn)
            .expect("count");
        assert_eq!(bodies, 3, "two single mails, one shared body");
        let leased = lease_all(&mut conn);
        assert_eq!(leased.len(), 4);
        let (alone, together) = leased.split_at(2);
        for (one, shared) in alone.iter().zip(together) {
            assert_eq!(one.recipient, shared.recipient);
            assert_eq!(one.subject, shared.subject);
            assert_eq!(one.body_text, shared.body_text, "{lang:?} {list:?}");
            assert_eq!(one.body_html, shared.body_html, "{lang:?} {list:?}");
            assert_eq!(one.unsubscribe_url, shared.unsubscribe_url);
            assert_eq!(one.kind, shared.kind);
            if list.is_some() {
                let link = one.unsubscribe_url.as_deref().expect("a link");
                assert!(one.body_text.contains(link));
                assert!(one
                    .body_html
                    .contains(&link.replace('&', "&amp;").replace('=', "&#x3D;")));
            }
        }
        if list.is_some() {
            assert_ne!(together[0].body_text, together[1].body_text, "own links");
        }
    }
}

/// Reverts migrations, newest first, through the one that moved mail bodies out of the outbox;
/// returns how many were reverted.
fn revert_through_mail_bodies(conn: &mut DbConnection) -> usize {
    let mut reverted = 0;
    loop {
        let version = match conn {
            DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE).expect("down"),
            DbConnection::Postgres(c) => c.revert_last_migration(POSTGRES).expect("down"),
        };
        reverted += 1;
        if version.to_string().starts_with("20261205120000") {
            return reverted;
        }
    }
}

#[derive(QueryableByName, Debug, PartialEq)]
struct OldRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    subject: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    body_text: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    body_html: String,
}

fn old_rows(conn: &mut DbConnection) -> Vec<OldRow> {
    diesel::sql_query("SELECT id, subject, body_text, body_html FROM outbox ORDER BY id")
        .load(conn)
        .expect("old rows")
}

#[test]
fn the_migration_moves_queued_mail_into_bodies_and_back() {
    let (_db, url) = fresh_database();
    let mut settings = test_settings(&url);
    settings.mail.transport = "memory".into();
    settings.server.base_url = "http://forum.example/x?a=1&b=2".into();
    let mut conn = connect(&settings);
    migrate::run_pending(&mut conn).expect("migrations");
    let mailer = mailer(&settings);
    let ana = member(&mut conn, "ana");
    let ben = member(&mut conn, "ben");
    // Mail queued with bodies of their own and with a shared one…
    mailer
        .queue(
            &mut conn,
            Draft {
                template: "notification",
                lang: Lang::Fr,
                to: "ana@example.org",
                user_id: Some(ana),
                list: Some(ListKind::Direct),
                data: notification_data(),
            },
        )
        .expect("queue");
    mailer
        .queue_shared(
            &mut conn,
            SharedDraft {
                template: "notification",
                lang: Lang::Fr,
                list: Some(ListKind::Direct),
                data: notification_data(),
            },
            &[
                MailTo {
                    address: "ana@example.org",
                    user_id: ana,
                },
                MailTo {
                    address: "ben@example.org",
                    user_id: ben,
                },
            ],
        )
        .expect("queue_shared");
    let expected: Vec<(String, String, String)> = lease_all(&mut conn)
        .into_iter()
        .map(|m| (m.subject, m.body_text, m.body_html))
        .collect();
    assert_eq!(expected.len(), 3);
    // … reads the same, every row whole, once the migration is reverted…
    let reverted = revert_through_mail_bodies(&mut conn);
    let rows = old_rows(&mut conn);
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.subject.clone(), r.body_text.clone(), r.body_html.clone()))
        .collect();
    assert_eq!(got, expected);
    // … and again once it is applied on rows written the old way.
    diesel::sql_query("UPDATE outbox SET claimed_until = NULL")
        .execute(&mut conn)
        .expect("free the rows");
    assert_eq!(migrate::run_pending(&mut conn).expect("up"), reverted);
    let moved: Vec<(String, String, String)> = lease_all(&mut conn)
        .into_iter()
        .map(|m| (m.subject, m.body_text, m.body_html))
        .collect();
    assert_eq!(moved, expected);
    let pairs: Vec<(i64, i64)> = outbox::table
        .select((outbox::id, outbox::body_id))
        .order(outbox::id)
        .load(&mut conn)
        .expect("rows");
    assert!(pairs.iter().all(|(id, body)| id == body), "{pairs:?}");
    // New ids do not collide with the moved ones.
    let id = mailer
        .queue(
            &mut conn,
            Draft {
                template: "notification",
                lang: Lang::Fr,
                to: "ben@example.org",
                user_id: Some(ben),
                list: None,
                data: notification_data(),
            },
        )
        .expect("queue after the migration");
    let last = rows.iter().map(|r| r.id).max().expect("rows");
    let body: i64 = outbox::table
        .find(id)
        .select(outbox::body_id)
        .first(&mut conn)
        .expect("new row");
    assert!(id > last && body > last, "{id} {body} after {last}");
}
