//! The context of a JSON API request: the bearer token's user (an unknown or expired token is a
//! 401, not anonymity), the language from `Accept-Language`, and a database handle that counts
//! statements. The browser's cookie never authenticates the API.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::db::Db;
use crate::i18n::Lang;
use crate::sessions::{SessionKind, Viewer};
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::web::context::{
    find_viewer, may_post, negotiate_lang, request_counter, session_policy, shared,
};
use crate::web::error::AppError;

/// The context of a JSON API request: the bearer token's user, if any.
pub struct ApiCtx {
    /// The configuration file's settings.
    pub settings: Data<Settings>,
    /// The settings administrators change from the site.
    pub config: Data<ConfigCache>,
    pub db: Db,
    pub viewer: Option<Viewer>,
    pub lang: Lang,
    pub req: HttpRequest,
}

impl FromRequest for ApiCtx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let settings = shared::<Settings>(&req)?;
            let config = shared::<ConfigCache>(&req)?;
            let db = shared::<Db>(&req)?.with_counter(request_counter(&req));
            let token = match req.headers().get(header::AUTHORIZATION) {
                None => None,
                Some(h) => {
                    let value = h.to_str().map_err(|_| AppError::Unauthorized)?;
                    let token = value
                        .strip_prefix("Bearer ")
                        .ok_or(AppError::Unauthorized)?
                        .trim()
                        .to_owned();
                    Some(token)
                }
            };
            let viewer = match token {
                Some(token) => {
                    let policy = session_policy(&settings);
                    let found = find_viewer(&db, token, SessionKind::Api, policy).await?;
                    // A token that was sent but is unknown or expired is an error, not anonymity.
                    Some(found.ok_or(AppError::Unauthorized)?)
                }
                None => None,
            };
            let lang = negotiate_lang(&req, config.get().default_lang(), viewer.as_ref());
            req.extensions_mut().insert(lang);
            Ok(ApiCtx {
                settings,
                config,
                db,
                viewer,
                lang,
                req,
            })
        })
    }
}

impl ApiCtx {
    /// The token's user, or 401.
    pub fn require_user(&self) -> Result<&Viewer, AppError> {
        self.viewer.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The token's user if they may post (address confirmed when the site requires it).
    pub fn require_poster(&self) -> Result<&Viewer, AppError> {
        let viewer = self.require_user()?;
        may_post(&self.settings, viewer)?;
        Ok(viewer)
    }

    /// The client's key for throttling (see `web::client_key`); never stored.
    pub fn client_key(&self) -> String {
        crate::web::client_key(&self.settings, &self.req)
    }

    /// The token's user if an administrator, else 403 (401 without a token).
    pub fn require_admin(&self) -> Result<&Viewer, AppError> {
        let v = self.require_user()?;
        if v.is_admin() {
            Ok(v)
        } else {
            Err(AppError::Forbidden)
        }
    }
}
