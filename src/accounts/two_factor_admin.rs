//! Resetting a member's two-factor sign-in from outside their account, and the mails that tell
//! an account its second factor changed. An administrator resets it from `/admin/users` or the
//! API (a lost phone without recovery code); the console resets anyone's with
//! `vigie user reset-2fa NAME` (an administrator locked out of their own account). Both write
//! the moderation log (`reset_two_factor`, private) and mail the member.

use diesel::prelude::*;
use serde_json::json;

use crate::accounts::service::Accounts;
use crate::accounts::two_factor_store as store;
use crate::db::DbConnection;
use crate::mail::{Draft, Mailer};
use crate::web::error::AppError;

/// The reason written to the moderation log for a reset from the console (no staff actor).
pub const CONSOLE_REASON: &str = "console: vigie user reset-2fa";

/// What changed, for the "two-factor sign-in changed" mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Another authenticator app replaced the one in use.
    Authenticator,
    /// New recovery codes replaced the old ones.
    RecoveryCodes,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Authenticator => "authenticator",
            Change::RecoveryCodes => "recovery_codes",
        }
    }
}

/// The account behind a username: its id and name as written.
fn find_user(conn: &mut DbConnection, username: &str) -> Result<(i64, String), AppError> {
    use crate::db::schema::users;
    let key = crate::accounts::domain::username_key(username);
    users::table
        .filter(users::username_key.eq(key))
        .select((users::id, users::username))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Turns the account's two-factor sign-in off, writes the log and queues the mail, in the
/// caller's transaction. False when it was not on.
fn reset(
    conn: &mut DbConnection,
    mailer: &Mailer,
    base_url: &str,
    actor: Option<i64>,
    reason: &str,
    user_id: i64,
    name: &str,
) -> Result<bool, AppError> {
    if !store::remove(conn, user_id)? {
        return Ok(false);
    }
    crate::audit::record_as(
        conn,
        actor,
        "reset_two_factor",
        "user",
        user_id,
        name,
        reason,
        None,
    )?;
    queue_disabled_mail(conn, mailer, base_url, user_id, true)?;
    Ok(true)
}

/// An administrator turns a member's two-factor sign-in off (a lost phone and no recovery
/// code): written to the moderation log, and the member is told by mail. False when it was
/// not on.
pub async fn admin_reset(
    accounts: &Accounts,
    db: &crate::db::Db,
    admin_id: i64,
    username: String,
) -> Result<bool, AppError> {
    let tx = accounts.clone();
    let done = db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                let (user_id, name) = find_user(conn, &username)?;
                if user_id == admin_id {
                    return Err(AppError::Refused("error-two-factor-reset-self"));
                }
                let base = tx.settings.base_url();
                reset(conn, &tx.mailer, base, Some(admin_id), "", user_id, &name)
            })
        })
        .await?;
    if done {
        accounts.mailer.wake();
        tracing::info!(admin_id, "two-factor sign-in reset by an administrator");
    }
    Ok(done)
}

/// `vigie user reset-2fa NAME`: turns anyone's two-factor sign-in off from the server's console
/// (an administrator who lost both their phone and their recovery codes), logged without a
/// staff actor and with `CONSOLE_REASON`; the member is mailed (the running server sends the
/// queued mail). `Ok(false)` when it was not on; `AppError::NotFound` for an unknown name.
pub fn console_reset(
    conn: &mut DbConnection,
    mailer: &Mailer,
    base_url: &str,
    username: &str,
) -> Result<bool, AppError> {
    crate::db::write_tx_private(conn, |conn| {
        let (user_id, name) = find_user(conn, username)?;
        let done = reset(conn, mailer, base_url, None, CONSOLE_REASON, user_id, &name)?;
        if done {
            tracing::info!(user_id, "two-factor sign-in reset from the console");
        }
        Ok(done)
    })
}

/// Queues "two-factor sign-in was turned off" to the account (in the caller's transaction).
pub fn queue_disabled_mail(
    conn: &mut DbConnection,
    mailer: &Mailer,
    base_url: &str,
    user_id: i64,
    by_admin: bool,
) -> Result<(), AppError> {
    let Some(account) = crate::accounts::account_mail::account_by_id(conn, user_id)? else {
        return Ok(());
    };
    let lang = mailer.lang_for(account.locale.as_deref());
    mailer.queue(
        conn,
        Draft {
            template: "two_factor_disabled",
            lang,
            to: &account.email,
            user_id: Some(account.id),
            list: None,
            data: json!({
                "username": account.username,
                "by_admin": by_admin,
                "at": lang.datetime(crate::db::now()),
                "settings_url": format!("{base_url}/settings/two-factor"),
                "reset_url": format!("{base_url}/password/forgot"),
            }),
        },
    )?;
    Ok(())
}

/// Queues "your two-factor sign-in changed" (another authenticator, or new recovery codes) to
/// the account, in the caller's transaction: whoever did it had the password and a code, and
/// the owner must hear of it if it was not them.
pub fn queue_changed_mail(
    conn: &mut DbConnection,
    mailer: &Mailer,
    base_url: &str,
    user_id: i64,
    change: Change,
) -> Result<(), AppError> {
    let Some(account) = crate::accounts::account_mail::account_by_id(conn, user_id)? else {
        return Ok(());
    };
    let lang = mailer.lang_for(account.locale.as_deref());
    mailer.queue(
        conn,
        Draft {
            template: "two_factor_changed",
            lang,
            to: &account.email,
            user_id: Some(account.id),
            list: None,
            data: json!({
                "username": account.username,
                "authenticator": change == Change::Authenticator,
                "change": change.as_str(),
                "at": lang.datetime(crate::db::now()),
                "settings_url": format!("{base_url}/settings/two-factor"),
                "sessions_url": format!("{base_url}/settings#sessions"),
                "reset_url": format!("{base_url}/password/forgot"),
            }),
        },
    )?;
    Ok(())
}
