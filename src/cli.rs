//! The `vigie` command line: `serve` (the default), `migrate`, `user create`,
//! `user reset-2fa`, `board create`,
//! `cities import`, `mail test`, `mail digest`, `maintenance sweep`, `search reindex`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::accounts::domain::{CommonPasswords, EmailAddress, NewPassword, Username};
use crate::accounts::password::PasswordHasher;
use crate::accounts::queries as account_queries;
use crate::app::Application;
use crate::db::{self, migrate, DbConnection};
use crate::forum::boards::{validate_board, BoardForm};
use crate::forum::queries as forum_queries;
use crate::gazetteer::import;
use crate::sessions::Role;
use crate::settings::Settings;
use crate::{bootstrap, telemetry};

/// Vigie, a forum for local groups that resist urban surveillance.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about)]
pub struct Cli {
    /// Configuration folder (default `config/`, or `$VIGIE_CONFIG_DIR`).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the forum (the default).
    Serve {
        /// Address to listen on, overriding `server.bind`.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending migrations and load reference data into empty tables.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage boards.
    Board {
        #[command(subcommand)]
        command: BoardCommand,
    },
    /// Fill the database with realistic data for benchmarks (accounts `membre_N`, password
    /// `vigie-seed-password`).
    Seed {
        #[arg(long)]
        users: usize,
        #[arg(long)]
        threads: usize,
        #[arg(long)]
        posts: usize,
        /// Threads that get `--long-thread-posts` posts each.
        #[arg(long, default_value_t = 0)]
        long_threads: usize,
        #[arg(long, default_value_t = 10_000)]
        long_thread_posts: usize,
        /// Random seed, for reproducible data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Manage the city list.
    Cities {
        #[command(subcommand)]
        command: CitiesCommand,
    },
    /// Email: test the transport, send digests.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Housekeeping the server also does on its own.
    Maintenance {
        #[command(subcommand)]
        command: MaintenanceCommand,
    },
    /// The full-text search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

/// `vigie search …`
#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Rebuild the search index of posts and observatory deployments from the tables (after a
    /// restore, or on PostgreSQL after changing the site's default language), with a progress
    /// bar. The forum may keep serving; until it finishes, searches can miss what is not yet
    /// indexed again.
    Reindex,
}

/// `vigie maintenance …`
#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Delete every expired session, email token, unconfirmed signature and unused invitation
    /// now (the server sweeps a batch of them every five minutes).
    Sweep,
}

/// `vigie mail …`
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send a test mail to ADDRESS through the configured transport, now, and report the result.
    Test { address: String },
    /// Queue the digests that are due (every pending one with `--all`) and send the outbox.
    Digest {
        #[arg(long)]
        all: bool,
    },
}

/// `vigie user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an active, verified account. The password comes from `VIGIE_PASSWORD` or stdin.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "member", value_parser = ["member", "moderator", "admin"])]
        role: String,
    },
    /// Turn off an account's two-factor sign-in (an administrator who lost both their phone and
    /// their recovery codes). The member is told by mail and the moderation log records it.
    #[command(name = "reset-2fa")]
    Reset2fa { username: String },
}

/// `vigie board …`
#[derive(Debug, Subcommand)]
pub enum BoardCommand {
    /// Create a board.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// English name, if different.
        #[arg(long)]
        name_en: Option<String>,
        /// English description.
        #[arg(long)]
        description_en: Option<String>,
    },
    /// Make someone a moderator of this board (`--remove` to undo).
    Moderator {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        remove: bool,
    },
    /// Rename or describe a board (only the given fields change).
    Update {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        name_en: Option<String>,
        #[arg(long)]
        description_en: Option<String>,
    },
}

/// `vigie cities …`
#[derive(Debug, Subcommand)]
pub enum CitiesCommand {
    /// Load a GeoNames file (the project CSV or a raw `citiesNNNN.txt`); safe to run again.
    Import { file: PathBuf },
    /// Load the names cities go by (`geonameid,lang,name,preferred`, as `data/city-names.csv`),
    /// replacing those of the cities it names; safe to run again.
    Names { file: PathBuf },
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config_dir = cli.config.clone().unwrap_or_else(Settings::default_dir);
    let mut settings = Settings::load(&config_dir)
        .with_context(|| format!("cannot read settings from {}", config_dir.display()))?;
    telemetry::init("info,actix_server=warn");
    crate::allocator::tune();
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.server.bind = bind;
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "Vigie is listening");
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate => {
            connected(settings, |settings, conn| {
                let applied = migrate::run_pending(conn)?;
                let loaded = bootstrap::ensure_reference_data(conn, &settings.site.cities_file)?;
                println!(
                    "{applied} migration(s) applied; {} cities, {} city names and {} boards loaded",
                    loaded.cities, loaded.city_names, loaded.boards
                );
                Ok(())
            })
            .await
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    email,
                    role,
                },
        } => {
            let password = read_password()?;
            blocking(settings, move |settings, conn| {
                let common = CommonPasswords::load();
                let username = Username::parse(&username)
                    .map_err(|e| anyhow::anyhow!("username: {}", e.key))?;
                let email =
                    EmailAddress::parse(&email).map_err(|e| anyhow::anyhow!("email: {}", e.key))?;
                let password = NewPassword::parse(&password, "password", &common)
                    .map_err(|e| anyhow::anyhow!("password: {}", e.key))?;
                let role = Role::parse(&role).unwrap_or(Role::Member);
                let hash = PasswordHasher::new(&settings.security)?.hash(password.expose())?;
                let id = account_queries::create_user(conn, &username, &email, &hash, role, true)
                    .map_err(|e| anyhow::anyhow!("cannot create the account: {e}"))?;
                println!(
                    "created {} user {} (id {id})",
                    role.as_str(),
                    username.as_str()
                );
                Ok(())
            })
            .await
        }
        Command::User {
            command: UserCommand::Reset2fa { username },
        } => reset_two_factor(settings, username).await,
        Command::Board {
            command:
                BoardCommand::Create {
                    slug,
                    name,
                    description,
                    name_en,
                    description_en,
                },
        } => {
            blocking(settings, move |_, conn| {
                let form = BoardForm {
                    slug,
                    name,
                    description,
                    name_en: name_en.unwrap_or_default(),
                    description_en: description_en.unwrap_or_default(),
                };
                let fields =
                    validate_board(&form, true).map_err(|errors| invalid_board(&errors))?;
                if forum_queries::board_by_slug(conn, &fields.slug)?.is_some() {
                    bail!("a board with slug {} already exists", fields.slug);
                }
                let id = forum_queries::create_board(conn, &fields)?;
                println!("created board {} (id {id})", fields.slug);
                Ok(())
            })
            .await
        }
        Command::Board {
            command:
                BoardCommand::Update {
                    slug,
                    name,
                    description,
                    name_en,
                    description_en,
                },
        } => {
            blocking(settings, move |_, conn| {
                let Some(board) = forum_queries::board_by_slug(conn, &slug)? else {
                    bail!("no board with slug {slug}");
                };
                let form = BoardForm {
                    slug: board.slug.clone(),
                    name: name.unwrap_or(board.name),
                    description: description.unwrap_or(board.description),
                    name_en: name_en.or(board.name_en).unwrap_or_default(),
                    description_en: description_en.or(board.description_en).unwrap_or_default(),
                };
                let fields =
                    validate_board(&form, false).map_err(|errors| invalid_board(&errors))?;
                forum_queries::update_board(conn, board.id, &fields)?;
                println!("updated board {slug}");
                Ok(())
            })
            .await
        }
        Command::Seed {
            users,
            threads,
            posts,
            long_threads,
            long_thread_posts,
            seed,
        } => {
            blocking(settings, move |settings, conn| {
                bootstrap::ensure_reference_data(conn, &settings.site.cities_file)?;
                let hash =
                    PasswordHasher::new(&settings.security)?.hash(crate::seed::SEED_PASSWORD)?;
                let plan = crate::seed::SeedPlan {
                    users,
                    threads,
                    posts,
                    long_threads,
                    long_thread_posts,
                    random_seed: seed,
                };
                let started = std::time::Instant::now();
                let report = crate::seed::seed(conn, plan, &hash)?;
                println!(
                    "seeded {} users, {} threads, {} posts in {:.1}s{}",
                    report.users,
                    report.threads,
                    report.posts,
                    started.elapsed().as_secs_f64(),
                    report
                        .first_long_thread
                        .map(|id| format!("; long threads start at id {id}"))
                        .unwrap_or_default()
                );
                Ok(())
            })
            .await
        }
        Command::Mail {
            command: MailCommand::Test { address },
        } => {
            let transport = settings.mail.transport.clone();
            match crate::mail::send_test(&settings, &address).await {
                Ok(detail) => {
                    println!("test mail sent to {address} through {transport} ({detail})");
                    Ok(())
                }
                Err(e) => bail!("the test mail could not be sent through {transport}: {e}"),
            }
        }
        Command::Maintenance {
            command: MaintenanceCommand::Sweep,
        } => {
            let idle = chrono::Duration::hours(settings.security.session_idle_hours);
            let manager = db::DbManager::new(&settings.database);
            let swept = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = manager.connect()?;
                Ok(crate::maintenance::sweep_all(&mut conn, db::now(), idle)?)
            })
            .await??;
            println!(
                "swept {} sessions, {} email tokens, {} unconfirmed signatures, {} invitations",
                swept.sessions, swept.email_tokens, swept.signatures, swept.invites
            );
            Ok(())
        }
        Command::Mail {
            command: MailCommand::Digest { all },
        } => {
            let pool = db::build_pool(&settings.database);
            let backend = db::DbManager::new(&settings.database).backend();
            let database = db::Db::new(pool, backend, db::StatementCounter::default());
            let templates = std::sync::Arc::new(crate::templates::Templates::load(false)?);
            let config = std::sync::Arc::new(crate::site_config::ConfigCache::new(&settings));
            let mailer = std::sync::Arc::new(crate::mail::Mailer::new(
                &settings,
                templates,
                config.clone(),
            )?);
            let settings = std::sync::Arc::new(settings);
            let queued = {
                let (mailer, settings) = (mailer.clone(), settings.clone());
                database
                    .run(move |conn| -> anyhow::Result<usize> {
                        migrate::run_pending(conn)?;
                        config.reload(conn)?;
                        let now = db::now();
                        crate::notifications::digest::send_due(&mailer, &settings, conn, now, all)
                            .map_err(|e| anyhow::anyhow!("{e:?}"))
                    })
                    .await?
            };
            let mut sent = 0;
            loop {
                let n = crate::mail::sender::send_round(&database, &mailer, &settings.mail).await?;
                sent += n;
                if n == 0 {
                    break;
                }
            }
            println!("{queued} digest(s) queued; {sent} mail(s) handed to the transport");
            Ok(())
        }
        Command::Board {
            command:
                BoardCommand::Moderator {
                    slug,
                    username,
                    remove,
                },
        } => {
            blocking(settings, move |_, conn| {
                let board = forum_queries::board_by_slug(conn, &slug)?
                    .with_context(|| format!("no board {slug}"))?;
                let person = crate::moderation::sanctions::person(conn, &username)?
                    .with_context(|| format!("no account {username}"))?;
                crate::moderation::roles::set_board_moderator(
                    conn, None, &person, board.id, &slug, !remove,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                if remove {
                    println!("{} no longer moderates {slug}", person.username);
                } else {
                    println!("{} moderates {slug}", person.username);
                }
                Ok(())
            })
            .await
        }
        Command::Cities {
            command: CitiesCommand::Import { file },
        } => {
            blocking(settings, move |_, conn| {
                let f = std::fs::File::open(&file)
                    .with_context(|| format!("cannot open {}", file.display()))?;
                let records = import::parse(f)?;
                let report = import::import(conn, records)?;
                // The file holds GeoNames' own names: cities with a preferred name keep it.
                crate::gazetteer::names::apply_preferred(conn)?;
                println!(
                    "{} cities added, {} updated",
                    report.inserted, report.updated
                );
                Ok(())
            })
            .await
        }
        Command::Search {
            command: SearchCommand::Reindex,
        } => reindex_search(settings).await,
        Command::Cities {
            command: CitiesCommand::Names { file },
        } => {
            blocking(settings, move |_, conn| {
                let f = std::fs::File::open(&file)
                    .with_context(|| format!("cannot open {}", file.display()))?;
                let written =
                    crate::gazetteer::names::import(conn, crate::gazetteer::names::parse(f)?)?;
                println!("{written} city names loaded");
                Ok(())
            })
            .await
        }
    }
}

/// `vigie search reindex`: rebuilds the index in batches, showing a progress bar.
async fn reindex_search(settings: Settings) -> anyhow::Result<()> {
    blocking(settings, |settings, conn| {
        let defaults = crate::site_config::SiteConfig::defaults(settings);
        let site = crate::site_config::load(conn, &defaults)?;
        let language = site.default_lang().code();
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("indexing");
        let (posts, deployments) = crate::search::reindex(conn, language, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })?;
        bar.finish_and_clear();
        println!(
            "search index rebuilt: {posts} posts, {deployments} deployments ({language} stemming on PostgreSQL)"
        );
        Ok(())
    })
    .await
}

/// `vigie user reset-2fa NAME`: the mail is queued here and sent by the running server.
async fn reset_two_factor(settings: Settings, username: String) -> anyhow::Result<()> {
    let templates = std::sync::Arc::new(crate::templates::Templates::load(false)?);
    let config = std::sync::Arc::new(crate::site_config::ConfigCache::new(&settings));
    let mailer = crate::mail::Mailer::new(&settings, templates, config.clone())?;
    blocking(settings, move |settings, conn| {
        config.reload(conn)?;
        let base = settings.base_url();
        match crate::accounts::two_factor_admin::console_reset(conn, &mailer, base, &username) {
            Ok(true) => println!(
                "two-factor sign-in of {username} turned off (mailed to them, written to the moderation log)"
            ),
            Ok(false) => println!("two-factor sign-in was not on for {username}"),
            Err(crate::web::error::AppError::NotFound) => bail!("no account {username}"),
            Err(e) => bail!("cannot reset the two-factor sign-in of {username}: {e}"),
        }
        Ok(())
    })
    .await
}

fn invalid_board(errors: &[crate::validation::FieldError]) -> anyhow::Error {
    let list: Vec<String> = errors
        .iter()
        .map(|e| format!("{} ({})", e.field, e.key))
        .collect();
    anyhow::anyhow!("invalid board: {}", list.join(", "))
}

/// Opens one connection (after applying migrations) and runs `f` off the async runtime.
async fn blocking<F>(settings: Settings, f: F) -> anyhow::Result<()>
where
    F: FnOnce(&Settings, &mut DbConnection) -> anyhow::Result<()> + Send + 'static,
{
    connected(settings, |settings, conn| {
        migrate::run_pending(conn)?;
        f(settings, conn)
    })
    .await
}

/// Runs `f` on a blocking thread with one database connection, as it is (no migrations first).
async fn connected<F>(settings: Settings, f: F) -> anyhow::Result<()>
where
    F: FnOnce(&Settings, &mut DbConnection) -> anyhow::Result<()> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let mut conn = db::DbManager::new(&settings.database)
            .connect()
            .context("cannot open the database")?;
        f(&settings, &mut conn)
    })
    .await?
}

/// The password for `user create`: `VIGIE_PASSWORD`, else the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("VIGIE_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password: ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!("no password given (set VIGIE_PASSWORD or pipe it on standard input)");
    }
    Ok(password)
}
