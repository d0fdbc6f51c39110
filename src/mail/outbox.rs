//! The outbox table: mails waiting to be sent, being sent (leased by one worker), sent or failed.
//! Several instances share it: a worker leases a batch (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! the single writer lock on SQLite), so no mail is handed to two workers.
//!
//! A row holds what is one recipient's own (address, account, unsubscribe link, delivery
//! state); the subject, text and HTML live in `mail_bodies`, once per message, shared by every
//! row that refers to them. A body rendered for several recipients holds a random placeholder
//! where each recipient's unsubscribe link goes: `lease_due` puts the row's own link there
//! (`personalise`), so every recipient gets exactly the mail rendered for them alone. Bodies go
//! when no row refers to them any more (`purge_sent`, `delete_for_user`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{mail_bodies, outbox};
use crate::db::{write_tx_private, DbConnection};

/// The shared part of a mail: what every recipient of one message reads.
pub struct NewBody<'a> {
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    /// The token standing for each recipient's unsubscribe link in the text and HTML, when
    /// the body is shared by recipients with links of their own.
    pub placeholder: Option<&'a str>,
}

/// One recipient's row, referring to a body written with `insert_body`.
pub struct NewMail<'a> {
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub recipient: &'a str,
    pub body_id: i64,
    pub unsubscribe_url: Option<&'a str>,
}

/// A leased mail, ready to send: its body with the recipient's own link in it.
#[derive(Debug, Clone)]
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

/// Writes the shared part of a mail; returns its id.
pub fn insert_body(conn: &mut DbConnection, body: &NewBody<'_>) -> QueryResult<i64> {
    let now = crate::db::now();
    crate::on_backend!(&mut *conn, c => diesel::insert_into(mail_bodies::table)
        .values((
            mail_bodies::subject.eq(body.subject),
            mail_bodies::body_text.eq(body.body_text),
            mail_bodies::body_html.eq(body.body_html),
            mail_bodies::placeholder.eq(body.placeholder),
            mail_bodies::created_at.eq(now),
        ))
        .returning(mail_bodies::id)
        .get_result(c))
}

/// A fresh `Message-ID` (without the angle brackets), kept for every attempt.
fn message_id(kind: &str, domain: &str) -> String {
    format!(
        "{}.{}@{}",
        hex::encode(rand::random::<[u8; 12]>()),
        kind,
        domain
    )
}

/// Writes one recipient's row; returns its id.
pub fn insert(conn: &mut DbConnection, mail: &NewMail<'_>, domain: &str) -> QueryResult<i64> {
    let now = crate::db::now();
    let message_id = message_id(mail.kind, domain);
    crate::on_backend!(&mut *conn, c => diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(&message_id),
            outbox::kind.eq(mail.kind),
            outbox::user_id.eq(mail.user_id),
            outbox::recipient.eq(mail.recipient),
            outbox::body_id.eq(mail.body_id),
            outbox::unsubscribe_url.eq(mail.unsubscribe_url),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .returning(outbox::id)
        .get_result(c))
}

/// Writes many recipients' rows (a few statements, whatever their number); returns how many.
pub fn insert_many(
    conn: &mut DbConnection,
    mails: &[NewMail<'_>],
    domain: &str,
) -> QueryResult<usize> {
    let now = crate::db::now();
    let message_ids: Vec<String> = mails.iter().map(|m| message_id(m.kind, domain)).collect();
    let rows: Vec<_> = mails
        .iter()
        .zip(&message_ids)
        .map(|(mail, message_id)| {
            (
                outbox::message_id.eq(message_id),
                outbox::kind.eq(mail.kind),
                outbox::user_id.eq(mail.user_id),
                outbox::recipient.eq(mail.recipient),
                outbox::body_id.eq(mail.body_id),
                outbox::unsubscribe_url.eq(mail.unsubscribe_url),
                outbox::status.eq("pending"),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            )
        })
        .collect();
    let mut written = 0;
    for chunk in rows.chunks(200) {
        written += crate::on_backend!(&mut *conn, c => diesel::insert_into(outbox::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(written)
}

/// Puts a recipient's own unsubscribe link where a shared body has its placeholder: as is in
/// the subject and the text, HTML-escaped in the HTML (exactly as the templates would have
/// written it). A body without placeholder, or a row without link, is returned unchanged.
pub fn personalise(
    (subject, text, html): (String, String, String),
    placeholder: Option<&str>,
    unsubscribe_url: Option<&str>,
) -> (String, String, String) {
    let (Some(placeholder), Some(url)) = (placeholder, unsubscribe_url) else {
        return (subject, text, html);
    };
    if placeholder.is_empty() {
        return (subject, text, html);
    }
    let swap = |s: String, by: &str| {
        if s.contains(placeholder) {
            s.replace(placeholder, by)
        } else {
            s
        }
    };
    let escaped = crate::templates::escape_html(url);
    (swap(subject, url), swap(text, url), swap(html, &escaped))
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
        let rows: Vec<LeasedRow> = outbox::table
            .inner_join(mail_bodies::table)
            .filter(outbox::id.eq_any(&ids))
            .order(outbox::id)
            .select((
                outbox::id,
                outbox::message_id,
                outbox::kind,
                outbox::recipient,
                mail_bodies::subject,
                mail_bodies::body_text,
                mail_bodies::body_html,
                mail_bodies::placeholder,
                outbox::unsubscribe_url,
                outbox::attempts,
                outbox::created_at,
                outbox::claimed_until,
            ))
            .load(conn)?;
        Ok(rows.into_iter().map(LeasedRow::personalised).collect())
    })
}

/// A leased row joined to its body, before the recipient's own link is put in.
#[derive(Queryable)]
struct LeasedRow {
    id: i64,
    message_id: String,
    kind: String,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    placeholder: Option<String>,
    unsubscribe_url: Option<String>,
    attempts: i64,
    created_at: NaiveDateTime,
    claimed_until: Option<NaiveDateTime>,
}

impl LeasedRow {
    fn personalised(self) -> Leased {
        let (subject, body_text, body_html) = personalise(
            (self.subject, self.body_text, self.body_html),
            self.placeholder.as_deref(),
            self.unsubscribe_url.as_deref(),
        );
        Leased {
            id: self.id,
            message_id: self.message_id,
            kind: self.kind,
            recipient: self.recipient,
            subject,
            body_text,
            body_html,
            unsubscribe_url: self.unsubscribe_url,
            attempts: self.attempts,
            created_at: self.created_at,
            claimed_until: self.claimed_until,
        }
    }
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
#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct Counts {
    pub pending: i64,
    pub failed: i64,
    pub sent: i64,
    /// Posts whose notifications are not fanned out yet.
    pub fanout_pending: i64,
    /// Stored mail bodies (one per message, shared by its recipients' rows).
    pub bodies: i64,
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
    counts.bodies = mail_bodies::table.count().get_result(conn)?;
    Ok(counts)
}

/// One line of the admin list.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
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
        .inner_join(mail_bodies::table)
        .filter(outbox::status.ne("sent"))
        .filter(outbox::attempts.gt(0))
        .order(outbox::id.desc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::kind,
            outbox::recipient,
            mail_bodies::subject,
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

/// Deletes sent mails older than `days` (they hold addresses and text nobody needs any more),
/// and the bodies no row refers to any more.
pub fn purge_sent(conn: &mut DbConnection, days: i64) -> QueryResult<usize> {
    let before = crate::db::now() - Duration::days(days);
    write_tx_private(conn, |conn| {
        let purged = diesel::delete(
            outbox::table
                .filter(outbox::status.eq("sent"))
                .filter(outbox::sent_at.lt(before)),
        )
        .execute(conn)?;
        let bodies = delete_orphan_bodies(conn)?;
        tracing::debug!(purged, bodies, "sent mail purged");
        Ok(purged)
    })
}

/// Deletes every body no outbox row refers to (those of purged rows, and of rows deleted with
/// an account). A body is written in the same transaction as its rows, so none is ever seen
/// here before its rows are.
fn delete_orphan_bodies(conn: &mut DbConnection) -> QueryResult<usize> {
    use diesel::dsl::{exists, not};
    diesel::delete(mail_bodies::table.filter(not(exists(
        outbox::table.filter(outbox::body_id.eq(mail_bodies::id)),
    ))))
    .execute(conn)
}

/// Deletes every mail to `user_id`, with the bodies only they referred to (account deletion;
/// runs in the caller's transaction).
pub fn delete_for_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    use diesel::dsl::{exists, not};
    let bodies: Vec<i64> = outbox::table
        .filter(outbox::user_id.eq(user_id))
        .select(outbox::body_id)
        .distinct()
        .load(conn)?;
    let deleted =
        diesel::delete(outbox::table.filter(outbox::user_id.eq(user_id))).execute(conn)?;
    for chunk in bodies.chunks(500) {
        diesel::delete(
            mail_bodies::table
                .filter(mail_bodies::id.eq_any(chunk))
                .filter(not(exists(
                    outbox::table.filter(outbox::body_id.eq(mail_bodies::id)),
                ))),
        )
        .execute(conn)?;
    }
    Ok(deleted)
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

    fn parts(s: &str, t: &str, h: &str) -> (String, String, String) {
        (s.to_owned(), t.to_owned(), h.to_owned())
    }

    #[test]
    fn the_placeholder_becomes_the_recipients_own_link() {
        let token = "vigie-unsubscribe-0123456789abcdef";
        let url = "https://v.example/u?a=1&b=<2>/unsubscribe/7/direct/xY_-z";
        let (subject, text, html) = personalise(
            parts(
                "Réponse",
                &format!("Se désabonner :\n{token}\n"),
                &format!("<a href=\"{token}\">{token}</a>"),
            ),
            Some(token),
            Some(url),
        );
        assert_eq!(subject, "Réponse");
        assert_eq!(text, format!("Se désabonner :\n{url}\n"));
        let escaped =
            "https://v.example/u?a&#x3D;1&amp;b&#x3D;&lt;2&gt;/unsubscribe/7/direct/xY_-z";
        assert_eq!(html, format!("<a href=\"{escaped}\">{escaped}</a>"));
        // What the HTML registry itself writes for `{{unsubscribe_url}}`.
        assert_eq!(crate::templates::escape_html(url), escaped);
        assert!(!text.contains(token) && !html.contains(token));
    }

    #[test]
    fn bodies_without_placeholder_or_rows_without_link_are_left_alone() {
        let mail = parts("s", "t vigie-unsubscribe-x", "h");
        assert_eq!(personalise(mail.clone(), None, Some("https://x")), mail);
        assert_eq!(
            personalise(mail.clone(), Some("vigie-unsubscribe-x"), None),
            mail
        );
        assert_eq!(personalise(mail.clone(), Some(""), Some("https://x")), mail);
    }
}
