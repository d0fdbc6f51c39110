//! The digest: once per `notifications.digest_interval_hours`, one mail per user gathering every
//! notification meant for the digest that is still unread and not yet mailed. Each notification
//! is marked as mailed in the transaction that queues the digest, so nothing goes out twice.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::IntoSql;
use serde_json::json;

use super::{EmailMode, Kind};
use crate::db::schema::{notifications, posts, threads, users};
use crate::db::{write_tx_private, DbConnection};
use crate::mail::unsubscribe::ListKind;
use crate::mail::Draft;
use crate::mail::Mailer;
use crate::settings::Settings;
use crate::web::error::AppError;

/// Most items in one digest (older ones wait for the next).
const MAX_ITEMS: i64 = 100;

/// Queues the digests that are due (all pending ones when `force`); returns how many.
pub fn send_due(
    mailer: &Mailer,
    settings: &Settings,
    conn: &mut DbConnection,
    now: NaiveDateTime,
    force: bool,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for user_id in due_readers(settings, conn, now, force)? {
        if send_one(mailer, settings, conn, user_id, now, force)? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The users (at most 1000) whose digest may be due: those whose last digest is old enough and
/// who have notifications waiting for one. A plain read: nobody waits on a lock for the many
/// who are not due yet; `send_one` checks again under the lock.
pub fn due_readers(
    settings: &Settings,
    conn: &mut DbConnection,
    now: NaiveDateTime,
    force: bool,
) -> QueryResult<Vec<i64>> {
    let cutoff = now - Duration::hours(settings.notifications.digest_interval_hours);
    let due = users::last_digest_at
        .le(cutoff)
        .or(users::last_digest_at
            .is_null()
            .and(users::created_at.le(cutoff)))
        .or(force.into_sql::<diesel::sql_types::Bool>());
    notifications::table
        .inner_join(users::table)
        .filter(notifications::email.eq(EmailMode::Digest.as_str()))
        .filter(notifications::emailed_at.is_null())
        .filter(notifications::read_at.is_null())
        .filter(due)
        .select(notifications::user_id)
        .distinct()
        .limit(1000)
        .load(conn)
}

#[derive(Queryable)]
struct Reader {
    email: String,
    locale: Option<String>,
    email_direct: String,
    email_watched: String,
    last_digest_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

#[derive(Queryable)]
struct Item {
    id: i64,
    kind: String,
    post_id: i64,
    body_md: String,
    thread_id: i64,
    thread_title: String,
    author: String,
    created_at: NaiveDateTime,
}

/// Queues one user's digest, in one transaction, if it is still due (`force`: whatever its
/// last one); returns whether a mail was queued.
pub fn send_one(
    mailer: &Mailer,
    settings: &Settings,
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
    force: bool,
) -> Result<bool, AppError> {
    let interval = Duration::hours(settings.notifications.digest_interval_hours);
    let base_url = settings.base_url().to_owned();
    write_tx_private(conn, |conn| {
        let reader_query = users::table.find(user_id).select((
            users::email,
            users::locale,
            users::email_direct,
            users::email_watched,
            users::last_digest_at,
            users::created_at,
        ));
        // Two instances may look at the same user: the row lock makes the second one see the
        // first one's `last_digest_at` (SQLite already runs one writer at a time).
        let reader: Option<Reader> = match conn {
            DbConnection::Postgres(c) => reader_query.for_update().first(c).optional()?,
            DbConnection::Sqlite(c) => reader_query.first(c).optional()?,
        };
        let Some(reader) = reader else {
            return Ok(false);
        };
        let last = reader.last_digest_at.unwrap_or(reader.created_at);
        if !force && last + interval > now {
            return Ok(false);
        }
        // Nothing from a group's private board the reader is no longer in.
        let unreadable = crate::memberships::unreadable_board_ids(conn, Some(user_id))?;
        let items: Vec<Item> = notifications::table
            .inner_join(posts::table.inner_join(users::table))
            .inner_join(threads::table)
            .filter(notifications::user_id.eq(user_id))
            .filter(threads::board_id.ne_all(unreadable))
            .filter(notifications::email.eq(EmailMode::Digest.as_str()))
            .filter(notifications::emailed_at.is_null())
            .filter(notifications::read_at.is_null())
            .filter(posts::hidden_at.is_null())
            .filter(posts::deleted_at.is_null())
            .filter(threads::hidden_at.is_null())
            .order(notifications::id)
            .limit(MAX_ITEMS)
            .select((
                notifications::id,
                notifications::kind,
                posts::id,
                posts::body_md,
                threads::id,
                threads::title,
                users::username,
                posts::created_at,
            ))
            .load(conn)?;
        if items.is_empty() {
            return Ok(false);
        }
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
            .set(notifications::emailed_at.eq(now))
            .execute(conn)?;
        // What the user has since turned off is dropped, not mailed.
        let wanted: Vec<&Item> = items
            .iter()
            .filter(|item| {
                let preference = match Kind::parse(&item.kind) {
                    Some(kind) if kind.is_direct() => &reader.email_direct,
                    _ => &reader.email_watched,
                };
                EmailMode::parse(preference) != Some(EmailMode::Never)
            })
            .collect();
        if wanted.is_empty() {
            return Ok(false);
        }
        let lang = mailer.lang_for(reader.locale.as_deref());
        let entries: Vec<serde_json::Value> = wanted
            .iter()
            .map(|item| {
                let (text, truncated) = super::excerpt(&item.body_md, 300);
                json!({
                    "kind": item.kind,
                    "author": item.author,
                    "thread_title": item.thread_title,
                    "excerpt_text": text,
                    "truncated": truncated,
                    "post_url": format!("{base_url}/p/{}", item.post_id),
                    "thread_url": format!("{base_url}/t/{}", item.thread_id),
                    "at": lang.datetime(item.created_at),
                })
            })
            .collect();
        mailer.queue(
            conn,
            Draft {
                template: "digest",
                lang,
                to: &reader.email,
                user_id: Some(user_id),
                list: Some(ListKind::Digest),
                data: json!({
                    "count": entries.len(),
                    "items": entries,
                    "notifications_url": format!("{base_url}/notifications"),
                    "settings_url": format!("{base_url}/settings#notifications"),
                }),
            },
        )?;
        diesel::update(users::table.find(user_id))
            .set(users::last_digest_at.eq(now))
            .execute(conn)?;
        Ok(true)
    })
}
