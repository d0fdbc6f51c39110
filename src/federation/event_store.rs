//! The SQL behind actions' `Event`s: the action (if any) whose discussion thread each of a list
//! of threads is, with what its `Event` says, and the opening posts whose action changed since
//! they were sent (its sequence moves on every edit and on cancelling).
//!
//! It reads every action of those threads, public or not: `queries::public_posts` drops the
//! posts of a members-only action's thread whatever its board, failing closed.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{actions, cities, federated_posts, posts};
use crate::db::DbConnection;

/// The stored visibility of an action everyone may see.
const PUBLIC: &str = "public";

/// An action, as its `Event` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionEvent {
    pub id: i64,
    pub title: String,
    pub description_md: String,
    pub description_html: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    /// The IANA zone of its city (`Europe/Paris`).
    pub timezone: String,
    pub place: String,
    pub meeting_point: String,
    pub city_name: String,
    /// The city's ISO country code.
    pub country: String,
    pub capacity: Option<i64>,
    pub cancelled: bool,
    pub going_count: i64,
    /// Moves on every edit and on cancelling (as in the calendars' `SEQUENCE`).
    pub sequence: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an action of a thread is: public (with its `Event`), or members-only (never sent).
#[derive(Debug, Clone)]
pub enum ThreadAction {
    Public(Box<ActionEvent>),
    MembersOnly,
}

type Row = (
    (
        i64,
        i64,
        String,
        String,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        String,
        String,
        String,
    ),
    (
        String,
        String,
        Option<i64>,
        String,
        Option<NaiveDateTime>,
        i64,
        i64,
        NaiveDateTime,
        NaiveDateTime,
    ),
);

/// The actions whose discussion threads are among `thread_ids`, by thread (one statement).
pub fn actions_of_threads(
    conn: &mut DbConnection,
    thread_ids: &[i64],
) -> QueryResult<HashMap<i64, ThreadAction>> {
    if thread_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Row> = actions::table
        .inner_join(cities::table)
        .filter(actions::thread_id.eq_any(thread_ids))
        .select((
            (
                actions::id,
                actions::thread_id,
                actions::visibility,
                actions::title,
                actions::description_md,
                actions::description_html,
                actions::starts_at,
                actions::ends_at,
                actions::timezone,
                actions::place,
                actions::meeting_point,
            ),
            (
                cities::name,
                cities::country,
                actions::capacity,
                actions::status,
                actions::cancelled_at,
                actions::going_count,
                actions::sequence,
                actions::created_at,
                actions::updated_at,
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(a, b)| {
            let found = if a.2 == PUBLIC {
                ThreadAction::Public(Box::new(ActionEvent {
                    id: a.0,
                    title: a.3,
                    description_md: a.4,
                    description_html: a.5,
                    starts_at: a.6,
                    ends_at: a.7,
                    timezone: a.8,
                    place: a.9,
                    meeting_point: a.10,
                    city_name: b.0,
                    country: b.1,
                    capacity: b.2,
                    cancelled: b.3 == "cancelled" || b.4.is_some(),
                    going_count: b.5,
                    sequence: b.6,
                    created_at: b.7,
                    updated_at: b.8,
                }))
            } else {
                ThreadAction::MembersOnly
            };
            (a.1, found)
        })
        .collect())
}

/// Opening posts sent whose action moved since (edited, cancelled, or sent before actions were
/// `Event`s): their ids, at most `limit`, lowest first.
pub fn moved_actions(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<i64>> {
    federated_posts::table
        .inner_join(posts::table.on(posts::id.eq(federated_posts::post_id)))
        .inner_join(actions::table.on(actions::thread_id.eq(posts::thread_id)))
        .filter(federated_posts::deleted.eq(false))
        .filter(posts::number.eq(1))
        .filter(
            federated_posts::action_sequence
                .is_null()
                .or(federated_posts::action_sequence.ne(actions::sequence.nullable())),
        )
        .order(federated_posts::post_id)
        .limit(limit)
        .select(federated_posts::post_id)
        .load(conn)
}
