//! Two-factor sign-in as the account flows use it: setting up an authenticator (a sealed
//! secret kept pending until a code confirms it; replacing the one in use also needs one of its
//! codes), checking a code at sign-in (a TOTP code once per time step, or a single-use recovery
//! code), throttled like passwords, and turning it off (by the member, or by an administrator,
//! see `two_factor_admin`). The SQL is in `two_factor_store`, the cryptography in `totp`.

use crate::accounts::service::Accounts;
use crate::accounts::totp::{self, SealKey};
use crate::accounts::two_factor_admin::{self as admin, Change};
use crate::accounts::two_factor_store as store;
use crate::db::Db;
use crate::sessions;
use crate::web::error::AppError;

/// Wrong codes one waiting sign-in accepts before the password must be typed again.
pub const MAX_ATTEMPTS: i64 = 5;
/// Minutes a sign-in waits for its code.
pub const CHALLENGE_MINUTES: i64 = 10;

/// How a code was accepted, or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// The authenticator's code of a step not used before.
    Totp,
    /// One of the recovery codes (now used up).
    Recovery,
    /// Neither.
    Wrong,
}

/// A freshly set-up authenticator's secret, for the page that shows it.
pub struct Enrolment {
    /// The secret in base32, grouped, to type into an app.
    pub typed_secret: String,
}

/// The sealing key, or a logged 500.
fn key(accounts: &Accounts) -> Result<SealKey, AppError> {
    Ok(SealKey::from_settings(&accounts.settings)?)
}

/// True when the account signs in with a second factor.
pub async fn enabled(db: &Db, user_id: i64) -> Result<bool, AppError> {
    db.run(move |conn| store::is_enabled(conn, user_id).map_err(AppError::from))
        .await
}

/// Starts setting up an authenticator: a new secret, sealed and kept pending.
pub async fn start_enrolment(
    accounts: &Accounts,
    db: &Db,
    user_id: i64,
) -> Result<Enrolment, AppError> {
    let key = key(accounts)?;
    let secret = totp::new_secret();
    let sealed = totp::seal(&key, user_id, &secret)?;
    db.run(move |conn| {
        crate::db::write_tx_private(conn, |conn| {
            store::set_pending(conn, user_id, &sealed, crate::db::now())
        })
        .map_err(AppError::from)
    })
    .await?;
    tracing::info!(user_id, "two-factor set-up started");
    Ok(Enrolment {
        typed_secret: totp::secret_for_typing(&secret),
    })
}

/// The secret being set up, unsealed (`None` when nothing is).
async fn pending_secret(
    accounts: &Accounts,
    db: &Db,
    user_id: i64,
) -> Result<Option<Vec<u8>>, AppError> {
    let (_, pending) = db
        .run(move |conn| store::sealed(conn, user_id).map_err(AppError::from))
        .await?;
    match pending {
        Some(sealed) => Ok(Some(totp::unseal(&key(accounts)?, user_id, &sealed)?)),
        None => Ok(None),
    }
}

/// The secret being set up, as typed and as the QR code's address (`None` when nothing is).
pub async fn pending_for_display(
    accounts: &Accounts,
    db: &Db,
    user_id: i64,
    username: &str,
) -> Result<Option<(String, String)>, AppError> {
    let Some(secret) = pending_secret(accounts, db, user_id).await? else {
        return Ok(None);
    };
    let issuer = accounts.config.get().site_name.clone();
    let url = totp::otpauth_url(&secret, &issuer, username)?;
    Ok(Some((totp::secret_for_typing(&secret), url)))
}

/// How confirming a new authenticator went.
#[derive(Debug)]
pub enum Confirmed {
    /// It is the active one now: the ten new recovery codes, to show once.
    Enabled(Vec<String>),
    /// The new app's code is wrong (or nothing was being set up).
    WrongCode,
    /// Two-factor sign-in was already on and the current factor's code was missing or wrong.
    WrongCurrent,
}

/// Confirms the authenticator being set up with one of its codes: it becomes the active one,
/// ten new recovery codes replace the old ones, and every other session and API token of the
/// account ends (`keep_session` stays): sessions opened before, perhaps by someone who knew
/// only the password, do not carry over. When two-factor sign-in was already on (a new phone),
/// `current` must be a code of the authenticator in use or a recovery code, and the owner is
/// mailed. Wrong codes count against the account like wrong passwords.
pub async fn confirm_enrolment(
    accounts: &Accounts,
    db: &Db,
    client: &str,
    user_id: i64,
    keep_session: i64,
    code: &str,
    current: &str,
) -> Result<Confirmed, AppError> {
    charge(accounts, client, user_id)?;
    let Some(secret) = pending_secret(accounts, db, user_id).await? else {
        release(accounts, client, user_id);
        return Ok(Confirmed::WrongCode);
    };
    let Some(step) = totp::matching_step(&secret, code, totp::unix_now())? else {
        return Ok(Confirmed::WrongCode);
    };
    release(accounts, client, user_id);
    let replacing = enabled(db, user_id).await?;
    // Replacing the factor in use needs one of its codes (or a recovery code) besides the
    // password.
    if replacing
        && (current.trim().is_empty()
            || check_code(accounts, db, client, user_id, current).await? == CodeCheck::Wrong)
    {
        return Ok(Confirmed::WrongCurrent);
    }
    let codes = totp::new_recovery_codes();
    let hashes = recovery_hashes(accounts, user_id, &codes)?;
    let step = i64::try_from(step).map_err(AppError::internal)?;
    let tx = accounts.clone();
    let confirmed = db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                let now = crate::db::now();
                // Turned on meanwhile (another tab) without the current factor checked here.
                if store::is_enabled(conn, user_id)? && !replacing {
                    return Ok(false);
                }
                if !store::confirm_pending(conn, user_id, step, now)? {
                    return Ok(false);
                }
                store::replace_recovery_codes(conn, user_id, &hashes, now)?;
                sessions::revoke_all(conn, user_id, Some(keep_session))?;
                if replacing {
                    let base = tx.settings.base_url();
                    admin::queue_changed_mail(
                        conn,
                        &tx.mailer,
                        base,
                        user_id,
                        Change::Authenticator,
                    )?;
                }
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !confirmed {
        return Ok(Confirmed::WrongCode);
    }
    if replacing {
        accounts.mailer.wake();
        tracing::info!(user_id, "two-factor authenticator replaced");
    } else {
        tracing::info!(user_id, "two-factor sign-in turned on");
    }
    Ok(Confirmed::Enabled(codes))
}

/// The stored forms of new recovery codes.
fn recovery_hashes(
    accounts: &Accounts,
    user_id: i64,
    codes: &[String],
) -> Result<Vec<String>, AppError> {
    let key = key(accounts)?;
    Ok(codes
        .iter()
        .filter_map(|c| totp::recovery_hash(&key, user_id, c))
        .collect())
}

/// Forgets the authenticator being set up.
pub async fn cancel_enrolment(db: &Db, user_id: i64) -> Result<(), AppError> {
    db.run(move |conn| {
        crate::db::write_tx_private(conn, |conn| store::cancel_pending(conn, user_id))
            .map_err(AppError::from)
    })
    .await
}

/// Makes ten new recovery codes (the old ones stop working) and returns them to show once; the
/// caller checked the password and a current code. The account's other sessions and tokens end
/// (`keep_session` stays) and the owner is mailed.
pub async fn regenerate_recovery_codes(
    accounts: &Accounts,
    db: &Db,
    user_id: i64,
    keep_session: i64,
) -> Result<Vec<String>, AppError> {
    let codes = totp::new_recovery_codes();
    let hashes = recovery_hashes(accounts, user_id, &codes)?;
    let tx = accounts.clone();
    db.run(move |conn| {
        crate::db::write_tx_private(conn, |conn| {
            store::replace_recovery_codes(conn, user_id, &hashes, crate::db::now())?;
            sessions::revoke_all(conn, user_id, Some(keep_session))?;
            let base = tx.settings.base_url();
            admin::queue_changed_mail(conn, &tx.mailer, base, user_id, Change::RecoveryCodes)?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    accounts.mailer.wake();
    tracing::info!(user_id, "recovery codes regenerated");
    Ok(codes)
}

/// Takes one attempt from the client's and the account's allowances of wrong codes before a
/// code is checked, each in one step (`Throttle::try_record`), so requests racing past an
/// `.await` cannot all get in on the last one; refuses with 429 once either is used up.
fn charge(accounts: &Accounts, client: &str, user_id: i64) -> Result<(), AppError> {
    let throttles = &accounts.throttles;
    let client_key = format!("login:{client}");
    if let Some(retry_after) = throttles.login_client.try_record(&client_key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    if let Some(retry_after) = throttles.two_factor.try_record(&format!("user:{user_id}")) {
        throttles.login_client.refund(&client_key);
        return Err(AppError::TooManyRequests { retry_after });
    }
    Ok(())
}

/// The code was right (or none was checked): the account's wrong codes are forgotten and the
/// client gets back the attempt `charge` took (its other failures stay counted).
fn release(accounts: &Accounts, client: &str, user_id: i64) {
    let throttles = &accounts.throttles;
    throttles.two_factor.clear(&format!("user:{user_id}"));
    throttles.login_client.refund(&format!("login:{client}"));
}

/// Checks a sign-in's second factor: the authenticator's code of a step not used yet, or an
/// unused recovery code (used up by this). Every attempt is counted per account and per client
/// before the code is checked (429 with `Retry-After` past the limit, like passwords), and
/// given back when it was right.
pub async fn check_code(
    accounts: &Accounts,
    db: &Db,
    client: &str,
    user_id: i64,
    code: &str,
) -> Result<CodeCheck, AppError> {
    charge(accounts, client, user_id)?;
    let outcome = if totp::code_digits(code).is_some() {
        let (active, _) = db
            .run(move |conn| store::sealed(conn, user_id).map_err(AppError::from))
            .await?;
        let Some(sealed) = active else {
            return Ok(CodeCheck::Wrong);
        };
        let secret = totp::unseal(&key(accounts)?, user_id, &sealed)?;
        match totp::matching_step(&secret, code, totp::unix_now())? {
            Some(step) => {
                let step = i64::try_from(step).map_err(AppError::internal)?;
                let fresh = db
                    .run(move |conn| {
                        crate::db::write_tx_private(conn, |conn| {
                            store::use_step(conn, user_id, step)
                        })
                        .map_err(AppError::from)
                    })
                    .await?;
                if fresh {
                    CodeCheck::Totp
                } else {
                    CodeCheck::Wrong
                }
            }
            None => CodeCheck::Wrong,
        }
    } else {
        match totp::recovery_hash(&key(accounts)?, user_id, code) {
            Some(hash) => {
                let used = db
                    .run(move |conn| {
                        crate::db::write_tx_private(conn, |conn| {
                            store::use_recovery_code(conn, user_id, &hash)
                        })
                        .map_err(AppError::from)
                    })
                    .await?;
                if used {
                    tracing::info!(user_id, "signed in with a recovery code");
                    CodeCheck::Recovery
                } else {
                    CodeCheck::Wrong
                }
            }
            None => CodeCheck::Wrong,
        }
    };
    if outcome != CodeCheck::Wrong {
        release(accounts, client, user_id);
    }
    Ok(outcome)
}

/// Turns the member's own two-factor sign-in off (they gave their password and a code) and
/// tells them by mail.
pub async fn disable(accounts: &Accounts, db: &Db, user_id: i64) -> Result<(), AppError> {
    let tx = accounts.clone();
    db.run(move |conn| {
        crate::db::write_tx_private(conn, |conn| {
            if store::remove(conn, user_id)? {
                let base = tx.settings.base_url();
                admin::queue_disabled_mail(conn, &tx.mailer, base, user_id, false)?;
            }
            Ok::<_, AppError>(())
        })
    })
    .await?;
    accounts.mailer.wake();
    tracing::info!(user_id, "two-factor sign-in turned off");
    Ok(())
}

/// An administrator turns a member's two-factor sign-in off (see `two_factor_admin`).
pub use crate::accounts::two_factor_admin::admin_reset;
