//! How accounts are admitted under each registration mode: invitation links (a secret shown
//! once, stored hashed, with an expiry and a number of uses), applications awaiting an
//! administrator's decision (the applicant is told by mail either way; a rejected account is
//! deleted), and the admission check a registration goes through in its own transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::accounts::account_mail;
use crate::accounts::domain::{EmailAddress, NewPassword, Username};
use crate::accounts::queries::{self, CreateUserError};
use crate::accounts::service::Accounts;
use crate::db::schema::{applications, invites, users};
use crate::db::DbConnection;
use crate::i18n::Lang;
use crate::mail::Draft;
use crate::mail::Mailer;
use crate::sessions::{hash_token, new_token, Role};
use crate::site_config::{RegistrationMode, SiteConfig};
use crate::validation::{clean_text, FieldError};
use crate::web::error::AppError;

/// Characters an applicant's answer may hold.
pub const MAX_ANSWER_CHARS: usize = 2000;

/// What a registration brings besides the account fields.
#[derive(Debug, Clone, Default)]
pub struct Admission {
    /// The secret of an invitation link, if the form carried one.
    pub invite: Option<String>,
    /// The answer to the admins' question (approval mode).
    pub answer: String,
}

/// How a registration is admitted, decided before the account is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admitted {
    /// Straight in.
    Member,
    /// Through an invitation (its secret, consumed in the account's transaction).
    Invited(String),
    /// As an applicant with this answer, waiting for an administrator.
    Applicant(String),
}

/// Checks a registration against the current mode, before any account exists.
pub fn admit(config: &SiteConfig, admission: &Admission) -> Result<Admitted, AppError> {
    let invite = admission
        .invite
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (config.registration_mode, invite) {
        (RegistrationMode::Closed, _) => Err(AppError::Refused("error-registration-closed")),
        (_, Some(secret)) => Ok(Admitted::Invited(secret.to_owned())),
        (RegistrationMode::Invite, None) => Err(AppError::Refused("error-invite-required")),
        (RegistrationMode::Approval, None) => {
            let answer = clean_text(&admission.answer, true).trim().to_owned();
            if answer.is_empty() {
                return Err(AppError::Invalid(FieldError::new(
                    "answer",
                    "error-answer-required",
                )));
            }
            if answer.chars().count() > MAX_ANSWER_CHARS {
                return Err(AppError::Invalid(FieldError::new(
                    "answer",
                    "error-answer-too-long",
                )));
            }
            Ok(Admitted::Applicant(answer))
        }
        (RegistrationMode::Open, None) => Ok(Admitted::Member),
    }
}

/// Records the admission of a freshly inserted account (inside its transaction): uses the
/// invitation (refusing one that is unknown, used up, expired or revoked) or files the
/// application. Returns true when the account waits for approval.
pub fn record(
    conn: &mut DbConnection,
    user_id: i64,
    admitted: &Admitted,
) -> Result<bool, AppError> {
    let now = crate::db::now();
    match admitted {
        Admitted::Member => Ok(false),
        Admitted::Invited(secret) => {
            let hash = hash_token(secret);
            let used = diesel::update(
                invites::table
                    .filter(invites::token_hash.eq(&hash))
                    .filter(invites::revoked_at.is_null())
                    .filter(invites::expires_at.gt(now))
                    .filter(invites::uses.lt(invites::max_uses)),
            )
            .set(invites::uses.eq(invites::uses + 1))
            .execute(conn)?;
            if used != 1 {
                return Err(AppError::Invalid(FieldError::new(
                    "invite",
                    "error-invite-invalid",
                )));
            }
            let id: i64 = invites::table
                .filter(invites::token_hash.eq(&hash))
                .select(invites::id)
                .first(conn)?;
            diesel::update(users::table.find(user_id))
                .set(users::invite_id.eq(Some(id)))
                .execute(conn)?;
            Ok(false)
        }
        Admitted::Applicant(answer) => {
            diesel::insert_into(applications::table)
                .values((
                    applications::user_id.eq(user_id),
                    applications::answer.eq(answer),
                    applications::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(true)
        }
    }
}

/// Tells every administrator, by mail, that an application waits (inside the applicant's
/// registration transaction, so the notice exists exactly when the application does).
pub fn notify_admins(
    mailer: &Mailer,
    conn: &mut DbConnection,
    applicant: &str,
    answer: &str,
) -> Result<(), AppError> {
    let admins: Vec<(i64, String, String, Option<String>)> = users::table
        .filter(users::role.eq(crate::sessions::Role::Admin.as_str()))
        .select((users::id, users::username, users::email, users::locale))
        .load(conn)?;
    let review_url = format!("{}/admin/applications", mailer.base_url.as_str());
    for (id, username, email, locale) in admins {
        let lang = mailer.lang_for(locale.as_deref());
        mailer.queue(
            conn,
            Draft {
                template: "application_received",
                lang,
                to: &email,
                user_id: Some(id),
                list: None,
                data: json!({
                    "username": username,
                    "applicant": applicant,
                    "answer": answer,
                    "review_url": review_url,
                }),
            },
        )?;
    }
    Ok(())
}

/// True while the account's application waits for a decision.
pub fn is_pending(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        applications::table.filter(applications::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// An invitation as the admin page lists it (never its secret).
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct Invite {
    pub id: i64,
    pub note: String,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
}

impl Invite {
    /// True while the link still admits someone.
    pub fn usable(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now && self.uses < self.max_uses
    }
}

/// Largest number of uses of one invitation.
pub const MAX_INVITE_USES: i64 = 1000;
/// Longest validity of one invitation, in days.
pub const MAX_INVITE_DAYS: i64 = 365;

/// Creates an invitation; returns its id and the secret (shown once).
pub fn create_invite(
    conn: &mut DbConnection,
    created_by: i64,
    note: &str,
    max_uses: i64,
    days: i64,
) -> Result<(i64, String), AppError> {
    if !(1..=MAX_INVITE_USES).contains(&max_uses) {
        return Err(AppError::Invalid(FieldError::new(
            "max_uses",
            "error-invite-uses",
        )));
    }
    if !(1..=MAX_INVITE_DAYS).contains(&days) {
        return Err(AppError::Invalid(FieldError::new(
            "days",
            "error-invite-days",
        )));
    }
    let note = clean_text(note, false).trim().to_owned();
    if note.chars().count() > 200 {
        return Err(AppError::Invalid(FieldError::new(
            "note",
            "error-invite-note",
        )));
    }
    let secret = new_token();
    let now = crate::db::now();
    let id: i64 = diesel::insert_into(invites::table)
        .values((
            invites::token_hash.eq(hash_token(&secret)),
            invites::created_by.eq(Some(created_by)),
            invites::note.eq(&note),
            invites::max_uses.eq(max_uses),
            invites::expires_at.eq(now + chrono::Duration::days(days)),
            invites::created_at.eq(now),
        ))
        .returning(invites::id)
        .get_result(conn)?;
    let label = if note.is_empty() {
        format!("#{id}")
    } else {
        note
    };
    crate::audit::record(conn, created_by, "invite", "invite", id, &label, "", None)?;
    Ok((id, secret))
}

/// The newest invitations first.
pub fn list_invites(conn: &mut DbConnection) -> QueryResult<Vec<Invite>> {
    invites::table
        .left_join(users::table.on(invites::created_by.eq(users::id.nullable())))
        .order(invites::id.desc())
        .limit(200)
        .select((
            invites::id,
            invites::note,
            invites::max_uses,
            invites::uses,
            invites::expires_at,
            invites::revoked_at,
            invites::created_at,
            users::username.nullable(),
        ))
        .load(conn)
}

/// Whether an invitation secret still admits someone (for the registration page).
pub fn invite_usable(conn: &mut DbConnection, secret: &str) -> QueryResult<bool> {
    let now = crate::db::now();
    diesel::select(diesel::dsl::exists(
        invites::table
            .filter(invites::token_hash.eq(hash_token(secret)))
            .filter(invites::revoked_at.is_null())
            .filter(invites::expires_at.gt(now))
            .filter(invites::uses.lt(invites::max_uses)),
    ))
    .get_result(conn)
}

/// Revokes an invitation; false when there was no usable one with that id.
pub fn revoke_invite(conn: &mut DbConnection, actor_id: i64, id: i64) -> QueryResult<bool> {
    let done = diesel::update(
        invites::table
            .find(id)
            .filter(invites::revoked_at.is_null()),
    )
    .set(invites::revoked_at.eq(Some(crate::db::now())))
    .execute(conn)?;
    if done == 1 {
        crate::audit::record(
            conn,
            actor_id,
            "revoke_invite",
            "invite",
            id,
            &format!("#{id}"),
            "",
            None,
        )?;
    }
    Ok(done == 1)
}

/// An application waiting for a decision.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Application {
    pub user_id: i64,
    pub username: String,
    pub email: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub answer: String,
    pub created_at: NaiveDateTime,
}

/// Every pending application, oldest first.
pub fn pending(conn: &mut DbConnection) -> QueryResult<Vec<Application>> {
    applications::table
        .inner_join(users::table)
        .order(applications::created_at.asc())
        .limit(500)
        .select((
            users::id,
            users::username,
            users::email,
            users::email_verified_at,
            applications::answer,
            applications::created_at,
        ))
        .load(conn)
}

/// How many applications wait.
pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    applications::table.count().get_result(conn)
}

/// An administrator's decision on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    /// Parses `approve` / `reject`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// Applies a decision (inside a transaction): the applicant is told by mail; an approved
/// account may log in, a rejected one is deleted. The log keeps the decision without the name
/// of a rejected applicant. Returns false when no application waits for that account.
pub fn decide(
    mailer: &Mailer,
    conn: &mut DbConnection,
    actor_id: i64,
    user_id: i64,
    decision: Decision,
    reason: &str,
) -> Result<bool, AppError> {
    let waiting = diesel::delete(applications::table.find(user_id)).execute(conn)?;
    if waiting == 0 {
        return Ok(false);
    }
    let account = account_mail::account_by_id(conn, user_id)?.ok_or(AppError::NotFound)?;
    let lang = mailer.lang_for(account.locale.as_deref());
    let base = mailer.base_url.as_str();
    let reason = clean_text(reason, true).trim().to_owned();
    let (template, action, label) = match decision {
        Decision::Approve => ("application_approved", "approve", account.username.clone()),
        Decision::Reject => ("application_rejected", "reject", format!("#{user_id}")),
    };
    mailer.queue(
        conn,
        Draft {
            template,
            lang,
            to: &account.email,
            // A rejected account is about to go: its mail must not go with it.
            user_id: (decision == Decision::Approve).then_some(user_id),
            list: None,
            data: json!({
                "username": account.username,
                "login_url": format!("{base}/login"),
                "reason": reason,
            }),
        },
    )?;
    crate::audit::record(
        conn, actor_id, action, "user", user_id, &label, &reason, None,
    )?;
    if decision == Decision::Reject {
        diesel::delete(users::table.find(user_id)).execute(conn)?;
    }
    Ok(true)
}

/// Deletes up to `batch` invitation links that expired without ever being used (a used one stays:
/// it records who came in through it). Returns how many went.
pub fn sweep_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let dead = invites::table
        .select(invites::id)
        .filter(invites::expires_at.le(now))
        .filter(invites::uses.eq(0))
        .limit(batch)
        .load::<i64>(conn)?;
    diesel::delete(invites::table.filter(invites::id.eq_any(dead))).execute(conn)
}

/// A validated registration.
pub struct Registration {
    pub username: Username,
    pub email: EmailAddress,
    pub password: NewPassword,
}

/// Checks every field of a registration, collecting all errors.
pub fn validate_registration(
    accounts: &Accounts,
    username: &str,
    email: &str,
    password: &str,
) -> Result<Registration, Vec<FieldError>> {
    let u = Username::parse(username);
    let e = EmailAddress::parse(email);
    let p = NewPassword::parse(password, "password", &accounts.passwords.common);
    match (u, e, p) {
        (Ok(username), Ok(email), Ok(password)) => Ok(Registration {
            username,
            email,
            password,
        }),
        (u, e, p) => Err([u.err(), e.err(), p.err()].into_iter().flatten().collect()),
    }
}

/// Adds "this name is taken" to a registration's other errors, so that the form shows every
/// problem at once (a registration with no other error finds a taken name when it is written).
/// Whether an address has an account is never told here: that answer goes by mail.
pub async fn add_taken_name(
    db: &crate::db::Db,
    username: &str,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    if errors.iter().any(|e| e.field == "username") {
        return Ok(());
    }
    let Ok(name) = Username::parse(username) else {
        return Ok(());
    };
    if db
        .run(move |conn| queries::username_taken(conn, &name).map_err(AppError::from))
        .await?
    {
        errors.insert(0, FieldError::new("username", "error-username-taken"));
    }
    Ok(())
}

/// What became of a registration.
pub enum Registered {
    /// The account exists and is signed in right away (verification is off).
    Created(i64),
    /// A mail went to the address: a verification link for a new account, or the "you already
    /// have an account" notice. The answer is the same either way. `approval`: the account will
    /// also wait for an administrator.
    MailSent { approval: bool },
    /// The account exists and waits for an administrator (verification is off).
    Pending,
    /// The name (or a look-alike) is taken.
    Taken(FieldError),
}

/// Creates a member account (hashing off the async threads) and queues its verification mail in
/// the same transaction; an address that already has an account gets the notice instead.
pub async fn register_account(
    accounts: &Accounts,
    db: &crate::db::Db,
    reg: Registration,
    admitted: Admitted,
    lang: Lang,
) -> Result<Registered, AppError> {
    let hash = accounts.hash_password(&reg.password).await?;
    let approval = matches!(admitted, Admitted::Applicant(_));
    let verify = accounts.settings.mail.require_verification;
    let state_for_tx = accounts.clone();
    let outcome = db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let accounts = &state_for_tx;
                if let Admitted::Invited(secret) = &admitted {
                    if !invite_usable(conn, secret)? {
                        return Err(AppError::Invalid(FieldError::new(
                            "invite",
                            "error-invite-invalid",
                        )));
                    }
                }
                match queries::insert_user(
                    conn,
                    &reg.username,
                    &reg.email,
                    &hash,
                    Role::Member,
                    !verify,
                ) {
                    Ok(id) => {
                        // A language other than the site's, chosen while registering, is kept
                        // for the mails to come.
                        if lang != accounts.config.get().default_lang() {
                            diesel::update(crate::db::schema::users::table.find(id))
                                .set(crate::db::schema::users::locale.eq(Some(lang.code())))
                                .execute(conn)?;
                        }
                        let pending = record(conn, id, &admitted)?;
                        if let Admitted::Applicant(answer) = &admitted {
                            notify_admins(&accounts.mailer, conn, reg.username.as_str(), answer)?;
                        }
                        if !verify {
                            return Ok(if pending {
                                Registered::Pending
                            } else {
                                Registered::Created(id)
                            });
                        }
                        let account =
                            account_mail::account_by_id(conn, id)?.ok_or(AppError::NotFound)?;
                        account_mail::queue_verification(accounts, conn, &account, lang)?;
                        tracing::info!(user_id = id, "account registered");
                        Ok(Registered::MailSent { approval })
                    }
                    Err(CreateUserError::EmailTaken) if verify => {
                        if let Some(owner) = account_mail::account_by_email(conn, reg.email.key())?
                        {
                            let owner_lang = accounts.mailer.lang_for(owner.locale.as_deref());
                            account_mail::queue_account_exists(accounts, conn, &owner, owner_lang)?;
                        }
                        Ok(Registered::MailSent { approval })
                    }
                    Err(CreateUserError::Db(e)) => Err(AppError::from(e)),
                    Err(e) => Ok(Registered::Taken(e.field_error().unwrap_or_else(|| {
                        FieldError::new("username", "error-username-taken")
                    }))),
                }
            })
        })
        .await?;
    if matches!(outcome, Registered::MailSent { .. } | Registered::Pending) {
        accounts.mailer.wake();
    }
    Ok(outcome)
}
