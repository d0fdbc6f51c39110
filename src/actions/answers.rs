//! Answering an action: going, maybe or not going until the start, the waiting list past the
//! capacity and its promotions (told by mail), and the reminders the day before.

use chrono::{Duration, NaiveDateTime};

use crate::actions::domain::Answer;
use crate::actions::mails::{members_group, tell, tell_promoted};
use crate::actions::queries::{self, Action};
use crate::actions::rsvp_queries::{self, DueReminder, Rsvp};
use crate::db::{now, write_tx, write_tx_private, DbConnection};
use crate::mail::Mailer;
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

/// The reminders due now (the day before the start), at most 200, grouped by action: a plain
/// read, so that an idle round takes no writer's turn.
pub fn due_reminders(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> Result<Vec<Vec<DueReminder>>, AppError> {
    let due =
        rsvp_queries::due_reminders(conn, at, at + Duration::hours(REMIND_BEFORE_HOURS), 200)?;
    Ok(due
        .chunk_by(|a, b| a.action_id == b.action_id)
        .map(<[DueReminder]>::to_vec)
        .collect())
}

/// Queues the reminders of one action (a group from `due_reminders`), once per person,
/// skipping people who turned direct mail off or who left the group of a members-only action.
/// One transaction: the action, its people and (members-only) the group's members are read
/// once; each answer is marked reminded on its own, so that two processes never both send it.
/// Returns how many mails were queued.
pub fn send_reminders(
    conn: &mut DbConnection,
    mailer: &Mailer,
    due: &[DueReminder],
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    let Some(first) = due.first() else {
        return Ok(0);
    };
    let ids: Vec<i64> = due.iter().map(|r| r.user_id).collect();
    write_tx_private(conn, |conn| -> Result<usize, AppError> {
        let Some(action) = queries::action_by_id(conn, first.action_id)? else {
            return Ok(0);
        };
        let members = members_group(&action)
            .map(|group| memberships::member_ids(conn, group))
            .transpose()?;
        let mut people = Vec::new();
        for person in rsvp_queries::recipients(conn, &ids)? {
            if !rsvp_queries::mark_reminded(conn, action.id, person.user_id, at)? {
                continue;
            }
            let in_group = members
                .as_ref()
                .map_or(true, |m| m.contains(&person.user_id));
            if in_group && person.email_direct != "never" {
                people.push(person);
            }
        }
        tell(conn, mailer, &action, "action_reminder", &people)?;
        Ok(people.len())
    })
}

/// Refuses answering to an account whose address is not confirmed yet, when the site requires
/// it (a silenced member may still say whether they come).
pub fn may_answer(settings: &crate::settings::Settings, viewer: &Viewer) -> Result<(), AppError> {
    if settings.mail.require_verification && !viewer.email_verified {
        return Err(AppError::Refused("error-email-unverified"));
    }
    Ok(())
}
