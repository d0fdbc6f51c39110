//! Fan-out of a new post to the people it concerns, run by the mail worker.
//!
//! For each recipient the most specific watch level wins: the thread's, else the board's and
//! the city's (muted on either silences, watching on either notifies every post), else normal.
//! Muted means nothing at all, mentions included. The author never hears about their own post,
//! and nobody hears of a post by someone they blocked (`accounts::blocks`).
//! The mails are grouped by reason and language, each group's mail rendered and stored once
//! (`Mailer::queue_shared`).

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::{mentions, EmailMode, Kind, Level, Target};
use crate::db::schema::{
    boards, cities, fanout_queue, notifications, posts, threads, users, watches,
};
use crate::db::{write_tx_private, DbConnection};
use crate::i18n::Lang;
use crate::mail::unsubscribe::ListKind;
use crate::mail::{MailTo, Mailer, SharedDraft};
use crate::settings::Settings;
use crate::web::error::AppError;

/// The post being fanned out, with where it lives.
#[derive(Debug, Clone, Queryable)]
pub struct PostInfo {
    pub id: i64,
    pub number: i64,
    pub author_id: i64,
    pub body_md: String,
    pub thread_id: i64,
    pub thread_title: String,
    pub board_id: i64,
    pub city_id: Option<i64>,
    pub author: String,
}

/// One recipient's mail settings.
#[derive(Debug, Clone, Queryable)]
struct Recipient {
    id: i64,
    email: String,
    locale: Option<String>,
    email_direct: String,
    email_watched: String,
    verified: Option<NaiveDateTime>,
}

/// A queued post leased for fan-out: the queue row, the post, and the lease it was taken with.
#[derive(Debug, Clone, Copy)]
pub struct Leased {
    queue_id: i64,
    post_id: i64,
    until: Option<NaiveDateTime>,
}

/// Whether any queued post is waiting (a plain read: an idle round should not take a writer's
/// turn, nor SQLite's write lock).
pub fn any_due(conn: &mut DbConnection) -> QueryResult<bool> {
    let now = crate::db::now();
    let any_due: Option<i64> = fanout_queue::table
        .filter(
            fanout_queue::claimed_until
                .is_null()
                .or(fanout_queue::claimed_until.lt(now)),
        )
        .select(fanout_queue::id)
        .first(conn)
        .optional()?;
    Ok(any_due.is_some())
}

/// Leases up to `limit` queued posts for five minutes (another worker takes over a post whose
/// lease ran out); fan each out with `fan_out`.
pub fn lease(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Leased>> {
    let now = crate::db::now();
    let lease = Duration::minutes(5);
    write_tx_private(conn, |conn| {
        let due = fanout_queue::table
            .filter(
                fanout_queue::claimed_until
                    .is_null()
                    .or(fanout_queue::claimed_until.lt(now)),
            )
            .order(fanout_queue::id)
            .limit(limit)
            .select(fanout_queue::id);
        let ids: Vec<i64> = match conn {
            DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(fanout_queue::table.filter(fanout_queue::id.eq_any(&ids)))
            .set((
                fanout_queue::claimed_until.eq(now + lease),
                fanout_queue::attempts.eq(fanout_queue::attempts + 1),
            ))
            .execute(conn)?;
        let rows: Vec<(i64, i64, Option<NaiveDateTime>)> = fanout_queue::table
            .filter(fanout_queue::id.eq_any(&ids))
            .order(fanout_queue::id)
            .select((
                fanout_queue::id,
                fanout_queue::post_id,
                fanout_queue::claimed_until,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(queue_id, post_id, until)| Leased {
                queue_id,
                post_id,
                until,
            })
            .collect())
    })
}

/// Fans out one leased post; on failure the post stays queued and is retried after its lease.
pub fn fan_out(
    mailer: &Mailer,
    settings: &Settings,
    conn: &mut DbConnection,
    leased: Leased,
) -> Result<(), AppError> {
    fan_out_one(
        mailer,
        settings,
        conn,
        leased.queue_id,
        leased.post_id,
        leased.until,
    )
}

impl Leased {
    /// The post this lease is for (for logs).
    pub fn post_id(&self) -> i64 {
        self.post_id
    }
}

fn post_info(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<PostInfo>> {
    posts::table
        .inner_join(threads::table)
        .inner_join(users::table)
        .filter(posts::id.eq(post_id))
        .select((
            posts::id,
            posts::number,
            posts::author_id,
            posts::body_md,
            threads::id,
            threads::title,
            threads::board_id,
            threads::city_id,
            users::username,
        ))
        .first(conn)
        .optional()
}

/// Decides who hears about one post and writes their notifications and immediate mails, in
/// one transaction that also takes the post off the queue (so a crash retries it whole).
fn fan_out_one(
    mailer: &Mailer,
    settings: &Settings,
    conn: &mut DbConnection,
    queue_id: i64,
    post_id: i64,
    until: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let now = crate::db::now();
    let base_url = settings.base_url().to_owned();
    write_tx_private(conn, |conn| {
        let removed = diesel::delete(
            fanout_queue::table
                .find(queue_id)
                .filter(fanout_queue::claimed_until.eq(until)),
        )
        .execute(conn)?;
        if removed == 0 {
            // Another worker took it over after our lease ran out.
            return Ok(());
        }
        let Some(post) = post_info(conn, post_id)? else {
            return Ok(());
        };
        // Hidden (or deleted) before it was fanned out: nobody is told about it.
        let hidden: (
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
        ) = posts::table
            .inner_join(threads::table)
            .filter(posts::id.eq(post_id))
            .select((posts::hidden_at, posts::deleted_at, threads::hidden_at))
            .first(conn)?;
        if hidden.0.is_some() || hidden.1.is_some() || hidden.2.is_some() {
            return Ok(());
        }
        let chosen = recipients(settings, conn, &post)?;
        if chosen.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = chosen.keys().copied().collect();
        let mut people: Vec<Recipient> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            people.extend(
                users::table
                    .filter(users::id.eq_any(chunk))
                    // People of other servers hear of replies from their own server.
                    .filter(users::remote_id.is_null())
                    .select((
                        users::id,
                        users::email,
                        users::locale,
                        users::email_direct,
                        users::email_watched,
                        users::email_verified_at,
                    ))
                    .load::<Recipient>(conn)?,
            );
        }
        let require_verified = settings.mail.require_verification;
        let mut rows = Vec::with_capacity(people.len());
        let mut immediate: Vec<(&Recipient, Kind)> = Vec::new();
        for person in &people {
            let Some(&kind) = chosen.get(&person.id) else {
                continue;
            };
            let preference = if kind.is_direct() {
                &person.email_direct
            } else {
                &person.email_watched
            };
            let mut mode = EmailMode::parse(preference).unwrap_or(EmailMode::Never);
            if require_verified && person.verified.is_none() {
                mode = EmailMode::Never;
            }
            if mode == EmailMode::Immediately {
                immediate.push((person, kind));
            }
            rows.push((
                notifications::user_id.eq(person.id),
                notifications::kind.eq(kind.as_str()),
                notifications::post_id.eq(post.id),
                notifications::thread_id.eq(post.thread_id),
                notifications::email.eq(mode.as_str()),
                notifications::created_at.eq(now),
                notifications::emailed_at.eq((mode == EmailMode::Immediately).then_some(now)),
            ));
        }
        for chunk in rows.chunks(500) {
            crate::on_backend!(&mut *conn, c => diesel::insert_into(notifications::table)
                .values(chunk)
                .on_conflict((notifications::user_id, notifications::post_id))
                .do_nothing()
                .execute(c))?;
        }
        if !immediate.is_empty() {
            // Everyone told of this post for the same reason in the same language reads the
            // same mail: it is rendered and stored once for them (their unsubscribe links
            // differ, and go in when each is sent).
            let place = place_names(conn, &post)?;
            let mut groups: Vec<((Kind, Lang), Vec<MailTo<'_>>)> = Vec::new();
            for (person, kind) in immediate {
                let key = (kind, mailer.lang_for(person.locale.as_deref()));
                let to = MailTo {
                    address: &person.email,
                    user_id: person.id,
                };
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, list)) => list.push(to),
                    None => groups.push((key, vec![to])),
                }
            }
            for ((kind, lang), to) in groups {
                let data = notification_data(settings, &post, kind, lang, &place, &base_url);
                mailer.queue_shared(
                    conn,
                    SharedDraft {
                        template: "notification",
                        lang,
                        list: Some(if kind.is_direct() {
                            ListKind::Direct
                        } else {
                            ListKind::Watched
                        }),
                        data,
                    },
                    &to,
                )?;
            }
        }
        Ok(())
    })
}

/// The board's names (French, English) and the city's name.
pub struct Place {
    pub board: String,
    pub board_en: Option<String>,
    pub city: Option<String>,
}

fn place_names(conn: &mut DbConnection, post: &PostInfo) -> QueryResult<Place> {
    let (board, board_en): (String, Option<String>) = boards::table
        .find(post.board_id)
        .select((boards::name, boards::name_en))
        .first(conn)?;
    let city = match post.city_id {
        Some(id) => cities::table
            .find(id)
            .select(cities::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(Place {
        board,
        board_en,
        city,
    })
}

/// What the notification mail template receives.
pub fn notification_data(
    settings: &Settings,
    post: &PostInfo,
    kind: Kind,
    lang: Lang,
    place: &Place,
    base_url: &str,
) -> serde_json::Value {
    let (text, truncated) = super::excerpt(&post.body_md, settings.notifications.excerpt_chars);
    let html = absolute_links(crate::markdown::cook(&text).as_str(), base_url);
    let board = match (lang, &place.board_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => place.board.clone(),
    };
    json!({
        "kind": kind.as_str(),
        "author": post.author,
        "thread_title": post.thread_title,
        "board": board,
        "city": place.city,
        "excerpt_text": text,
        "excerpt_html": html,
        "truncated": truncated,
        "post_url": format!("{base_url}/p/{}", post.id),
        "thread_url": format!("{base_url}/t/{}", post.thread_id),
        "settings_url": format!("{base_url}/settings#notifications"),
    })
}

/// Prepares sanitised post HTML for a mail: local links made absolute, and images dropped (a
/// mail must not load anything from anywhere).
pub fn absolute_links(html: &str, base_url: &str) -> String {
    let Ok(base) = url::Url::parse(&format!("{base_url}/")) else {
        return ammonia::Builder::default()
            .rm_tags(["img"])
            .clean(html)
            .to_string();
    };
    ammonia::Builder::default()
        .rm_tags(["img"])
        .url_relative(ammonia::UrlRelative::RewriteWithBase(base))
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Who is notified of `post`, and why.
fn recipients(
    settings: &Settings,
    conn: &mut DbConnection,
    post: &PostInfo,
) -> QueryResult<HashMap<i64, Kind>> {
    let refs = mentions::references(&post.body_md, settings.base_url());
    let max_mentions = settings.notifications.max_mentions;
    let mention_keys: Vec<String> = refs.mentions.into_iter().take(max_mentions).collect();
    let mentioned: Vec<i64> = if mention_keys.is_empty() {
        Vec::new()
    } else {
        users::table
            .filter(users::username_key.eq_any(&mention_keys))
            .select(users::id)
            .load(conn)?
    };
    let quoted: Vec<i64> = if refs.quoted_posts.is_empty() {
        Vec::new()
    } else {
        let ids: Vec<i64> = refs.quoted_posts.into_iter().take(20).collect();
        posts::table
            .filter(posts::id.eq_any(&ids))
            .select(posts::author_id)
            .load(conn)?
    };

    let mut targets = watches::table
        .filter(
            watches::target_kind
                .eq(Target::Thread.as_str())
                .and(watches::target_id.eq(post.thread_id)),
        )
        .or_filter(
            watches::target_kind
                .eq(Target::Board.as_str())
                .and(watches::target_id.eq(post.board_id)),
        )
        .into_boxed();
    if let Some(city) = post.city_id {
        targets = targets.or_filter(
            watches::target_kind
                .eq(Target::City.as_str())
                .and(watches::target_id.eq(city)),
        );
    }
    let rows: Vec<(i64, String, String)> = targets
        .select((watches::user_id, watches::target_kind, watches::level))
        .load(conn)?;

    // Per user: the thread's level, and the strongest wish from the board and the city.
    let mut thread_level: HashMap<i64, Level> = HashMap::new();
    let mut place_muted: HashMap<i64, bool> = HashMap::new();
    let mut place_watching: HashMap<i64, bool> = HashMap::new();
    for (user, target, level) in rows {
        let (Some(target), Some(level)) = (Target::parse(&target), Level::parse(&level)) else {
            continue;
        };
        match target {
            Target::Thread => {
                thread_level.insert(user, level);
            }
            Target::Board | Target::City => match level {
                Level::Muted => {
                    place_muted.insert(user, true);
                }
                Level::Watching => {
                    place_watching.insert(user, true);
                }
                Level::Normal => {}
            },
        }
    }
    let effective = |user: i64| -> (Level, bool) {
        if let Some(level) = thread_level.get(&user) {
            return (*level, true);
        }
        if place_muted.contains_key(&user) {
            (Level::Muted, false)
        } else if place_watching.contains_key(&user) {
            (Level::Watching, false)
        } else {
            (Level::Normal, false)
        }
    };

    let mut chosen: HashMap<i64, Kind> = HashMap::new();
    let mut everyone: Vec<i64> = Vec::new();
    everyone.extend(thread_level.keys());
    everyone.extend(place_watching.keys());
    everyone.extend(&mentioned);
    everyone.extend(&quoted);
    for user in everyone {
        if user == post.author_id || chosen.contains_key(&user) {
            continue;
        }
        let (level, from_thread) = effective(user);
        let kind = match level {
            Level::Muted => continue,
            _ if quoted.contains(&user) => Kind::Quote,
            _ if mentioned.contains(&user) => Kind::Mention,
            Level::Watching if from_thread => Kind::Reply,
            Level::Watching if post.number == 1 => Kind::NewThread,
            Level::Watching => Kind::WatchedPost,
            Level::Normal => continue,
        };
        chosen.insert(user, kind);
    }
    // Hidden posts and threads are not fanned out at all (see `fan_out_one`). A post in a
    // group's private board reaches only the group's members as they are now, one in a limited
    // server's board only its followers: a watch, a mention or a quote does not open it to
    // anyone else.
    if let Some(scope) = crate::memberships::board_scope(conn, post.board_id)? {
        if let Some(readers) = crate::memberships::restricted_readers(conn, post.board_id, scope)? {
            chosen.retain(|user, _| readers.contains(user));
        }
    }
    // Nobody hears of a post by someone they blocked: no mention, quote or reply reaches them.
    let people: Vec<i64> = chosen.keys().copied().collect();
    for blocker in crate::accounts::blocks::blockers_among(conn, post.author_id, &people)? {
        chosen.remove(&blocker);
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::absolute_links;

    #[test]
    fn mail_html_has_absolute_links_and_no_images() {
        let html = absolute_links(
            "<p><a href=\"/p/3\">post</a> <img src=\"https://tracker.example/x.png\"></p>",
            "https://vigie.example",
        );
        assert!(
            html.contains("href=\"https://vigie.example/p/3\""),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
    }
}
