//! Sends what happens in public boards to their followers, without the forum calling it (see
//! the module docs of `federation` for why a cursor): each round
//!
//! 1. does nothing while the site's content and activity versions have not moved since the
//!    last round (every post, edit and moderation action moves one of them);
//! 2. with no follower anywhere (and no post received from another server, whose server hears
//!    of the replies), only moves the cursor to the newest post (a later follower does not
//!    receive the past);
//! 3. finds the posts not yet sent whose id is above the cursor less a window (a post whose
//!    transaction committed after a later one is not skipped), in public boards, visible: each
//!    gets the author's `Create`, announced by its board (and by its group, for a group's board)
//!    to their followers, and the author's followers get the `Create` itself; a post received
//!    from another server in a board of ours is relayed the same way, as its author's, with its
//!    ids there (FEP-1b12); a post in a board of another server followed here goes to that
//!    board's group instead; the post is recorded in `federated_posts` in the same transaction
//!    as its deliveries;
//! 4. compares the posts sent with what they are now: an edit (a new version, a thread
//!    renamed by moderation, or the action of the thread edited or cancelled: its sequence
//!    moved) is sent as an `Update`, a hidden or deleted post (or a hidden thread) as the
//!    board's `Delete`, once;
//! 5. does the same for the observatory's published deployments (`announce_observatory`).

use diesel::prelude::*;
use serde_json::Value;

use super::objects::{self, Change};
use super::queries::{self, ActorKind, PostObject};
use super::urls::{Urls, PUBLIC};
use super::{announce_observatory, delivery, event_store};
use crate::db::schema::{boards, federated_posts, posts, site_state, threads};
use crate::db::{write_tx_private, DbConnection};

/// Ids below the cursor looked at again each round, when written in the last `RECENT_SECONDS`.
const WINDOW: i64 = 50;
const RECENT_SECONDS: i64 = 120;

/// Posts handled per round (the next round goes on).
const PER_ROUND: i64 = 50;

const CURSOR_POSTS: &str = "posts";
const CURSOR_CONTENT: &str = "content_version";
const CURSOR_ACTIVITY: &str = "activity_version";

/// The site's versions when they moved since the last round (`None`: nothing to do).
pub fn site_moved(conn: &mut DbConnection) -> QueryResult<Option<(i64, i64)>> {
    let now: (i64, i64) = site_state::table
        .find(1)
        .select((site_state::content_version, site_state::activity_version))
        .first(conn)?;
    let seen = (
        queries::cursor(conn, CURSOR_CONTENT)?,
        queries::cursor(conn, CURSOR_ACTIVITY)?,
    );
    Ok((now != seen).then_some(now))
}

/// Posts not sent yet, in public boards, visible, with ids in `(above, up_to]`, oldest first.
fn unsent_public(
    conn: &mut DbConnection,
    above: i64,
    up_to: Option<i64>,
    written_since: Option<chrono::NaiveDateTime>,
) -> QueryResult<Vec<i64>> {
    let mut query = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(posts::id.gt(above))
        // What came from another server is its board's to relay, in a board of ours only.
        .filter(posts::remote_id.is_null().or(boards::remote_id.is_null()))
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .filter(threads::hidden_at.is_null())
        // The boards that federate (`queries::board_federates`).
        .filter(boards::visibility.eq("public").or(
            boards::remote_id.is_not_null().and(
                boards::visibility.eq(crate::memberships::BoardVisibility::Followers.as_str()),
            ),
        ))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            federated_posts::table.filter(federated_posts::post_id.eq(posts::id)),
        )))
        .order(posts::id)
        .limit(PER_ROUND)
        .select(posts::id)
        .into_boxed();
    if let Some(up_to) = up_to {
        query = query.filter(posts::id.le(up_to));
    }
    if let Some(since) = written_since {
        query = query.filter(posts::created_at.gt(since));
    }
    query.load(conn)
}

/// One round (see the module docs); returns how many deliveries were queued. Runs in its own
/// write transaction.
pub fn round(conn: &mut DbConnection, urls: &Urls, versions: (i64, i64)) -> QueryResult<usize> {
    write_tx_private(conn, |conn| {
        let latest: Option<i64> = posts::table
            .select(diesel::dsl::max(posts::id))
            .first(conn)?;
        let latest = latest.unwrap_or(0);
        let mut queued = 0;
        let mut done = true;
        let (sent, more) = announce_observatory::round(conn, urls)?;
        queued += sent;
        done &= !more;
        if !queries::any_followers(conn)? && !queries::any_received(conn)? {
            queries::set_cursor(conn, CURSOR_POSTS, latest)?;
        } else {
            let from = queries::cursor(conn, CURSOR_POSTS)?;
            let recent = crate::db::now() - chrono::Duration::seconds(RECENT_SECONDS);
            let late = unsent_public(conn, from - WINDOW, Some(from), Some(recent))?;
            let forward = unsent_public(conn, from, None, None)?;
            let forward_done = (forward.len() as i64) < PER_ROUND;
            done &= forward_done;
            let next = match forward.last() {
                Some(last) if !forward_done => *last,
                _ => latest.max(from),
            };
            let ids: Vec<i64> = late.into_iter().chain(forward).collect();
            for post in queries::announced_posts(conn, &ids)? {
                queued += send_post(conn, urls, &post, Change::Create)?;
            }
            queries::set_cursor(conn, CURSOR_POSTS, next)?;
            let (sent, more) = changes(conn, urls)?;
            queued += sent;
            done &= !more;
        }
        if done {
            // Versions are recorded only once everything up to them is handled.
            queries::set_cursor(conn, CURSOR_CONTENT, versions.0)?;
            queries::set_cursor(conn, CURSOR_ACTIVITY, versions.1)?;
        }
        Ok(queued)
    })
}

/// Queues a post's `Create` or `Update` for everyone following its board, its group and its
/// author, and records it as sent at this version.
fn send_post(
    conn: &mut DbConnection,
    urls: &Urls,
    post: &PostObject,
    change: Change,
) -> QueryResult<usize> {
    let activity = objects::authored(urls, post, change);
    let (mut queued, mut followed) = announce_all(conn, urls, post, &activity)?;
    // A post received from another server is relayed by its board only: its author is not
    // ours to sign for.
    let mut author_inboxes = if post.origin.is_some() {
        Vec::new()
    } else {
        queries::follower_inboxes(conn, ActorKind::User, post.author.id)?
    };
    if post.thread_origin.is_some() && post.origin.is_none() {
        // The server of the thread's `Page` hears of its replies, following or not.
        if let Some(inbox) = queries::thread_opener_inbox(conn, post.thread_id)? {
            if !author_inboxes.contains(&inbox) {
                author_inboxes.push(inbox);
            }
        }
    }
    if !author_inboxes.is_empty() {
        followed = true;
        queued += delivery::queue(
            conn,
            ActorKind::User,
            post.author.id,
            &objects::standalone(activity),
            &author_inboxes,
        )?;
    }
    if !followed && change == Change::Create {
        // Nobody to tell: not recorded, so that its edits are not looked at either.
        return Ok(0);
    }
    let now = crate::db::now();
    // An opening post's title is its Page's name: a rename is an edit to send too; so is any
    // change to the action whose Event it is.
    // (Not for a relayed post: a rename here is not its author's to send.)
    let title = (post.number == 1 && post.origin.is_none()).then_some(post.title.as_str());
    let action_sequence = post.event.as_ref().map(|e| e.sequence);
    crate::on_backend!(&mut *conn, c => diesel::insert_into(federated_posts::table)
        .values((
            federated_posts::post_id.eq(post.id),
            federated_posts::version.eq(post.version),
            federated_posts::deleted.eq(false),
            federated_posts::updated_at.eq(now),
            federated_posts::title.eq(title),
            federated_posts::action_sequence.eq(action_sequence),
        ))
        .on_conflict(federated_posts::post_id)
        .do_update()
        .set((
            federated_posts::version.eq(post.version),
            federated_posts::updated_at.eq(now),
            federated_posts::title.eq(title),
            federated_posts::action_sequence.eq(action_sequence),
        ))
        .execute(c))?;
    Ok(queued)
}

/// Queues the board's (and its group's) `Announce` of `activity` for their followers; returns
/// how many deliveries were new and whether anyone follows them.
fn announce_all(
    conn: &mut DbConnection,
    urls: &Urls,
    post: &PostObject,
    activity: &Value,
) -> QueryResult<(usize, bool)> {
    if let Some(group) = &post.board.remote {
        // A board of another server followed here: its group hears of the post and announces
        // it to its followers (this server among them).
        let Some(inbox) = queries::remote_inbox(conn, group)? else {
            return Ok((0, false));
        };
        let queued = delivery::queue(
            conn,
            ActorKind::User,
            post.author.id,
            &objects::standalone(activity.clone()),
            &[inbox],
        )?;
        return Ok((queued, true));
    }
    let mut announcers = vec![(ActorKind::Board, post.board.id, urls.at(&post.board.path()))];
    if let Some((group_id, group_slug)) = &post.board.group {
        announcers.push((
            ActorKind::Group,
            *group_id,
            urls.at(&format!("/g/{group_slug}")),
        ));
    }
    let mut queued = 0;
    let mut followed = false;
    for (kind, id, ap_id) in announcers {
        let inboxes = queries::follower_inboxes(conn, kind, id)?;
        if inboxes.is_empty() {
            continue;
        }
        followed = true;
        let announce = objects::announce(urls, &ap_id, &announcer_key(kind, id), activity);
        queued += delivery::queue(conn, kind, id, &announce, &inboxes)?;
    }
    Ok((queued, followed))
}

/// The key of a board's or group's `Announce` ids.
fn announcer_key(kind: ActorKind, id: i64) -> String {
    format!("{}-{id}", kind.as_str())
}

/// How many activities an actor's outbox lists: the newest, as Lemmy's communities do.
pub const OUTBOX_ITEMS: i64 = 20;

/// The activities the outbox of actor `ap_id` lists, newest first: a member's `Create` of each
/// of their public posts, or a board's (a group's) `Announce` of the `Create` of each thread
/// opened in it (in its public boards). They are the activities its followers were sent, with
/// the same ids, and the post as it is now; hidden, deleted and private content is not there.
pub fn outbox(
    conn: &mut DbConnection,
    urls: &Urls,
    kind: ActorKind,
    id: i64,
    ap_id: &str,
) -> QueryResult<Vec<Value>> {
    if kind == ActorKind::Observatory {
        return announce_observatory::outbox(conn, urls, OUTBOX_ITEMS);
    }
    let posts = queries::outbox_posts(conn, kind, id, OUTBOX_ITEMS)?;
    Ok(posts
        .iter()
        .map(|post| {
            let create = objects::authored(urls, post, Change::Create);
            match kind {
                ActorKind::User => create,
                ActorKind::Board | ActorKind::Group | ActorKind::Observatory => {
                    let mut announce =
                        objects::announce(urls, ap_id, &announcer_key(kind, id), &create);
                    if let Some(map) = announce.as_object_mut() {
                        map.remove("@context");
                    }
                    announce
                }
            }
        })
        .collect())
}

/// A post sent whose state changed since: its id, and whether it is gone (hidden or deleted,
/// or its thread hidden).
type ChangeRow = (
    i64,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
);

/// Sends the edits (of a post, or of a thread's title), hides and deletions of posts already
/// sent; returns how many deliveries were queued and whether more changes wait for the next
/// round.
fn changes(conn: &mut DbConnection, urls: &Urls) -> QueryResult<(usize, bool)> {
    let rows: Vec<ChangeRow> = federated_posts::table
        .inner_join(posts::table.inner_join(threads::table))
        .filter(federated_posts::deleted.eq(false))
        .filter(
            posts::version
                .ne(federated_posts::version)
                .or(federated_posts::title.ne(threads::title.nullable()))
                .or(posts::hidden_at.is_not_null())
                .or(posts::deleted_at.is_not_null())
                .or(threads::hidden_at.is_not_null()),
        )
        .order(federated_posts::post_id)
        .limit(PER_ROUND)
        .select((
            federated_posts::post_id,
            posts::hidden_at,
            posts::deleted_at,
            threads::hidden_at,
        ))
        .load(conn)?;
    let mut more = rows.len() as i64 >= PER_ROUND;
    let mut queued = 0;
    let mut seen = Vec::with_capacity(rows.len());
    for (post_id, hidden, deleted, thread_hidden) in rows {
        seen.push(post_id);
        let gone = hidden.is_some() || deleted.is_some() || thread_hidden.is_some();
        match queries::announced_post(conn, post_id)? {
            // A post erased with its author's account is gone too, not an empty edit.
            Some(post) if !gone && !post.body_html.is_empty() => {
                queued += send_post(conn, urls, &post, Change::Update)?
            }
            _ => queued += send_deletion(conn, urls, post_id)?,
        }
    }
    // Actions edited or cancelled: their thread's post did not change, their sequence did.
    let moved = event_store::moved_actions(conn, PER_ROUND)?;
    more |= moved.len() as i64 >= PER_ROUND;
    for post_id in moved.into_iter().filter(|id| !seen.contains(id)) {
        match queries::announced_post(conn, post_id)? {
            Some(post) => queued += send_post(conn, urls, &post, Change::Update)?,
            None => queued += send_deletion(conn, urls, post_id)?,
        }
    }
    Ok((queued, more))
}

/// Queues the board's `Delete` of a post that is no longer public, and records it.
fn send_deletion(conn: &mut DbConnection, urls: &Urls, post_id: i64) -> QueryResult<usize> {
    // What the post was: its board and thread, visible or not now.
    let row: Option<(i64, i64, i64, i64, Option<String>)> = posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(post_id))
        .select((
            posts::number,
            posts::thread_id,
            threads::board_id,
            posts::author_id,
            posts::remote_id,
        ))
        .first(conn)
        .optional()?;
    let mut queued = 0;
    if let Some((number, thread_id, board_id, author_id, received)) = row {
        // A board that is no longer public sends nothing more in its name.
        if let Some(board) = queries::board_by_id(conn, board_id)? {
            // A relayed post is known by its id on its own server.
            let object_id = match received {
                Some(object) => object,
                None if number == 1 => urls.thread(thread_id),
                None => urls.post(post_id),
            };
            if let Some(group) = &board.remote {
                // In a board of another server, the author's `Delete` goes to its group.
                queued += send_author_deletion(conn, urls, post_id, author_id, &object_id, group)?;
                return mark_deleted(conn, post_id).map(|()| queued);
            }
            let board_id_url = urls.at(&board.path());
            let delete = objects::deletion(urls, post_id, &object_id, &board_id_url);
            let inboxes = queries::follower_inboxes(conn, ActorKind::Board, board.id)?;
            if !inboxes.is_empty() {
                let announce = objects::announce(
                    urls,
                    &board_id_url,
                    &announcer_key(ActorKind::Board, board.id),
                    &delete,
                );
                queued += delivery::queue(conn, ActorKind::Board, board.id, &announce, &inboxes)?;
            }
        }
    }
    mark_deleted(conn, post_id)?;
    Ok(queued)
}

/// Records that a post's deletion was sent.
fn mark_deleted(conn: &mut DbConnection, post_id: i64) -> QueryResult<()> {
    diesel::update(federated_posts::table.find(post_id))
        .set((
            federated_posts::deleted.eq(true),
            federated_posts::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Queues the author's `Delete` of their post in a board of another server, for its group.
fn send_author_deletion(
    conn: &mut DbConnection,
    urls: &Urls,
    post_id: i64,
    author_id: i64,
    object_id: &str,
    group: &str,
) -> QueryResult<usize> {
    let (Some(author), Some(inbox)) = (
        queries::user_by_id(conn, author_id)?,
        queries::remote_inbox(conn, group)?,
    ) else {
        return Ok(0);
    };
    let author_id_url = urls.at(&format!("/u/{}", author.username));
    let mut delete = objects::deletion(urls, post_id, object_id, &author_id_url);
    delete["to"] = serde_json::json!([PUBLIC, group]);
    delete["audience"] = serde_json::Value::String(group.to_owned());
    delivery::queue(
        conn,
        ActorKind::User,
        author_id,
        &objects::standalone(delete),
        &[inbox],
    )
}
