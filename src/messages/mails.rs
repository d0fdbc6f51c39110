//! The mail telling a member about a new message: by default only "a new message from X" and a
//! link; the conversation's subject and the message's text only when they chose it. Written to
//! the outbox in the transaction of the message, to verified addresses only.

use diesel::prelude::*;
use serde_json::json;

use crate::accounts::blocks::{self, MessageMail};
use crate::db::schema::users;
use crate::db::DbConnection;
use crate::mail::{Draft, Mailer};
use crate::web::error::AppError;

/// Characters of a message's text a mail carries, for those who want it.
const EXCERPT_CHARS: usize = 1500;

/// What the mail is about.
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub subject: &'a str,
    pub author: &'a str,
    pub body_md: &'a str,
    /// The reader was just added to the conversation (rather than written to in it).
    pub added: bool,
}

/// Queues the mail for each of `recipients` who wants one.
pub fn queue(
    conn: &mut DbConnection,
    mailer: &Mailer,
    base_url: &str,
    message: &NewMessage<'_>,
    recipients: &[i64],
) -> Result<usize, AppError> {
    if recipients.is_empty() {
        return Ok(0);
    }
    let people: Vec<(i64, String, Option<String>)> = users::table
        .filter(users::id.eq_any(recipients))
        .filter(users::email_verified_at.is_not_null())
        .select((users::id, users::email, users::locale))
        .load(conn)?;
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    let prefs = blocks::preferences_of(conn, &ids)?;
    let url = format!("{base_url}/messages/{}", message.conversation_id);
    let (excerpt, truncated) = crate::notifications::excerpt(message.body_md, EXCERPT_CHARS);
    let mut queued = 0;
    for ((user_id, email, locale), (_, pref)) in people.iter().zip(&prefs) {
        if pref.email == MessageMail::Never {
            continue;
        }
        let with_text = pref.email == MessageMail::Text;
        mailer.queue(
            conn,
            Draft {
                template: "message",
                lang: mailer.lang_for(locale.as_deref()),
                to: email,
                user_id: Some(*user_id),
                list: None,
                data: json!({
                    "author": message.author,
                    "added": message.added,
                    "url": url,
                    "settings_url": format!("{base_url}/settings/messages"),
                    "with_text": with_text,
                    "subject": if with_text { Some(message.subject) } else { None },
                    "excerpt": if with_text { Some(excerpt.as_str()) } else { None },
                    "truncated": with_text && truncated,
                }),
            },
        )?;
        queued += 1;
    }
    Ok(queued)
}
