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
use crate::db::Db;
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
    /// reset through the mailed link: the owner must be able to log in at once). Wrong
    /// two-factor codes stay counted: whoever reset the password (perhaps through a stolen
    /// mailbox) must not get a fresh allowance of code guesses by doing so.
    pub fn forget_failures(&self, user_id: i64) {
        self.throttles
            .login_account
            .clear_prefix(&format!("user:{user_id}|"));
        self.throttles
            .reauth_account
            .clear(&format!("user:{user_id}"));
    }
}
