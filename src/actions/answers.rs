//! Answering an action: going, maybe or not going until the start, the waiting list past the
//! capacity and its promotions (told by mail), and the reminders the day before.

use chrono::{Duration, NaiveDateTime};

use crate::actions::domain::{ActionVisibility, Answer};
use crate::actions::mails::{mail_data, tell_promoted};
use crate::actions::queries::{self, Action};
use crate::actions::rsvp_queries::{self, Rsvp};
use crate::db::{now, write_tx, write_tx_private, DbConnection};
use crate::mail::{Draft, Mailer};
use crate::memberships;
use crate::sessions::Viewer;
use crate::validation::FieldError;
use crate::web::error::AppError;

/// How long before the start reminders go out.
pub const REMIND_BEFORE_HOURS: i64 = 24;

/// Takes people off the waiting list while places are free; returns who came in.
pub fn fill_from_waiting_list(
    conn: &mut DbConnection,
    action_id: i64,
    capacity: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let going = rsvp_queries::confirmed_count(conn, action_id)?;
    let free = match capacity {
        None => i64::MAX,
        Some(c) => c - going,
    };
    if free <= 0 {
        return Ok(Vec::new());
    }
    let people = rsvp_queries::first_waiting(conn, action_id, free.min(100_000))?;
    rsvp_queries::promote(conn, action_id, &people)?;
    Ok(people)
}

/// The outcome of an answer.
#[derive(Debug, Clone, Copy)]
pub struct Answered {
    pub answer: Answer,
    pub waitlisted: bool,
}

/// Records `user_id`'s answer: refused once the action started (422 on `answer`) or when it is
/// cancelled (409). A "going" beyond the capacity waits in line; someone leaving the confirmed
/// places lets the first in line in (told by mail).
pub fn answer(
    conn: &mut DbConnection,
    mailer: &Mailer,
    action: &Action,
    user_id: i64,
    answer: Answer,
    hide_name: bool,
) -> Result<Answered, AppError> {
    write_tx(conn, |conn| {
        // The row, locked for the transaction: two answers for the last place are counted one
        // after the other (SQLite's write transactions already are).
        let current = rsvp_queries::lock_action(conn, action.id)?.ok_or(AppError::NotFound)?;
        if current.status == "cancelled" {
            return Err(AppError::Conflict(FieldError::new(
                "answer",
                "action-error-cancelled",
            )));
        }
        let at = now();
        if current.starts_at <= at {
            return Err(AppError::Invalid(FieldError::new(
                "answer",
                "action-error-started",
            )));
        }
        let before: Option<Rsvp> = rsvp_queries::rsvp_of(conn, action.id, user_id)?;
        let was_confirmed = before
            .as_ref()
            .is_some_and(|r| r.answer == Answer::Going.as_str() && !r.waitlisted);
        let confirmed_others =
            rsvp_queries::confirmed_count(conn, action.id)? - i64::from(was_confirmed);
        let waitlisted = answer == Answer::Going
            && !was_confirmed
            && current.capacity.is_some_and(|c| confirmed_others >= c);
        // The same answer keeps its place in line; a new one goes to the back.
        let answered_at = match &before {
            Some(r) if r.answer == answer.as_str() => r.answered_at,
            _ => at,
        };
        rsvp_queries::upsert_rsvp(
            conn,
            action.id,
            user_id,
            answer,
            waitlisted,
            hide_name,
            answered_at,
        )?;
        let promoted = if was_confirmed && answer != Answer::Going {
            fill_from_waiting_list(conn, action.id, current.capacity)?
        } else {
            Vec::new()
        };
        rsvp_queries::recount(conn, action.id)?;
        tell_promoted(conn, mailer, action, &promoted)?;
        Ok(Answered { answer, waitlisted })
    })
}

/// Queues the reminders due now (the day before the start), once per action and person,
/// skipping people who turned direct mail off or who left the group of a members-only action.
/// Returns how many mails were queued.
pub fn send_reminders(
    conn: &mut DbConnection,
    mailer: &Mailer,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    let due =
        rsvp_queries::due_reminders(conn, at, at + Duration::hours(REMIND_BEFORE_HOURS), 200)?;
    let mut queued = 0;
    for reminder in due {
        let sent = write_tx_private(conn, |conn| -> Result<bool, AppError> {
            if !rsvp_queries::mark_reminded(conn, reminder.action_id, reminder.user_id, at)? {
                return Ok(false);
            }
            if reminder.visibility == ActionVisibility::Members.as_str() {
                let still = match reminder.group_id {
                    Some(g) => memberships::is_member(conn, g, reminder.user_id)?,
                    None => false,
                };
                if !still {
                    return Ok(false);
                }
            }
            let Some(person) = rsvp_queries::recipients(conn, &[reminder.user_id])?.pop() else {
                return Ok(false);
            };
            if person.email_direct == "never" {
                return Ok(false);
            }
            let Some(action) = queries::action_by_id(conn, reminder.action_id)? else {
                return Ok(false);
            };
            mailer.queue(
                conn,
                Draft {
                    template: "action_reminder",
                    lang: mailer.lang_for(person.locale.as_deref()),
                    to: &person.email,
                    user_id: Some(person.user_id),
                    list: None,
                    data: mail_data(mailer, &action, &person.username, person.locale.as_deref()),
                },
            )?;
            Ok(true)
        })?;
        if sent {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Refuses answering to an account whose address is not confirmed yet, when the site requires
/// it (a silenced member may still say whether they come).
pub fn may_answer(settings: &crate::settings::Settings, viewer: &Viewer) -> Result<(), AppError> {
    if settings.mail.require_verification && !viewer.email_verified {
        return Err(AppError::Refused("error-email-unverified"));
    }
    Ok(())
}
