//! `Application::build(settings)`: the one way to start Vigie, used by `vigie serve` and by every
//! test. It prepares the database (unless told not to), binds the listener (port 0 picks a free
//! port) and returns a server ready to run.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;

use std::sync::Arc;

use crate::accounts::password::Passwords;
use crate::db::{self, migrate, Db, DbManager};
use crate::federation::Federation;
use crate::mail::Mailer;
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::templates::Templates;
use crate::web::error::AppError;
use crate::web::openapi::{self, ApiConfig, ApiDocument};
use crate::web::page_cache::PageCache;
use crate::web::throttle::{Throttle, Throttles};
use crate::web::{self as webinfra, middleware};
use crate::{
    accounts, actions, admin, bootstrap, cities, federation, forum, governance, groups, jobs,
    messages, moderation, notifications, observatory, search,
};

/// Checkpoints the SQLite log once a second, off the request path (see `db::wal`).
async fn checkpoint_every_second(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        if let Err(e) = db::wal::checkpoint(&db).await {
            tracing::debug!(error = %e, "checkpoint skipped");
        }
    }
}

/// Reads the administrators' settings again every few seconds, so an instance sees a change
/// another one saved (the instance that saved it has it at once).
async fn refresh_config(db: Db, config: Arc<ConfigCache>) {
    let mut tick = tokio::time::interval(CONFIG_REFRESH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        if let Err(e) = reload_config(&db, config.clone()).await {
            tracing::debug!(error = %e, "settings not reloaded");
        }
    }
}

/// Reads the administrators' settings into the state, off the async threads.
async fn reload_config(db: &Db, config: Arc<ConfigCache>) -> Result<(), db::DbError> {
    db.run(move |conn| config.reload(conn).map_err(db::DbError::from))
        .await
}

/// The in-memory throttles the settings describe.
fn throttles(settings: &Settings) -> Throttles {
    let window = Duration::from_secs(settings.security.login_window_minutes * 60);
    Throttles {
        login_account: Throttle::new(settings.security.login_failures_per_account, window),
        login_client: Throttle::new(settings.security.login_failures_per_client, window),
        reauth_account: Throttle::new(settings.security.login_failures_per_account, window),
        reauth_client: Throttle::new(settings.security.login_failures_per_client, window),
        register_client: Throttle::new(
            settings.security.registrations_per_hour,
            Duration::from_secs(3600),
        ),
        mail_requests: Throttle::new(settings.mail.requests_per_hour, Duration::from_secs(3600)),
        avatar_uploads: Throttle::new(
            accounts::avatar::UPLOADS_PER_HOUR,
            Duration::from_secs(3600),
        ),
        two_factor: Throttle::new(settings.security.login_failures_per_account, window),
    }
}

/// The pieces every request may ask for (`web::Data<T>` each), built once per server.
#[derive(Clone)]
struct Shared {
    settings: web::Data<Settings>,
    db: web::Data<Db>,
    templates: web::Data<Templates>,
    config: web::Data<ConfigCache>,
    page_cache: web::Data<PageCache>,
    throttles: web::Data<Throttles>,
    passwords: web::Data<Passwords>,
    mailer: web::Data<Mailer>,
}

impl Shared {
    fn build(settings: Settings, db: Db) -> anyhow::Result<Shared> {
        let reload = settings.server.reload_templates;
        let templates = Arc::new(Templates::load(reload)?.with_fragment_budget(if reload {
            0
        } else {
            settings.server.fragment_cache_bytes
        }));
        let config = Arc::new(ConfigCache::new(&settings));
        let mailer = Mailer::new(&settings, templates.clone(), config.clone())?;
        Ok(Shared {
            db: web::Data::new(db),
            templates: web::Data::from(templates),
            config: web::Data::from(config),
            page_cache: web::Data::new(PageCache::new(settings.server.page_cache_bytes)),
            throttles: web::Data::new(throttles(&settings)),
            passwords: web::Data::new(Passwords::new(&settings.security)?),
            mailer: web::Data::new(mailer),
            settings: web::Data::new(settings),
        })
    }
}

/// Forgets, every minute, the throttle keys whose allowance is whole again.
async fn prune_throttles(throttles: web::Data<Throttles>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        throttles.retain_recent();
    }
}

/// Where the JSON API lives.
const API_PREFIX: &str = "/api/v1";

/// Registers every feature's API handlers, and the API's own description, inside `/api/v1`.
/// Each is registered with its description (see `web::openapi`).
fn configure_api(cfg: &mut ApiConfig) {
    cfg.configure(accounts::api::configure)
        .configure(forum::api::configure)
        .configure(cities::api::configure)
        .configure(notifications::routes::configure_api)
        .configure(admin::routes::configure_api)
        .configure(moderation::api::configure)
        .configure(moderation::report_routes::configure_api)
        .configure(governance::routes::configure_api)
        .configure(observatory::manifesto_api::configure)
        .configure(observatory::api::configure)
        .configure(groups::configure_api)
        .configure(actions::configure_api)
        .configure(search::configure_api)
        .configure(messages::configure_api)
        .service(openapi::openapi_json);
}

/// The OpenAPI document of `/api/v1`, collected from the handlers `configure_api` registers.
fn api_document() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::frame())
        .service(utoipa_actix_web::scope(API_PREFIX).configure(configure_api))
        .split_for_parts();
    openapi::finish(doc)
}

/// How often each instance reads the administrators' settings again.
const CONFIG_REFRESH: Duration = Duration::from_secs(5);

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    /// The one-time setup link, when no administrator exists yet.
    pub setup_link: Option<String>,
}

impl Application {
    /// Prepares the database and binds the server as the settings say.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.server.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.server.bind))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Same as `build`, on a listener the caller bound.
    pub async fn build_with_listener(
        mut settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        if let Some(path) = settings.ensure_secret_key()? {
            tracing::warn!(
                path = %path.display(),
                "No security.secret_key set: generated one for sealing two-factor secrets and kept it in this file. Keep it safe and back it up; set VIGIE__SECURITY__SECRET_KEY in production"
            );
        }
        accounts::totp::SealKey::from_settings(&settings)?;
        // A base URL on port 0 (tests) is completed with the real port.
        if settings.server.base_url.ends_with(":0") {
            let trimmed = settings.server.base_url.trim_end_matches(":0").to_owned();
            settings.server.base_url = format!("{trimmed}:{port}");
        }
        settings.check_federation()?;
        let pool = db::build_pool(&settings.database);
        let backend = DbManager::new(&settings.database).backend();

        let setup_link = {
            let pool = pool.clone();
            let migrate_now = settings.database.migrate_on_start;
            let cities_file = settings.site.cities_file.clone();
            let base_url = settings.base_url().to_owned();
            tokio::task::spawn_blocking(move || -> anyhow::Result<Option<String>> {
                let mut conn = match pool.get() {
                    Ok(c) => c,
                    Err(e) if !migrate_now => {
                        tracing::warn!(error = %e, "database unreachable at start; serving 503 until it answers");
                        return Ok(None);
                    }
                    Err(e) => return Err(anyhow::Error::new(e).context("cannot reach the database")),
                };
                if migrate_now {
                    let applied = migrate::run_pending(&mut conn)?;
                    if applied > 0 {
                        tracing::info!(applied, "migrations applied");
                    }
                    let loaded = bootstrap::ensure_reference_data(&mut conn, &cities_file)?;
                    if loaded.cities > 0 || loaded.boards > 0 {
                        tracing::info!(cities = loaded.cities, boards = loaded.boards, "reference data loaded");
                    }
                }
                match bootstrap::offer_setup_link(&mut conn, &base_url) {
                    Ok(link) => Ok(link),
                    Err(e) => {
                        tracing::warn!(error = ?e, "could not offer a setup link");
                        Ok(None)
                    }
                }
            })
            .await??
        };
        if let Some(link) = &setup_link {
            tracing::warn!(
                "No administrator yet. Create the first one here (one-time link): {link}"
            );
        }

        let db = Db::new(pool, backend, db::StatementCounter::default());
        let shared = Shared::build(settings, db)?;
        if let Err(e) = reload_config(&shared.db, shared.config.clone().into_inner()).await {
            tracing::warn!(error = %e, "site settings not read; using the configuration file's");
        }
        let federation = web::Data::new(
            Federation::new(
                shared.settings.clone().into_inner(),
                shared.db.get_ref().clone(),
            )
            .await?,
        );
        let federating = federation.enabled();
        if federating {
            tracing::info!("federation is on (ActivityPub)");
        }
        let workers = shared.settings.server.workers;
        let keep_alive = shared.settings.server.keep_alive_seconds;
        let body_limit = shared.settings.server.max_body_bytes;
        let blocking_threads = (shared.settings.database.pool_size as usize).max(4);
        let background = shared.clone();
        let api_document = web::Data::new(ApiDocument::new(&api_document())?);
        let background_federation = federation.clone();
        let mut builder =
            HttpServer::new(move || {
                let shared = shared.clone();
                App::new()
                    .app_data(shared.settings)
                    .app_data(shared.db)
                    .app_data(shared.templates)
                    .app_data(shared.config)
                    .app_data(shared.page_cache)
                    .app_data(shared.throttles)
                    .app_data(shared.passwords)
                    .app_data(shared.mailer)
                    .app_data(federation.clone())
                    .app_data(api_document.clone())
                    .app_data(web::PayloadConfig::new(body_limit))
                    .app_data(web::JsonConfig::default().limit(body_limit).error_handler(
                        |err, _| {
                            let e = match err {
                                actix_web::error::JsonPayloadError::OverflowKnownLength {
                                    ..
                                }
                                | actix_web::error::JsonPayloadError::Overflow { .. } => {
                                    AppError::PayloadTooLarge
                                }
                                _ => AppError::BadRequest("error-bad-form"),
                            };
                            e.into()
                        },
                    ))
                    .app_data(
                        web::FormConfig::default()
                            .limit(body_limit)
                            .error_handler(|_, _| AppError::BadRequest("error-bad-form").into()),
                    )
                    .app_data(
                        web::QueryConfig::default()
                            .error_handler(|_, _| AppError::BadRequest("error-bad-form").into()),
                    )
                    .app_data(
                        web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()),
                    )
                    .wrap(from_fn(federation::routes::vary_accept))
                    .wrap(from_fn(middleware::render_errors))
                    .wrap(from_fn(middleware::check_origin))
                    .wrap(Compress::default())
                    .wrap(from_fn(middleware::around))
                    .route("/healthz", web::get().to(webinfra::healthz))
                    .route("/readyz", web::get().to(webinfra::readyz))
                    .route("/static/{file}", web::get().to(webinfra::assets::serve))
                    .service(utoipa_actix_web::scope(API_PREFIX).configure(configure_api))
                    // Before the pages: the same addresses answer ActivityStreams JSON.
                    .configure(|cfg| {
                        if federating {
                            federation::routes::configure_negotiated(cfg);
                        }
                    })
                    .configure(federation::routes::configure)
                    .configure(federation::admin_routes::configure)
                    .configure(federation::flag_routes::configure)
                    .configure(federation::following_routes::configure)
                    .configure(accounts::routes::configure)
                    .configure(forum::routes::configure)
                    .configure(forum::profiles::configure)
                    .configure(cities::routes::configure)
                    .configure(admin::routes::configure)
                    .configure(notifications::routes::configure)
                    .configure(moderation::routes::configure)
                    .configure(moderation::post_delete::configure)
                    .configure(moderation::avatar_removal::configure)
                    .configure(moderation::report_routes::configure)
                    .configure(governance::routes::configure)
                    .configure(observatory::manifesto::configure)
                    .configure(observatory::routes::configure)
                    .configure(observatory::admin::configure)
                    .configure(groups::configure)
                    .configure(actions::configure)
                    .configure(search::configure)
                    .configure(messages::configure)
                    .default_service(web::to(webinfra::not_found))
            });
        builder = builder.keep_alive(Duration::from_secs(keep_alive));
        if workers > 0 {
            builder = builder.workers(workers);
        }
        // Blocking work is database work: more threads than connections only queue for the pool
        // (and each idle thread keeps memory). actix's default is 512 per process.
        builder = builder.worker_max_blocking_threads(blocking_threads);
        let server = builder.listen(listener)?.shutdown_timeout(10).run();
        if backend == db::Backend::Sqlite {
            tokio::spawn(checkpoint_every_second(background.db.get_ref().clone()));
        }
        tokio::spawn(prune_throttles(background.throttles.clone()));
        tokio::spawn(refresh_config(
            background.db.get_ref().clone(),
            background.config.clone().into_inner(),
        ));
        let jobs = jobs::Jobs {
            db: background.db.get_ref().clone(),
            settings: background.settings.clone().into_inner(),
            mailer: background.mailer.clone().into_inner(),
            federation: background_federation.into_inner(),
        };
        if federating {
            tokio::spawn(jobs::run_federation(jobs.clone()));
        }
        tokio::spawn(jobs::run(jobs));
        Ok(Application {
            port,
            server,
            setup_link,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until the server is stopped (Ctrl-C / SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
