//! The context of a JSON API request: the bearer token's user (an unknown or expired token is a
//! 401, not anonymity), the language from `Accept-Language`, and a database handle that counts
//! statements. The browser's cookie never authenticates the API.
//!
//! Answers that read alike for everyone are kept in the page cache (`cached_json`), under the
//! versions of what they show, like visitors' pages.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};

use crate::db::Db;
use crate::i18n::Lang;
use crate::sessions::{SessionKind, Viewer};
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::web::context::{
    find_viewer, hold_staff_without_two_factor, may_post, negotiate_lang, request_counter,
    session_policy, shared,
};
use crate::web::error::AppError;
use crate::web::page_cache::{Holes, Page, PageCache, Scope, Version};

/// What the page cache had for an API request.
pub enum Answer {
    /// The kept answer, ready to send.
    Hit(HttpResponse),
    /// Not kept: answer, and pass the ticket (if any) to `json_cacheable`.
    Miss(Option<AnswerTicket>),
}

/// Where to keep an answer once made.
pub struct AnswerTicket {
    version: Version,
    key: String,
}

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
    page_cache: Data<PageCache>,
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
            let mut viewer = match token {
                Some(token) => {
                    let policy = session_policy(&settings);
                    let found = find_viewer(&db, token, SessionKind::Api, policy).await?;
                    // A token that was sent but is unknown or expired is an error, not anonymity.
                    Some(found.ok_or(AppError::Unauthorized)?)
                }
                None => None,
            };
            hold_staff_without_two_factor(&req, &config, &mut viewer);
            let lang = negotiate_lang(&req, config.get().default_lang(), viewer.as_ref());
            req.extensions_mut().insert(lang);
            Ok(ApiCtx {
                page_cache: shared::<PageCache>(&req)?,
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

    /// For a visitor or a plain member (no staff role, no board to moderate, or `everyone`:
    /// an answer that shows staff nothing more): the kept answer for this address if what it
    /// shows has not changed (one statement), else a ticket to keep the answer about to be made.
    /// A member named in the kept answer's `authors` sees it differently and gets it made.
    pub async fn cached_json(&self, scope: Scope, everyone: bool) -> Result<Answer, AppError> {
        let plain = self.viewer.as_ref().map_or(true, |v| {
            everyone || (v.role == crate::sessions::Role::Member && !v.moderates_boards)
        });
        if !plain || !self.page_cache.enabled() {
            return Ok(Answer::Miss(None));
        }
        let version = self
            .db
            .run_quick_read(move |conn| scope.version(conn).map_err(AppError::from))
            .await?;
        let Some(version) = version else {
            return Ok(Answer::Miss(None));
        };
        let path = self.req.uri().path_and_query().map_or("/", |p| p.as_str());
        let key = format!("api|{path}");
        let reader = self.viewer.as_ref().map(|v| v.user_id);
        match self.page_cache.get(&key, version) {
            Some(page) if reader.is_some_and(|r| page.holes.authors.binary_search(&r).is_ok()) => {
                Ok(Answer::Miss(None))
            }
            Some(page) => Ok(Answer::Hit(json_response(Bytes::from_owner(Kept(
                Arc::clone(&page.html),
            ))))),
            None => Ok(Answer::Miss(Some(AnswerTicket { version, key }))),
        }
    }

    /// Sends `body` (JSON) and, with a ticket, keeps it for the next readers who are not among
    /// `authors` (the members who would see it differently; sorted here).
    pub fn json_cacheable(
        &self,
        ticket: Option<AnswerTicket>,
        body: String,
        mut authors: Vec<i64>,
    ) -> HttpResponse {
        let reader = self.viewer.as_ref().map(|v| v.user_id);
        authors.sort_unstable();
        authors.dedup();
        match ticket {
            // An answer made for one of its authors is theirs alone.
            Some(t) if !reader.is_some_and(|r| authors.binary_search(&r).is_ok()) => {
                let html: Arc<str> = body.into();
                let page = Page {
                    html: Arc::clone(&html),
                    holes: Holes {
                        authors,
                        ..Holes::default()
                    },
                };
                self.page_cache.put(t.key, t.version, Arc::new(page));
                json_response(Bytes::from_owner(Kept(html)))
            }
            _ => json_response(Bytes::from(body)),
        }
    }
}

/// A kept answer, sent without a copy.
struct Kept(Arc<str>);

impl AsRef<[u8]> for Kept {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

fn json_response(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(mime::APPLICATION_JSON)
        .body(body)
}
