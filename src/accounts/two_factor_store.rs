//! The SQL of two-factor sign-in: each account's sealed secrets (active and being set up) and
//! the step of its last accepted code, its recovery codes (keyed hashes only), and the sign-ins
//! waiting for their code. Every "use once" is one statement that changes a row only if it is
//! still usable, so two racing requests cannot both succeed.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{two_factor, two_factor_challenges, two_factor_recovery_codes};
use crate::db::DbConnection;
use crate::sessions::{hash_token, new_token};

/// What the settings page shows about an account's two-factor sign-in.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// When it was turned on (`None`: off).
    pub enabled_at: Option<NaiveDateTime>,
    /// An authenticator is being set up (its code not confirmed yet).
    pub pending: bool,
    /// Unused recovery codes.
    pub recovery_left: i64,
}

/// The account's status.
pub fn status(conn: &mut DbConnection, user_id: i64) -> QueryResult<Status> {
    let row: Option<(Option<NaiveDateTime>, Option<String>)> = two_factor::table
        .find(user_id)
        .select((two_factor::enabled_at, two_factor::pending_secret))
        .first(conn)
        .optional()?;
    let recovery_left = two_factor_recovery_codes::table
        .filter(two_factor_recovery_codes::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(match row {
        Some((enabled_at, pending)) => Status {
            enabled_at,
            pending: pending.is_some(),
            recovery_left,
        },
        None => Status::default(),
    })
}

/// The two-factor part of the account's data export: never a secret, a hash or a code.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportedTwoFactor {
    pub enabled: bool,
    pub enabled_at: Option<NaiveDateTime>,
    pub recovery_codes_left: i64,
}

/// The account's two-factor sign-in, for its data export.
pub fn export(conn: &mut DbConnection, user_id: i64) -> QueryResult<ExportedTwoFactor> {
    let state = status(conn, user_id)?;
    Ok(ExportedTwoFactor {
        enabled: state.enabled_at.is_some(),
        enabled_at: state.enabled_at,
        recovery_codes_left: state.recovery_left,
    })
}

/// True when the account signs in with a second factor.
pub fn is_enabled(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    let n: i64 = two_factor::table
        .filter(two_factor::user_id.eq(user_id))
        .filter(two_factor::secret.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The sealed active secret and the sealed one being set up.
pub fn sealed(
    conn: &mut DbConnection,
    user_id: i64,
) -> QueryResult<(Option<String>, Option<String>)> {
    Ok(two_factor::table
        .find(user_id)
        .select((two_factor::secret, two_factor::pending_secret))
        .first(conn)
        .optional()?
        .unwrap_or((None, None)))
}

/// Keeps a sealed secret being set up (replacing an earlier unconfirmed one); the active one,
/// if any, keeps working until the new one is confirmed.
pub fn set_pending(
    conn: &mut DbConnection,
    user_id: i64,
    sealed: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::on_backend!(&mut *conn, c => diesel::insert_into(two_factor::table)
        .values((
            two_factor::user_id.eq(user_id),
            two_factor::pending_secret.eq(sealed),
            two_factor::updated_at.eq(now),
        ))
        .on_conflict(two_factor::user_id)
        .do_update()
        .set((two_factor::pending_secret.eq(sealed), two_factor::updated_at.eq(now)))
        .execute(c))?;
    Ok(())
}

/// Makes the secret being set up the active one, `step` its first used code. False when
/// nothing was being set up.
pub fn confirm_pending(
    conn: &mut DbConnection,
    user_id: i64,
    step: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        two_factor::table
            .filter(two_factor::user_id.eq(user_id))
            .filter(two_factor::pending_secret.is_not_null()),
    )
    .set((
        two_factor::secret.eq(two_factor::pending_secret),
        two_factor::pending_secret.eq(None::<String>),
        two_factor::enabled_at.eq(now),
        two_factor::last_step.eq(step),
        two_factor::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Forgets the secret being set up; deletes the row when nothing was active.
pub fn cancel_pending(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    diesel::delete(
        two_factor::table
            .filter(two_factor::user_id.eq(user_id))
            .filter(two_factor::secret.is_null()),
    )
    .execute(conn)?;
    diesel::update(two_factor::table.find(user_id))
        .set(two_factor::pending_secret.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Accepts the code of `step`: true only when no code of this step or a later one was
/// accepted before (a code works once).
pub fn use_step(conn: &mut DbConnection, user_id: i64, step: i64) -> QueryResult<bool> {
    let n = diesel::update(
        two_factor::table
            .filter(two_factor::user_id.eq(user_id))
            .filter(two_factor::secret.is_not_null())
            .filter(
                two_factor::last_step
                    .is_null()
                    .or(two_factor::last_step.lt(step)),
            ),
    )
    .set(two_factor::last_step.eq(step))
    .execute(conn)?;
    Ok(n == 1)
}

/// Turns two-factor sign-in off: the secrets, the recovery codes and the waiting sign-ins go.
/// True when it was on (or being set up).
pub fn remove(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    diesel::delete(
        two_factor_recovery_codes::table.filter(two_factor_recovery_codes::user_id.eq(user_id)),
    )
    .execute(conn)?;
    end_challenges(conn, user_id)?;
    Ok(diesel::delete(two_factor::table.find(user_id)).execute(conn)? > 0)
}

/// Replaces the account's recovery codes with these hashes.
pub fn replace_recovery_codes(
    conn: &mut DbConnection,
    user_id: i64,
    hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        two_factor_recovery_codes::table.filter(two_factor_recovery_codes::user_id.eq(user_id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|h| {
            (
                two_factor_recovery_codes::user_id.eq(user_id),
                two_factor_recovery_codes::code_hash.eq(h),
                two_factor_recovery_codes::created_at.eq(now),
            )
        })
        .collect();
    crate::insert_batch!(&mut *conn, two_factor_recovery_codes::table, &rows);
    Ok(())
}

/// Uses a recovery code: deletes it, true when it was one of the account's.
pub fn use_recovery_code(conn: &mut DbConnection, user_id: i64, hash: &str) -> QueryResult<bool> {
    let n = diesel::delete(
        two_factor_recovery_codes::table
            .filter(two_factor_recovery_codes::user_id.eq(user_id))
            .filter(two_factor_recovery_codes::code_hash.eq(hash)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// A sign-in waiting for its code.
#[derive(Debug, Clone, Queryable)]
pub struct Challenge {
    pub user_id: i64,
    pub next_path: String,
    pub attempts: i64,
}

/// Opens a sign-in waiting for its code (ending the account's earlier ones); returns the
/// token the browser keeps.
pub fn open_challenge(
    conn: &mut DbConnection,
    user_id: i64,
    next_path: &str,
    lifetime: Duration,
) -> QueryResult<String> {
    let token = new_token();
    end_challenges(conn, user_id)?;
    diesel::insert_into(two_factor_challenges::table)
        .values((
            two_factor_challenges::token_hash.eq(hash_token(&token)),
            two_factor_challenges::user_id.eq(user_id),
            two_factor_challenges::next_path.eq(next_path),
            two_factor_challenges::attempts.eq(0),
            two_factor_challenges::expires_at.eq(crate::db::now() + lifetime),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The live sign-in behind a token.
pub fn find_challenge(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Challenge>> {
    two_factor_challenges::table
        .find(hash_token(token))
        .filter(two_factor_challenges::expires_at.gt(now))
        .select((
            two_factor_challenges::user_id,
            two_factor_challenges::next_path,
            two_factor_challenges::attempts,
        ))
        .first(conn)
        .optional()
}

/// Takes one of the sign-in's attempts before its code is checked, in one statement: true when
/// it was still open with attempts left (and now has one fewer). Requests racing on one token
/// cannot check more codes than `max` between them.
pub fn claim_attempt(
    conn: &mut DbConnection,
    token: &str,
    max: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        two_factor_challenges::table
            .find(hash_token(token))
            .filter(two_factor_challenges::attempts.lt(max))
            .filter(two_factor_challenges::expires_at.gt(now)),
    )
    .set(two_factor_challenges::attempts.eq(two_factor_challenges::attempts + 1))
    .execute(conn)?;
    Ok(n == 1)
}

/// After a wrong code (its attempt already taken by `claim_attempt`): ends the sign-in once it
/// has used its `max` attempts. Returns whether it is still open.
pub fn challenge_failed(conn: &mut DbConnection, token: &str, max: i64) -> QueryResult<bool> {
    let ended = diesel::delete(
        two_factor_challenges::table
            .find(hash_token(token))
            .filter(two_factor_challenges::attempts.ge(max)),
    )
    .execute(conn)?;
    Ok(ended == 0)
}

/// Ends every sign-in of the account still waiting for its code (a new one, a ban, a new
/// password: see `sessions::revoke_all`).
pub fn end_challenges(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(two_factor_challenges::table.filter(two_factor_challenges::user_id.eq(user_id)))
        .execute(conn)
}

/// Ends a waiting sign-in (its code was right); true when it was still there, so two requests
/// with one token cannot both sign in.
pub fn close_challenge(conn: &mut DbConnection, token: &str) -> QueryResult<bool> {
    let n = diesel::delete(two_factor_challenges::table.find(hash_token(token))).execute(conn)?;
    Ok(n == 1)
}

/// Deletes up to `batch` waiting sign-ins past their end. Returns how many went.
pub fn sweep_expired_challenges(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let dead = two_factor_challenges::table
        .select(two_factor_challenges::token_hash)
        .filter(two_factor_challenges::expires_at.le(now))
        .limit(batch)
        .load::<String>(conn)?;
    diesel::delete(
        two_factor_challenges::table.filter(two_factor_challenges::token_hash.eq_any(dead)),
    )
    .execute(conn)
}
