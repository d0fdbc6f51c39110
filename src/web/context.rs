//! The request context handed to every HTML handler: who is asking (from the session cookie,
//! checked against the database), in which language, the CSRF token for forms, and a database
//! handle that counts statements; rendering (with the visitors' page cache); and the
//! CSRF-checked form extractor. The API's bearer-token counterpart is `web::api_context`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::{Db, StatementCounter};
use crate::i18n::Lang;
use crate::sessions::{self, Found, SessionKind, SessionPolicy, Viewer};
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::templates::Templates;
use crate::validation::FieldError;
use crate::web::error::AppError;
use crate::web::page_cache::{Fill, Holes, Marks, Page, PageCache, Scope};

/// Name of the session cookie (with the `__Host-` prefix on HTTPS).
pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-vigie_session"
    } else {
        "vigie_session"
    }
}

/// Name of the pre-login CSRF cookie.
pub fn csrf_cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-vigie_csrf"
    } else {
        "vigie_csrf"
    }
}

/// Name of the visitor's language cookie.
pub const LANG_COOKIE: &str = "vigie_lang";

/// Builds a cookie with the attributes SECURITY.md requires.
pub fn secure_cookie(settings: &Settings, name: &'static str, value: String) -> Cookie<'static> {
    let mut c = Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    if settings.is_https() {
        c.set_secure(true);
    }
    c
}

/// A cookie that deletes `name`.
pub fn removal_cookie(settings: &Settings, name: &'static str) -> Cookie<'static> {
    let mut c = secure_cookie(settings, name, String::new());
    c.make_removal();
    c
}

/// The statement counter of the current request (set by the middleware).
pub fn request_counter(req: &HttpRequest) -> StatementCounter {
    req.extensions()
        .get::<StatementCounter>()
        .cloned()
        .unwrap_or_default()
}

/// The policy for session lifetimes.
pub fn session_policy(settings: &Settings) -> SessionPolicy {
    let s = &settings.security;
    SessionPolicy {
        idle: chrono::Duration::hours(s.session_idle_hours),
        absolute: chrono::Duration::days(s.session_absolute_days),
        api: chrono::Duration::days(s.api_token_days),
    }
}

/// The language chosen for a request when the user (if any) is known.
pub fn negotiate_lang(req: &HttpRequest, site_default: Lang, viewer: Option<&Viewer>) -> Lang {
    viewer
        .and_then(|v| v.locale.as_deref())
        .and_then(Lang::parse)
        .or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(site_default)
}

/// The viewer behind a session token or API token. The lookup is one read-only statement, run
/// right on the async thread on SQLite when a connection is free (`Db::run_quick_read`); the
/// rare writes it implies (moving `last_seen_at` every five minutes, dropping a session past
/// its end) go through the pool afterwards.
pub async fn find_viewer(
    db: &Db,
    token: String,
    kind: SessionKind,
    policy: SessionPolicy,
) -> Result<Option<Viewer>, AppError> {
    let now = crate::db::now();
    let found = db
        .run_quick_read(move |conn| {
            sessions::find(conn, &token, kind, policy, now).map_err(AppError::from)
        })
        .await?;
    match found {
        Found::Nothing => Ok(None),
        Found::Expired(id) => {
            db.run(move |conn| sessions::revoke(conn, id).map_err(AppError::from))
                .await?;
            Ok(None)
        }
        Found::Live { viewer, touch } => {
            if touch {
                let id = viewer.session_id;
                db.run(move |conn| sessions::touch(conn, id, now).map_err(AppError::from))
                    .await?;
            }
            Ok(Some(viewer))
        }
    }
}

/// Marks a request whose viewer is staff without the second factor the site requires of
/// staff (`require_staff_2fa`): `render_errors` turns the refusals of their suspended staff
/// rights into a redirect to the two-factor set-up page (or the API's
/// `two_factor_enrolment_required`).
#[derive(Debug, Clone, Copy)]
pub struct StaffWithoutTwoFactor;

/// Suspends the staff rights of a viewer who lacks the second factor the site requires, and
/// marks the request (see `StaffWithoutTwoFactor`).
pub fn hold_staff_without_two_factor(
    req: &HttpRequest,
    config: &ConfigCache,
    viewer: &mut Option<Viewer>,
) {
    if let Some(v) = viewer {
        v.require_two_factor_for_staff(config.get().require_staff_2fa);
        if v.needs_two_factor {
            req.extensions_mut().insert(StaffWithoutTwoFactor);
        }
    }
}

/// The viewer and language once resolved for a request (cached in its extensions).
#[derive(Clone)]
pub struct Resolved {
    pub viewer: Option<Viewer>,
    pub lang: Lang,
}

enum Csrf {
    Session(String),
    Anonymous { token: String, is_new: bool },
}

/// What the visitors' page cache had for a request.
pub enum Cached {
    /// The page, ready to send.
    Hit(HttpResponse),
    /// Not cached: render it, and pass the ticket (if any) to `render_cacheable`.
    Miss(Option<CacheTicket>),
}

/// What the page cache had for a visitor's or a plain member's request.
pub enum Kept {
    /// A visitor's page, ready to send.
    Hit(HttpResponse),
    /// A members' page: the handler fills its per-reader piece and sends it (`Ctx::serve_held`).
    Held(Held),
    /// Not cached: render it, and pass the ticket (if any) to `render_cacheable_with`.
    Miss(Option<CacheTicket>),
}

/// A members' page found in the cache, waiting for its per-reader piece.
pub struct Held {
    page: Arc<Page>,
}

impl Held {
    /// What the page needs filled (its per-reader piece, the posts it shows).
    pub fn holes(&self) -> &Holes {
        &self.page.holes
    }
}

/// Where to store a page once rendered.
pub struct CacheTicket {
    version: crate::web::page_cache::Version,
    key: String,
    /// For a member: the key of their own copy (used when their posts are on the page).
    own_key: Option<(i64, String)>,
}

impl CacheTicket {
    /// The page will be kept for plain members (not visitors).
    pub fn for_members(&self) -> bool {
        self.own_key.is_some()
    }
}

/// One of the shared pieces `app.rs` registers.
pub fn shared<T: 'static>(req: &HttpRequest) -> Result<Data<T>, AppError> {
    req.app_data::<Data<T>>().cloned().ok_or_else(|| {
        AppError::internal(anyhow::anyhow!(
            "{} not registered",
            std::any::type_name::<T>()
        ))
    })
}

/// The context of an HTML request.
pub struct Ctx {
    /// The configuration file's settings.
    pub settings: Data<Settings>,
    /// The settings administrators change from the site.
    pub config: Data<ConfigCache>,
    templates: Data<Templates>,
    page_cache: Data<PageCache>,
    pub db: Db,
    pub viewer: Option<Viewer>,
    pub lang: Lang,
    pub req: HttpRequest,
    csrf: Csrf,
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ctx::resolve(req).await })
    }
}

impl Ctx {
    async fn resolve(req: HttpRequest) -> Result<Ctx, AppError> {
        let settings = shared::<Settings>(&req)?;
        let config = shared::<ConfigCache>(&req)?;
        let db = shared::<Db>(&req)?.with_counter(request_counter(&req));
        let cached = req.extensions().get::<Resolved>().cloned();
        let resolved = match cached {
            Some(r) => r,
            None => {
                let cookie = req
                    .cookie(session_cookie_name(&settings))
                    .map(|c| c.value().to_owned());
                let mut viewer = match cookie {
                    Some(token) if !token.is_empty() => {
                        let policy = session_policy(&settings);
                        find_viewer(&db, token, SessionKind::Web, policy).await?
                    }
                    _ => None,
                };
                hold_staff_without_two_factor(&req, &config, &mut viewer);
                let lang = negotiate_lang(&req, config.get().default_lang(), viewer.as_ref());
                let r = Resolved { viewer, lang };
                req.extensions_mut().insert(r.clone());
                req.extensions_mut().insert(lang);
                r
            }
        };
        let csrf = match &resolved.viewer {
            Some(v) => Csrf::Session(v.csrf_token.clone()),
            None => match req.cookie(csrf_cookie_name(&settings)) {
                Some(c) if c.value().len() >= 32 => Csrf::Anonymous {
                    token: c.value().to_owned(),
                    is_new: false,
                },
                _ => Csrf::Anonymous {
                    token: sessions::new_token(),
                    is_new: true,
                },
            },
        };
        Ok(Ctx {
            templates: shared::<Templates>(&req)?,
            page_cache: shared::<PageCache>(&req)?,
            settings,
            config,
            db,
            viewer: resolved.viewer,
            lang: resolved.lang,
            req,
            csrf,
        })
    }

    /// The signed-in user, or a redirect to the login page.
    pub fn require_user(&self) -> Result<&Viewer, AppError> {
        self.viewer.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The signed-in user if they may post (address confirmed when the site requires it).
    pub fn require_poster(&self) -> Result<&Viewer, AppError> {
        let viewer = self.require_user()?;
        may_post(&self.settings, viewer)?;
        Ok(viewer)
    }

    /// The signed-in administrator, or 403 (401 when signed out).
    pub fn require_admin(&self) -> Result<&Viewer, AppError> {
        let v = self.require_user()?;
        if v.is_admin() {
            Ok(v)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The token to put in this page's forms.
    pub fn csrf_token(&self) -> &str {
        match &self.csrf {
            Csrf::Session(t) => t,
            Csrf::Anonymous { token, .. } => token,
        }
    }

    /// What stands for the reader's CSRF token in a piece kept for many readers (filled in when
    /// the page is sent).
    pub fn csrf_hole(&self) -> &str {
        self.page_cache.csrf_marker()
    }

    /// Checks a submitted CSRF token.
    pub fn verify_csrf(&self, submitted: &str) -> Result<(), AppError> {
        match &self.csrf {
            Csrf::Anonymous { is_new: true, .. } => Err(AppError::Csrf),
            _ if sessions::same_secret(self.csrf_token(), submitted) => Ok(()),
            _ => Err(AppError::Csrf),
        }
    }

    /// Translates a message key.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The error message of each form field, translated (`null` for a field without error), as
    /// the form templates expect them.
    pub fn field_errors(&self, fields: &[&str], errors: &[FieldError]) -> Value {
        let mut map = serde_json::Map::new();
        for f in fields {
            let msg = errors
                .iter()
                .find(|e| e.field == *f)
                .map(|e| Value::String(self.t(e.key)))
                .unwrap_or(Value::Null);
            map.insert((*f).to_owned(), msg);
        }
        Value::Object(map)
    }

    /// Renders a page with status 200.
    pub fn render(&self, template: &str, data: Value) -> Result<HttpResponse, AppError> {
        self.render_status(StatusCode::OK, template, data)
    }

    /// Renders a page with the given status.
    pub fn render_status(
        &self,
        status: StatusCode,
        template: &str,
        data: Value,
    ) -> Result<HttpResponse, AppError> {
        let data = self.page_data(data, None)?;
        let html = self.templates.render_page(template, data)?;
        let html = self.page_cache.fill(&html, &self.fill(""));
        Ok(self.html_response(status, html))
    }

    /// What fills a page's holes for this reader (`PageCache::fill`), the menu aside: pages
    /// rendered for this reader have it already.
    fn fill<'a>(&'a self, slot: &'a str) -> Fill<'a> {
        Fill {
            csrf: self.csrf_token(),
            user_menu: "",
            slot,
            marks: None,
        }
    }

    /// The reader's menu (`partials/user_menu`: their name and unread count, or the sign-in
    /// links), a piece kept under everything it shows; its logout form holds the CSRF marker.
    fn user_menu(&self) -> Result<Arc<str>, AppError> {
        let path = self.current_path();
        let registration_open = self.config.get().registration_open();
        let key = match &self.viewer {
            Some(v) => format!(
                "{}|{:?}|{}|{}|{}|{}|{path}",
                v.username,
                v.role,
                u8::from(v.is_admin()),
                u8::from(v.moderates_boards),
                v.unread_notifications,
                v.unread_messages
            ),
            None => format!("-|{}|{path}", u8::from(registration_open)),
        };
        self.fragment("partials/user_menu", Some(&key), || {
            json!({
                "viewer": self.viewer_json(),
                "current_path": path,
                "csrf": self.page_cache.csrf_marker(),
                "site": {
                    "registration_open": registration_open,
                    "federation": self.settings.federation.enabled,
                },
            })
        })
    }

    /// The viewer as the frame shows them (`null` for a visitor).
    fn viewer_json(&self) -> Value {
        match &self.viewer {
            Some(v) => json!({
                "username": v.username,
                "role": v.role,
                "is_admin": v.is_admin(),
                "is_staff": v.role != crate::sessions::Role::Member || v.moderates_boards,
                "unread": v.unread_notifications,
                "unread_label": if v.unread_notifications > 99 {
                    "99+".to_owned()
                } else {
                    v.unread_notifications.to_string()
                },
                "unread_messages": v.unread_messages,
                "unread_messages_label": if v.unread_messages > 99 {
                    "99+".to_owned()
                } else {
                    v.unread_messages.to_string()
                },
                "unverified": self.unverified(v),
                "silenced": v.silenced,
            }),
            None => Value::Null,
        }
    }

    /// The site asks for a confirmed address and this member's is not.
    fn unverified(&self, v: &Viewer) -> bool {
        self.settings.mail.require_verification && !v.email_verified
    }

    /// For a plain member (no staff role, no board to moderate): what makes their pages differ
    /// from other plain members' besides their holes. `None` for visitors and staff.
    fn member_class(&self) -> Option<String> {
        let v = self.viewer.as_ref()?;
        (v.role == crate::sessions::Role::Member && !v.moderates_boards)
            .then(|| format!("s{}v{}", u8::from(v.silenced), u8::from(self.unverified(v))))
    }

    /// A piece of page (`partials/…`) in this request's language, rendered once and kept under
    /// `key` (see `Templates::fragment`: the key names everything the piece shows). `None`
    /// renders it without keeping it (a piece that carries the reader's CSRF token).
    pub fn fragment(
        &self,
        template: &str,
        key: Option<&str>,
        data: impl FnOnce() -> Value,
    ) -> Result<Arc<str>, AppError> {
        let lang = self.lang;
        let build = move || {
            let mut value = data();
            if let Value::Object(map) = &mut value {
                map.insert("lang".into(), Value::from(lang.code()));
            }
            value
        };
        Ok(match key {
            Some(key) => {
                let key = format!("{}|{key}", lang.code());
                self.templates.fragment(template, &key, build)?
            }
            None => self.templates.render_fragment(template, build())?.into(),
        })
    }

    /// Adds what every page shows (language, site, viewer, the CSRF marker, the reader's menu,
    /// language switch). `user_menu` stands in for the menu on pages kept for members.
    fn page_data(&self, mut data: Value, user_menu: Option<&str>) -> Result<Value, AppError> {
        let menu = match user_menu {
            Some(marker) => Value::from(marker),
            None => Value::from(&*self.user_menu()?),
        };
        if let Value::Object(map) = &mut data {
            map.insert("lang".into(), json!(self.lang.code()));
            map.insert("site".into(), self.config.get().page_json(self.lang));
            map.insert("csrf".into(), json!(self.page_cache.csrf_marker()));
            map.insert("current_path".into(), json!(self.current_path()));
            map.insert("viewer".into(), self.viewer_json());
            map.insert("user_menu".into(), menu);
            map.insert("langs".into(), lang_choices(self.lang));
        }
        Ok(data)
    }

    /// An HTML response, setting the visitor's CSRF cookie when it was just made.
    fn html_response(&self, status: StatusCode, html: String) -> HttpResponse {
        let mut res = HttpResponse::build(status);
        res.content_type(mime::TEXT_HTML_UTF_8);
        if let Csrf::Anonymous {
            token,
            is_new: true,
        } = &self.csrf
        {
            res.cookie(secure_cookie(
                &self.settings,
                csrf_cookie_name(&self.settings),
                token.clone(),
            ));
        }
        res.body(html)
    }

    /// For a visitor who is not signed in: the cached page for this address if what it shows
    /// has not changed (one statement), else a ticket to cache the page about to be rendered.
    /// Signed-in readers always render (`cached_page_for_members` serves plain members too).
    pub async fn cached_page(&self, scope: Scope) -> Result<Cached, AppError> {
        if self.viewer.is_some() || !self.page_cache.enabled() {
            return Ok(Cached::Miss(None));
        }
        let Some(version) = self.page_version(scope).await? else {
            return Ok(Cached::Miss(None));
        };
        let key = format!("{}|{}", self.lang.code(), self.current_path());
        match self.page_cache.get(&key, version) {
            Some(page) => {
                let html = self.page_cache.fill(&page.html, &self.fill(""));
                Ok(Cached::Hit(self.html_response(StatusCode::OK, html)))
            }
            None => Ok(Cached::Miss(Some(CacheTicket {
                version,
                key,
                own_key: None,
            }))),
        }
    }

    /// `cached_page` for visitors and plain members alike (staff always render). A member's
    /// page comes `Held`: the handler fills its per-reader piece (`serve_held`). Only for pages
    /// that show every plain member of a class the same thing apart from their holes: the
    /// handler renders with `render_cacheable_with`, naming the holes.
    pub async fn cached_page_for_members(&self, scope: Scope) -> Result<Kept, AppError> {
        let Some(viewer) = &self.viewer else {
            return Ok(match self.cached_page(scope).await? {
                Cached::Hit(res) => Kept::Hit(res),
                Cached::Miss(ticket) => Kept::Miss(ticket),
            });
        };
        let Some(class) = self.member_class() else {
            return Ok(Kept::Miss(None));
        };
        // A group's boards depend on membership: never shared among members.
        if !self.page_cache.enabled() || matches!(scope, Scope::GroupBoard(..)) {
            return Ok(Kept::Miss(None));
        }
        let Some(version) = self.page_version(scope).await? else {
            return Ok(Kept::Miss(None));
        };
        let (lang, path, user) = (self.lang.code(), self.current_path(), viewer.user_id);
        let shared = format!("{lang}|m{class}|{path}");
        let own = format!("{lang}|u{user}|{class}|{path}");
        let page = match self.page_cache.get(&shared, version) {
            Some(page) if page.holes.authors.binary_search(&user).is_err() => Some(page),
            _ => self.page_cache.get(&own, version),
        };
        Ok(match page {
            Some(page) => Kept::Held(Held { page }),
            None => Kept::Miss(Some(CacheTicket {
                version,
                key: shared,
                own_key: Some((user, own)),
            })),
        })
    }

    /// The versions behind `scope` (one statement).
    async fn page_version(
        &self,
        scope: Scope,
    ) -> Result<Option<crate::web::page_cache::Version>, AppError> {
        self.db
            .run_quick_read(move |conn| scope.version(conn).map_err(AppError::from))
            .await
    }

    /// What stands in a list's row where the reader's unread mark of thread `id` goes.
    pub fn unread_hole(&self, id: i64) -> String {
        self.page_cache.mark_marker(id)
    }

    /// Sends a held members' page, its per-reader piece `slot` (with the CSRF marker, if it
    /// has a form) put in.
    pub fn serve_held(&self, held: Held, slot: &str) -> Result<HttpResponse, AppError> {
        self.serve_held_marked(held, slot, None)
    }

    /// `serve_held` with the reader's unread marks of the threads the page lists.
    pub fn serve_held_marked(
        &self,
        held: Held,
        slot: &str,
        marks: Option<&Marks>,
    ) -> Result<HttpResponse, AppError> {
        let menu = self.user_menu()?;
        let fill = Fill {
            user_menu: &menu,
            marks,
            ..self.fill(slot)
        };
        let html = self.page_cache.fill(&held.page.html, &fill);
        Ok(self.html_response(StatusCode::OK, html))
    }

    /// Renders a page (status 200) and, with a ticket, keeps it for the next readers.
    pub fn render_cacheable(
        &self,
        ticket: Option<CacheTicket>,
        template: &str,
        data: Value,
    ) -> Result<HttpResponse, AppError> {
        self.render_cacheable_with(ticket, template, data, Holes::default(), "")
    }

    /// `render_cacheable` for a page with holes: its per-reader piece (`slot`, this reader's
    /// copy, given to the template as `slot_html`), the members who see it differently and the
    /// posts it shows (`holes`).
    pub fn render_cacheable_with(
        &self,
        ticket: Option<CacheTicket>,
        template: &str,
        data: Value,
        holes: Holes,
        slot: &str,
    ) -> Result<HttpResponse, AppError> {
        self.render_cacheable_marked(ticket, template, data, holes, slot, None)
    }

    /// `render_cacheable_with` with the reader's unread `marks` of the threads the page lists
    /// (`holes.threads`; their holes are in the rows, see `PageCache::mark_marker`).
    pub fn render_cacheable_marked(
        &self,
        ticket: Option<CacheTicket>,
        template: &str,
        mut data: Value,
        mut holes: Holes,
        slot: &str,
        marks: Option<&Marks>,
    ) -> Result<HttpResponse, AppError> {
        let for_members = ticket.as_ref().is_some_and(|t| t.own_key.is_some());
        let (menu_marker, slot_marker) = (
            self.page_cache.user_menu_marker(),
            self.page_cache.slot_marker(),
        );
        if let Value::Object(map) = &mut data {
            let slot_html = if for_members { &slot_marker } else { slot };
            map.insert("slot_html".into(), Value::from(slot_html));
        }
        let page_data = self.page_data(data, for_members.then_some(menu_marker.as_str()))?;
        let html: Arc<str> = self.templates.render_page(template, page_data)?.into();
        let menu;
        let fill = if for_members {
            menu = self.user_menu()?;
            Fill {
                user_menu: &menu,
                marks,
                ..self.fill(slot)
            }
        } else {
            Fill {
                marks,
                ..self.fill(slot)
            }
        };
        let page = self.page_cache.fill(&html, &fill);
        if let Some(ticket) = ticket {
            holes.authors.sort_unstable();
            holes.authors.dedup();
            let key = match ticket.own_key {
                Some((user, own)) if holes.authors.binary_search(&user).is_ok() => own,
                _ => ticket.key,
            };
            self.page_cache
                .put(key, ticket.version, Arc::new(Page { html, holes }));
        }
        Ok(self.html_response(StatusCode::OK, page))
    }

    /// The client's key for throttling (see `web::client_key`); never stored.
    pub fn client_key(&self) -> String {
        crate::web::client_key(&self.settings, &self.req)
    }

    /// The path and query of this request (for `?next=`).
    pub fn current_path(&self) -> String {
        let uri = self.req.uri();
        uri.path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into())
    }
}

fn lang_choices(current: Lang) -> Value {
    Value::Array(
        Lang::ALL
            .iter()
            .map(|l| {
                json!({
                    "code": l.code(),
                    "name": match l { Lang::Fr => "Français", Lang::En => "English" },
                    "selected": *l == current,
                })
            })
            .collect(),
    )
}

/// Renders the one-message page (a title, a message and an optional link).
pub fn notice(
    ctx: &Ctx,
    status: StatusCode,
    title_key: &str,
    message_key: &str,
    link: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    ctx.render_status(
        status,
        "pages/notice",
        json!({
            "title": ctx.t(title_key),
            "message": ctx.t(message_key),
            "link": link.map(|(href, key)| json!({"href": href, "label": ctx.t(key)})),
        }),
    )
}

/// A 303 redirect.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// Keeps a `?next=` target only if it is a local path starting with exactly one `/`.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".into();
    };
    let decoded = percent_encoding::percent_decode_str(next).decode_utf8_lossy();
    let ok = |s: &str| {
        s.starts_with('/')
            && !s.starts_with("//")
            && !s.starts_with("/\\")
            && !s.chars().any(|c| c.is_control() || c == '\\')
    };
    if ok(next) && ok(&decoded) {
        next.to_owned()
    } else {
        "/".into()
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// A URL-encoded form whose `csrf_token` field was checked against the session.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest("error-bad-form")
                }
            })?;
            let ctx = Ctx::resolve(req).await?;
            let field: CsrfField = serde_urlencoded::from_bytes(&bytes)
                .map_err(|_| AppError::BadRequest("error-bad-form"))?;
            ctx.verify_csrf(&field.csrf_token)?;
            let form = serde_urlencoded::from_bytes::<T>(&bytes)
                .map_err(|_| AppError::BadRequest("error-bad-form"))?;
            Ok(CsrfForm(form))
        })
    }
}

/// Refuses posting to an account whose address is not confirmed yet, when the site requires it.
pub fn may_post(settings: &Settings, viewer: &Viewer) -> Result<(), AppError> {
    if viewer.silenced {
        return Err(AppError::Refused("error-silenced"));
    }
    if settings.mail.require_verification && !viewer.email_verified {
        return Err(AppError::Refused("error-email-unverified"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next(Some("/t/1")), "/t/1");
        assert_eq!(safe_next(Some("/b/x?city=paris")), "/b/x?city=paris");
        for bad in [
            "//evil.test",
            "/\\evil.test",
            "https://evil.test",
            "/%2F%2Fevil.test",
            "evil",
            "/%5Cevil.test",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
