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
    pub async fn password_matches(
        &self,
        db: &Db,
        user_id: i64,
        password: &str,
    ) -> Result<bool, AppError> {
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
        Ok(verified != Verified::No)
    }
}
