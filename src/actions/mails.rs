//! The mails about an action: what they show, and who gets them (a members-only action's mails
//! go to the group's current members only). Each mail is queued in the caller's transaction.

use serde_json::{json, Value};

use crate::actions::queries::Action;
use crate::actions::rsvp_queries::{self, Recipient};
use crate::actions::times::when_text;
use crate::db::DbConnection;
use crate::mail::{Draft, Mailer};
use crate::web::error::AppError;

/// The group whose members alone may hear of a members-only action.
pub fn members_group(action: &Action) -> Option<i64> {
    if action.members_only() {
        action.group_id
    } else {
        None
    }
}

/// Writes `template` about `action` to each of `people`.
pub fn tell(
    conn: &mut DbConnection,
    mailer: &Mailer,
    action: &Action,
    template: &'static str,
    people: &[Recipient],
) -> Result<(), AppError> {
    for person in people {
        mailer.queue(
            conn,
            Draft {
                template,
                lang: mailer.lang_for(person.locale.as_deref()),
                to: &person.email,
                user_id: Some(person.user_id),
                list: None,
                data: mail_data(mailer, action, &person.username, person.locale.as_deref()),
            },
        )?;
    }
    Ok(())
}

/// What the mails about an action show.
pub fn mail_data(mailer: &Mailer, action: &Action, username: &str, locale: Option<&str>) -> Value {
    let lang = mailer.lang_for(locale);
    json!({
        "username": username,
        "title": action.title,
        "when": when_text(action, lang),
        "place": action.place,
        "meeting_point": action.meeting_point,
        "city_name": action.city_name,
        "group_name": action.group_name,
        "action_url": format!("{}/a/{}", mailer.base_url, action.id),
    })
}

/// Writes to the people who came off the waiting list.
pub fn tell_promoted(
    conn: &mut DbConnection,
    mailer: &Mailer,
    action: &Action,
    people: &[i64],
) -> Result<(), AppError> {
    if people.is_empty() {
        return Ok(());
    }
    let people = rsvp_queries::recipients(conn, people)?;
    tell(conn, mailer, action, "action_promoted", &people)
}
