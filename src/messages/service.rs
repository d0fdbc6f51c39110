//! The rules of private messages, shared by the pages and the API: who may write to whom
//! (blocks, closed inboxes, silenced and unconfirmed accounts), the posting limits, and the
//! writes themselves (a message, its delivery and its mails in one transaction).
//!
//! A refusal because of a block reads exactly like one because of a closed inbox
//! (`error-message-refused`), so nobody learns that they are blocked.

use chrono::NaiveDateTime;

use super::allowance;
use super::domain::{Recipients, Subject, MAX_PARTICIPANTS};
use super::mails::{self, NewMessage};
use super::store::{self, Person};
use crate::accounts::blocks::{self, Inbox};
use crate::db::{write_tx_private, Db, DbConnection};
use crate::forum::domain::{CookedBody, PostBody};
use crate::forum::limits::{self, Poster};
use crate::mail::Mailer;
use crate::sessions::{Role, Viewer};
use crate::settings::Settings;
use crate::site_config::SiteConfig;
use crate::validation::FieldError;
use crate::web::error::AppError;

/// What a message needs besides its text: where it runs and who writes it.
pub struct Outgoing<'a> {
    pub db: &'a Db,
    pub settings: &'a Settings,
    pub config: std::sync::Arc<SiteConfig>,
    pub mailer: &'a actix_web::web::Data<Mailer>,
    pub sender: &'a Viewer,
}

/// A new conversation's fields, validated.
pub struct Draft {
    pub to: Recipients,
    pub subject: Subject,
    pub body: PostBody,
}

impl Draft {
    /// Checks the form's fields; every field error at once.
    pub fn parse(to: &str, subject: &str, body: &str) -> Result<Draft, Vec<FieldError>> {
        let to = Recipients::parse(to, MAX_PARTICIPANTS - 1);
        let subject = Subject::parse(subject);
        let body = PostBody::parse(body);
        match (to, subject, body) {
            (Ok(to), Ok(subject), Ok(body)) => Ok(Draft { to, subject, body }),
            (to, subject, body) => Err([to.err(), subject.err(), body.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

/// Site staff (administrators and global moderators): they may write to a closed inbox.
fn is_site_staff(viewer: &Viewer) -> bool {
    viewer.role != Role::Member
}

/// Refuses a sender whose address is unconfirmed when the site asks for it.
fn require_verified(settings: &Settings, sender: &Viewer) -> Result<(), AppError> {
    if settings.mail.require_verification && !sender.email_verified {
        return Err(AppError::Refused("error-email-unverified"));
    }
    Ok(())
}

/// The people `keys` name, if `sender` may write to every one of them.
fn recipients(
    conn: &mut DbConnection,
    sender: &Viewer,
    keys: &[String],
) -> Result<Vec<Person>, AppError> {
    let people = store::people_by_keys(conn, keys)?;
    if people.len() < keys.len() {
        return Err(AppError::Invalid(FieldError::new(
            "to",
            "error-message-unknown-user",
        )));
    }
    if people.iter().any(|p| p.id == sender.user_id) {
        return Err(AppError::Invalid(FieldError::new(
            "to",
            "error-message-self",
        )));
    }
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    if !blocks::blocked_among(conn, sender.user_id, &ids)?.is_empty() {
        return Err(AppError::Invalid(FieldError::new(
            "to",
            "error-message-you-blocked",
        )));
    }
    if !blocks::blockers_among(conn, sender.user_id, &ids)?.is_empty() {
        return Err(AppError::Refused("error-message-refused"));
    }
    if !is_site_staff(sender) {
        for (id, prefs) in blocks::preferences_of(conn, &ids)? {
            if prefs.inbox == Inbox::Contacts
                && !crate::memberships::share_a_group(conn, sender.user_id, id)?
            {
                return Err(AppError::Refused("error-message-refused"));
            }
        }
    }
    Ok(people)
}

/// The posting limits on a message: the new-account caps on its text, and `units` of the
/// hourly allowance (`allowance`: 1 for a reply, 1 per person for a new conversation).
fn check_limits(
    conn: &mut DbConnection,
    config: &SiteConfig,
    sender: &Viewer,
    markdown: &str,
    units: usize,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    limits::check_content(config, &Poster::of(sender), markdown, now)?;
    allowance::spend(conn, config, sender, units, now)
}

/// Starts a conversation; returns its id and its first message's.
pub async fn start(send: Outgoing<'_>, draft: Draft) -> Result<(i64, i64), AppError> {
    crate::web::context::may_post(send.settings, send.sender)?;
    let body = CookedBody::cook(draft.body, send.db).await?;
    let sender = send.sender.clone();
    let (config, mailer) = (send.config, send.mailer.clone());
    let base_url = send.settings.base_url().to_owned();
    let written = send
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                let now = crate::db::now();
                let people = recipients(conn, &sender, draft.to.keys())?;
                let others: Vec<i64> = people.iter().map(|p| p.id).collect();
                check_limits(conn, &config, &sender, body.as_str(), others.len(), now)?;
                let subject = draft.subject.as_str();
                let id = store::create_conversation(conn, subject, sender.user_id, &others, now)?;
                let (message, first_unread) =
                    store::add_message(conn, id, sender.user_id, &body, &[], now)?;
                let about = NewMessage {
                    conversation_id: id,
                    subject,
                    author: &sender.username,
                    body_md: body.as_str(),
                    added: false,
                };
                mails::queue(conn, &mailer, &base_url, &about, &first_unread)?;
                Ok::<_, AppError>((id, message))
            })
        })
        .await?;
    send.mailer.wake();
    tracing::info!(conversation = written.0, "conversation started");
    Ok(written)
}

/// Writes a message in a conversation the sender is in; returns its id. Silenced members may
/// only answer in a conversation the site's staff are in (to explain themselves to a moderator,
/// say); they cannot start conversations or add people.
pub async fn reply(send: Outgoing<'_>, conversation_id: i64, body: &str) -> Result<i64, AppError> {
    require_verified(send.settings, send.sender)?;
    let body = PostBody::parse(body)?;
    let body = CookedBody::cook(body, send.db).await?;
    let sender = send.sender.clone();
    let (config, mailer) = (send.config, send.mailer.clone());
    let base_url = send.settings.base_url().to_owned();
    let id = send
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                let now = crate::db::now();
                let (conversation, _) =
                    store::conversation_for(conn, conversation_id, sender.user_id)?
                        .ok_or(AppError::NotFound)?;
                if sender.silenced && !store::has_site_staff(conn, conversation_id, sender.user_id)?
                {
                    return Err(AppError::Refused("error-message-silenced-reply"));
                }
                check_limits(conn, &config, &sender, body.as_str(), 1, now)?;
                let members = store::member_ids(conn, conversation_id)?;
                // Those who blocked the sender do not receive it (and nothing says so).
                let blockers = blocks::blockers_among(conn, sender.user_id, &members)?;
                let (message, first_unread) = store::add_message(
                    conn,
                    conversation_id,
                    sender.user_id,
                    &body,
                    &blockers,
                    now,
                )?;
                let about = NewMessage {
                    conversation_id,
                    subject: &conversation.subject,
                    author: &sender.username,
                    body_md: body.as_str(),
                    added: false,
                };
                mails::queue(conn, &mailer, &base_url, &about, &first_unread)?;
                Ok::<_, AppError>(message)
            })
        })
        .await?;
    send.mailer.wake();
    Ok(id)
}

/// Adds people to a conversation (its starter only, up to 20 people in all); returns how many
/// joined. The same rules as starting one apply to each, and each person added spends one unit
/// of the hourly allowance. The conversation's row is locked first (PostgreSQL), so concurrent
/// additions cannot take it past 20 people.
pub async fn add_people(
    send: Outgoing<'_>,
    conversation_id: i64,
    to: &str,
) -> Result<usize, AppError> {
    crate::web::context::may_post(send.settings, send.sender)?;
    let sender = send.sender.clone();
    let to = to.to_owned();
    let (config, mailer) = (send.config, send.mailer.clone());
    let base_url = send.settings.base_url().to_owned();
    let added = send
        .db
        .write(move |conn| {
            write_tx_private(conn, |conn| {
                let now = crate::db::now();
                if !store::lock_conversation(conn, conversation_id)? {
                    return Err(AppError::NotFound);
                }
                let (conversation, _) =
                    store::conversation_for(conn, conversation_id, sender.user_id)?
                        .ok_or(AppError::NotFound)?;
                if conversation.starter_id != Some(sender.user_id) {
                    return Err(AppError::Forbidden);
                }
                let members = store::member_ids(conn, conversation_id)?;
                let room = MAX_PARTICIPANTS.saturating_sub(members.len());
                let wanted = Recipients::parse(&to, MAX_PARTICIPANTS)?;
                let people = recipients(conn, &sender, wanted.keys())?;
                let new: Vec<i64> = people
                    .iter()
                    .map(|p| p.id)
                    .filter(|id| !members.contains(id))
                    .collect();
                if new.len() > room {
                    return Err(AppError::Invalid(FieldError::new(
                        "to",
                        "error-message-too-many",
                    )));
                }
                allowance::spend(conn, &config, &sender, new.len(), now)?;
                store::add_members(conn, conversation_id, &new, now)?;
                let about = NewMessage {
                    conversation_id,
                    subject: &conversation.subject,
                    author: &sender.username,
                    body_md: "",
                    added: true,
                };
                mails::queue(conn, &mailer, &base_url, &about, &new)?;
                Ok::<_, AppError>(new.len())
            })
        })
        .await?;
    send.mailer.wake();
    Ok(added)
}

/// Takes the reader out of a conversation: they no longer see it or receive its messages.
pub async fn leave(db: &Db, user_id: i64, conversation_id: i64) -> Result<(), AppError> {
    let left = db
        .write(move |conn| {
            write_tx_private(conn, |conn| store::leave(conn, conversation_id, user_id))
                .map_err(AppError::from)
        })
        .await?;
    if left {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
