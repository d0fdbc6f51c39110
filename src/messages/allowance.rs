//! The hourly allowance of private messages, counted in people reached rather than in messages.
//!
//! The forum's posting rate (`forum::limits::hourly_allowance`, its "posts per hour") is spent
//! here in units: a reply costs 1; starting a conversation costs 1 per person it is addressed to
//! (one message reaching 19 people costs 19); adding people to a conversation costs 1 per person
//! added. A reply costs 1 whatever the conversation's size: it only reaches people already in it,
//! who can leave or block; what a spammer needs is to reach new people, and that is what is
//! counted. Asking for more people than the whole allowance is refused outright (422 on `to`);
//! otherwise past the allowance the answer is a 429 with the wait.
//!
//! Each spend is one row of `message_allowance` (who, when, how many units), so the count
//! survives the conversation being left or deleted. A sender's rows older than an hour are
//! dropped at their next spend: at most one hour of rows per member is kept. Staff (and board
//! moderators) are exempt, as they are from the forum's rate, and leave no rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::message_allowance;
use crate::db::DbConnection;
use crate::forum::limits::{self, Poster};
use crate::sessions::Viewer;
use crate::site_config::SiteConfig;
use crate::validation::FieldError;
use crate::web::error::AppError;

/// The window the allowance counts over.
fn window() -> chrono::Duration {
    chrono::Duration::hours(1)
}

/// Spends `units` of the sender's hourly allowance (inside the write's transaction), or refuses:
/// 422 on `to` when `units` alone exceeds the allowance, 429 while the last hour's spends leave
/// too little of it.
pub fn spend(
    conn: &mut DbConnection,
    config: &SiteConfig,
    sender: &Viewer,
    units: usize,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let poster = Poster::of(sender);
    if poster.staff || units == 0 {
        return Ok(());
    }
    let units = i64::try_from(units).unwrap_or(i64::MAX);
    let since = now - window();
    if let Some(allowance) = limits::hourly_allowance(config, &poster, now) {
        if units > allowance {
            return Err(AppError::Invalid(FieldError::new(
                "to",
                "error-message-people-per-hour",
            )));
        }
        // Every row is worth at least 1: `allowance` rows are enough to find the cut.
        let spent: Vec<(NaiveDateTime, i64)> = message_allowance::table
            .filter(message_allowance::user_id.eq(sender.user_id))
            .filter(message_allowance::at.gt(since))
            .order((message_allowance::at.desc(), message_allowance::id.desc()))
            .limit(allowance)
            .select((message_allowance::at, message_allowance::units))
            .load(conn)?;
        let mut used = 0;
        for (at, spent_units) in spent {
            used += spent_units;
            if used + units > allowance {
                // Allowed again once this spend is more than an hour old.
                return limits::refuse_within_the_hour(Some(at), allowance, now);
            }
        }
    }
    diesel::delete(
        message_allowance::table
            .filter(message_allowance::user_id.eq(sender.user_id))
            .filter(message_allowance::at.le(since)),
    )
    .execute(conn)?;
    diesel::insert_into(message_allowance::table)
        .values((
            message_allowance::user_id.eq(sender.user_id),
            message_allowance::at.eq(now),
            message_allowance::units.eq(units),
        ))
        .execute(conn)?;
    Ok(())
}
