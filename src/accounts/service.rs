//! What the account flows need besides the database, as one extractor: password hashing and
//! the common-password list, the mailer, the throttles, and both kinds of settings. Handlers
//! of `accounts` take an `Accounts` next to their `Ctx`; nothing outside the feature does.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};

use crate::accounts::domain::NewPassword;
use crate::accounts::password::{Passwords, Verified};
use crate::accounts::queries;
use crate::accounts::registration;
use crate::db::Db;
use crate::i18n::Lang;
use crate::mail::Mailer;
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::web::context::shared;
use crate::web::error::AppError;
use crate::web::throttle::Throttles;

/// The shared pieces the account flows use.
#[derive(Clone)]
pub struct Accounts {
    pub passwords: Data<Passwords>,
    pub mailer: Data<Mailer>,
    pub throttles: Data<Throttles>,
    pub settings: Data<Settings>,
    pub config: Data<ConfigCache>,
}

impl Accounts {
    /// Takes the pieces from the application's registered data.
    pub fn from_app(req: &HttpRequest) -> Result<Self, AppError> {
        Ok(Accounts {
            passwords: shared(req)?,
            mailer: shared(req)?,
            throttles: shared(req)?,
            settings: shared(req)?,
            config: shared(req)?,
        })
    }
}

impl FromRequest for Accounts {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Accounts::from_app(req))
    }
}

impl Accounts {
    /// Hashes a new password off the async threads.
    pub async fn hash_password(&self, password: &NewPassword) -> Result<String, AppError> {
        let passwords = self.passwords.clone();
        let password = password.clone();
        actix_web::web::block(move || passwords.hasher.hash(password.expose()))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
    }

    /// True when `password` is the user's current password (checked off the async threads).
    /// Wrong answers are throttled per account and per client like logins, so a stolen session
    /// cannot be used to guess the password: past the limit the answer is 429 with
    /// `Retry-After`.
    pub async fn password_matches(
        &self,
        db: &Db,
        client: &str,
        user_id: i64,
        password: &str,
    ) -> Result<bool, AppError> {
        let throttles = &self.throttles;
        let account_key = format!("user:{user_id}");
        let client_key = format!("reauth:{client}");
        let blocked = throttles
            .reauth_client
            .blocked_for(&client_key)
            .or_else(|| throttles.reauth_account.blocked_for(&account_key));
        if let Some(retry_after) = blocked {
            return Err(AppError::TooManyRequests { retry_after });
        }
        if password.chars().count() > crate::accounts::domain::MAX_PASSWORD_CHARS {
            throttles.reauth_account.record(&account_key);
            throttles.reauth_client.record(&client_key);
            return Ok(false);
        }
        let stored = db
            .run(move |conn| queries::password_hash(conn, user_id).map_err(AppError::from))
            .await?;
        let passwords = self.passwords.clone();
        let password = password.to_owned();
        let verified =
            actix_web::web::block(move || passwords.hasher.verify(&password, Some(&stored)))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
        if verified == Verified::No {
            throttles.reauth_account.record(&account_key);
            throttles.reauth_client.record(&client_key);
            return Ok(false);
        }
        throttles.reauth_account.clear(&account_key);
        Ok(true)
    }

    /// Forgets an account's failed logins and failed re-authentications (after a password
    /// reset through the mailed link: the owner must be able to log in at once).
    pub fn forget_failures(&self, user_id: i64) {
        self.throttles
            .login_account
            .clear_prefix(&format!("user:{user_id}|"));
        self.throttles
            .reauth_account
            .clear(&format!("user:{user_id}"));
    }
}

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
    let (block, pending) = db
        .run(move |conn| {
            let block = crate::accounts::standing::login_block(conn, user_id, crate::db::now())?;
            Ok::<_, AppError>((block, registration::is_pending(conn, user_id)?))
        })
        .await?;
    Ok(match (block, pending) {
        (Some(sanction), _) => LoginOutcome::Blocked(sanction),
        (None, true) => LoginOutcome::Pending,
        (None, false) => LoginOutcome::Success(user_id),
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
