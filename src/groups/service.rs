//! What the pages and the API share: who the viewer is to a group (`Access`), joining (open, on
//! request, by invitation), leaving, deciding a request (the person is told by mail), and the
//! site staff's reads of the group's private threads that its coordinators see. Each function
//! runs inside the caller's `Db::run`; those that write, in one write transaction.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::db::{write_tx, DbConnection};
use crate::groups::domain::JoinPolicy;
use crate::groups::queries::{self, Group};
use crate::mail::{Draft, Mailer};
use crate::memberships::GroupRole;
use crate::sessions::{Role, Viewer};
use crate::validation::FieldError;
use crate::web::error::AppError;

/// Who the viewer is to a group.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    /// Their role, when a member.
    pub role: Option<GroupRole>,
    /// Their request is waiting.
    pub pending: bool,
    /// A site moderator or administrator: acts as a coordinator on every group.
    pub staff: bool,
}

impl Access {
    /// Reads the viewer's standing in `group_id`.
    pub fn of(
        conn: &mut DbConnection,
        group_id: i64,
        viewer: Option<&Viewer>,
    ) -> diesel::QueryResult<Access> {
        let Some(v) = viewer else {
            return Ok(Access::default());
        };
        let role = crate::memberships::role_in(conn, group_id, v.user_id)?;
        let pending = role.is_none() && queries::has_pending_request(conn, group_id, v.user_id)?;
        Ok(Access {
            role,
            pending,
            staff: matches!(v.role, Role::Admin | Role::Moderator),
        })
    }

    /// A member (any role).
    pub fn is_member(self) -> bool {
        self.role.is_some()
    }

    /// Manages the group: its coordinators and the site's staff.
    pub fn manages(self) -> bool {
        self.staff || self.role == Some(GroupRole::Coordinator)
    }

    /// Sees the member list: members and staff.
    pub fn sees_members(self) -> bool {
        self.staff || self.is_member()
    }

    /// `membership` in the group JSON.
    pub fn label(self) -> Option<&'static str> {
        match (self.role, self.pending) {
            (Some(r), _) => Some(r.as_str()),
            (None, true) => Some("pending"),
            (None, false) => None,
        }
    }
}

/// Refuses with 403 unless the viewer manages the group.
pub fn require_manager(access: Access) -> Result<(), AppError> {
    if access.manages() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The group JSON (for the API and the pages).
pub fn group_json(base_url: &str, g: &Group, access: Access) -> Value {
    serde_json::to_value(group_view(base_url, g, access)).unwrap_or_default()
}

/// A group as the pages and the API show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub city: GroupCity<'a>,
    pub description_html: &'a str,
    pub website: Option<&'a str>,
    /// `public` or `unlisted`.
    pub visibility: &'a str,
    /// `open`, `request` or `invite`.
    pub join_policy: &'a str,
    pub member_count: i64,
    pub url: String,
    pub path: String,
    pub last_activity_at: NaiveDateTime,
    /// The reader's place: `coordinator`, `member`, `pending`, or none.
    pub membership: Option<&'static str>,
}

/// A group's city.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupCity<'a> {
    pub slug: &'a str,
    pub name: &'a str,
}

/// A group as the pages and the API show it.
pub fn group_view<'a>(base_url: &str, g: &'a Group, access: Access) -> GroupView<'a> {
    GroupView {
        slug: &g.slug,
        name: &g.name,
        city: GroupCity {
            slug: &g.city_slug,
            name: &g.city_name,
        },
        description_html: &g.description_html,
        website: (!g.website.is_empty()).then_some(g.website.as_str()),
        visibility: &g.visibility,
        join_policy: &g.join_policy,
        member_count: g.member_count,
        url: format!("{base_url}/g/{}", g.slug),
        path: format!("/g/{}", g.slug),
        last_activity_at: g.last_activity_at,
        membership: access.label(),
    }
}

/// The group by slug with the viewer's access, 404 when there is none.
pub fn load(
    conn: &mut DbConnection,
    slug: &str,
    viewer: Option<&Viewer>,
) -> Result<(Group, Access), AppError> {
    let group = queries::group_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    let access = Access::of(conn, group.id, viewer)?;
    Ok((group, access))
}

/// The outcome of a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// In the group now.
    Member,
    /// The request waits for a coordinator.
    Pending,
}

impl Joined {
    /// The `status` of the API answer.
    pub fn as_str(self) -> &'static str {
        match self {
            Joined::Member => "member",
            Joined::Pending => "pending",
        }
    }
}

/// Joins `group` as `user_id`: an invitation (any policy) or an open group lets them in at once,
/// a group on request records the request, a group on invitation without one is a 403. Joining
/// twice is a 409.
pub fn join(
    conn: &mut DbConnection,
    group: &Group,
    user_id: i64,
    message: &str,
    invite: Option<&str>,
) -> Result<Joined, AppError> {
    let message = crate::groups::domain::parse_message(message, "message")?;
    write_tx(conn, |conn| {
        if crate::memberships::is_member(conn, group.id, user_id)? {
            return Err(AppError::Conflict(FieldError::new(
                "group",
                "group-error-already-member",
            )));
        }
        if let Some(secret) = invite.map(str::trim).filter(|s| !s.is_empty()) {
            queries::spend_invite(conn, group.id, secret)?;
            queries::withdraw_request(conn, group.id, user_id)?;
            queries::add_member(conn, group.id, user_id, GroupRole::Member)?;
            return Ok(Joined::Member);
        }
        match JoinPolicy::parse(&group.join_policy).unwrap_or(JoinPolicy::Invite) {
            JoinPolicy::Open => {
                queries::add_member(conn, group.id, user_id, GroupRole::Member)?;
                Ok(Joined::Member)
            }
            JoinPolicy::Request => {
                queries::create_request(conn, group.id, user_id, &message)?;
                Ok(Joined::Pending)
            }
            JoinPolicy::Invite => Err(AppError::Invalid(FieldError::new(
                "invite",
                "group-error-invite-needed",
            ))),
        }
    })
}

/// Leaves the group (or withdraws a pending request). 404 when neither, 409 for the last
/// coordinator.
pub fn leave(conn: &mut DbConnection, group_id: i64, user_id: i64) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        if queries::withdraw_request(conn, group_id, user_id)? {
            return Ok(());
        }
        queries::remove_member(conn, group_id, user_id)
    })
}

/// Approves or refuses `username`'s pending request; the person is told by mail. 404 for an
/// unknown person, 409 on `request` when nothing is pending (withdrawn, already decided).
pub fn decide(
    mailer: &Mailer,
    conn: &mut DbConnection,
    group: &Group,
    actor: i64,
    username: &str,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let reason = crate::groups::domain::parse_message(reason, "reason")?;
    write_tx(conn, |conn| {
        let person = queries::person_by_username(conn, username)?.ok_or(AppError::NotFound)?;
        let status = if approve { "approved" } else { "refused" };
        queries::close_request(conn, group.id, person.id, actor, status, &reason)?;
        if approve {
            queries::add_member(conn, group.id, person.id, GroupRole::Member)?;
        }
        let base = mailer.base_url.as_str();
        mailer.queue(
            conn,
            Draft {
                template: if approve {
                    "group_request_approved"
                } else {
                    "group_request_refused"
                },
                lang: mailer.lang_for(person.locale.as_deref()),
                to: &person.email,
                user_id: Some(person.id),
                list: None,
                data: json!({
                    "username": person.username,
                    "group_name": group.name,
                    "group_url": format!("{base}/g/{}", group.slug),
                    "reason": reason,
                }),
            },
        )?;
        Ok(())
    })
}

/// How many of the site staff's reads of a group's private threads its coordinators see (the
/// newest).
pub const PRIVATE_READS_SHOWN: i64 = 50;

/// The newest reads of the group's private threads by site staff (each opened by a member's
/// report and written to the moderation log by `forum::visibility`), newest first, at most
/// `PRIVATE_READS_SHOWN`, as JSON for the admin page and the API: who read, which thread
/// (title and address), when.
pub fn private_reads_json(conn: &mut DbConnection, group_id: i64) -> diesel::QueryResult<Value> {
    Ok(serde_json::to_value(private_reads(conn, group_id)?).unwrap_or_default())
}

/// A read of a private thread by site staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrivateRead {
    /// Who read (none when the account is gone).
    pub staff: Option<String>,
    pub thread: ReadThread,
    pub read_at: NaiveDateTime,
}

/// The thread a private read opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadThread {
    pub id: i64,
    pub title: String,
    pub path: String,
}

/// The reads `private_reads_json` shows.
pub fn private_reads(
    conn: &mut DbConnection,
    group_id: i64,
) -> diesel::QueryResult<Vec<PrivateRead>> {
    let reads = crate::audit::private_reads(
        conn,
        group_id,
        crate::forum::visibility::PRIVATE_READ_ACTION,
        PRIVATE_READS_SHOWN,
    )?;
    Ok(reads
        .into_iter()
        .map(|r| PrivateRead {
            staff: r.staff,
            thread: ReadThread {
                id: r.thread_id,
                title: r.thread_title,
                path: format!("/t/{}", r.thread_id),
            },
            read_at: r.created_at,
        })
        .collect())
}

/// Refuses (403) creating a group unless the site's `group_creation` setting lets `viewer`:
/// verified members when `members`, moderators and administrators when `staff`, nobody when
/// `off`.
pub fn may_create(
    settings: &crate::settings::Settings,
    config: &crate::site_config::SiteConfig,
    viewer: &crate::sessions::Viewer,
) -> Result<(), AppError> {
    use crate::sessions::Role;
    use crate::site_config::GroupCreation;
    match config.group_creation {
        GroupCreation::Off => Err(AppError::Refused("group-error-creation-off")),
        GroupCreation::Staff if !matches!(viewer.role, Role::Admin | Role::Moderator) => {
            Err(AppError::Refused("group-error-creation-staff"))
        }
        _ => crate::web::context::may_post(settings, viewer),
    }
}
