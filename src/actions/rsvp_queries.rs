//! The SQL of answers to actions: one person's answer, all of them, the waiting list and its
//! promotions, the counters, who to write to, and the reminders that are due. The service calls
//! these inside its transactions.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;

use crate::actions::domain::Answer;
use crate::db::schema::{action_rsvps, actions, group_members, users};
use crate::db::DbConnection;

/// What an answer is checked against, read under the row's lock.
#[derive(Debug, Clone, Queryable)]
pub struct Locked {
    pub capacity: Option<i64>,
    pub status: String,
    pub starts_at: NaiveDateTime,
}

/// Reads the action's capacity, status and start, locking its row until the transaction ends on
/// PostgreSQL (`FOR UPDATE`); SQLite's `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock_action(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Locked>> {
    let query =
        actions::table
            .find(id)
            .select((actions::capacity, actions::status, actions::starts_at));
    match conn {
        DbConnection::Postgres(c) => query.for_update().first(c).optional(),
        DbConnection::Sqlite(c) => query.first(c).optional(),
    }
}

/// One person's answer to an action.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Rsvp {
    pub user_id: i64,
    pub username: String,
    pub answer: String,
    pub waitlisted: bool,
    pub hide_name: bool,
    pub answered_at: NaiveDateTime,
}

/// The columns of an `Rsvp`.
const RSVP: (
    action_rsvps::user_id,
    users::username,
    action_rsvps::answer,
    action_rsvps::waitlisted,
    action_rsvps::hide_name,
    action_rsvps::answered_at,
) = (
    action_rsvps::user_id,
    users::username,
    action_rsvps::answer,
    action_rsvps::waitlisted,
    action_rsvps::hide_name,
    action_rsvps::answered_at,
);

/// Every answer to an action, going first, then in the order they came (one statement).
pub fn rsvps(conn: &mut DbConnection, action_id: i64) -> QueryResult<Vec<Rsvp>> {
    action_rsvps::table
        .inner_join(users::table)
        .filter(action_rsvps::action_id.eq(action_id))
        .order((action_rsvps::answered_at.asc(), action_rsvps::user_id.asc()))
        .select(RSVP)
        .load(conn)
}

/// `user_id`'s answer, if any.
pub fn rsvp_of(conn: &mut DbConnection, action_id: i64, user_id: i64) -> QueryResult<Option<Rsvp>> {
    action_rsvps::table
        .inner_join(users::table)
        .filter(action_rsvps::action_id.eq(action_id))
        .filter(action_rsvps::user_id.eq(user_id))
        .select(RSVP)
        .first(conn)
        .optional()
}

/// Writes `user_id`'s answer (keeping their place in the order when the answer is the same).
pub fn upsert_rsvp(
    conn: &mut DbConnection,
    action_id: i64,
    user_id: i64,
    answer: Answer,
    waitlisted: bool,
    hide_name: bool,
    answered_at: NaiveDateTime,
) -> QueryResult<()> {
    let updated = diesel::update(action_rsvps::table.find((action_id, user_id)))
        .set((
            action_rsvps::answer.eq(answer.as_str()),
            action_rsvps::waitlisted.eq(waitlisted),
            action_rsvps::hide_name.eq(hide_name),
            action_rsvps::answered_at.eq(answered_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(action_rsvps::table)
            .values((
                action_rsvps::action_id.eq(action_id),
                action_rsvps::user_id.eq(user_id),
                action_rsvps::answer.eq(answer.as_str()),
                action_rsvps::waitlisted.eq(waitlisted),
                action_rsvps::hide_name.eq(hide_name),
                action_rsvps::answered_at.eq(answered_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// How many people hold a confirmed place ("going", not waiting).
pub fn confirmed_count(conn: &mut DbConnection, action_id: i64) -> QueryResult<i64> {
    action_rsvps::table
        .filter(action_rsvps::action_id.eq(action_id))
        .filter(action_rsvps::answer.eq(Answer::Going.as_str()))
        .filter(action_rsvps::waitlisted.eq(false))
        .count()
        .get_result(conn)
}

/// The waiting list's first `n` people, in order.
pub fn first_waiting(conn: &mut DbConnection, action_id: i64, n: i64) -> QueryResult<Vec<i64>> {
    action_rsvps::table
        .filter(action_rsvps::action_id.eq(action_id))
        .filter(action_rsvps::answer.eq(Answer::Going.as_str()))
        .filter(action_rsvps::waitlisted.eq(true))
        .order((action_rsvps::answered_at.asc(), action_rsvps::user_id.asc()))
        .limit(n)
        .select(action_rsvps::user_id)
        .load(conn)
}

/// Takes these people off the waiting list.
pub fn promote(conn: &mut DbConnection, action_id: i64, people: &[i64]) -> QueryResult<()> {
    diesel::update(
        action_rsvps::table
            .filter(action_rsvps::action_id.eq(action_id))
            .filter(action_rsvps::user_id.eq_any(people)),
    )
    .set(action_rsvps::waitlisted.eq(false))
    .execute(conn)?;
    Ok(())
}

/// Recounts the answers into the action's counters (one aggregate and one update).
pub fn recount(conn: &mut DbConnection, action_id: i64) -> QueryResult<()> {
    let counts: Vec<(String, bool, i64)> = action_rsvps::table
        .filter(action_rsvps::action_id.eq(action_id))
        .group_by((action_rsvps::answer, action_rsvps::waitlisted))
        .select((
            action_rsvps::answer,
            action_rsvps::waitlisted,
            sql::<BigInt>("COUNT(*)"),
        ))
        .load(conn)?;
    let mut going = 0;
    let mut maybe = 0;
    let mut not_going = 0;
    let mut waiting = 0;
    for (answer, waitlisted, n) in counts {
        match (Answer::parse(&answer), waitlisted) {
            (Some(Answer::Going), true) => waiting += n,
            (Some(Answer::Going), false) => going += n,
            (Some(Answer::Maybe), _) => maybe += n,
            (Some(Answer::NotGoing), _) => not_going += n,
            (None, _) => {}
        }
    }
    diesel::update(actions::table.find(action_id))
        .set((
            actions::going_count.eq(going),
            actions::maybe_count.eq(maybe),
            actions::not_going_count.eq(not_going),
            actions::waitlist_count.eq(waiting),
        ))
        .execute(conn)?;
    Ok(())
}

/// Someone to write to about an action.
#[derive(Debug, Clone, Queryable)]
pub struct Recipient {
    pub user_id: i64,
    pub username: String,
    pub email: String,
    pub locale: Option<String>,
    pub email_direct: String,
}

/// The columns of a `Recipient`.
const RECIPIENT: (
    users::id,
    users::username,
    users::email,
    users::locale,
    users::email_direct,
) = (
    users::id,
    users::username,
    users::email,
    users::locale,
    users::email_direct,
);

/// Who answered the action, to write to: everyone, or (`interested_only`) those who did not
/// answer "not going"; for a members-only action (`members_of`), only the group's current
/// members.
pub fn answerers(
    conn: &mut DbConnection,
    action_id: i64,
    interested_only: bool,
    members_of: Option<i64>,
) -> QueryResult<Vec<Recipient>> {
    let mut query = action_rsvps::table
        .inner_join(users::table)
        .filter(action_rsvps::action_id.eq(action_id))
        .order(action_rsvps::user_id.asc())
        .select(RECIPIENT)
        .into_boxed();
    if interested_only {
        query = query.filter(action_rsvps::answer.ne(Answer::NotGoing.as_str()));
    }
    if let Some(group) = members_of {
        query = query.filter(
            action_rsvps::user_id.eq_any(
                group_members::table
                    .filter(group_members::group_id.eq(group))
                    .select(group_members::user_id),
            ),
        );
    }
    query.load(conn)
}

/// These people, to write to.
pub fn recipients(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Recipient>> {
    users::table
        .filter(users::id.eq_any(ids))
        .order(users::id.asc())
        .select(RECIPIENT)
        .load(conn)
}

/// A reminder to send: the answer's person and action.
#[derive(Debug, Clone, Queryable)]
pub struct DueReminder {
    pub action_id: i64,
    pub user_id: i64,
}

/// Answers `going` (confirmed) or `maybe` not reminded yet, to planned actions starting in
/// `(now, until]`.
pub fn due_reminders(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<DueReminder>> {
    action_rsvps::table
        .inner_join(actions::table)
        .filter(action_rsvps::reminded_at.is_null())
        .filter(action_rsvps::answer.eq_any([Answer::Going.as_str(), Answer::Maybe.as_str()]))
        .filter(action_rsvps::waitlisted.eq(false))
        .filter(actions::status.eq("planned"))
        .filter(actions::starts_at.gt(now))
        .filter(actions::starts_at.le(until))
        .order((actions::starts_at.asc(), action_rsvps::user_id.asc()))
        .limit(limit)
        .select((action_rsvps::action_id, action_rsvps::user_id))
        .load(conn)
}

/// Marks a reminder sent (or skipped). False when another process got there first.
pub fn mark_reminded(
    conn: &mut DbConnection,
    action_id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        action_rsvps::table
            .find((action_id, user_id))
            .filter(action_rsvps::reminded_at.is_null()),
    )
    .set(action_rsvps::reminded_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}
