//! The outbox table: mails waiting to be sent, being sent (leased by one worker), sent or failed.
//! Several instances share it: a worker leases a batch (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! the single writer lock on SQLite), so no mail is handed to two workers.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::outbox;
use crate::db::{write_tx_private, DbConnection};

/// A mail to write to the outbox.
pub struct NewMail<'a> {
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub unsubscribe_url: Option<&'a str>,
}

/// A leased mail, ready to send.
#[derive(Debug, Clone, Queryable)]
pub struct Leased {
    pub id: i64,
    pub message_id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub unsubscribe_url: Option<String>,
    pub attempts: i64,
    pub created_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
}

/// Writes one mail; returns its id. The `Message-ID` is made here and kept for every attempt.
pub fn insert(conn: &mut DbConnection, mail: &NewMail<'_>, domain: &str) -> QueryResult<i64> {
    let now = crate::db::now();
    let message_id = format!(
        "{}.{}@{}",
        hex::encode(rand::random::<[u8; 12]>()),
        mail.kind,
        domain
    );
    crate::on_backend!(&mut *conn, c => diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(&message_id),
            outbox::kind.eq(mail.kind),
            outbox::user_id.eq(mail.user_id),
            outbox::recipient.eq(mail.recipient),
            outbox::subject.eq(mail.subject),
            outbox::body_text.eq(mail.body_text),
            outbox::body_html.eq(mail.body_html),
            outbox::unsubscribe_url.eq(mail.unsubscribe_url),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .returning(outbox::id)
        .get_result(c))
}

/// Whether any mail is due (a plain read: most rounds find nothing, and should take neither a
/// writer's turn nor SQLite's write lock).
pub fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<bool> {
    let any_due: Option<i64> = outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(now)),
        )
        .select(outbox::id)
        .first(conn)
        .optional()?;
    Ok(any_due.is_some())
}

/// Leases up to `limit` due mails for `lease`: nobody else takes them until it runs out (a
/// worker that died mid-send leaves them to the next one).
pub fn lease_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<Leased>> {
    write_tx_private(conn, |conn| {
        let due = outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            )
            .order(outbox::id)
            .limit(limit)
            .select(outbox::id);
        let ids: Vec<i64> = match conn {
            DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let until = now + lease;
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::claimed_until.eq(until))
            .execute(conn)?;
        outbox::table
            .filter(outbox::id.eq_any(&ids))
            .order(outbox::id)
            .select((
                outbox::id,
                outbox::message_id,
                outbox::kind,
                outbox::recipient,
                outbox::subject,
                outbox::body_text,
                outbox::body_html,
                outbox::unsubscribe_url,
                outbox::attempts,
                outbox::created_at,
                outbox::claimed_until,
            ))
            .load(conn)
    })
}

/// Records a delivery.
pub fn mark_sent(conn: &mut DbConnection, mail: &Leased, now: NaiveDateTime) -> QueryResult<()> {
    write_tx_private(conn, |conn| {
        diesel::update(
            outbox::table
                .find(mail.id)
                .filter(outbox::claimed_until.eq(mail.claimed_until)),
        )
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(now),
            outbox::attempts.eq(mail.attempts + 1),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
        Ok(())
    })
}

/// How retries are spaced.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base_seconds: u64,
    pub max_seconds: u64,
    pub max_attempts: i64,
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt: base, 2×base, 4×base… at most max.
    pub fn delay(&self, attempts: i64) -> Duration {
        let exponent = attempts.saturating_sub(1).clamp(0, 30) as u32;
        let secs = self
            .base_seconds
            .saturating_mul(2u64.saturating_pow(exponent))
            .min(self.max_seconds);
        Duration::seconds(secs as i64)
    }
}

/// Records a failed attempt: retried later, or failed for good when the server refused the mail
/// permanently or every attempt is spent.
pub fn mark_failed(
    conn: &mut DbConnection,
    mail: &Leased,
    error: &str,
    permanent: bool,
    policy: RetryPolicy,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let attempts = mail.attempts + 1;
    let give_up = permanent || attempts >= policy.max_attempts;
    let error: String = error.chars().take(500).collect();
    write_tx_private(conn, |conn| {
        diesel::update(
            outbox::table
                .find(mail.id)
                .filter(outbox::claimed_until.eq(mail.claimed_until)),
        )
        .set((
            outbox::status.eq(if give_up { "failed" } else { "pending" }),
            outbox::attempts.eq(attempts),
            outbox::last_error.eq(&error),
            outbox::next_attempt_at.eq(now + policy.delay(attempts)),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        Ok(give_up)
    })
}

/// Counts by state, for the admin page and the API.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    pub pending: i64,
    pub failed: i64,
    pub sent: i64,
    /// Posts whose notifications are not fanned out yet.
    pub fanout_pending: i64,
}

/// The outbox's counts.
pub fn counts(conn: &mut DbConnection) -> QueryResult<Counts> {
    // The fan-out queue first: a post leaves it in the same transaction that queues its mails,
    // so reading it before the outbox can never miss both (the other order could, when a
    // fan-out commits between the two reads, and "nothing pending" would be wrong).
    let fanout_pending = crate::db::schema::fanout_queue::table
        .count()
        .get_result(conn)?;
    let rows: Vec<(String, i64)> = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut counts = Counts::default();
    for (status, n) in rows {
        match status.as_str() {
            "pending" => counts.pending = n,
            "failed" => counts.failed = n,
            "sent" => counts.sent = n,
            _ => {}
        }
    }
    counts.fanout_pending = fanout_pending;
    Ok(counts)
}

/// One line of the admin list.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Problem {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Mails not sent yet that failed at least once, newest first.
pub fn problems(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Problem>> {
    outbox::table
        .filter(outbox::status.ne("sent"))
        .filter(outbox::attempts.gt(0))
        .order(outbox::id.desc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::kind,
            outbox::recipient,
            outbox::subject,
            outbox::status,
            outbox::attempts,
            outbox::last_error,
            outbox::next_attempt_at,
            outbox::created_at,
        ))
        .load(conn)
}

/// Puts every failed mail back in the queue, due now, with its attempts reset.
pub fn retry_failed(conn: &mut DbConnection) -> QueryResult<usize> {
    let now = crate::db::now();
    write_tx_private(conn, |conn| {
        diesel::update(outbox::table.filter(outbox::status.eq("failed")))
            .set((
                outbox::status.eq("pending"),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
    })
}

/// Deletes sent mails older than `days` (they hold addresses and text nobody needs any more).
pub fn purge_sent(conn: &mut DbConnection, days: i64) -> QueryResult<usize> {
    let before = crate::db::now() - Duration::days(days);
    write_tx_private(conn, |conn| {
        diesel::delete(
            outbox::table
                .filter(outbox::status.eq("sent"))
                .filter(outbox::sent_at.lt(before)),
        )
        .execute(conn)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let policy = RetryPolicy {
            base_seconds: 15,
            max_seconds: 3600,
            max_attempts: 30,
        };
        let secs: Vec<i64> = (1..=10).map(|n| policy.delay(n).num_seconds()).collect();
        assert_eq!(secs, [15, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert!(
            policy.delay(1).num_seconds() <= 30,
            "first retry within 30 s"
        );
        assert_eq!(policy.delay(1000).num_seconds(), 3600);
    }
}
