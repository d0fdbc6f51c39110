//! The mails about an account and the lookups they need: the verification link, "you already
//! have an account", "your password changed", the address-change confirmation. Each is queued in
//! the caller's transaction (`Mailer::queue`), so it exists exactly when the change it reports
//! does.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;

use crate::accounts::domain::EmailAddress;
use crate::accounts::service::Accounts;
use crate::accounts::tokens::{self, Purpose};
use crate::db::schema::users;
use crate::db::{write_tx_private, DbConnection};
use crate::i18n::Lang;
use crate::mail::Draft;
use crate::web::error::AppError;

/// The account facts account mails need.
#[derive(Queryable)]
pub struct MailAccount {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub locale: Option<String>,
    pub verified: Option<chrono::NaiveDateTime>,
}

/// The columns of `MailAccount`.
type MailColumns = (
    users::id,
    users::username,
    users::email,
    users::locale,
    users::email_verified_at,
);

const MAIL_COLUMNS: MailColumns = (
    users::id,
    users::username,
    users::email,
    users::locale,
    users::email_verified_at,
);

/// The account with this id.
pub fn account_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MailAccount>> {
    users::table
        .filter(users::id.eq(id))
        .select(MAIL_COLUMNS)
        .first(conn)
        .optional()
}

/// The account with this address (compared as keys).
pub fn account_by_email(conn: &mut DbConnection, key: String) -> QueryResult<Option<MailAccount>> {
    users::table
        .filter(users::email_key.eq(key))
        .select(MAIL_COLUMNS)
        .first(conn)
        .optional()
}

/// The account with this username or address (as typed on the login page).
pub fn account_by_login(conn: &mut DbConnection, login: &str) -> QueryResult<Option<MailAccount>> {
    let key = crate::accounts::domain::username_key(login);
    users::table
        .filter(users::username_key.eq(&key).or(users::email_key.eq(&key)))
        // People of other servers have no address nor password here.
        .filter(users::remote_id.is_null())
        .select(MAIL_COLUMNS)
        .first(conn)
        .optional()
}

/// Issues a verification token and queues its mail (inside the caller's transaction).
pub fn queue_verification(
    accounts: &Accounts,
    conn: &mut DbConnection,
    account: &MailAccount,
    lang: Lang,
) -> Result<(), AppError> {
    let hours = accounts.settings.mail.verify_token_hours;
    let token = tokens::issue(
        conn,
        account.id,
        Purpose::Verify,
        None,
        Duration::hours(hours),
    )?;
    let base = accounts.settings.base_url();
    accounts.mailer.queue(
        conn,
        Draft {
            template: "verify",
            lang,
            to: &account.email,
            user_id: Some(account.id),
            list: None,
            data: json!({
                "username": account.username,
                "link": format!("{base}/verify/{token}"),
                "hours": hours,
            }),
        },
    )?;
    Ok(())
}

/// Queues the "you already have an account" notice to an address that has one.
pub fn queue_account_exists(
    accounts: &Accounts,
    conn: &mut DbConnection,
    account: &MailAccount,
    lang: Lang,
) -> Result<(), AppError> {
    let base = accounts.settings.base_url();
    accounts.mailer.queue(
        conn,
        Draft {
            template: "account_exists",
            lang,
            to: &account.email,
            user_id: Some(account.id),
            list: None,
            data: json!({
                "username": account.username,
                "login_url": format!("{base}/login"),
                "reset_url": format!("{base}/password/forgot"),
            }),
        },
    )?;
    Ok(())
}

pub fn queue_password_changed(
    accounts: &Accounts,
    conn: &mut DbConnection,
    account: &MailAccount,
) -> Result<(), AppError> {
    let lang = accounts.mailer.lang_for(account.locale.as_deref());
    let base = accounts.settings.base_url();
    accounts.mailer.queue(
        conn,
        Draft {
            template: "password_changed",
            lang,
            to: &account.email,
            user_id: Some(account.id),
            list: None,
            data: json!({
                "username": account.username,
                "reset_url": format!("{base}/password/forgot"),
                "at": lang.datetime(crate::db::now()),
            }),
        },
    )?;
    Ok(())
}

/// Voids pending reset and email-change links and queues the "password changed" notice
/// (after a password change in settings; inside the caller's transaction).
pub fn after_password_change(
    accounts: &Accounts,
    conn: &mut DbConnection,
    user_id: i64,
) -> Result<(), AppError> {
    tokens::void(conn, user_id, &[Purpose::Reset, Purpose::EmailChange])?;
    if let Some(account) = account_by_id(conn, user_id)? {
        queue_password_changed(accounts, conn, &account)?;
    }
    Ok(())
}

/// Starts an email change for a signed-in user whose password was checked: mails a link to the
/// new address (or, if it already has an account, the "already an account" notice there).
pub fn request_email_change(
    accounts: &Accounts,
    conn: &mut DbConnection,
    user_id: i64,
    new_email: &EmailAddress,
    lang: Lang,
) -> Result<(), AppError> {
    write_tx_private(conn, |conn| {
        if let Some(owner) = account_by_email(conn, new_email.key())? {
            if owner.id != user_id {
                let owner_lang = accounts.mailer.lang_for(owner.locale.as_deref());
                queue_account_exists(accounts, conn, &owner, owner_lang)?;
            }
            return Ok(());
        }
        let Some(account) = account_by_id(conn, user_id)? else {
            return Err(AppError::NotFound);
        };
        let hours = accounts.settings.mail.verify_token_hours;
        let token = tokens::issue(
            conn,
            user_id,
            Purpose::EmailChange,
            Some(new_email.as_str()),
            Duration::hours(hours),
        )?;
        let base = accounts.settings.base_url();
        accounts.mailer.queue(
            conn,
            Draft {
                template: "email_change",
                lang,
                to: new_email.as_str(),
                user_id: Some(user_id),
                list: None,
                data: json!({
                    "username": account.username,
                    "link": format!("{base}/email/confirm/{token}"),
                    "hours": hours,
                    "new_email": new_email.as_str(),
                }),
            },
        )?;
        Ok(())
    })
}

/// Hides most of an address: `a***@example.org`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}
