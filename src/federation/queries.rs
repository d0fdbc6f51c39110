//! Federation's SQL over the forum's tables: the local actors and objects that may federate
//! (public only, failing closed), the remote actors met, who follows what, what was received,
//! and the announcer's cursors.
//!
//! "Public" here is stricter than the forum's reading rules: a site board or a group's board
//! whose visibility is `public`, in a group (if any) whose visibility is `public`; a thread not
//! hidden; a post neither hidden nor deleted. Anything else is as if it did not exist. A board
//! of another server followed here federates (with its group) even while its instance is
//! limited: `followers` restricts who reads it *here*, not what its group hears from us.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::event_store::{self, ActionEvent, ThreadAction};
use crate::db::schema::{
    boards, federation_cursors, federation_followers, federation_received,
    federation_remote_actors, groups, posts, threads, users,
};
use crate::db::DbConnection;
use crate::memberships::BoardVisibility;

/// The stored visibility of what everyone may read.
const PUBLIC: &str = "public";

/// Whether a board of this stored visibility federates: a public board, or a board of another
/// server (`remote`) kept for its followers here (see `memberships::BoardVisibility`).
pub fn board_federates(visibility: &str, remote: bool) -> bool {
    visibility == PUBLIC || (remote && visibility == BoardVisibility::Followers.as_str())
}

/// Which kind of local actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    User,
    Board,
    Group,
    /// The observatory (one actor, stored with id [`OBSERVATORY_ID`]).
    Observatory,
}

/// The stored id of the observatory's actor (keys, followers, deliveries).
pub const OBSERVATORY_ID: i64 = 0;

impl ActorKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Board => "board",
            ActorKind::Group => "group",
            ActorKind::Observatory => "observatory",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<ActorKind> {
        match s {
            "user" => Some(ActorKind::User),
            "board" => Some(ActorKind::Board),
            "group" => Some(ActorKind::Group),
            "observatory" => Some(ActorKind::Observatory),
            _ => None,
        }
    }
}

/// A public board, as an actor.
#[derive(Debug, Clone)]
pub struct BoardActor {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
    /// The group's slug, for a group's board.
    pub group: Option<(i64, String)>,
    /// For a board of another server followed here, its `Group` actor's id there: such a board
    /// is not an actor of ours, what is posted in it goes to that group.
    pub remote: Option<String>,
}

impl BoardActor {
    /// The board's page (and actor id), relative to the base URL.
    pub fn path(&self) -> String {
        match &self.group {
            Some((_, group)) => format!("/g/{group}/b/{}", self.slug),
            None => format!("/b/{}", self.slug),
        }
    }
}

/// A public group, as an actor.
#[derive(Debug, Clone)]
pub struct GroupActor {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description_html: String,
    pub created_at: NaiveDateTime,
}

/// A member, as an actor.
#[derive(Debug, Clone)]
pub struct UserActor {
    pub id: i64,
    pub username: String,
    pub created_at: NaiveDateTime,
}

/// A public post, with what its object needs.
#[derive(Debug, Clone)]
pub struct PostObject {
    pub id: i64,
    pub number: i64,
    pub thread_id: i64,
    pub title: String,
    pub body_html: String,
    pub body_md: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub version: i64,
    pub author: UserActor,
    pub board: BoardActor,
    /// The id of the thread's `Page` on the server it came from, when a remote person opened it
    /// (a reply here answers that `Page`).
    pub thread_origin: Option<String>,
    /// For the opening post of a public action's discussion thread: the action, which makes
    /// the thread's object an `Event` rather than a `Page`.
    pub event: Option<Box<ActionEvent>>,
    /// For a post received from another server (relayed by its board to the board's
    /// followers, FEP-1b12): where it really comes from.
    pub origin: Option<Origin>,
}

/// Where a received post comes from: its object id and its author's actor id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub object: String,
    pub author: String,
}

type BoardRow = (
    i64,
    String,
    String,
    String,
    NaiveDateTime,
    Option<i64>,
    String,
    Option<String>,
);

/// A board row as an actor, when it is public (and its group too).
fn public_board(conn: &mut DbConnection, row: Option<BoardRow>) -> QueryResult<Option<BoardActor>> {
    let Some((id, slug, name, description, created_at, group_id, visibility, remote)) = row else {
        return Ok(None);
    };
    if !board_federates(&visibility, remote.is_some()) {
        return Ok(None);
    }
    let group = match group_id {
        None => None,
        Some(group_id) => match group_by_id(conn, group_id)? {
            Some(g) => Some((g.id, g.slug)),
            None => return Ok(None),
        },
    };
    Ok(Some(BoardActor {
        id,
        slug,
        name,
        description,
        created_at,
        group,
        remote,
    }))
}

fn board_columns() -> (
    boards::id,
    boards::slug,
    boards::name,
    boards::description,
    boards::created_at,
    boards::group_id,
    boards::visibility,
    boards::remote_id,
) {
    (
        boards::id,
        boards::slug,
        boards::name,
        boards::description,
        boards::created_at,
        boards::group_id,
        boards::visibility,
        boards::remote_id,
    )
}

/// A public board of the site, by slug (not a board of another server followed here).
pub fn site_board(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<BoardActor>> {
    let row = boards::table
        .filter(boards::slug.eq(slug))
        .filter(boards::group_id.is_null())
        .filter(boards::remote_id.is_null())
        .select(board_columns())
        .first::<BoardRow>(conn)
        .optional()?;
    public_board(conn, row)
}

/// A public board of a public group, by the two slugs.
pub fn group_board(
    conn: &mut DbConnection,
    group_slug: &str,
    board_slug: &str,
) -> QueryResult<Option<BoardActor>> {
    let Some(group) = public_group(conn, group_slug)? else {
        return Ok(None);
    };
    let row = boards::table
        .filter(boards::slug.eq(board_slug))
        .filter(boards::group_id.eq(group.id))
        .select(board_columns())
        .first::<BoardRow>(conn)
        .optional()?;
    public_board(conn, row)
}

/// A public board by id (site's, or a public group's).
pub fn board_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<BoardActor>> {
    let row = boards::table
        .find(id)
        .select(board_columns())
        .first::<BoardRow>(conn)
        .optional()?;
    public_board(conn, row)
}

type GroupRow = (i64, String, String, String, NaiveDateTime, String);

fn group_row(row: Option<GroupRow>) -> Option<GroupActor> {
    let (id, slug, name, description_html, created_at, visibility) = row?;
    (visibility == PUBLIC).then_some(GroupActor {
        id,
        slug,
        name,
        description_html,
        created_at,
    })
}

/// What a `GroupRow` reads.
const GROUP_COLUMNS: (
    groups::id,
    groups::slug,
    groups::name,
    groups::description_html,
    groups::created_at,
    groups::visibility,
) = (
    groups::id,
    groups::slug,
    groups::name,
    groups::description_html,
    groups::created_at,
    groups::visibility,
);

/// A public group by slug.
pub fn public_group(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<GroupActor>> {
    let row = groups::table
        .filter(groups::slug.eq(slug))
        .select(GROUP_COLUMNS)
        .first::<GroupRow>(conn)
        .optional()?;
    Ok(group_row(row))
}

/// A public group by id.
pub fn group_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<GroupActor>> {
    let row = groups::table
        .find(id)
        .select(GROUP_COLUMNS)
        .first::<GroupRow>(conn)
        .optional()?;
    Ok(group_row(row))
}

/// A member by name (as their profile page finds them: applicants are not members yet; people
/// of other servers are theirs, not ours).
pub fn user_by_name(conn: &mut DbConnection, username: &str) -> QueryResult<Option<UserActor>> {
    Ok(crate::accounts::queries::profile(conn, username)?
        .filter(|p| p.remote_id.is_none())
        .map(|p| UserActor {
            id: p.id,
            username: p.username,
            created_at: p.created_at,
        }))
}

/// A member by id.
pub fn user_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<UserActor>> {
    let row: Option<(i64, String, NaiveDateTime)> = users::table
        .find(id)
        .filter(users::remote_id.is_null())
        .select((users::id, users::username, users::created_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, username, created_at)| UserActor {
        id,
        username,
        created_at,
    }))
}

type PostRow = (
    i64,
    i64,
    i64,
    String,
    i64,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    i64,
    (i64, String, NaiveDateTime),
    Option<String>,
    Option<String>,
);

/// A post of this server that may federate (public board, thread and post visible), `None`
/// otherwise.
pub fn public_post(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<PostObject>> {
    Ok(public_posts(conn, &[post_id])?.pop())
}

/// Like `public_post`, a post received from another server too (in a board of ours: its board
/// relays it to its followers), for the announcer.
pub fn announced_post(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<PostObject>> {
    Ok(posts_of(conn, &[post_id], true)?.pop())
}

/// Like `public_posts`, posts received from another server too, in boards of ours.
pub fn announced_posts(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<PostObject>> {
    posts_of(conn, ids, true)
}

/// The posts among `ids` that may federate, in the order of `ids`: one statement for the posts,
/// one for the actions of their threads (a members-only action's thread never federates, its
/// board whatever it is; a public action's opening post carries the action), then one lookup
/// per board they are in (`board_by_id` decides whether it federates).
pub fn public_posts(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<PostObject>> {
    posts_of(conn, ids, false)
}

/// The posts among `ids` that may federate, received ones only when `received` (and never in
/// a board of another server: its group relays them).
fn posts_of(conn: &mut DbConnection, ids: &[i64], received: bool) -> QueryResult<Vec<PostObject>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<PostRow> = posts::table
        .inner_join(threads::table)
        .inner_join(users::table)
        .filter(posts::id.eq_any(ids))
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .filter(threads::hidden_at.is_null())
        .select((
            posts::id,
            posts::number,
            posts::thread_id,
            threads::title,
            threads::board_id,
            posts::body_html,
            posts::body_md,
            posts::created_at,
            posts::edited_at,
            posts::version,
            (users::id, users::username, users::created_at),
            posts::remote_id,
            users::remote_id,
        ))
        .load(conn)?;
    let mut boards: HashMap<i64, Option<BoardActor>> = HashMap::new();
    let mut found: HashMap<i64, PostObject> = HashMap::with_capacity(rows.len());
    let thread_ids: Vec<i64> = rows.iter().filter(|r| r.1 > 1).map(|r| r.2).collect();
    let origins: HashMap<i64, String> = if thread_ids.is_empty() {
        HashMap::new()
    } else {
        posts::table
            .filter(posts::thread_id.eq_any(&thread_ids))
            .filter(posts::number.eq(1))
            .filter(posts::remote_id.is_not_null())
            .select((posts::thread_id, posts::remote_id.assume_not_null()))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect()
    };
    let all_threads: Vec<i64> = rows.iter().map(|r| r.2).collect();
    let mut actions = event_store::actions_of_threads(conn, &all_threads)?;
    for r in rows {
        let event = match actions.get(&r.2) {
            Some(ThreadAction::MembersOnly) => continue,
            Some(ThreadAction::Public(_)) if r.1 == 1 => match actions.remove(&r.2) {
                Some(ThreadAction::Public(event)) => Some(event),
                _ => None,
            },
            _ => None,
        };
        let board = match boards.get(&r.4) {
            Some(board) => board.clone(),
            None => {
                let board = board_by_id(conn, r.4)?;
                boards.insert(r.4, board.clone());
                board
            }
        };
        let Some(board) = board else {
            continue;
        };
        let origin = match (r.11, r.12) {
            (None, _) => None,
            // A post from another server is its server's to send, or its board's to relay.
            (Some(_), _) if !received || board.remote.is_some() => continue,
            (Some(object), Some(author)) => Some(Origin { object, author }),
            (Some(_), None) => continue,
        };
        found.insert(
            r.0,
            PostObject {
                id: r.0,
                number: r.1,
                thread_id: r.2,
                title: r.3,
                body_html: r.5,
                body_md: r.6,
                created_at: r.7,
                edited_at: r.8,
                version: r.9,
                author: UserActor {
                    id: r.10 .0,
                    username: r.10 .1,
                    created_at: r.10 .2,
                },
                thread_origin: origins.get(&r.2).cloned(),
                event,
                board,
                origin,
            },
        );
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The newest posts (at most `limit`) an actor's outbox lists: a member's, or the opening posts
/// of the threads of a board, or of a group's boards; only those that may federate.
pub fn outbox_posts(
    conn: &mut DbConnection,
    kind: ActorKind,
    id: i64,
    limit: i64,
) -> QueryResult<Vec<PostObject>> {
    let query = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(posts::remote_id.is_null())
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .filter(threads::hidden_at.is_null())
        .filter(boards::visibility.eq("public"))
        .order(posts::id.desc())
        .limit(limit)
        .select(posts::id)
        .into_boxed();
    let query = match kind {
        ActorKind::User => query.filter(posts::author_id.eq(id)),
        ActorKind::Board => query
            .filter(threads::board_id.eq(id))
            .filter(posts::number.eq(1)),
        ActorKind::Group => query
            .filter(boards::group_id.eq(id))
            .filter(posts::number.eq(1)),
        // The observatory's outbox lists deployments (`announce_observatory`), not posts.
        ActorKind::Observatory => return Ok(Vec::new()),
    };
    let ids: Vec<i64> = query.load(conn)?;
    // The board's and its group's own rules (a group's board federates only while the group
    // is public) are `public_posts`'s.
    public_posts(conn, &ids)
}

/// The opening post of a thread, if the thread may federate.
pub fn opening_post(conn: &mut DbConnection, thread_id: i64) -> QueryResult<Option<PostObject>> {
    let first: Option<i64> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::number.eq(1))
        .select(posts::id)
        .first(conn)
        .optional()?;
    match first {
        Some(id) => public_post(conn, id),
        None => Ok(None),
    }
}

/// The inboxes to deliver to for the followers of a local actor: each follower's shared inbox
/// when it has one, else its own, each once.
pub fn follower_inboxes(
    conn: &mut DbConnection,
    kind: ActorKind,
    target_id: i64,
) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, Option<String>)> = federation_followers::table
        .inner_join(federation_remote_actors::table)
        .filter(federation_followers::target_kind.eq(kind.as_str()))
        .filter(federation_followers::target_id.eq(target_id))
        .filter(federation_followers::accepted.eq(true))
        .select((
            federation_remote_actors::inbox,
            federation_remote_actors::shared_inbox,
        ))
        .load(conn)?;
    let mut inboxes: Vec<String> = rows
        .into_iter()
        .map(|(inbox, shared)| shared.unwrap_or(inbox))
        .collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// The inbox of the remote person who opened a thread (their server holds its `Page`, and hears
/// of the replies), `None` for a thread opened here.
pub fn thread_opener_inbox(conn: &mut DbConnection, thread_id: i64) -> QueryResult<Option<String>> {
    let row: Option<(String, Option<String>)> = posts::table
        .inner_join(users::table)
        .inner_join(
            federation_remote_actors::table.on(federation_remote_actors::ap_id
                .nullable()
                .eq(users::remote_id)),
        )
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::number.eq(1))
        .select((
            federation_remote_actors::inbox,
            federation_remote_actors::shared_inbox,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(inbox, shared)| shared.unwrap_or(inbox)))
}

/// The inbox of a remote actor known here (its shared inbox when it has one).
pub fn remote_inbox(conn: &mut DbConnection, ap_id: &str) -> QueryResult<Option<String>> {
    let row: Option<(String, Option<String>)> = federation_remote_actors::table
        .filter(federation_remote_actors::ap_id.eq(ap_id))
        .select((
            federation_remote_actors::inbox,
            federation_remote_actors::shared_inbox,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(inbox, shared)| shared.unwrap_or(inbox)))
}

/// How many remote actors follow a local actor.
pub fn follower_count(
    conn: &mut DbConnection,
    kind: ActorKind,
    target_id: i64,
) -> QueryResult<i64> {
    federation_followers::table
        .filter(federation_followers::target_kind.eq(kind.as_str()))
        .filter(federation_followers::target_id.eq(target_id))
        .count()
        .get_result(conn)
}

/// Whether any remote actor follows anything here.
pub fn any_followers(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        federation_followers::table.select(federation_followers::target_id),
    ))
    .get_result(conn)
}

/// Whether any post came from another server (its author's server hears of the replies to the
/// threads they opened, followers or not).
pub fn any_received(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        posts::table
            .filter(posts::remote_id.is_not_null())
            .select(posts::id),
    ))
    .get_result(conn)
}

/// Records (or renews) a follow.
pub fn add_follower(
    conn: &mut DbConnection,
    kind: ActorKind,
    target_id: i64,
    remote_actor_id: i64,
    follow_id: &str,
) -> QueryResult<()> {
    diesel::delete(
        federation_followers::table
            .filter(federation_followers::target_kind.eq(kind.as_str()))
            .filter(federation_followers::target_id.eq(target_id))
            .filter(federation_followers::remote_actor_id.eq(remote_actor_id)),
    )
    .execute(conn)?;
    diesel::insert_into(federation_followers::table)
        .values((
            federation_followers::target_kind.eq(kind.as_str()),
            federation_followers::target_id.eq(target_id),
            federation_followers::remote_actor_id.eq(remote_actor_id),
            federation_followers::follow_id.eq(follow_id),
            federation_followers::accepted.eq(true),
            federation_followers::created_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends a follow; returns whether there was one.
pub fn remove_follower(
    conn: &mut DbConnection,
    kind: ActorKind,
    target_id: i64,
    remote_actor_id: i64,
) -> QueryResult<bool> {
    let n = diesel::delete(
        federation_followers::table
            .filter(federation_followers::target_kind.eq(kind.as_str()))
            .filter(federation_followers::target_id.eq(target_id))
            .filter(federation_followers::remote_actor_id.eq(remote_actor_id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// A remote actor as cached.
#[derive(Debug, Clone, Queryable)]
pub struct RemoteActorRow {
    pub id: i64,
    pub ap_id: String,
    pub kind: String,
    pub name: String,
    pub domain: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub public_key: String,
    pub fetched_at: NaiveDateTime,
}

/// A cached remote actor by its id (URL).
pub fn remote_actor(conn: &mut DbConnection, ap_id: &str) -> QueryResult<Option<RemoteActorRow>> {
    federation_remote_actors::table
        .filter(federation_remote_actors::ap_id.eq(ap_id))
        .first(conn)
        .optional()
}

/// What is stored of a remote actor.
pub struct NewRemoteActor<'a> {
    pub ap_id: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub domain: &'a str,
    pub inbox: &'a str,
    pub shared_inbox: Option<&'a str>,
    pub public_key: &'a str,
}

/// Stores a remote actor, or refreshes it; returns the row.
pub fn upsert_remote_actor(
    conn: &mut DbConnection,
    actor: &NewRemoteActor<'_>,
) -> QueryResult<RemoteActorRow> {
    let now = crate::db::now();
    let values = (
        federation_remote_actors::ap_id.eq(actor.ap_id),
        federation_remote_actors::kind.eq(actor.kind),
        federation_remote_actors::name.eq(actor.name),
        federation_remote_actors::domain.eq(actor.domain),
        federation_remote_actors::inbox.eq(actor.inbox),
        federation_remote_actors::shared_inbox.eq(actor.shared_inbox),
        federation_remote_actors::public_key.eq(actor.public_key),
        federation_remote_actors::fetched_at.eq(now),
    );
    crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_remote_actors::table)
        .values(values)
        .on_conflict(federation_remote_actors::ap_id)
        .do_update()
        .set((
            federation_remote_actors::kind.eq(actor.kind),
            federation_remote_actors::name.eq(actor.name),
            federation_remote_actors::domain.eq(actor.domain),
            federation_remote_actors::inbox.eq(actor.inbox),
            federation_remote_actors::shared_inbox.eq(actor.shared_inbox),
            federation_remote_actors::public_key.eq(actor.public_key),
            federation_remote_actors::fetched_at.eq(now),
        ))
        .execute(c))?;
    remote_actor(conn, actor.ap_id)?.ok_or(diesel::result::Error::NotFound)
}

/// Records a received activity; false when it was received before (a replay).
pub fn first_reception(conn: &mut DbConnection, activity_id: &str) -> QueryResult<bool> {
    let n = crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_received::table)
        .values((
            federation_received::activity_id.eq(activity_id),
            federation_received::received_at.eq(crate::db::now()),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Forgets received activity ids older than `before` (their signatures have long expired).
pub fn purge_received(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(federation_received::table.filter(federation_received::received_at.lt(before)))
        .execute(conn)
}

/// Forgets the keys and followers of local actors that no longer exist (a deleted account, board
/// or group): a deleted member's private key does not outlive them by more than a purge.
pub fn purge_orphans(conn: &mut DbConnection) -> QueryResult<usize> {
    use crate::db::schema::federation_keys;
    let mut purged = 0;
    for kind in [ActorKind::User, ActorKind::Board, ActorKind::Group] {
        let live: Vec<i64> = match kind {
            ActorKind::User => users::table.select(users::id).load(conn)?,
            ActorKind::Board => boards::table.select(boards::id).load(conn)?,
            ActorKind::Group => groups::table.select(groups::id).load(conn)?,
            // Not in the list above: the observatory always exists.
            ActorKind::Observatory => vec![OBSERVATORY_ID],
        };
        let keyed: Vec<i64> = federation_keys::table
            .filter(federation_keys::actor_kind.eq(kind.as_str()))
            .select(federation_keys::local_id)
            .load(conn)?;
        let followed: Vec<i64> = federation_followers::table
            .filter(federation_followers::target_kind.eq(kind.as_str()))
            .select(federation_followers::target_id)
            .distinct()
            .load(conn)?;
        let live: std::collections::HashSet<i64> = live.into_iter().collect();
        let gone: Vec<i64> = keyed
            .into_iter()
            .chain(followed)
            .filter(|id| !live.contains(id))
            .collect();
        for chunk in gone.chunks(500) {
            purged += diesel::delete(
                federation_keys::table
                    .filter(federation_keys::actor_kind.eq(kind.as_str()))
                    .filter(federation_keys::local_id.eq_any(chunk)),
            )
            .execute(conn)?;
            purged += diesel::delete(
                federation_followers::table
                    .filter(federation_followers::target_kind.eq(kind.as_str()))
                    .filter(federation_followers::target_id.eq_any(chunk)),
            )
            .execute(conn)?;
        }
    }
    Ok(purged)
}

/// A cursor's value (0 when never set).
pub fn cursor(conn: &mut DbConnection, name: &str) -> QueryResult<i64> {
    Ok(federation_cursors::table
        .find(name)
        .select(federation_cursors::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Sets a cursor.
pub fn set_cursor(conn: &mut DbConnection, name: &str, value: i64) -> QueryResult<()> {
    let now = crate::db::now();
    crate::on_backend!(&mut *conn, c => diesel::insert_into(federation_cursors::table)
        .values((
            federation_cursors::name.eq(name),
            federation_cursors::value.eq(value),
            federation_cursors::updated_at.eq(now),
        ))
        .on_conflict(federation_cursors::name)
        .do_update()
        .set((
            federation_cursors::value.eq(value),
            federation_cursors::updated_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// Counts for NodeInfo: members, and posts not deleted (this server's, not those received).
pub fn usage(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let members = users::table
        .filter(users::remote_id.is_null())
        .count()
        .get_result(conn)?;
    let posts = posts::table
        .filter(posts::remote_id.is_null())
        .filter(posts::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((members, posts))
}
