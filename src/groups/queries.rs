//! The SQL behind groups: a group and its directory, creation (with its two boards, in one
//! transaction), settings, members and roles (never without a coordinator), join requests and
//! invitation links (stored hashed). Handlers call these inside `Db::run`; no HTTP here beyond
//! the `AppError` each refusal becomes.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{cities, group_invites, group_members, group_requests, groups, users};
use crate::db::{now, write_tx, DbConnection};
use crate::forum::domain::Cursor;
use crate::forum::queries::BoardFields;
use crate::groups::domain::{GroupInput, GroupVisibility};
use crate::memberships::{BoardVisibility, GroupRole};
use crate::validation::FieldError;
use crate::web::error::AppError;

/// A group with its city, as pages and the API show it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = groups)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Group {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub city_id: i64,
    #[diesel(select_expression = cities::slug)]
    pub city_slug: String,
    #[diesel(select_expression = cities::name)]
    pub city_name: String,
    pub description_md: String,
    pub description_html: String,
    pub website: String,
    pub visibility: String,
    pub join_policy: String,
    pub member_count: i64,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A group by slug (public or unlisted).
pub fn group_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Group>> {
    groups::table
        .inner_join(cities::table)
        .filter(groups::slug.eq(slug))
        .select(Group::as_select())
        .first(conn)
        .optional()
}

/// Escapes `%`, `_` and `\` and appends `%`, for a prefix LIKE.
fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One page of the public directory, latest activity first, after `cursor`; `limit + 1` rows
/// are read so the caller knows whether another page follows.
pub fn directory(
    conn: &mut DbConnection,
    city_id: Option<i64>,
    prefix: Option<&str>,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<Group>> {
    let mut query = groups::table
        .inner_join(cities::table)
        .filter(groups::visibility.eq(GroupVisibility::Public.as_str()))
        .select(Group::as_select())
        .order((groups::last_activity_at.desc(), groups::id.desc()))
        .limit(limit + 1)
        .into_boxed();
    if let Some(city) = city_id {
        query = query.filter(groups::city_id.eq(city));
    }
    if let Some(p) = prefix.map(str::trim).filter(|p| !p.is_empty()) {
        let lower = p.to_lowercase();
        let pattern = like_prefix(&lower);
        let upper = like_prefix(p);
        // Case-insensitive enough on both backends for ASCII: lower(name) LIKE 'x%'.
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(\"groups\".\"name\") LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern)
                .sql(" ESCAPE '\\'")
                .or(groups::name.like(upper).escape('\\')),
        );
    }
    if let Some(c) = cursor {
        query = query.filter(
            groups::last_activity_at
                .lt(c.at)
                .or(groups::last_activity_at.eq(c.at).and(groups::id.lt(c.id))),
        );
    }
    query.load(conn)
}

/// Creates a group, its creator as coordinator and its two boards (private `coordination`,
/// public `annonces`) in one transaction. A taken slug is a 409 on `slug`, an unknown city a
/// 422 on `city`.
pub fn create_group(
    conn: &mut DbConnection,
    creator: i64,
    input: &GroupInput,
) -> Result<Group, AppError> {
    write_tx(conn, |conn| {
        let city = crate::gazetteer::resolve(conn, &input.city)?.single("city")?;
        let taken: bool = diesel::select(diesel::dsl::exists(
            groups::table.filter(groups::slug.eq(&input.slug)),
        ))
        .get_result(conn)?;
        if taken {
            return Err(AppError::Conflict(FieldError::new(
                "slug",
                "group-error-slug-taken",
            )));
        }
        let at = now();
        let id: i64 = diesel::insert_into(groups::table)
            .values((
                groups::slug.eq(&input.slug),
                groups::name.eq(&input.name),
                groups::city_id.eq(city.id),
                groups::description_md.eq(&input.description.markdown),
                groups::description_html.eq(input.description.html.as_str()),
                groups::website.eq(&input.website),
                groups::visibility.eq(input.visibility.as_str()),
                groups::join_policy.eq(input.join_policy.as_str()),
                groups::member_count.eq(1),
                groups::last_activity_at.eq(at),
                groups::created_by.eq(Some(creator)),
                groups::created_at.eq(at),
            ))
            .returning(groups::id)
            .get_result(conn)
            .map_err(|e| slug_conflict(e, "slug"))?;
        diesel::insert_into(group_members::table)
            .values((
                group_members::group_id.eq(id),
                group_members::user_id.eq(creator),
                group_members::role.eq(GroupRole::Coordinator.as_str()),
                group_members::joined_at.eq(at),
            ))
            .execute(conn)?;
        for (slug, name, visibility) in [
            ("coordination", "Coordination", BoardVisibility::Private),
            ("annonces", "Annonces", BoardVisibility::Public),
        ] {
            add_board(conn, id, slug, name, visibility)?;
        }
        group_by_slug(conn, &input.slug)?.ok_or(AppError::NotFound)
    })
}

/// Maps a unique violation to a 409 on `field`, other errors as usual.
fn slug_conflict(e: diesel::result::Error, field: &'static str) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            AppError::Conflict(FieldError::new(field, "group-error-slug-taken"))
        }
        other => AppError::from(other),
    }
}

/// Adds a board to a group, inside the caller's write transaction (the forum's
/// `create_board_in`); a slug already used in the group is a 409 on `slug`.
pub fn add_board(
    conn: &mut DbConnection,
    group_id: i64,
    slug: &str,
    name: &str,
    visibility: BoardVisibility,
) -> Result<i64, AppError> {
    use crate::db::schema::boards;
    let taken: bool = diesel::select(diesel::dsl::exists(
        boards::table
            .filter(boards::group_id.eq(group_id))
            .filter(boards::slug.eq(slug)),
    ))
    .get_result(conn)?;
    if taken {
        return Err(AppError::Conflict(FieldError::new(
            "slug",
            "group-error-slug-taken",
        )));
    }
    // In the caller's transaction: the group's creation adds its first boards with itself.
    let fields = BoardFields {
        slug: slug.to_owned(),
        name: name.to_owned(),
        description: String::new(),
        name_en: None,
        description_en: None,
        group_id: Some(group_id),
        visibility,
    };
    crate::forum::queries::create_board_in(conn, &fields).map_err(|e| slug_conflict(e, "slug"))
}

/// Changes a group's settings (its slug stays).
pub fn update_group(conn: &mut DbConnection, id: i64, input: &GroupInput) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        let city = crate::gazetteer::resolve(conn, &input.city)?.single("city")?;
        diesel::update(groups::table.find(id))
            .set((
                groups::name.eq(&input.name),
                groups::city_id.eq(city.id),
                groups::description_md.eq(&input.description.markdown),
                groups::description_html.eq(input.description.html.as_str()),
                groups::website.eq(&input.website),
                groups::visibility.eq(input.visibility.as_str()),
                groups::join_policy.eq(input.join_policy.as_str()),
                groups::version.eq(groups::version + 1),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A member as the member list shows them.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
#[schema(as = GroupMember)]
pub struct Member {
    pub username: String,
    pub role: String,
    pub joined_at: NaiveDateTime,
}

/// The members of a group, coordinators first, then by name.
pub fn members(conn: &mut DbConnection, group_id: i64) -> QueryResult<Vec<Member>> {
    group_members::table
        .inner_join(users::table)
        .filter(group_members::group_id.eq(group_id))
        .order((group_members::role.asc(), users::username.asc()))
        .select((
            users::username,
            group_members::role,
            group_members::joined_at,
        ))
        .load(conn)
}

/// A person the groups write to: id, name, address, language.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub locale: Option<String>,
}

/// An account by username.
pub fn person_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<Person>> {
    users::table
        .filter(users::username.eq(username))
        // Groups are of this server's members.
        .filter(users::remote_id.is_null())
        .select((users::id, users::username, users::email, users::locale))
        .first(conn)
        .optional()
}

/// An account by id.
pub fn person_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Person>> {
    users::table
        .find(id)
        .select((users::id, users::username, users::email, users::locale))
        .first(conn)
        .optional()
}

/// Adds `user_id` to the group with `role` (409 on `group` when already a member), counts them
/// and moves the group's last activity. Closes any pending request of theirs as approved.
pub fn add_member(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
    role: GroupRole,
) -> Result<(), AppError> {
    if crate::memberships::is_member(conn, group_id, user_id)? {
        return Err(AppError::Conflict(FieldError::new(
            "group",
            "group-error-already-member",
        )));
    }
    let at = now();
    diesel::insert_into(group_members::table)
        .values((
            group_members::group_id.eq(group_id),
            group_members::user_id.eq(user_id),
            group_members::role.eq(role.as_str()),
            group_members::joined_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(groups::table.find(group_id))
        .set((
            groups::member_count.eq(groups::member_count + 1),
            groups::last_activity_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The number of coordinators of a group.
fn coordinator_count(conn: &mut DbConnection, group_id: i64) -> QueryResult<i64> {
    group_members::table
        .filter(group_members::group_id.eq(group_id))
        .filter(group_members::role.eq(GroupRole::Coordinator.as_str()))
        .count()
        .get_result(conn)
}

fn last_coordinator() -> AppError {
    AppError::Conflict(FieldError::new("role", "group-error-last-coordinator"))
}

/// Removes a member (leaving or removed), inside the caller's write transaction, and marks read
/// their notifications about the group's private boards (which they no longer see). 404 when
/// not a member, 409 for the last coordinator.
pub fn remove_member(conn: &mut DbConnection, group_id: i64, user_id: i64) -> Result<(), AppError> {
    let role = crate::memberships::role_in(conn, group_id, user_id)?.ok_or(AppError::NotFound)?;
    if role == GroupRole::Coordinator && coordinator_count(conn, group_id)? <= 1 {
        return Err(last_coordinator());
    }
    diesel::delete(group_members::table.find((group_id, user_id))).execute(conn)?;
    crate::memberships::forget_private_notifications(conn, group_id, user_id)?;
    diesel::update(groups::table.find(group_id))
        .set(groups::member_count.eq(groups::member_count - 1))
        .execute(conn)?;
    Ok(())
}

/// Changes a member's role. 404 when not a member, 409 when demoting the last coordinator.
pub fn set_role(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
    role: GroupRole,
) -> Result<(), AppError> {
    let current =
        crate::memberships::role_in(conn, group_id, user_id)?.ok_or(AppError::NotFound)?;
    if current == GroupRole::Coordinator
        && role != GroupRole::Coordinator
        && coordinator_count(conn, group_id)? <= 1
    {
        return Err(last_coordinator());
    }
    diesel::update(group_members::table.find((group_id, user_id)))
        .set(group_members::role.eq(role.as_str()))
        .execute(conn)?;
    Ok(())
}

/// True when `user_id` has a pending request to join the group.
pub fn has_pending_request(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        group_requests::table
            .filter(group_requests::group_id.eq(group_id))
            .filter(group_requests::user_id.eq(user_id))
            .filter(group_requests::status.eq("pending")),
    ))
    .get_result(conn)
}

/// Records a pending request (409 on `group` when one is already pending).
pub fn create_request(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
    message: &str,
) -> Result<(), AppError> {
    if has_pending_request(conn, group_id, user_id)? {
        return Err(AppError::Conflict(FieldError::new(
            "group",
            "group-error-already-requested",
        )));
    }
    diesel::insert_into(group_requests::table)
        .values((
            group_requests::group_id.eq(group_id),
            group_requests::user_id.eq(user_id),
            group_requests::message.eq(message),
            group_requests::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Withdraws a pending request; returns whether there was one.
pub fn withdraw_request(conn: &mut DbConnection, group_id: i64, user_id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        group_requests::table
            .filter(group_requests::group_id.eq(group_id))
            .filter(group_requests::user_id.eq(user_id))
            .filter(group_requests::status.eq("pending")),
    )
    .set((
        group_requests::status.eq("withdrawn"),
        group_requests::decided_at.eq(Some(now())),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// A pending request as coordinators see it.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
#[schema(as = GroupRequest)]
pub struct Request {
    pub username: String,
    pub message: String,
    pub created_at: NaiveDateTime,
}

/// The pending requests of a group, oldest first.
pub fn pending_requests(conn: &mut DbConnection, group_id: i64) -> QueryResult<Vec<Request>> {
    group_requests::table
        .inner_join(users::table.on(users::id.eq(group_requests::user_id)))
        .filter(group_requests::group_id.eq(group_id))
        .filter(group_requests::status.eq("pending"))
        .order(group_requests::created_at.asc())
        .select((
            users::username,
            group_requests::message,
            group_requests::created_at,
        ))
        .load(conn)
}

/// Closes a pending request with `status` (`approved` / `refused`). 409 on `request` when
/// there is none pending (withdrawn, or already decided).
pub fn close_request(
    conn: &mut DbConnection,
    group_id: i64,
    user_id: i64,
    actor: i64,
    status: &str,
    reason: &str,
) -> Result<(), AppError> {
    let n = diesel::update(
        group_requests::table
            .filter(group_requests::group_id.eq(group_id))
            .filter(group_requests::user_id.eq(user_id))
            .filter(group_requests::status.eq("pending")),
    )
    .set((
        group_requests::status.eq(status),
        group_requests::reason.eq(reason),
        group_requests::decided_by.eq(Some(actor)),
        group_requests::decided_at.eq(Some(now())),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::Conflict(FieldError::new(
            "request",
            "group-error-request-gone",
        )));
    }
    Ok(())
}

/// An invitation link as coordinators see it (never its secret).
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Invite {
    pub id: i64,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Invite {
    /// True when the link still lets someone in.
    pub fn usable(&self, at: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > at && self.uses < self.max_uses
    }
}

/// Creates an invitation link; returns its secret (shown once, stored hashed).
pub fn create_invite(
    conn: &mut DbConnection,
    group_id: i64,
    actor: i64,
    max_uses: i64,
    days: i64,
) -> QueryResult<String> {
    let secret = crate::sessions::new_token();
    let at = now();
    diesel::insert_into(group_invites::table)
        .values((
            group_invites::group_id.eq(group_id),
            group_invites::token_hash.eq(crate::sessions::hash_token(&secret)),
            group_invites::created_by.eq(Some(actor)),
            group_invites::max_uses.eq(max_uses),
            group_invites::expires_at.eq(at + Duration::days(days)),
            group_invites::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// The invitations of a group, newest first.
pub fn invites(conn: &mut DbConnection, group_id: i64) -> QueryResult<Vec<Invite>> {
    group_invites::table
        .filter(group_invites::group_id.eq(group_id))
        .order(group_invites::id.desc())
        .select((
            group_invites::id,
            group_invites::max_uses,
            group_invites::uses,
            group_invites::expires_at,
            group_invites::revoked_at,
            group_invites::created_at,
        ))
        .load(conn)
}

/// Revokes an invitation of the group; returns whether it existed.
pub fn revoke_invite(conn: &mut DbConnection, group_id: i64, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        group_invites::table
            .filter(group_invites::group_id.eq(group_id))
            .filter(group_invites::id.eq(id))
            .filter(group_invites::revoked_at.is_null()),
    )
    .set(group_invites::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n > 0)
}

/// The invitation of the group whose secret this is, if any (usable or not).
pub fn invite_by_secret(
    conn: &mut DbConnection,
    group_id: i64,
    secret: &str,
) -> QueryResult<Option<Invite>> {
    group_invites::table
        .filter(group_invites::group_id.eq(group_id))
        .filter(group_invites::token_hash.eq(crate::sessions::hash_token(secret.trim())))
        .select((
            group_invites::id,
            group_invites::max_uses,
            group_invites::uses,
            group_invites::expires_at,
            group_invites::revoked_at,
            group_invites::created_at,
        ))
        .first(conn)
        .optional()
}

/// Spends one use of the invitation `secret`: a 422 on `invite` when it is unknown, expired,
/// used up or revoked.
pub fn spend_invite(conn: &mut DbConnection, group_id: i64, secret: &str) -> Result<(), AppError> {
    let bad = || AppError::Invalid(FieldError::new("invite", "group-error-invite-invalid"));
    let invite = invite_by_secret(conn, group_id, secret)?.ok_or_else(bad)?;
    let at = now();
    if !invite.usable(at) {
        return Err(bad());
    }
    let n = diesel::update(
        group_invites::table
            .find(invite.id)
            .filter(group_invites::uses.lt(group_invites::max_uses)),
    )
    .set(group_invites::uses.eq(group_invites::uses + 1))
    .execute(conn)?;
    if n == 0 {
        return Err(bad());
    }
    Ok(())
}
