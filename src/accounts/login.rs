//! Checking credentials: the per-client and per-account throttles, the password (the same work
//! whether or not the account exists), then the account's standing (a suspension or ban) and
//! whether its application still waits. The web form and the API both call `check_login`.

use crate::accounts::password::Verified;
use crate::accounts::queries;
use crate::accounts::registration;
use crate::accounts::service::Accounts;
use crate::i18n::Lang;
use crate::web::error::AppError;

/// What checking a login found.
pub enum LoginOutcome {
    /// The right password for this user id.
    Success(i64),
    /// Unknown account or wrong password (indistinguishable).
    Failed,
    /// The right password, but the account is suspended or banned.
    Blocked(crate::accounts::standing::SanctionRow),
    /// The right password, but the application waits for an administrator.
    Pending,
}

/// The login throttle's key for one account and client (an unknown login is keyed by what was
/// typed); every key of an account starts with `user:{id}|`, so a reset can clear them all.
fn login_account_key(account: Option<i64>, login: &str, client: &str) -> String {
    match account {
        Some(id) => format!("user:{id}|{client}"),
        None => format!(
            "login:{}|{client}",
            crate::accounts::domain::username_key(login)
        ),
    }
}

/// Checks credentials with throttling per client first, then per (account, client). The same
/// work is done whether or not the account exists.
pub async fn check_login(
    accounts: &Accounts,
    db: &crate::db::Db,
    client: &str,
    login: &str,
    password: &str,
) -> Result<LoginOutcome, AppError> {
    let client_key = format!("login:{client}");
    let throttles = &accounts.throttles;
    if let Some(retry_after) = throttles.login_client.blocked_for(&client_key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let lookup = login.trim().to_owned();
    let record = db
        .run(move |conn| queries::find_for_login(conn, &lookup).map_err(AppError::from))
        .await?;
    let account_key = login_account_key(record.as_ref().map(|r| r.id), login, client);
    if let Some(retry_after) = throttles.login_account.blocked_for(&account_key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    if password.chars().count() > crate::accounts::domain::MAX_PASSWORD_CHARS {
        throttles.login_account.record(&account_key);
        throttles.login_client.record(&client_key);
        return Ok(LoginOutcome::Failed);
    }
    let passwords = accounts.passwords.clone();
    let stored = record.as_ref().map(|r| r.password_hash.clone());
    let password = password.to_owned();
    let verified =
        actix_web::web::block(move || passwords.hasher.verify(&password, stored.as_deref()))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
    let user_id = match (record, verified) {
        (Some(r), Verified::Yes) => {
            throttles.login_account.clear(&account_key);
            r.id
        }
        (Some(r), Verified::YesRehash(new_hash)) => {
            throttles.login_account.clear(&account_key);
            let id = r.id;
            db.run(move |conn| {
                queries::set_password_hash(conn, id, &new_hash).map_err(AppError::from)
            })
            .await?;
            r.id
        }
        _ => {
            throttles.login_account.record(&account_key);
            throttles.login_client.record(&client_key);
            return Ok(LoginOutcome::Failed);
        }
    };
    // The right password: only now may the answer say the account is suspended or banned.
    db.run(move |conn| standing(conn, user_id)).await
}

/// Whether the account may sign in now: `Success`, or why not (suspended or banned, or its
/// application still waits). The password login asks after the password; the second step of a
/// two-factor sign-in asks again in the transaction that opens the session, since a ban can
/// fall while the code is being typed.
pub fn standing(
    conn: &mut crate::db::DbConnection,
    user_id: i64,
) -> Result<LoginOutcome, AppError> {
    let block = crate::accounts::standing::login_block(conn, user_id, crate::db::now())?;
    Ok(match block {
        Some(sanction) => LoginOutcome::Blocked(sanction),
        None if registration::is_pending(conn, user_id)? => LoginOutcome::Pending,
        None => LoginOutcome::Success(user_id),
    })
}

/// The message shown to a suspended or banned person who logs in.
pub fn block_message(lang: Lang, sanction: &crate::accounts::standing::SanctionRow) -> String {
    use crate::i18n::FluentArg;
    match sanction.until {
        Some(until) => lang.t_args(
            "error-account-suspended",
            &[
                ("until", FluentArg::Str(lang.datetime(until))),
                ("reason", FluentArg::Str(sanction.reason.clone())),
            ],
        ),
        None => lang.t_args(
            "error-account-banned",
            &[("reason", FluentArg::Str(sanction.reason.clone()))],
        ),
    }
}
