//! What a member may post, beyond the thread's own rules (lock, slow mode): a posting rate per
//! hour for every member, a tighter one for accounts in their first days, and, for those new
//! accounts, a cap on links and @mentions in one post. Staff (administrators, global moderators,
//! board moderators) are exempt. The rate is read from the member's own latest posts (one
//! indexed statement), so it holds across every instance. Edits have the same hourly allowance,
//! counted on the member's own latest edits.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{post_revisions, posts};
use crate::db::DbConnection;
use crate::sessions::{Role, Viewer};
use crate::site_config::SiteConfig;
use crate::validation::FieldError;
use crate::web::error::AppError;

/// Who is posting, as far as limits go.
#[derive(Debug, Clone, Copy)]
pub struct Poster {
    pub user_id: i64,
    pub joined_at: NaiveDateTime,
    pub staff: bool,
}

impl Poster {
    /// The limits' view of a signed-in member.
    pub fn of(viewer: &Viewer) -> Poster {
        Poster {
            user_id: viewer.user_id,
            joined_at: viewer.joined_at,
            staff: viewer.role != Role::Member || viewer.moderates_boards,
        }
    }

    /// True while the account is within its first `new_account_days`.
    pub fn is_new(&self, config: &SiteConfig, now: NaiveDateTime) -> bool {
        config.new_account_days > 0
            && now < self.joined_at + chrono::Duration::days(config.new_account_days)
    }
}

/// Links in a post's Markdown: every `http://`, `https://` and bare `www.` address.
pub fn count_links(markdown: &str) -> usize {
    let lower = markdown.to_lowercase();
    let schemes = lower.matches("http://").count() + lower.matches("https://").count();
    let bare_www = lower
        .match_indices("www.")
        .filter(|(i, _)| !lower[..*i].ends_with("://"))
        .count();
    schemes + bare_www
}

/// Checks a post's text against the new-account caps (for new posts and edits alike).
pub fn check_content(
    config: &SiteConfig,
    poster: &Poster,
    markdown: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if poster.staff || !poster.is_new(config, now) {
        return Ok(());
    }
    if count_links(markdown) as i64 > config.new_account_links_per_post {
        return Err(AppError::Invalid(FieldError::new(
            "body",
            "error-new-account-links",
        )));
    }
    let mentions = crate::notifications::mentions::references(markdown, "")
        .mentions
        .len();
    if mentions as i64 > config.new_account_mentions_per_post {
        return Err(AppError::Invalid(FieldError::new(
            "body",
            "error-new-account-mentions",
        )));
    }
    Ok(())
}

/// The posts per hour allowed to this poster now, if any limit applies.
pub fn hourly_allowance(config: &SiteConfig, poster: &Poster, now: NaiveDateTime) -> Option<i64> {
    if poster.staff {
        return None;
    }
    let member = Some(config.member_posts_per_hour).filter(|n| *n > 0);
    let new =
        Some(config.new_account_posts_per_hour).filter(|n| *n > 0 && poster.is_new(config, now));
    match (member, new) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Refuses a new post (429 with the wait) when the poster already wrote their allowance in the
/// last hour: the allowance-th latest post decides.
pub fn check_rate(
    conn: &mut DbConnection,
    config: &SiteConfig,
    poster: &Poster,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(allowance) = hourly_allowance(config, poster, now) else {
        return Ok(());
    };
    let oldest_counted: Option<NaiveDateTime> = posts::table
        .filter(posts::author_id.eq(poster.user_id))
        .order(posts::id.desc())
        .offset(allowance - 1)
        .select(posts::created_at)
        .first(conn)
        .optional()?;
    refuse_within_the_hour(oldest_counted, allowance, now)
}

/// Refuses an edit (429 with the wait) when the poster already made their hourly allowance of
/// edits in the last hour: the allowance-th latest edit decides (one indexed statement).
pub fn check_edit_rate(
    conn: &mut DbConnection,
    config: &SiteConfig,
    poster: &Poster,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(allowance) = hourly_allowance(config, poster, now) else {
        return Ok(());
    };
    let oldest_counted: Option<NaiveDateTime> = post_revisions::table
        .filter(post_revisions::edited_by.eq(poster.user_id))
        .order(post_revisions::id.desc())
        .offset(allowance - 1)
        .select(post_revisions::created_at)
        .first(conn)
        .optional()?;
    refuse_within_the_hour(oldest_counted, allowance, now)
}

/// A 429 when the allowance-th latest write (at `oldest_counted`) is less than an hour old
/// (private messages count their own writes the same way).
pub fn refuse_within_the_hour(
    oldest_counted: Option<NaiveDateTime>,
    allowance: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let window = chrono::Duration::hours(1);
    match oldest_counted {
        Some(at) if at + window > now => Err(AppError::PostingRate {
            retry_after: (at + window - now).num_seconds().max(1) as u64,
            per_hour: allowance,
        }),
        _ => Ok(()),
    }
}

/// Both checks for an edit: the new-account caps on the text, and the hourly allowance.
pub fn check_edit(
    conn: &mut DbConnection,
    config: &SiteConfig,
    poster: &Poster,
    markdown: &str,
) -> Result<(), AppError> {
    let now = crate::db::now();
    check_content(config, poster, markdown, now)?;
    check_edit_rate(conn, config, poster, now)
}

/// Both checks for a new post or thread.
pub fn check_new_post(
    conn: &mut DbConnection,
    config: &SiteConfig,
    poster: &Poster,
    markdown: &str,
) -> Result<(), AppError> {
    let now = crate::db::now();
    check_content(config, poster, markdown, now)?;
    check_rate(conn, config, poster, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_counted_once_each() {
        assert_eq!(count_links("no link here"), 0);
        assert_eq!(count_links("[a](https://a.test) and <http://b.test>"), 2);
        assert_eq!(count_links("https://www.c.test and www.d.test"), 2);
        assert_eq!(count_links("HTTPS://E.TEST"), 1);
    }
}
