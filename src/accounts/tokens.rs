//! Single-use links sent by email: address verification, password reset and email change.
//! The token is random (256 bits) and only its SHA-256 is stored; a new token voids the older
//! ones of the same purpose; using one deletes it in the same statement that reads it, so it
//! works once even when two requests race.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::email_tokens;
use crate::db::DbConnection;
use crate::sessions::{hash_token, new_token};

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm the account's address.
    Verify,
    /// Choose a new password.
    Reset,
    /// Confirm a new address.
    EmailChange,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
            Purpose::EmailChange => "email_change",
        }
    }
}

/// Issues a token (voiding the user's older ones of that purpose); returns it for the link.
pub fn issue(
    conn: &mut DbConnection,
    user_id: i64,
    purpose: Purpose,
    new_email: Option<&str>,
    lifetime: Duration,
) -> QueryResult<String> {
    void(conn, user_id, &[purpose])?;
    let token = new_token();
    let now = crate::db::now();
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::token_hash.eq(hash_token(&token)),
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose.as_str()),
            email_tokens::new_email.eq(new_email),
            email_tokens::created_at.eq(now),
            email_tokens::expires_at.eq(now + lifetime),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Deletes a user's tokens of these purposes.
pub fn void(conn: &mut DbConnection, user_id: i64, purposes: &[Purpose]) -> QueryResult<usize> {
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    diesel::delete(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq_any(names)),
    )
    .execute(conn)
}

/// Uses a token: deletes it and returns its user (and new address) if it was valid.
pub fn consume(
    conn: &mut DbConnection,
    token: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<Option<(i64, Option<String>)>> {
    let target = email_tokens::table
        .filter(email_tokens::token_hash.eq(hash_token(token)))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::expires_at.gt(now));
    let rows: Vec<(i64, Option<String>)> = crate::on_backend!(&mut *conn, c => diesel::delete(target)
        .returning((email_tokens::user_id, email_tokens::new_email))
        .get_results(c))?;
    Ok(rows.into_iter().next())
}

/// True when a token is valid now (without using it): the reset form is shown only then.
pub fn is_valid(
    conn: &mut DbConnection,
    token: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n: i64 = email_tokens::table
        .filter(email_tokens::token_hash.eq(hash_token(token)))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Deletes up to `batch` email tokens (verification, reset, address change) past their expiry.
/// Returns how many went.
pub fn sweep_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let dead = email_tokens::table
        .select(email_tokens::id)
        .filter(email_tokens::expires_at.le(now))
        .limit(batch)
        .load::<i64>(conn)?;
    diesel::delete(email_tokens::table.filter(email_tokens::id.eq_any(dead))).execute(conn)
}
