//! Posts other servers send, as Lemmy, Mastodon and NodeBB write them (FEP-1b12):
//!
//! - `Create` of a `Note` answering one of our threads (`inReplyTo` a thread or post of ours, or
//!   a post received before) becomes a reply in it; of a `Page` (or a `Note` without
//!   `inReplyTo`) addressed to one of our public boards (`audience`, `to` or `cc`), a new thread
//!   there. The author gets an account row of their own (`received_store::remote_author`).
//! - `Update` of such a post by its author replaces its text (and an opening post's title).
//! - `Delete` of it, by its author or its server, deletes it here; `Delete` of the author
//!   themselves (their account is gone) erases all they posted here.
//! - `Flag` of a post here files a report for local staff.
//!
//! Remote HTML is untrusted: it goes through `markdown::sanitise_remote` (the cook's allow-list,
//! no images, no relative links; refused when too long or too deep), on the blocking pool. A
//! content warning (a `Note`'s `summary`, as Mastodon writes it) is kept: the post shows behind
//! it, in a `<details>` the reader opens. Only
//! public posts are taken (addressed to `as:Public`), only in threads and boards that federate,
//! and a post is taken once whatever the number of activities carrying it. What a limited
//! instance's people post is for their followers: in its boards followed here (which only
//! their followers read) it comes as it is; anywhere else it is kept hidden for staff to
//! review. A suspended or banned remote person's posts are dropped, and so are a remote
//! person's posts beyond 30 in an hour.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::verification::verify_domains_match;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::actors::{Local, RemoteActor};
use super::error::FederationError;
use super::following_store;
use super::incoming::{local_target, object_id, Incoming};
use super::policy::{self, Policy};
use super::received_store::{self as store, Received};
use super::urls::{authority, PUBLIC};
use super::{queries, FedData};
use crate::db::{write_tx_posting, DbError};
use crate::forum::domain::{CookedBody, ThreadTitle};
use crate::forum::posting_queries::{self, NewThread, ReplyError};
use crate::moderation::content::{self, PostAction};

/// The object types taken as posts.
const POST_TYPES: [&str; 3] = ["Note", "Page", "Article"];

/// Posts a remote person may make here in an hour; more are dropped (a flood from a server
/// that does not limit its own people).
const REMOTE_POSTS_PER_HOUR: i64 = 30;

/// Longest report text kept from a `Flag`.
const MAX_FLAG_TEXT: usize = crate::moderation::reports::MAX_REPORT_CHARS;

/// A post as another server sends it (what we read of it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemotePost {
    id: Url,
    #[serde(rename = "type")]
    kind: String,
    /// A `Note`'s content warning (Mastodon), or any post's when marked `sensitive`.
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    sensitive: Option<bool>,
    #[serde(default)]
    attributed_to: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    in_reply_to: Option<Value>,
    #[serde(default)]
    audience: Value,
    #[serde(default)]
    to: Value,
    #[serde(default)]
    cc: Value,
}

/// A post's source, as Lemmy sends its Markdown.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    content: String,
    #[serde(default)]
    media_type: Option<String>,
}

/// The addresses a field names: a string, an object with an `id`, or a list of them.
fn addresses(value: &Value) -> Vec<&str> {
    match value {
        Value::Array(items) => items.iter().filter_map(object_id).collect(),
        other => object_id(other).into_iter().collect(),
    }
}

/// Whether a post is addressed to the public (the three spellings servers use).
fn is_public(post: &RemotePost) -> bool {
    addresses(&post.to)
        .into_iter()
        .chain(addresses(&post.cc))
        .any(|a| a == PUBLIC || a == "as:Public" || a == "Public")
}

impl RemotePost {
    /// Reads the embedded object of an activity; `None` for an object that is not a post (or
    /// only an id: posts are sent embedded).
    fn read(object: &Value) -> Result<Option<RemotePost>, FederationError> {
        let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
        if !POST_TYPES.contains(&kind) {
            return Ok(None);
        }
        serde_json::from_value(object.clone())
            .map(Some)
            .map_err(|e| FederationError::BadRequest(format!("unreadable post: {e}")))
    }

    /// Checks that `actor` wrote it: its id on the actor's server, attributed to the actor.
    fn check_author(&self, actor: &Url) -> Result<(), FederationError> {
        verify_domains_match(&self.id, actor)?;
        if !addresses(&self.attributed_to).contains(&actor.as_str()) {
            return Err(FederationError::BadRequest(
                "post not attributed to the actor".into(),
            ));
        }
        Ok(())
    }

    /// Its content warning: a `Note`'s `summary` (Mastodon's), or any post's when it is marked
    /// `sensitive` (an `Article`'s or a `Page`'s `summary` is otherwise an abstract).
    fn warning(&self) -> Option<String> {
        let summary = self.summary.as_deref().map(str::trim).unwrap_or_default();
        let applies = self.kind == "Note" || self.sensitive == Some(true);
        (applies && !summary.is_empty()).then(|| summary.to_owned())
    }

    /// Its HTML, sanitised (on the blocking pool), behind its content warning if it has one,
    /// and its text.
    async fn body(&self) -> Result<CookedBody, FederationError> {
        let html = self.content.clone().unwrap_or_default();
        let source = self
            .source
            .as_ref()
            .filter(|s| s.media_type.as_deref() == Some("text/markdown"))
            .map(|s| s.content.clone());
        let warning = self.warning();
        tokio::task::spawn_blocking(move || {
            let safe = crate::markdown::sanitise_remote(&html).ok_or_else(|| {
                FederationError::BadRequest("content too long or nested too deep".into())
            })?;
            let text = source.unwrap_or_else(|| crate::markdown::text_of_html(safe.as_str()));
            if text.trim().is_empty() {
                return Err(FederationError::BadRequest("empty post".into()));
            }
            Ok(match warning {
                Some(warning) => CookedBody::received(
                    &format!("{warning}\n\n{text}"),
                    crate::markdown::behind_warning(safe, &warning),
                ),
                None => CookedBody::received(&text, safe),
            })
        })
        .await
        .map_err(|e| FederationError::Internal(anyhow::Error::new(e)))?
    }

    /// The title of the thread it opens: its `name`, or the start of its text.
    fn title(&self, body: &CookedBody) -> Result<ThreadTitle, FederationError> {
        let raw = match self.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => body.as_str().lines().next().unwrap_or_default().to_owned(),
        };
        let cut: String = raw.chars().take(150).collect();
        ThreadTitle::parse(&cut)
            .map_err(|_| FederationError::BadRequest("post without a usable title".into()))
    }
}

/// Where a new post goes.
enum Target {
    Reply(i64),
    Thread(i64),
}

/// The remote person who sent an activity (from the cache, fetched when needed).
async fn sender(activity: &Incoming, data: &Data<FedData>) -> Result<RemoteActor, FederationError> {
    ObjectId::<RemoteActor>::from(activity.actor.clone())
        .dereference(data)
        .await
}

/// What an instance's policy makes of its posts: when limited, its domain (its posts are held
/// back outside its own boards followed here).
async fn limited_domain(
    data: &Data<FedData>,
    actor: &Url,
) -> Result<Option<String>, FederationError> {
    let Some(domain) = authority(actor) else {
        return Ok(None);
    };
    let lookup = domain.clone();
    let policy = data
        .db
        .run(move |conn| policy::policy_of(conn, &lookup).map_err(DbError::from))
        .await?;
    Ok((policy == Some(Policy::Limit)).then_some(domain))
}

/// `Create` of a post, sent to us.
pub async fn create(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    create_via(activity, data, None).await
}

/// `Create` of a post, sent to us or announced by `group` (a group followed here): a thread
/// opens in the mirror of a group of another server only when that group announces it, or when
/// it comes from the group's own server.
async fn create_via(
    activity: Incoming,
    data: &Data<FedData>,
    group: Option<&Url>,
) -> Result<(), FederationError> {
    let Some(post) = RemotePost::read(&activity.object)? else {
        return Ok(());
    };
    if authority(&post.id).as_deref() == Some(data.urls.domain.as_str()) {
        // One of ours, coming back.
        return Ok(());
    }
    post.check_author(&activity.actor)?;
    if !is_public(&post) {
        // Followers-only and direct posts are not for a public forum.
        return Ok(());
    }
    let target = match post.in_reply_to.as_ref().and_then(object_id) {
        Some(answered) => {
            let urls = data.urls.clone();
            let answered = answered.to_owned();
            let thread = data
                .db
                .run(move |conn| {
                    store::thread_answered(conn, &urls, &answered).map_err(DbError::from)
                })
                .await?;
            match thread {
                Some(thread) => Target::Reply(thread),
                None => return Ok(()),
            }
        }
        None => match board_addressed(&post, data, group).await? {
            Some(board) => Target::Thread(board),
            None => return Ok(()),
        },
    };
    let body = post.body().await?;
    let title = match target {
        Target::Thread(_) => Some(post.title(&body)?),
        Target::Reply(_) => None,
    };
    let author = sender(&activity, data).await?;
    let limited = limited_domain(data, &activity.actor).await?;
    let activity_id = activity.id.to_string();
    let object = post.id.to_string();
    let written = data
        .db
        .write(move |conn| {
            write_tx_posting(conn, |conn| {
                if !queries::first_reception(conn, &activity_id)?
                    || store::received(conn, &object)?.is_some()
                {
                    return Ok(None);
                }
                let author_id = store::remote_author(conn, &author.row)?;
                let now = crate::db::now();
                if crate::accounts::standing::login_block(conn, author_id, now)?.is_some()
                    || store::over_hourly_limit(conn, author_id, REMOTE_POSTS_PER_HOUR)?
                {
                    return Ok(None);
                }
                let written = match (target, &title) {
                    (Target::Reply(thread_id), _) => {
                        match posting_queries::create_reply_in(
                            conn, thread_id, author_id, &body, false,
                        ) {
                            Ok(written) => written,
                            Err(ReplyError::Db(e)) => return Err(e),
                            // A locked, slowed or hidden thread takes no remote reply.
                            Err(_) => return Ok(None),
                        }
                    }
                    (Target::Thread(board_id), Some(title)) => posting_queries::create_thread_in(
                        conn,
                        NewThread {
                            board_id,
                            city_id: None,
                            author_id,
                            title,
                            body: &body,
                        },
                    )?,
                    (Target::Thread(_), None) => return Ok(None),
                };
                store::mark_received(conn, written.post_id, &object)?;
                // A limited instance's content is for its followers: in its own boards followed
                // here (theirs only), as it comes; anywhere else, held back for staff.
                if let Some(domain) = &limited {
                    if !store::in_board_of(conn, written.thread_id, domain)? {
                        store::hold(
                            conn,
                            written.post_id,
                            &format!("limited instance: {domain}"),
                        )?;
                    }
                }
                Ok::<_, diesel::result::Error>(Some(written))
            })
            .map_err(DbError::from)
        })
        .await?;
    if let Some(written) = written {
        tracing::info!(
            thread_id = written.thread_id,
            post_id = written.post_id,
            domain = %authority(&activity.actor).unwrap_or_default(),
            "remote post received"
        );
    }
    Ok(())
}

/// The board a new remote thread is addressed to (`audience`, then `to`, `cc`): a public board
/// of ours, or the mirror of a board of another server followed here.
async fn board_addressed(
    post: &RemotePost,
    data: &Data<FedData>,
    group: Option<&Url>,
) -> Result<Option<i64>, FederationError> {
    let candidates: Vec<String> = addresses(&post.audience)
        .into_iter()
        .chain(addresses(&post.to))
        .chain(addresses(&post.cc))
        .filter(|a| *a != PUBLIC)
        .map(str::to_owned)
        .collect();
    for candidate in candidates {
        if !candidate.starts_with(&data.urls.base) {
            let announced = group.is_some_and(|g| g.as_str() == candidate);
            let same_server = Url::parse(&candidate)
                .ok()
                .is_some_and(|c| authority(&c) == authority(&post.id));
            if !announced && !same_server {
                continue;
            }
            let group = candidate.clone();
            let mirror = data
                .db
                .run(move |conn| following_store::mirror_of(conn, &group).map_err(DbError::from))
                .await?;
            if mirror.is_some() {
                return Ok(mirror);
            }
            continue;
        }
        match local_target(data, &candidate).await {
            Ok(Local::Board(board)) => return Ok(Some(board.id)),
            Ok(_) | Err(FederationError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// A followed group's `Announce` of an activity (FEP-1b12): the `Create`, `Update` or `Delete`
/// of a post in its board, taken as if sent directly. Only groups someone here follows are
/// listened to, and only for what lives on their own server: an announced post of a third
/// server is read again from its origin (the group's signature does not vouch for another
/// server's content), and its announced deletion is taken only once its origin no longer has
/// it. An `Announce` of a bare object (a boost) and anything of ours announced back are left
/// alone.
pub async fn announced(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let group = activity.actor.to_string();
    let lookup = group.clone();
    let followed = data
        .db
        .run(move |conn| following_store::followed_board(conn, &lookup).map_err(DbError::from))
        .await?;
    if followed.is_none() {
        return Ok(());
    }
    let Ok(mut inner) = serde_json::from_value::<Incoming>(activity.object) else {
        return Ok(());
    };
    if authority(&inner.actor).as_deref() == Some(data.urls.domain.as_str()) {
        return Ok(());
    }
    match inner.kind.as_str() {
        "Create" | "Update" => {
            let Some(id) = object_id(&inner.object).and_then(|id| Url::parse(id).ok()) else {
                return Ok(());
            };
            if authority(&id) == authority(&activity.actor) && inner.object.is_object() {
                // The group's server speaks for its own content.
            } else {
                let fetched =
                    activitypub_federation::fetch::fetch_object_http::<FedData, Value>(&id, data)
                        .await?;
                inner.object = fetched.object;
            }
            if inner.kind == "Create" {
                create_via(inner, data, Some(&activity.actor)).await
            } else {
                update(inner, data).await
            }
        }
        "Delete" => {
            // The group speaks for its own server; another server's post is deleted only when
            // its own server no longer has it.
            let Some(id) = object_id(&inner.object).and_then(|id| Url::parse(id).ok()) else {
                return Ok(());
            };
            if authority(&id) != authority(&activity.actor)
                && activitypub_federation::fetch::fetch_object_http::<FedData, Value>(&id, data)
                    .await
                    .is_ok()
            {
                return Ok(());
            }
            delete(inner, data).await
        }
        _ => Ok(()),
    }
}

/// `Update` of a post: its author's new text (a post not received yet is taken as new).
pub async fn update(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let Some(post) = RemotePost::read(&activity.object)? else {
        return Ok(());
    };
    post.check_author(&activity.actor)?;
    let object = post.id.to_string();
    let lookup = object.clone();
    let known = data
        .db
        .run(move |conn| store::received(conn, &lookup).map_err(DbError::from))
        .await?;
    let Some(known) = known else {
        return create(activity, data).await;
    };
    if known.author.as_deref() != Some(activity.actor.as_str()) || known.deleted {
        return Ok(());
    }
    let body = post.body().await?;
    let title = if known.target.number == 1 {
        Some(post.title(&body)?)
    } else {
        None
    };
    let activity_id = activity.id.to_string();
    let edited = data
        .db
        .write(move |conn| {
            write_tx_posting(conn, |conn| {
                if !queries::first_reception(conn, &activity_id)? {
                    return Ok(false);
                }
                match posting_queries::edit_post_in(
                    conn,
                    known.target.id,
                    known.author_id,
                    false,
                    None,
                    &body,
                    title.as_ref(),
                ) {
                    Ok(_) => Ok(true),
                    Err(crate::forum::posting_queries::EditError::Db(e)) => Err(e),
                    Err(_) => Ok(false),
                }
            })
            .map_err(DbError::from)
        })
        .await?;
    if edited {
        tracing::info!(post_id = known.target.id, "remote post edited");
    }
    Ok(())
}

/// `Delete` of a post received before, by its author or by its server.
pub async fn delete(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let Some(object) = object_id(&activity.object).map(str::to_owned) else {
        return Ok(());
    };
    let Ok(object_url) = Url::parse(&object) else {
        return Ok(());
    };
    if object == activity.actor.as_str() {
        return forget(activity, data).await;
    }
    // Only the post's own server may delete it.
    if authority(&object_url) != authority(&activity.actor) {
        return Ok(());
    }
    let lookup = object.clone();
    let known: Option<Received> = data
        .db
        .run(move |conn| store::received(conn, &lookup).map_err(DbError::from))
        .await?;
    let Some(known) = known.filter(|k| !k.deleted) else {
        return Ok(());
    };
    let activity_id = activity.id.to_string();
    let post_id = known.target.id;
    let deleted = data
        .db
        .write(move |conn| {
            crate::db::write_tx(conn, |conn| {
                if !queries::first_reception(conn, &activity_id)? {
                    return Ok(false);
                }
                content::apply_post_in(
                    conn,
                    known.author_id,
                    &known.target,
                    PostAction::Delete,
                    "deleted on its server",
                )?;
                Ok::<_, diesel::result::Error>(true)
            })
            .map_err(DbError::from)
        })
        .await?;
    if deleted {
        tracing::info!(post_id, "remote post deleted");
    }
    Ok(())
}

/// `Delete` of a remote person by themselves (their account is gone): their account row is
/// deleted as a local account is (`accounts::queries::delete_account`, their posts erased),
/// then what is cached of them is forgotten. A second delivery finds nothing left to do.
async fn forget(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let actor = activity.actor.to_string();
    let activity_id = activity.id.to_string();
    data.db
        .write(move |conn| {
            if let Some(user_id) = store::remote_account(conn, &actor)? {
                crate::accounts::queries::delete_account(conn, user_id, true)?;
            }
            crate::db::write_tx_private(conn, |conn| {
                if queries::first_reception(conn, &activity_id)? {
                    store::forget_person(conn, &actor)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .map_err(DbError::from)
        })
        .await?;
    tracing::info!("remote account deleted: its posts erased");
    Ok(())
}

/// `Flag`: another server reports posts of this server (or received here) to our staff.
pub async fn flag(activity: Incoming, data: &Data<FedData>) -> Result<(), FederationError> {
    let named: Vec<String> = addresses(&activity.object)
        .into_iter()
        .take(20)
        .map(str::to_owned)
        .collect();
    if named.is_empty() {
        return Ok(());
    }
    let reporter = sender(&activity, data).await?;
    let text: String = activity
        .content
        .as_deref()
        .map(crate::markdown::text_of_html)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(MAX_FLAG_TEXT)
        .collect();
    let text = format!("[{}] {}", store::handle(&reporter.row), text.trim());
    let urls = data.urls.clone();
    let activity_id = activity.id.to_string();
    let filed = data
        .db
        .write(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                if !queries::first_reception(conn, &activity_id)? {
                    return Ok(0);
                }
                let reporter_id = store::remote_author(conn, &reporter.row)?;
                let mut filed = 0;
                for address in &named {
                    if let Some(post_id) = store::post_named(conn, &urls, address)? {
                        filed += usize::from(crate::moderation::reports::file_received(
                            conn,
                            reporter_id,
                            post_id,
                            &text,
                        )?);
                    }
                }
                Ok::<_, diesel::result::Error>(filed)
            })
            .map_err(DbError::from)
        })
        .await?;
    if filed > 0 {
        tracing::info!(reports = filed, "remote report received");
    }
    Ok(())
}
