//! Notifications: who hears about a new post, in the forum and by email.
//!
//! A new post is queued for fan-out in the transaction that writes it (`enqueue_fanout`); the
//! mail worker then decides, per recipient, from their watch levels (thread, then board and
//! city), mentions and quotes, writes their notifications and the immediate mails (`fanout`),
//! and later the daily digests (`digest`). The poster never pays for the number of watchers.

pub mod digest;
pub mod fanout;
pub mod mentions;
pub mod pages;
pub mod queries;
pub mod reading;
pub mod routes;

use diesel::prelude::*;

use crate::db::schema::fanout_queue;
use crate::db::DbConnection;
use crate::web::context::Ctx;
use serde_json::json;

/// How a user wants one category of notifications mailed (a preference of the account).
pub use crate::accounts::domain::EmailMode;

/// What a watch is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Thread,
    Board,
    City,
}

impl Target {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Thread => "thread",
            Target::Board => "board",
            Target::City => "city",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "thread" => Some(Target::Thread),
            "board" => Some(Target::Board),
            "city" => Some(Target::City),
            _ => None,
        }
    }
}

/// How closely a user follows a thread, board or city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Every new post.
    Watching,
    /// Only replies to you (quotes) and mentions: the default.
    Normal,
    /// Nothing at all.
    Muted,
}

impl Level {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Watching => "watching",
            Level::Normal => "normal",
            Level::Muted => "muted",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "watching" => Some(Level::Watching),
            "normal" => Some(Level::Normal),
            "muted" => Some(Level::Muted),
            _ => None,
        }
    }
}

/// Why someone is notified of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A new post in a thread they watch (started, replied to, or chose to watch).
    Reply,
    /// Their `@username` is in the post.
    Mention,
    /// The post quotes one of theirs.
    Quote,
    /// A new thread in a board or city they watch.
    NewThread,
    /// A reply in a board or city they watch.
    WatchedPost,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reply => "reply",
            Kind::Mention => "mention",
            Kind::Quote => "quote",
            Kind::NewThread => "new_thread",
            Kind::WatchedPost => "watched_post",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "reply" => Some(Kind::Reply),
            "mention" => Some(Kind::Mention),
            "quote" => Some(Kind::Quote),
            "new_thread" => Some(Kind::NewThread),
            "watched_post" => Some(Kind::WatchedPost),
            _ => None,
        }
    }

    /// True for what is addressed to the user (mailed per `email_direct`); false for activity in
    /// watched boards and cities (mailed per `email_watched`).
    pub fn is_direct(self) -> bool {
        matches!(self, Kind::Reply | Kind::Mention | Kind::Quote)
    }
}

/// Queues a new post for fan-out, inside the transaction that writes it.
pub fn enqueue_fanout(conn: &mut DbConnection, post_id: i64) -> QueryResult<()> {
    diesel::insert_into(fanout_queue::table)
        .values((
            fanout_queue::post_id.eq(post_id),
            fanout_queue::created_at.eq(crate::db::now()),
            fanout_queue::attempts.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

/// A plain-text excerpt of a post: whole paragraphs up to `limit` characters (the first one cut
/// if it alone is longer). Returns the excerpt and whether anything was left out.
pub fn excerpt(markdown: &str, limit: usize) -> (String, bool) {
    let mut out = String::new();
    let paragraphs: Vec<&str> = markdown
        .split("\n\n")
        .map(str::trim_end)
        .filter(|p| !p.trim().is_empty())
        .collect();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let needed = paragraph.chars().count() + if out.is_empty() { 0 } else { 2 };
        if out.chars().count() + needed > limit {
            if out.is_empty() {
                out = paragraph.chars().take(limit).collect::<String>();
                out.push('…');
            }
            return (out, true);
        }
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(paragraph);
    }
    (out, false)
}

/// The watch-level form of a thread, board or city page.
pub fn watch_json(
    ctx: &Ctx,
    target: Target,
    id: i64,
    level: Level,
    next: &str,
) -> serde_json::Value {
    let options: Vec<serde_json::Value> = [Level::Watching, Level::Normal, Level::Muted]
        .iter()
        .map(|l| {
            json!({
                "value": l.as_str(),
                "label": ctx.t(&format!("watch-level-{}-{}", target.as_str(), l.as_str())),
                "selected": *l == level,
            })
        })
        .collect();
    json!({
        "target": target.as_str(),
        "id": id,
        "level": level.as_str(),
        "level_label": ctx.t(&format!("watch-current-{}", level.as_str())),
        "next": next,
        "options": options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_whole_paragraphs() {
        assert_eq!(excerpt("un\n\ndeux", 100), ("un\n\ndeux".into(), false));
        assert_eq!(excerpt("un\n\ndeux trois", 6), ("un".into(), true));
        assert_eq!(excerpt("abcdefgh", 3), ("abc…".into(), true));
    }

    #[test]
    fn names_round_trip() {
        for k in [
            Kind::Reply,
            Kind::Mention,
            Kind::Quote,
            Kind::NewThread,
            Kind::WatchedPost,
        ] {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for l in [Level::Watching, Level::Normal, Level::Muted] {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        for m in [EmailMode::Immediately, EmailMode::Digest, EmailMode::Never] {
            assert_eq!(EmailMode::parse(m.as_str()), Some(m));
        }
    }
}
