//! The SQL of actions: one action with what its page shows (one statement), the lists (keyset
//! on the start, then the id), writing and cancelling, the RSVPs with their waiting list, the
//! reminders that are due, and the calendar feeds' lookups. Handlers and the service call these
//! inside `Db::run`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::actions::domain::{ActionVisibility, Answer};
use crate::db::schema::{
    action_rsvps, actions, boards, cities, group_members, groups, threads, users,
};
use crate::db::DbConnection;
use crate::forum::domain::Cursor;

/// An action with its city, group, board and thread as pages show them.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Action {
    pub id: i64,
    pub group_id: Option<i64>,
    pub board_id: i64,
    pub thread_id: i64,
    pub city_id: i64,
    pub author_id: Option<i64>,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub timezone: String,
    pub place: String,
    pub meeting_point: String,
    pub description_md: String,
    pub description_html: String,
    pub visibility: String,
    pub capacity: Option<i64>,
    pub status: String,
    pub sequence: i64,
    pub going_count: i64,
    pub maybe_count: i64,
    pub not_going_count: i64,
    pub waitlist_count: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
    pub city_slug: String,
    pub city_name: String,
    pub group_slug: Option<String>,
    pub group_name: Option<String>,
    pub board_slug: String,
    pub thread_slug: String,
    pub thread_post_count: i64,
    pub thread_hidden: bool,
}

impl Action {
    /// True for a members-only action.
    pub fn members_only(&self) -> bool {
        self.visibility == ActionVisibility::Members.as_str()
    }

    /// True once cancelled.
    pub fn cancelled(&self) -> bool {
        self.status == "cancelled"
    }

    /// The action's page.
    pub fn path(&self) -> String {
        format!("/a/{}", self.id)
    }
}

/// The columns every read of an action selects, in `Row` order.
macro_rules! columns {
    () => {
        (
            (
                actions::id,
                actions::group_id,
                actions::board_id,
                actions::thread_id,
                actions::city_id,
                actions::author_id,
                actions::title,
                actions::starts_at,
                actions::ends_at,
                actions::timezone,
                actions::place,
                actions::meeting_point,
                actions::description_md,
                actions::description_html,
                actions::visibility,
                actions::capacity,
            ),
            (
                actions::status,
                actions::sequence,
                actions::going_count,
                actions::maybe_count,
                actions::not_going_count,
                actions::waitlist_count,
                actions::created_at,
                actions::updated_at,
                actions::cancelled_at,
                cities::slug,
                cities::name,
                groups::slug.nullable(),
                groups::name.nullable(),
                boards::slug,
                threads::slug,
                threads::post_count,
                threads::hidden_at.is_not_null(),
            ),
        )
    };
}

/// Flattens the two halves of a row.
type Row = (
    (
        i64,
        Option<i64>,
        i64,
        i64,
        i64,
        Option<i64>,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
    ),
    (
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        NaiveDateTime,
        NaiveDateTime,
        Option<NaiveDateTime>,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        i64,
        bool,
    ),
);

fn from_row(r: Row) -> Action {
    let (a, b) = r;
    Action {
        id: a.0,
        group_id: a.1,
        board_id: a.2,
        thread_id: a.3,
        city_id: a.4,
        author_id: a.5,
        title: a.6,
        starts_at: a.7,
        ends_at: a.8,
        timezone: a.9,
        place: a.10,
        meeting_point: a.11,
        description_md: a.12,
        description_html: a.13,
        visibility: a.14,
        capacity: a.15,
        status: b.0,
        sequence: b.1,
        going_count: b.2,
        maybe_count: b.3,
        not_going_count: b.4,
        waitlist_count: b.5,
        created_at: b.6,
        updated_at: b.7,
        cancelled_at: b.8,
        city_slug: b.9,
        city_name: b.10,
        group_slug: b.11,
        group_name: b.12,
        board_slug: b.13,
        thread_slug: b.14,
        thread_post_count: b.15,
        thread_hidden: b.16,
    }
}

/// The joins every read of an action goes through.
macro_rules! joined {
    () => {
        actions::table
            .inner_join(cities::table)
            .left_join(groups::table)
            .inner_join(boards::table)
            .inner_join(threads::table)
    };
}

/// One action (one statement).
pub fn action_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Action>> {
    let row: Option<Row> = joined!()
        .filter(actions::id.eq(id))
        .select(columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(from_row))
}

/// What a list of actions is filtered by.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub city_id: Option<i64>,
    pub group_id: Option<i64>,
    /// Also the members-only actions of this group (the viewer is a member).
    pub members_of: Option<i64>,
    /// Only groups listed in the directory (and site-wide calls).
    pub listed_only: bool,
    /// Starting at or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Starting before (UTC).
    pub until: Option<NaiveDateTime>,
    /// Not over yet at this moment (UTC): started after it, or ending after it.
    pub not_over_at: Option<NaiveDateTime>,
    /// After this (start, id), ascending.
    pub after: Option<Cursor>,
}

/// Actions by start time, then id (one statement; `limit + 1` rows tell whether more follow).
pub fn list(conn: &mut DbConnection, filter: &ListFilter, limit: i64) -> QueryResult<Vec<Action>> {
    let mut query = joined!().select(columns!()).into_boxed();
    query = match filter.members_of {
        Some(g) => query.filter(
            actions::visibility
                .eq(ActionVisibility::Public.as_str())
                .or(actions::group_id.eq(g)),
        ),
        None => query.filter(actions::visibility.eq(ActionVisibility::Public.as_str())),
    };
    if let Some(city) = filter.city_id {
        query = query.filter(actions::city_id.eq(city));
    }
    if let Some(group) = filter.group_id {
        query = query.filter(actions::group_id.eq(group));
    }
    if filter.listed_only {
        query = query.filter(
            actions::group_id
                .is_null()
                .or(groups::visibility.eq("public")),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(actions::starts_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(actions::starts_at.lt(until));
    }
    if let Some(now) = filter.not_over_at {
        query = query.filter(
            actions::starts_at
                .ge(now)
                .nullable()
                .or(actions::ends_at.ge(now)),
        );
    }
    if let Some(c) = filter.after {
        query = query.filter(
            actions::starts_at
                .gt(c.at)
                .or(actions::starts_at.eq(c.at).and(actions::id.gt(c.id))),
        );
    }
    let rows: Vec<Row> = query
        .order((actions::starts_at.asc(), actions::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The names of the members `ids` (the authors of a list of actions), one statement.
pub fn author_names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username))
        .load(conn)
}

/// The actions of a private calendar: those `user_id` answered going or maybe to (still
/// visible to them), and the members-only actions of their groups, started after `since`.
pub fn calendar_of(
    conn: &mut DbConnection,
    user_id: i64,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Action>> {
    let mine = group_members::table
        .filter(group_members::user_id.eq(user_id))
        .select(group_members::group_id.nullable());
    let answered = action_rsvps::table
        .filter(action_rsvps::user_id.eq(user_id))
        .filter(action_rsvps::answer.eq_any([Answer::Going.as_str(), Answer::Maybe.as_str()]))
        .select(action_rsvps::action_id);
    let rows: Vec<Row> = joined!()
        .filter(actions::starts_at.ge(since))
        .filter(
            actions::id
                .eq_any(answered)
                .and(
                    actions::visibility
                        .eq(ActionVisibility::Public.as_str())
                        .nullable()
                        .or(actions::group_id.eq_any(mine)),
                )
                .or(actions::visibility
                    .eq(ActionVisibility::Members.as_str())
                    .nullable()
                    .and(actions::group_id.eq_any(mine))),
        )
        .order((actions::starts_at.asc(), actions::id.asc()))
        .limit(limit)
        .select(columns!())
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The owner of a private calendar secret.
pub fn calendar_owner(conn: &mut DbConnection, secret: &str) -> QueryResult<Option<i64>> {
    users::table
        .filter(users::calendar_token_hash.eq(crate::sessions::hash_token(secret)))
        .select(users::id)
        .first(conn)
        .optional()
}

/// A new action's columns (times in UTC).
#[derive(Debug, Clone)]
pub struct NewAction<'a> {
    pub group_id: Option<i64>,
    pub board_id: i64,
    pub thread_id: i64,
    pub city_id: i64,
    pub author_id: i64,
    pub fields: ActionFields<'a>,
}

/// The columns an edit may change.
#[derive(Debug, Clone)]
pub struct ActionFields<'a> {
    pub title: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub timezone: &'a str,
    pub place: &'a str,
    pub meeting_point: &'a str,
    pub city_id: i64,
    pub description_md: &'a str,
    pub description_html: &'a str,
    pub visibility: &'a str,
    pub capacity: Option<i64>,
}

/// Inserts an action; returns its id.
pub fn insert(conn: &mut DbConnection, new: &NewAction<'_>, at: NaiveDateTime) -> QueryResult<i64> {
    let f = &new.fields;
    diesel::insert_into(actions::table)
        .values((
            actions::group_id.eq(new.group_id),
            actions::board_id.eq(new.board_id),
            actions::thread_id.eq(new.thread_id),
            actions::city_id.eq(new.city_id),
            actions::author_id.eq(Some(new.author_id)),
            actions::title.eq(f.title),
            actions::starts_at.eq(f.starts_at),
            actions::ends_at.eq(f.ends_at),
            actions::timezone.eq(f.timezone),
            actions::place.eq(f.place),
            actions::meeting_point.eq(f.meeting_point),
            actions::description_md.eq(f.description_md),
            actions::description_html.eq(f.description_html),
            actions::visibility.eq(f.visibility),
            actions::capacity.eq(f.capacity),
            actions::created_at.eq(at),
            actions::updated_at.eq(at),
        ))
        .returning(actions::id)
        .get_result(conn)
}

/// Writes an edit and bumps the sequence; a new start time makes reminders due again.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    f: &ActionFields<'_>,
    start_moved: bool,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(actions::table.find(id))
        .set((
            actions::title.eq(f.title),
            actions::starts_at.eq(f.starts_at),
            actions::ends_at.eq(f.ends_at),
            actions::timezone.eq(f.timezone),
            actions::place.eq(f.place),
            actions::meeting_point.eq(f.meeting_point),
            actions::city_id.eq(f.city_id),
            actions::description_md.eq(f.description_md),
            actions::description_html.eq(f.description_html),
            actions::capacity.eq(f.capacity),
            actions::sequence.eq(actions::sequence + 1),
            actions::updated_at.eq(at),
        ))
        .execute(conn)?;
    if start_moved {
        diesel::update(action_rsvps::table.filter(action_rsvps::action_id.eq(id)))
            .set(action_rsvps::reminded_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks the action cancelled (bumping the sequence). False when it already was.
pub fn cancel(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        actions::table
            .find(id)
            .filter(actions::status.eq("planned")),
    )
    .set((
        actions::status.eq("cancelled"),
        actions::cancelled_at.eq(Some(at)),
        actions::sequence.eq(actions::sequence + 1),
        actions::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A group as the actions' pages name it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct GroupRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub visibility: String,
    pub city_id: i64,
}

/// The group of this slug.
pub fn group_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<GroupRef>> {
    groups::table
        .filter(groups::slug.eq(slug))
        .select((
            groups::id,
            groups::slug,
            groups::name,
            groups::visibility,
            groups::city_id,
        ))
        .first(conn)
        .optional()
}
