//! What the pages and the API share: who the viewer is to an action (`Access`), announcing one
//! (with its discussion thread), changing and cancelling it (everyone who answered is told),
//! answering (with the waiting list and its promotions, told by mail), the reminders the day
//! before, and the action JSON. Each write runs in one transaction inside the caller's
//! `Db::run`.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::actions::answers::fill_from_waiting_list;
use crate::actions::domain::{resolve_times, zone_for_country, ActionInput, ActionVisibility};
use crate::actions::mails::{members_group, tell, tell_promoted};
use crate::actions::queries::{self, Action, ActionFields, NewAction};
use crate::actions::rsvp_queries::{self, Rsvp};
use crate::actions::times::{local_field, utc, when_text};
use crate::db::{now, write_tx, DbConnection};
use crate::forum::domain::{CookedBody, PostBody, ThreadTitle};
use crate::forum::posting_queries::{self, NewThread};
use crate::i18n::{FluentArg, Lang};
use crate::mail::Mailer;
use crate::memberships::{self, GroupRole};
use crate::sessions::{Role, Viewer};
use crate::validation::FieldError;
use crate::web::error::AppError;

/// Who the viewer is to an action.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    /// A member of the action's group.
    pub member: bool,
    /// May change and cancel it: the group's coordinators, its author while still in the
    /// group, and (for public actions) the site's staff.
    pub manages: bool,
    /// Sees who answered: the group's members; for a site-wide call, its author and staff.
    pub sees_names: bool,
}

/// The viewer's access to `action`, or `None` when it does not exist for them (a members-only
/// action outside its group). At most one statement (the group role).
pub fn access(
    conn: &mut DbConnection,
    action: &Action,
    viewer: Option<&Viewer>,
) -> diesel::QueryResult<Option<Access>> {
    let Some(v) = viewer else {
        return Ok((!action.members_only()).then(Access::default));
    };
    let staff = matches!(v.role, Role::Admin | Role::Moderator);
    let author = action.author_id == Some(v.user_id);
    match action.group_id {
        Some(group) => {
            let role = memberships::role_in(conn, group, v.user_id)?;
            if action.members_only() && role.is_none() {
                return Ok(None);
            }
            let member = role.is_some();
            Ok(Some(Access {
                member,
                manages: role == Some(GroupRole::Coordinator)
                    || (author && member)
                    || (staff && !action.members_only()),
                sees_names: member,
            }))
        }
        None => Ok(Some(Access {
            member: false,
            manages: author || staff,
            sees_names: author || staff,
        })),
    }
}

/// Loads an action the viewer may see, with their access (404 otherwise).
pub fn load(
    conn: &mut DbConnection,
    id: i64,
    viewer: Option<&Viewer>,
) -> Result<(Action, Access), AppError> {
    let action = queries::action_by_id(conn, id)?.ok_or(AppError::NotFound)?;
    let access = access(conn, &action, viewer)?.ok_or(AppError::NotFound)?;
    Ok((action, access))
}

/// Loads an action the viewer manages: 404 when they cannot see it, 403 when they may not
/// change it.
pub fn load_managed(conn: &mut DbConnection, id: i64, viewer: &Viewer) -> Result<Action, AppError> {
    let (action, access) = load(conn, id, Some(viewer))?;
    if access.manages {
        Ok(action)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The answers the viewer may read: all of them when they see names, else only their own.
pub fn visible_rsvps(
    conn: &mut DbConnection,
    action_id: i64,
    access: Access,
    viewer: Option<i64>,
) -> diesel::QueryResult<Vec<Rsvp>> {
    if access.sees_names {
        return rsvp_queries::rsvps(conn, action_id);
    }
    match viewer {
        Some(user) => Ok(rsvp_queries::rsvp_of(conn, action_id, user)?
            .into_iter()
            .collect()),
        None => Ok(Vec::new()),
    }
}

/// Where a new action goes: a group (its coordinators announce) or a site board.
#[derive(Debug, Clone)]
pub enum Host {
    Group(queries::GroupRef),
    Site,
}

/// The host named by the form: `group` (a slug) when given, else the site. A group the viewer
/// cannot announce in is a 403 (404 when it does not exist).
pub fn host(
    conn: &mut DbConnection,
    group: Option<&str>,
    viewer: &Viewer,
) -> Result<Host, AppError> {
    match group.map(str::trim).filter(|g| !g.is_empty()) {
        None => Ok(Host::Site),
        Some(slug) => {
            let g = queries::group_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
            let role = memberships::role_in(conn, g.id, viewer.user_id)?;
            let staff = matches!(viewer.role, Role::Admin | Role::Moderator);
            if role == Some(GroupRole::Coordinator) || staff {
                Ok(Host::Group(g))
            } else if role.is_some() {
                Err(AppError::Refused("action-error-coordinators-only"))
            } else {
                Err(AppError::NotFound)
            }
        }
    }
}

/// The board the discussion thread goes to: a group's first board of the action's visibility
/// (or the one named, if it is of that visibility), or the named site board for a site-wide
/// call (only public).
fn thread_board(
    conn: &mut DbConnection,
    host: &Host,
    input: &ActionInput,
) -> Result<i64, AppError> {
    match host {
        Host::Group(g) => {
            let private = input.visibility == ActionVisibility::Members;
            let boards = crate::forum::queries::group_boards(conn, g.id)?;
            let mut fitting = boards
                .iter()
                .map(|b| &b.board)
                .filter(|b| b.scope().is_private() == private);
            let chosen = if input.board.is_empty() {
                fitting.next()
            } else {
                fitting.find(|b| b.slug == input.board)
            };
            chosen
                .map(|b| b.id)
                .ok_or(AppError::Invalid(FieldError::new(
                    "board",
                    if private {
                        "action-error-no-private-board"
                    } else {
                        "action-error-no-public-board"
                    },
                )))
        }
        Host::Site => {
            if input.visibility == ActionVisibility::Members {
                return Err(AppError::Invalid(FieldError::new(
                    "visibility",
                    "action-error-members-needs-group",
                )));
            }
            crate::forum::queries::board_by_slug(conn, &input.board)?
                .map(|b| b.id)
                .ok_or(AppError::Invalid(FieldError::new(
                    "board",
                    "action-error-board",
                )))
        }
    }
}

/// The city of the form and its zone (422 on `city` when unknown or ambiguous).
fn city_of(
    conn: &mut DbConnection,
    input: &ActionInput,
) -> Result<(crate::gazetteer::City, chrono_tz::Tz), AppError> {
    let city = crate::gazetteer::resolve(conn, &input.city)?.single("city")?;
    let tz = zone_for_country(&city.country);
    Ok((city, tz))
}

/// Announces an action: checks it, opens its discussion thread (by its author, in the host's
/// board), stores it, and links the thread's opening post to it, in one transaction. Returns
/// the new action's id.
pub fn create(
    conn: &mut DbConnection,
    host: &Host,
    author_id: i64,
    lang: Lang,
    base_url: &str,
    input: &ActionInput,
) -> Result<i64, AppError> {
    let title = ThreadTitle::parse(&input.title)?;
    write_tx(conn, |conn| {
        let (city, tz) = city_of(conn, input)?;
        let (starts_at, ends_at) = resolve_times(input, tz, Some(now()))?;
        let board_id = thread_board(conn, host, input)?;
        let intro = PostBody::parse(&lang.t_args(
            "action-thread-intro",
            &[("title", FluentArg::Str(input.title.clone()))],
        ))?;
        let written = posting_queries::create_thread_in(
            conn,
            NewThread {
                board_id,
                city_id: Some(city.id),
                author_id,
                title: &title,
                body: &CookedBody::new(intro),
            },
        )?;
        let timezone = tz.name();
        let id = queries::insert(
            conn,
            &NewAction {
                group_id: match host {
                    Host::Group(g) => Some(g.id),
                    Host::Site => None,
                },
                board_id,
                thread_id: written.thread_id,
                city_id: city.id,
                author_id,
                fields: ActionFields {
                    title: &input.title,
                    starts_at,
                    ends_at,
                    timezone,
                    place: &input.place,
                    meeting_point: &input.meeting_point,
                    city_id: city.id,
                    description_md: &input.description.markdown,
                    description_html: input.description.html.as_str(),
                    visibility: input.visibility.as_str(),
                    capacity: input.capacity,
                },
            },
            now(),
        )?;
        // The opening post points at the action, now that it has an id.
        let body = PostBody::parse(&lang.t_args(
            "action-thread-body",
            &[
                ("title", FluentArg::Str(input.title.clone())),
                ("url", FluentArg::Str(format!("{base_url}/a/{id}"))),
            ],
        ))?;
        posting_queries::rewrite_opening_post(conn, written.post_id, &CookedBody::new(body))?;
        Ok(id)
    })
}

/// Changes an action (not its visibility, which decides its thread's board): the sequence
/// moves, a new start makes reminders due again, a larger capacity lets the waiting list in
/// (told by mail). 422 on `starts_at` when a new start is in the past.
pub fn update(
    conn: &mut DbConnection,
    mailer: &Mailer,
    action: &Action,
    input: &ActionInput,
) -> Result<(), AppError> {
    if input.visibility.as_str() != action.visibility {
        return Err(AppError::Invalid(FieldError::new(
            "visibility",
            "action-error-visibility-fixed",
        )));
    }
    if action.cancelled() {
        return Err(AppError::Conflict(FieldError::new(
            "status",
            "action-error-cancelled",
        )));
    }
    write_tx(conn, |conn| {
        // Answers wait while the capacity changes (see `answer`).
        rsvp_queries::lock_action(conn, action.id)?;
        let (city, tz) = city_of(conn, input)?;
        let (starts_at, ends_at) = resolve_times(input, tz, None)?;
        let start_moved = starts_at != action.starts_at;
        if start_moved && starts_at <= now() {
            return Err(AppError::Invalid(FieldError::new(
                "starts_at",
                "action-error-start-past",
            )));
        }
        queries::update(
            conn,
            action.id,
            &ActionFields {
                title: &input.title,
                starts_at,
                ends_at,
                timezone: tz.name(),
                place: &input.place,
                meeting_point: &input.meeting_point,
                city_id: city.id,
                description_md: &input.description.markdown,
                description_html: input.description.html.as_str(),
                visibility: &action.visibility,
                capacity: input.capacity,
            },
            start_moved,
            now(),
        )?;
        let promoted = fill_from_waiting_list(conn, action.id, input.capacity)?;
        rsvp_queries::recount(conn, action.id)?;
        let updated = queries::action_by_id(conn, action.id)?.ok_or(AppError::NotFound)?;
        tell_promoted(conn, mailer, &updated, &promoted)?;
        // A new time or place is news for everyone who plans to come.
        let moved = start_moved
            || ends_at != action.ends_at
            || city.id != action.city_id
            || input.place != action.place
            || input.meeting_point != action.meeting_point;
        if moved {
            let people = rsvp_queries::answerers(conn, action.id, true, members_group(action))?;
            tell(conn, mailer, &updated, "action_changed", &people)?;
        }
        Ok(())
    })
}

/// Cancels an action and writes to everyone who answered. 409 when already cancelled.
pub fn cancel(conn: &mut DbConnection, mailer: &Mailer, action: &Action) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        if !queries::cancel(conn, action.id, now())? {
            return Err(AppError::Conflict(FieldError::new(
                "status",
                "action-error-cancelled",
            )));
        }
        let people = rsvp_queries::answerers(conn, action.id, false, members_group(action))?;
        tell(conn, mailer, action, "action_cancelled", &people)
    })
}

/// The action JSON (for the API and the pages): [`action_view`] as JSON.
pub fn action_json(
    base_url: &str,
    action: &Action,
    access: Access,
    viewer: Option<i64>,
    rsvps: &[Rsvp],
    lang: Lang,
) -> Value {
    serde_json::to_value(action_view(base_url, action, access, viewer, rsvps, lang))
        .unwrap_or_default()
}

/// An action as the API and the pages show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView<'a> {
    pub id: i64,
    pub title: &'a str,
    /// UTC, RFC 3339 (`2026-12-20T17:30:00Z`).
    pub starts_at: String,
    pub ends_at: Option<String>,
    /// The IANA zone of the action's city (`Europe/Paris`).
    pub timezone: &'a str,
    /// Local time in `timezone`, as a form field writes it (`2026-12-20T18:30`).
    pub starts_at_local: String,
    pub ends_at_local: Option<String>,
    /// The date and time in words, in the request's language.
    pub when: String,
    pub place: &'a str,
    pub meeting_point: &'a str,
    pub city: ActionCity<'a>,
    /// The group that holds it (none: a site board's).
    pub group: Option<ActionGroup<'a>>,
    /// Markdown.
    pub description: &'a str,
    pub description_html: &'a str,
    /// `public` or `members`.
    pub visibility: &'a str,
    pub capacity: Option<i64>,
    /// `planned` or `cancelled`.
    pub status: &'a str,
    pub started: bool,
    /// The iCalendar `SEQUENCE`: how many times it changed.
    pub sequence: i64,
    pub counts: ActionCounts,
    /// No room left among those going.
    pub full: bool,
    pub thread: ActionThread,
    pub url: String,
    pub path: String,
    /// The reader's answer, if any.
    pub my_rsvp: Option<MyRsvp<'a>>,
    /// Who answered (only for those who may see names; none otherwise).
    pub attendees: Option<Vec<Attendee<'a>>>,
    /// How many answered without showing their name.
    pub hidden_attendees: usize,
    /// The reader may change or cancel it.
    pub manages: bool,
    /// The reader is in the action's group.
    pub member: bool,
}

/// An action's city.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionCity<'a> {
    pub slug: &'a str,
    pub name: &'a str,
}

/// The group of an action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionGroup<'a> {
    pub slug: &'a str,
    pub name: Option<&'a str>,
    pub path: String,
}

/// How many answered what.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionCounts {
    pub going: i64,
    pub maybe: i64,
    pub not_going: i64,
    pub waitlist: i64,
}

/// An action's discussion thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionThread {
    pub id: i64,
    pub path: String,
    pub post_count: i64,
}

/// The reader's own answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRsvp<'a> {
    /// `going`, `maybe` or `not_going`.
    pub answer: &'a str,
    pub waitlisted: bool,
    pub hide_name: bool,
}

/// Someone who answered, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attendee<'a> {
    pub username: &'a str,
    /// `going`, `maybe` or `not_going`.
    pub answer: &'a str,
    pub waitlisted: bool,
}

/// The action as the API and the pages show it. `rsvps` are every answer (only read when the
/// viewer may see names or has answered); names go out only to those who may see them, and
/// never the names of people who asked to be counted without.
pub fn action_view<'a>(
    base_url: &str,
    action: &'a Action,
    access: Access,
    viewer: Option<i64>,
    rsvps: &'a [Rsvp],
    lang: Lang,
) -> ActionView<'a> {
    let mine = viewer.and_then(|v| rsvps.iter().find(|r| r.user_id == v));
    let attendees = access.sees_names.then(|| {
        rsvps
            .iter()
            .filter(|r| !r.hide_name || Some(r.user_id) == viewer)
            .map(|r| Attendee {
                username: &r.username,
                answer: &r.answer,
                waitlisted: r.waitlisted,
            })
            .collect()
    });
    let hidden_attendees = if access.sees_names {
        rsvps
            .iter()
            .filter(|r| r.hide_name && Some(r.user_id) != viewer)
            .count()
    } else {
        0
    };
    ActionView {
        id: action.id,
        title: &action.title,
        starts_at: utc(action.starts_at),
        ends_at: action.ends_at.map(utc),
        timezone: &action.timezone,
        starts_at_local: local_field(action.starts_at, &action.timezone),
        ends_at_local: action.ends_at.map(|e| local_field(e, &action.timezone)),
        when: when_text(action, lang),
        place: &action.place,
        meeting_point: &action.meeting_point,
        city: ActionCity {
            slug: &action.city_slug,
            name: &action.city_name,
        },
        group: action.group_slug.as_deref().map(|slug| ActionGroup {
            slug,
            name: action.group_name.as_deref(),
            path: format!("/g/{slug}"),
        }),
        description: &action.description_md,
        description_html: &action.description_html,
        visibility: &action.visibility,
        capacity: action.capacity,
        status: &action.status,
        started: action.starts_at <= crate::db::now(),
        sequence: action.sequence,
        counts: ActionCounts {
            going: action.going_count,
            maybe: action.maybe_count,
            not_going: action.not_going_count,
            waitlist: action.waitlist_count,
        },
        full: action.capacity.is_some_and(|c| action.going_count >= c),
        thread: ActionThread {
            id: action.thread_id,
            path: format!("/t/{}/{}", action.thread_id, action.thread_slug),
            post_count: action.thread_post_count,
        },
        url: format!("{base_url}/a/{}", action.id),
        path: action.path(),
        my_rsvp: mine.map(|r| MyRsvp {
            answer: &r.answer,
            waitlisted: r.waitlisted,
            hide_name: r.hide_name,
        }),
        attendees,
        hidden_attendees,
        manages: access.manages,
        member: access.member,
    }
}
