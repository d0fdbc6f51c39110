//! The SQL of what other servers send about posts: the rows of their people (accounts that
//! cannot sign in, marked by their actor id), finding what an activity names (a thread or post
//! of ours, or one received before) and the reports they file.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::queries::{self, RemoteActorRow};
use super::urls::Urls;
use crate::db::schema::{boards, posts, threads, users};
use crate::db::{now, DbConnection};
use crate::moderation::content::PostTarget;

/// The password hash of an account nobody can sign in to (account deletion leaves it too).
const NO_PASSWORD: &str = "!";

/// Longest name kept before the `@domain` of a remote person's handle.
const MAX_HANDLE_NAME: usize = 64;

/// The handle a remote person is shown with: `name@domain`, the name limited to letters,
/// digits, `_`, `-` and `.` (`someone` when nothing is left).
pub fn handle(actor: &RemoteActorRow) -> String {
    let name: String = actor
        .name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(MAX_HANDLE_NAME)
        .collect();
    let name = if name.is_empty() { "someone" } else { &name };
    format!("{name}@{}", actor.domain)
}

/// The account row of a remote person, made the first time they post or report here. It has
/// no address and no password (its sign-in, recovery and messages are refused), mails nothing,
/// and its name, `name@domain`, cannot be a local name (which has no `@`).
pub fn remote_author(conn: &mut DbConnection, actor: &RemoteActorRow) -> QueryResult<i64> {
    let known: Option<i64> = users::table
        .filter(users::remote_id.eq(&actor.ap_id))
        .select(users::id)
        .first(conn)
        .optional()?;
    if let Some(id) = known {
        return Ok(id);
    }
    let base = handle(actor);
    let digest = hex::encode(Sha256::digest(actor.ap_id.as_bytes()));
    // Two actors of one server may share a name (a person and a group on Lemmy): the second
    // gets a part of its id's hash.
    let mut username = base.clone();
    for len in [6, 12, 64] {
        let key = crate::accounts::domain::username_key(&username);
        let taken: Option<i64> = users::table
            .filter(users::username_key.eq(&key))
            .select(users::id)
            .first(conn)
            .optional()?;
        if taken.is_none() {
            break;
        }
        username = format!("{base}~{}", &digest[..len]);
    }
    let marker = format!("remote:{}", actor.ap_id);
    diesel::insert_into(users::table)
        .values((
            users::username.eq(&username),
            users::username_key.eq(crate::accounts::domain::username_key(&username)),
            users::username_skeleton.eq(&marker),
            users::email.eq(""),
            users::email_key.eq(&marker),
            users::password_hash.eq(NO_PASSWORD),
            users::role.eq("member"),
            users::created_at.eq(now()),
            users::email_direct.eq("never"),
            users::email_watched.eq("never"),
            users::signin_notice.eq(false),
            users::remote_id.eq(Some(&actor.ap_id)),
        ))
        .returning(users::id)
        .get_result(conn)
}

/// A thread or post of this server named by an address of ours: `/t/{id}` (a thread's `Page`,
/// its opening post) or `/p/{id}` (a reply's `Note`). Returns the post's id.
fn local_post(conn: &mut DbConnection, urls: &Urls, object: &str) -> QueryResult<Option<i64>> {
    let Some(path) = object.strip_prefix(&urls.base) else {
        return Ok(None);
    };
    let mut parts = path.trim_start_matches('/').split('/');
    let (kind, id) = (
        parts.next(),
        parts.next().and_then(|s| s.parse::<i64>().ok()),
    );
    match (kind, id) {
        (Some("t"), Some(thread_id)) => posts::table
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::number.eq(1))
            .select(posts::id)
            .first(conn)
            .optional(),
        (Some("p"), Some(post_id)) => posts::table
            .find(post_id)
            .select(posts::id)
            .first(conn)
            .optional(),
        _ => Ok(None),
    }
}

/// The post an address names: one of ours, or one received from another server.
pub fn post_named(conn: &mut DbConnection, urls: &Urls, object: &str) -> QueryResult<Option<i64>> {
    if let Some(id) = local_post(conn, urls, object)? {
        return Ok(Some(id));
    }
    posts::table
        .filter(posts::remote_id.eq(object))
        .select(posts::id)
        .first(conn)
        .optional()
}

/// The thread a remote reply answers (`inReplyTo`: a thread or post of ours, or a post
/// received before), when its board federates.
pub fn thread_answered(
    conn: &mut DbConnection,
    urls: &Urls,
    in_reply_to: &str,
) -> QueryResult<Option<i64>> {
    let Some(post_id) = post_named(conn, urls, in_reply_to)? else {
        return Ok(None);
    };
    let (thread_id, board_id): (i64, i64) = posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(post_id))
        .select((posts::thread_id, threads::board_id))
        .first(conn)?;
    // A private board, or an unlisted group's, takes nothing from elsewhere.
    Ok(queries::board_by_id(conn, board_id)?.map(|_| thread_id))
}

/// A post received before, as an `Update` or `Delete` of it finds it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The post and its thread, as moderation names them.
    pub target: PostTarget,
    pub author_id: i64,
    /// The author's actor id.
    pub author: Option<String>,
    pub deleted: bool,
}

/// The post received with object id `remote_id`.
pub fn received(conn: &mut DbConnection, remote_id: &str) -> QueryResult<Option<Received>> {
    type Row = (
        i64,
        i64,
        i64,
        i64,
        Option<i64>,
        String,
        i64,
        Option<String>,
        Option<chrono::NaiveDateTime>,
    );
    let row: Option<Row> = posts::table
        .inner_join(threads::table)
        .inner_join(users::table)
        .filter(posts::remote_id.eq(remote_id))
        .select((
            posts::id,
            posts::number,
            posts::thread_id,
            threads::board_id,
            threads::city_id,
            threads::title,
            posts::author_id,
            users::remote_id,
            posts::deleted_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|r| Received {
        target: PostTarget {
            id: r.0,
            number: r.1,
            thread_id: r.2,
            board_id: r.3,
            city_id: r.4,
            thread_title: r.5,
        },
        author_id: r.6,
        author: r.7,
        deleted: r.8.is_some(),
    }))
}

/// Whether a remote person already posted `limit` posts here within the last hour (their
/// newest `limit` posts, read newest first by the author index: bounded whatever their history).
pub fn over_hourly_limit(conn: &mut DbConnection, author_id: i64, limit: i64) -> QueryResult<bool> {
    let newest: Vec<chrono::NaiveDateTime> = posts::table
        .filter(posts::author_id.eq(author_id))
        .order(posts::id.desc())
        .limit(limit)
        .select(posts::created_at)
        .load(conn)?;
    let hour_ago = now() - chrono::Duration::hours(1);
    Ok(newest.len() as i64 >= limit && newest.last().is_some_and(|at| *at > hour_ago))
}

/// The account row of a remote person, by their actor id.
pub fn remote_account(conn: &mut DbConnection, ap_id: &str) -> QueryResult<Option<i64>> {
    users::table
        .filter(users::remote_id.eq(ap_id))
        .select(users::id)
        .first(conn)
        .optional()
}

/// Forgets what is cached of a remote person whose account is gone: their actor (its key) and
/// their follows here, and the mark on their account row (by then deleted like a local one).
pub fn forget_person(conn: &mut DbConnection, ap_id: &str) -> QueryResult<()> {
    use crate::db::schema::{federation_followers, federation_remote_actors};
    diesel::update(users::table.filter(users::remote_id.eq(ap_id)))
        .set(users::remote_id.eq(None::<String>))
        .execute(conn)?;
    let actor_ids = federation_remote_actors::table
        .filter(federation_remote_actors::ap_id.eq(ap_id))
        .select(federation_remote_actors::id);
    diesel::delete(
        federation_followers::table.filter(federation_followers::remote_actor_id.eq_any(actor_ids)),
    )
    .execute(conn)?;
    diesel::delete(
        federation_remote_actors::table.filter(federation_remote_actors::ap_id.eq(ap_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Marks a post just written as received: `remote_id` is its object id on its server.
pub fn mark_received(conn: &mut DbConnection, post_id: i64, remote_id: &str) -> QueryResult<()> {
    diesel::update(posts::table.find(post_id))
        .set(posts::remote_id.eq(Some(remote_id)))
        .execute(conn)?;
    Ok(())
}

/// True when thread `thread_id` is in the board of a group of `domain` followed here: under a
/// limit, that board is its followers' only, so what its own server sends there needs no
/// holding back.
pub fn in_board_of(conn: &mut DbConnection, thread_id: i64, domain: &str) -> QueryResult<bool> {
    let remote: Option<Option<String>> = threads::table
        .inner_join(boards::table)
        .filter(threads::id.eq(thread_id))
        .select(boards::remote_id)
        .first(conn)
        .optional()?;
    Ok(remote
        .flatten()
        .and_then(|id| super::urls::domain_of(&id))
        .is_some_and(|d| d == domain))
}

/// Holds a post back for staff (hidden with `reason`): what a limited instance's people post
/// where nobody follows them (see `policy`).
pub fn hold(conn: &mut DbConnection, post_id: i64, reason: &str) -> QueryResult<()> {
    diesel::update(posts::table.find(post_id))
        .set((
            posts::hidden_at.eq(Some(now())),
            posts::hidden_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
    Ok(())
}
