//! Actions on threads: lock and unlock, pin (optionally until a date) and unpin, move to another
//! board, rename, attach to another city, slow mode, hide (with a reason) and restore. Each runs in one transaction that also
//! writes the moderation log and moves the versions of what the visitors' cache shows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::policy::Action;
use crate::audit;
use crate::db::schema::{boards, cities, threads};
use crate::db::{write_tx, DbConnection};
use crate::forum::domain::ThreadTitle;
use crate::forum::thread_queries::Thread;
use crate::gazetteer as city_queries;
use crate::validation::slugify;
use crate::validation::FieldError;
use crate::web::error::AppError;

/// Longest slow mode, in minutes (a day).
pub const MAX_SLOW_MODE_MINUTES: i64 = 1440;

/// A moderation request on a thread, as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ThreadRequest {
    /// `lock`, `unlock`, `pin`, `unpin`, `move`, `rename`, `city`, `slow_mode`, …
    #[serde(default)]
    pub action: String,
    /// Destination board slug, for `move`.
    pub board: Option<String>,
    /// End of a pin (`YYYY-MM-DD` or a date-time), for `pin`.
    pub until: Option<String>,
    /// New title, for `rename`.
    pub title: Option<String>,
    /// New city (slug or unambiguous name; empty for none), for `city`.
    pub city: Option<String>,
    /// Minutes between two posts of one member (0 turns it off), for `slow_mode`.
    pub minutes: Option<i64>,
    /// Why (optional; logged).
    pub reason: Option<String>,
}

/// A checked action.
#[derive(Debug, Clone)]
pub enum ThreadAction {
    Lock,
    Unlock,
    Pin { until: Option<NaiveDateTime> },
    Unpin,
    Move { board_id: i64, board_name: String },
    Rename { title: String },
    City { city_id: Option<i64>, name: String },
    SlowMode { minutes: i64 },
    Hide,
    Restore,
}

impl ThreadAction {
    /// The policy action that allows it.
    pub fn policy(&self) -> Action {
        match self {
            ThreadAction::Lock | ThreadAction::Unlock => Action::LockThread,
            ThreadAction::Pin { .. } | ThreadAction::Unpin => Action::PinThread,
            ThreadAction::Move { .. } => Action::MoveThread,
            ThreadAction::Rename { .. } => Action::RenameThread,
            ThreadAction::City { .. } => Action::ChangeCity,
            ThreadAction::SlowMode { .. } => Action::SlowMode,
            ThreadAction::Hide | ThreadAction::Restore => Action::HideContent,
        }
    }

    /// The name written in the log.
    pub fn log_name(&self) -> &'static str {
        match self {
            ThreadAction::Lock => "lock",
            ThreadAction::Unlock => "unlock",
            ThreadAction::Pin { .. } => "pin",
            ThreadAction::Unpin => "unpin",
            ThreadAction::Move { .. } => "move",
            ThreadAction::Rename { .. } => "rename",
            ThreadAction::City { .. } => "city",
            ThreadAction::SlowMode { .. } => "slow_mode",
            ThreadAction::Hide => "hide",
            ThreadAction::Restore => "restore",
        }
    }
}

/// Checks a request (resolving the board and the city); returns the action and the reason.
pub fn parse(
    conn: &mut DbConnection,
    request: &ThreadRequest,
    now: NaiveDateTime,
) -> Result<(ThreadAction, String), AppError> {
    let reason = crate::validation::clean_text(request.reason.as_deref().unwrap_or(""), true)
        .trim()
        .to_owned();
    if reason.chars().count() > super::sanctions::MAX_REASON_CHARS {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-too-long",
        )));
    }
    let action = match request.action.as_str() {
        "lock" => ThreadAction::Lock,
        "hide" => {
            if reason.is_empty() {
                return Err(AppError::Invalid(FieldError::new(
                    "reason",
                    "error-reason-required",
                )));
            }
            ThreadAction::Hide
        }
        "restore" => ThreadAction::Restore,
        "unlock" => ThreadAction::Unlock,
        "unpin" => ThreadAction::Unpin,
        "pin" => {
            let until = match request
                .until
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
            {
                None => None,
                Some(raw) => {
                    let at = super::sanctions::parse_until(raw).ok_or(AppError::Invalid(
                        FieldError::new("until", "error-until-invalid"),
                    ))?;
                    if at <= now {
                        return Err(AppError::Invalid(FieldError::new(
                            "until",
                            "error-until-past",
                        )));
                    }
                    Some(at)
                }
            };
            ThreadAction::Pin { until }
        }
        "move" => {
            let slug = request.board.as_deref().unwrap_or("").trim();
            let board = crate::forum::queries::board_by_slug(conn, slug)?.ok_or(
                AppError::Invalid(FieldError::new("board", "error-board-unknown")),
            )?;
            ThreadAction::Move {
                board_id: board.id,
                board_name: board.name,
            }
        }
        "rename" => {
            let title = ThreadTitle::parse(request.title.as_deref().unwrap_or(""))
                .map_err(AppError::Invalid)?;
            ThreadAction::Rename {
                title: title.as_str().to_owned(),
            }
        }
        "city" => {
            let typed = request.city.as_deref().unwrap_or("").trim();
            if typed.is_empty() {
                ThreadAction::City {
                    city_id: None,
                    name: String::new(),
                }
            } else {
                let city = city_queries::resolve(conn, typed)?
                    .single("city")
                    .map_err(AppError::Invalid)?;
                ThreadAction::City {
                    city_id: Some(city.id),
                    name: city.name,
                }
            }
        }
        "slow_mode" => {
            let minutes = request.minutes.unwrap_or(-1);
            if !(0..=MAX_SLOW_MODE_MINUTES).contains(&minutes) {
                return Err(AppError::Invalid(FieldError::new(
                    "minutes",
                    "error-slow-mode-minutes",
                )));
            }
            ThreadAction::SlowMode { minutes }
        }
        _ => {
            return Err(AppError::Invalid(FieldError::new(
                "action",
                "error-moderation-action",
            )))
        }
    };
    Ok((action, reason))
}

fn bump_board(conn: &mut DbConnection, board_id: i64) -> QueryResult<()> {
    // The board's latest thread may have changed (a move): read it again.
    let latest: Option<(i64, NaiveDateTime)> = threads::table
        .filter(threads::board_id.eq(board_id))
        .filter(threads::hidden_at.is_null())
        .order((threads::last_post_at.desc(), threads::id.desc()))
        .select((threads::id, threads::last_post_at))
        .first(conn)
        .optional()?;
    diesel::update(boards::table.find(board_id))
        .set((
            boards::version.eq(boards::version + 1),
            boards::last_thread_id.eq(latest.map(|l| l.0)),
            boards::last_post_at.eq(latest.map(|l| l.1)),
        ))
        .execute(conn)?;
    Ok(())
}

fn bump_city(conn: &mut DbConnection, city_id: Option<i64>) -> QueryResult<()> {
    if let Some(id) = city_id {
        diesel::update(cities::table.find(id))
            .set(cities::version.eq(cities::version + 1))
            .execute(conn)?;
    }
    Ok(())
}

/// Applies a checked action to a thread and logs it.
pub fn apply(
    conn: &mut DbConnection,
    actor_id: i64,
    thread: &Thread,
    action: &ThreadAction,
    reason: &str,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        let row = threads::table.find(thread.id);
        let mut label = thread.title.clone();
        let mut expires = None;
        match action {
            ThreadAction::Lock | ThreadAction::Unlock => {
                diesel::update(row)
                    .set(threads::locked.eq(matches!(action, ThreadAction::Lock)))
                    .execute(conn)?;
            }
            ThreadAction::Pin { until } => {
                expires = *until;
                diesel::update(row)
                    .set((threads::pinned.eq(true), threads::pinned_until.eq(*until)))
                    .execute(conn)?;
            }
            ThreadAction::Unpin => {
                diesel::update(row)
                    .set((
                        threads::pinned.eq(false),
                        threads::pinned_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
            }
            ThreadAction::Move {
                board_id,
                board_name,
            } => {
                if *board_id != thread.board_id {
                    diesel::update(row)
                        .set(threads::board_id.eq(board_id))
                        .execute(conn)?;
                    diesel::update(boards::table.find(thread.board_id))
                        .set((
                            boards::thread_count.eq(boards::thread_count - 1),
                            boards::post_count.eq(boards::post_count - thread.post_count),
                        ))
                        .execute(conn)?;
                    diesel::update(boards::table.find(board_id))
                        .set((
                            boards::thread_count.eq(boards::thread_count + 1),
                            boards::post_count.eq(boards::post_count + thread.post_count),
                        ))
                        .execute(conn)?;
                    bump_board(conn, *board_id)?;
                }
                label = format!("{} → {board_name}", thread.title);
            }
            ThreadAction::Rename { title } => {
                let mut slug = slugify(title, 80);
                if slug.is_empty() {
                    slug = "sujet".into();
                }
                diesel::update(row)
                    .set((threads::title.eq(title), threads::slug.eq(slug)))
                    .execute(conn)?;
                label = format!("{} → {title}", thread.title);
            }
            ThreadAction::City { city_id, name } => {
                if *city_id != thread.city_id {
                    diesel::update(row)
                        .set(threads::city_id.eq(city_id))
                        .execute(conn)?;
                    if let Some(old) = thread.city_id {
                        diesel::update(cities::table.find(old))
                            .set(cities::thread_count.eq(cities::thread_count - 1))
                            .execute(conn)?;
                    }
                    if let Some(new) = city_id {
                        diesel::update(cities::table.find(new))
                            .set(cities::thread_count.eq(cities::thread_count + 1))
                            .execute(conn)?;
                    }
                    bump_city(conn, *city_id)?;
                }
                label = format!("{} → {name}", thread.title);
            }
            ThreadAction::Hide => {
                diesel::update(row)
                    .set((
                        threads::hidden_at.eq(Some(crate::db::now())),
                        threads::hidden_reason.eq(Some(reason)),
                    ))
                    .execute(conn)?;
                crate::notifications::queries::mark_read_for_hidden(conn, None, Some(thread.id))?;
            }
            ThreadAction::Restore => {
                diesel::update(row)
                    .set((
                        threads::hidden_at.eq(None::<NaiveDateTime>),
                        threads::hidden_reason.eq(None::<String>),
                    ))
                    .execute(conn)?;
            }
            ThreadAction::SlowMode { minutes } => {
                diesel::update(row)
                    .set(threads::slow_mode_minutes.eq(minutes))
                    .execute(conn)?;
                label = format!("{} ({minutes} min)", thread.title);
            }
        }
        diesel::update(row)
            .set(threads::version.eq(threads::version + 1))
            .execute(conn)?;
        bump_board(conn, thread.board_id)?;
        bump_city(conn, thread.city_id)?;
        audit::record(
            conn,
            actor_id,
            action.log_name(),
            "thread",
            thread.id,
            &label,
            reason,
            expires,
        )
    })
}

/// Unpins the threads whose pin has ended; returns how many (run by the background worker).
pub fn unpin_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let due: Vec<(i64, i64)> = threads::table
        .filter(threads::pinned.eq(true))
        .filter(threads::pinned_until.le(now))
        .select((threads::id, threads::board_id))
        .load(conn)?;
    if due.is_empty() {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        for (id, board_id) in &due {
            diesel::update(threads::table.find(id))
                .set((
                    threads::pinned.eq(false),
                    threads::pinned_until.eq(None::<NaiveDateTime>),
                    threads::version.eq(threads::version + 1),
                ))
                .execute(conn)?;
            diesel::update(boards::table.find(board_id))
                .set(boards::version.eq(boards::version + 1))
                .execute(conn)?;
        }
        Ok(due.len())
    })
}
