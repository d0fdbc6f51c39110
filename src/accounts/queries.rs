//! The SQL behind accounts: creating users, finding them to log in, profiles and settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::accounts::domain::{username_key, EmailAddress, Username};
use crate::db::schema::{cities, setup_tokens, users};
use crate::db::{now, write_tx, DbConnection};
use crate::sessions::Role;
use crate::validation::FieldError;

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("username taken")]
    UsernameTaken,
    #[error("email taken")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl CreateUserError {
    /// The form field and message for a taken name or address.
    pub fn field_error(&self) -> Option<FieldError> {
        match self {
            CreateUserError::UsernameTaken => {
                Some(FieldError::new("username", "error-username-taken"))
            }
            CreateUserError::EmailTaken => Some(FieldError::new("email", "error-email-taken")),
            CreateUserError::Db(_) => None,
        }
    }
}

/// Creates an account. `verified` marks the email as verified now.
pub fn create_user(
    conn: &mut DbConnection,
    username: &Username,
    email: &EmailAddress,
    password_hash: &str,
    role: Role,
    verified: bool,
) -> Result<i64, CreateUserError> {
    write_tx(conn, |conn| {
        insert_user(conn, username, email, password_hash, role, verified)
    })
}

/// Checks that neither the name (nor a look-alike) nor the address is taken, then inserts the
/// account. Runs inside the caller's transaction.
pub fn insert_user(
    conn: &mut DbConnection,
    username: &Username,
    email: &EmailAddress,
    password_hash: &str,
    role: Role,
    verified: bool,
) -> Result<i64, CreateUserError> {
    let at = now();
    let clash: Option<String> = users::table
        .filter(
            users::username_skeleton
                .eq(username.skeleton())
                .or(users::username_key.eq(username.key()))
                .or(users::email_key.eq(email.key())),
        )
        .select(users::email_key)
        .first(conn)
        .optional()?;
    if let Some(existing_email) = clash {
        return Err(if existing_email == email.key() {
            CreateUserError::EmailTaken
        } else {
            CreateUserError::UsernameTaken
        });
    }
    let id = diesel::insert_into(users::table)
        .values((
            users::username.eq(username.as_str()),
            users::username_key.eq(username.key()),
            users::username_skeleton.eq(username.skeleton()),
            users::email.eq(email.as_str()),
            users::email_key.eq(email.key()),
            users::password_hash.eq(password_hash),
            users::role.eq(role.as_str()),
            users::email_verified_at.eq(if verified { Some(at) } else { None }),
            users::created_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?;
    Ok(id)
}

/// The usernames of the accounts whose keys are in `keys`, by key (for linking mentions).
pub fn usernames_by_key(
    conn: &mut DbConnection,
    keys: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    users::table
        .filter(users::username_key.eq_any(keys))
        .select((users::username_key, users::username))
        .load::<(String, String)>(conn)
        .map(|rows| rows.into_iter().collect())
}

/// True when an account has this name or one that looks like it (same skeleton).
pub fn username_taken(conn: &mut DbConnection, username: &Username) -> QueryResult<bool> {
    let found: Option<i64> = users::table
        .filter(
            users::username_skeleton
                .eq(username.skeleton())
                .or(users::username_key.eq(username.key())),
        )
        .select(users::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// True when the email key belongs to an account.
pub fn email_exists(conn: &mut DbConnection, email: &EmailAddress) -> QueryResult<bool> {
    let found: Option<i64> = users::table
        .filter(users::email_key.eq(email.key()))
        .select(users::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The credentials of an account found by username or email.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

/// Finds an account by username (any case) or email.
pub fn find_for_login(conn: &mut DbConnection, login: &str) -> QueryResult<Option<LoginRecord>> {
    let key = username_key(login);
    let row: Option<(i64, String, String)> = users::table
        .filter(users::username_key.eq(&key).or(users::email_key.eq(&key)))
        // People of other servers have no password here.
        .filter(users::remote_id.is_null())
        .select((users::id, users::username, users::password_hash))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, username, password_hash)| LoginRecord {
        id,
        username,
        password_hash,
    }))
}

/// The stored password hash of a user.
pub fn password_hash(conn: &mut DbConnection, user_id: i64) -> QueryResult<String> {
    users::table
        .find(user_id)
        .select(users::password_hash)
        .first(conn)
}

/// Replaces a user's password hash.
pub fn set_password_hash(conn: &mut DbConnection, user_id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(hash))
        .execute(conn)
}

/// A public profile.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub post_count: i64,
    pub thread_count: i64,
    pub home_city: Option<CityRef>,
    /// The address of their avatar (`accounts::avatar::url`).
    pub avatar_url: String,
    /// For a person of another server (federation), their actor id there: such an account
    /// cannot sign in and only holds what they posted here.
    pub remote_id: Option<String>,
}

/// A city named by slug and name.
#[derive(Debug, Clone, Serialize)]
pub struct CityRef {
    pub slug: String,
    pub name: String,
}

type ProfileRow = (
    i64,
    String,
    String,
    NaiveDateTime,
    i64,
    i64,
    Option<(String, String)>,
    Option<String>,
    Option<String>,
);

/// A profile by username (any case).
pub fn profile(conn: &mut DbConnection, username: &str) -> QueryResult<Option<Profile>> {
    let row: Option<ProfileRow> = users::table
        .left_join(cities::table)
        .left_join(crate::db::schema::avatars::table)
        .filter(users::username_key.eq(username_key(username)))
        // An applicant is not a member until approved.
        .filter(diesel::dsl::not(diesel::dsl::exists(
            crate::db::schema::applications::table
                .filter(crate::db::schema::applications::user_id.eq(users::id)),
        )))
        .select((
            users::id,
            users::username,
            users::role,
            users::created_at,
            users::post_count,
            users::thread_count,
            (cities::slug, cities::name).nullable(),
            crate::db::schema::avatars::file.nullable(),
            users::remote_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|r| Profile {
        avatar_url: crate::accounts::avatar::url(r.0, &r.1, r.7.as_deref()),
        id: r.0,
        username: r.1,
        role: r.2,
        created_at: r.3,
        post_count: r.4,
        thread_count: r.5,
        home_city: r.6.map(|(slug, name)| CityRef { slug, name }),
        remote_id: r.8,
    }))
}

/// What the settings page shows of the account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSettings {
    pub username: String,
    pub email: String,
    pub locale: Option<String>,
    pub home_city: Option<CityRef>,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub email_verified: bool,
    /// A private calendar link exists.
    pub calendar_active: bool,
}

type AccountRow = (
    String,
    String,
    Option<String>,
    Option<(String, String)>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    bool,
);

/// The account of the signed-in user.
pub fn account_settings(conn: &mut DbConnection, user_id: i64) -> QueryResult<AccountSettings> {
    let r: AccountRow = users::table
        .left_join(cities::table)
        .filter(users::id.eq(user_id))
        .select((
            users::username,
            users::email,
            users::locale,
            (cities::slug, cities::name).nullable(),
            users::role,
            users::created_at,
            users::email_verified_at,
            users::calendar_token_hash.is_not_null(),
        ))
        .first(conn)?;
    Ok(AccountSettings {
        username: r.0,
        email: r.1,
        locale: r.2,
        home_city: r.3.map(|(slug, name)| CityRef { slug, name }),
        role: r.4,
        created_at: r.5,
        email_verified: r.6.is_some(),
        calendar_active: r.7,
    })
}

/// Gives `user_id` a new private calendar secret (the old one stops working at once); returns
/// it (stored hashed, shown once).
pub fn renew_calendar_secret(conn: &mut DbConnection, user_id: i64) -> QueryResult<String> {
    let secret = crate::sessions::new_token();
    diesel::update(users::table.find(user_id))
        .set(users::calendar_token_hash.eq(Some(crate::sessions::hash_token(&secret))))
        .execute(conn)?;
    Ok(secret)
}

/// Saves the language and home city.
pub fn save_preferences(
    conn: &mut DbConnection,
    user_id: i64,
    locale: Option<&str>,
    home_city_id: Option<i64>,
) -> QueryResult<usize> {
    // In a write transaction: the home city shows on the (cached) public profile.
    write_tx(conn, |conn| {
        diesel::update(users::table.find(user_id))
            .set((
                users::locale.eq(locale),
                users::home_city_id.eq(home_city_id),
            ))
            .execute(conn)
    })
}

/// Saves only the language.
pub fn save_locale(
    conn: &mut DbConnection,
    user_id: i64,
    locale: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::locale.eq(locale))
        .execute(conn)
}

/// True when at least one administrator exists.
pub fn admin_exists(conn: &mut DbConnection) -> QueryResult<bool> {
    let found: Option<i64> = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .select(users::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Stores a new setup token (hashed).
pub fn add_setup_token(conn: &mut DbConnection, token_hash: &str) -> QueryResult<usize> {
    diesel::insert_into(setup_tokens::table)
        .values((
            setup_tokens::token_hash.eq(token_hash),
            setup_tokens::created_at.eq(now()),
        ))
        .execute(conn)
}

/// True when a setup token is still valid (unused, and no admin yet).
pub fn setup_token_valid(conn: &mut DbConnection, token_hash: &str) -> QueryResult<bool> {
    let found: Option<String> = setup_tokens::table
        .find(token_hash)
        .select(setup_tokens::token_hash)
        .first(conn)
        .optional()?;
    Ok(found.is_some() && !admin_exists(conn)?)
}

/// Why the first admin could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("the setup link is invalid or used")]
    InvalidToken,
    #[error(transparent)]
    Create(#[from] CreateUserError),
}

impl From<diesel::result::Error> for SetupError {
    fn from(e: diesel::result::Error) -> Self {
        SetupError::Create(CreateUserError::Db(e))
    }
}

/// Uses a setup token: atomically consumes every setup token and creates the administrator.
pub fn complete_setup(
    conn: &mut DbConnection,
    token_hash: &str,
    username: &Username,
    email: &EmailAddress,
    password_hash: &str,
) -> Result<i64, SetupError> {
    write_tx(conn, |conn| {
        let consumed = diesel::delete(setup_tokens::table.find(token_hash)).execute(conn)?;
        if consumed != 1 || admin_exists(conn)? {
            return Err(SetupError::InvalidToken);
        }
        diesel::delete(setup_tokens::table).execute(conn)?;
        let id = insert_user(conn, username, email, password_hash, Role::Admin, true)?;
        Ok(id)
    })
}

/// Everything Vigie holds about one person, for the "export my data" download.
#[derive(Debug, Clone, Serialize)]
pub struct DataExport {
    pub account: AccountSettings,
    pub threads: Vec<ExportedThread>,
    pub posts: Vec<ExportedPost>,
    pub sessions: Vec<crate::sessions::SessionInfo>,
    /// How notifications are mailed: `{direct, watched}`.
    pub email_preferences: EmailPreferences,
    /// Threads, boards and cities with a chosen watch level.
    pub watches: Vec<ExportedWatch>,
    /// Reports filed on others' posts.
    pub reports: Vec<ExportedReport>,
    /// Observatory proposals (each a whole record, as JSON).
    pub observatory_proposals: Vec<ExportedProposal>,
    /// The local groups the person belongs to, with their role.
    pub groups: Vec<crate::memberships::MyGroup>,
    /// Their answers to actions.
    pub action_answers: Vec<ExportedAnswer>,
    /// How far they read each thread they opened (post number, when).
    pub read_threads: Vec<ExportedRead>,
    /// Their avatar: the picture they uploaded (its address downloads it), or the drawn one.
    pub avatar: ExportedAvatar,
    /// Their private messages: conversations, what they wrote, blocks, preferences, reports.
    pub private_messages: crate::accounts::message_data::ExportedMessages,
    /// Their two-factor sign-in: on or off, since when, recovery codes left (never a secret or
    /// a code).
    pub two_factor: crate::accounts::two_factor_store::ExportedTwoFactor,
    /// The browser families they signed in from (kept for the sign-in notice).
    pub signin_browsers: Vec<crate::accounts::signin_browsers::ExportedBrowser>,
}

/// The avatar in an export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedAvatar {
    /// Whether a picture was uploaded (else the avatar is drawn from the name).
    pub uploaded: bool,
    /// Its address on the forum.
    pub url: String,
    /// The uploaded picture's media type and date.
    pub content_type: Option<String>,
    pub uploaded_at: Option<NaiveDateTime>,
}

/// How far the person read a thread.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedRead {
    pub thread_id: i64,
    pub last_read_number: i64,
    pub read_at: NaiveDateTime,
}

/// An answer the person gave to an action.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedAnswer {
    pub action_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub answer: String,
    pub waitlisted: bool,
    pub hide_name: bool,
    pub answered_at: NaiveDateTime,
}

/// The email preferences in an export.
#[derive(Debug, Clone, Serialize)]
pub struct EmailPreferences {
    pub direct: String,
    pub watched: String,
}

/// One watch level in an export.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedWatch {
    pub target: String,
    pub id: i64,
    pub level: String,
    pub since: NaiveDateTime,
}

/// A thread the person started.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedThread {
    pub id: i64,
    pub title: String,
    pub board: String,
    pub created_at: NaiveDateTime,
}

/// A version of an observatory record the person proposed.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedProposal {
    pub deployment_id: i64,
    pub state: String,
    pub snapshot: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

/// A report the person filed.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedReport {
    pub post_id: i64,
    pub reason: String,
    pub text: String,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
}

/// A post the person wrote, with its Markdown source.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ExportedPost {
    pub id: i64,
    pub thread_id: i64,
    pub number: i64,
    pub body_markdown: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
}

/// Gathers a person's data.
pub fn export(conn: &mut DbConnection, user_id: i64) -> QueryResult<DataExport> {
    use crate::db::schema::{boards, posts, threads};
    let account = account_settings(conn, user_id)?;
    let threads = threads::table
        .inner_join(boards::table)
        .filter(threads::author_id.eq(user_id))
        .order(threads::id.asc())
        .select((
            threads::id,
            threads::title,
            boards::slug,
            threads::created_at,
        ))
        .load(conn)?;
    let posts = posts::table
        .filter(posts::author_id.eq(user_id))
        .order(posts::id.asc())
        .select((
            posts::id,
            posts::thread_id,
            posts::number,
            posts::body_md,
            posts::created_at,
            posts::edited_at,
        ))
        .load(conn)?;
    let sessions = crate::sessions::list(conn, user_id)?;
    let (direct, watched): (String, String) = users::table
        .find(user_id)
        .select((users::email_direct, users::email_watched))
        .first(conn)?;
    let watches = {
        use crate::db::schema::watches;
        watches::table
            .filter(watches::user_id.eq(user_id))
            .order((watches::target_kind, watches::target_id))
            .select((
                watches::target_kind,
                watches::target_id,
                watches::level,
                watches::created_at,
            ))
            .load(conn)?
    };
    let reports = {
        use crate::db::schema::reports;
        reports::table
            .filter(reports::reporter_id.eq(user_id))
            .order(reports::id.asc())
            .select((
                reports::post_id,
                reports::reason,
                reports::body,
                reports::created_at,
                reports::resolved_at,
                reports::resolution,
            ))
            .load(conn)?
    };
    let observatory_proposals = {
        use crate::db::schema::deployment_revisions as r;
        r::table
            .filter(r::author_id.eq(Some(user_id)))
            .order(r::id.asc())
            .select((
                r::deployment_id,
                r::state,
                r::snapshot,
                r::note,
                r::created_at,
            ))
            .load(conn)?
    };
    let action_answers = {
        use crate::db::schema::{action_rsvps, actions};
        action_rsvps::table
            .inner_join(actions::table)
            .filter(action_rsvps::user_id.eq(user_id))
            .order(actions::starts_at.asc())
            .select((
                actions::id,
                actions::title,
                actions::starts_at,
                action_rsvps::answer,
                action_rsvps::waitlisted,
                action_rsvps::hide_name,
                action_rsvps::answered_at,
            ))
            .load(conn)?
    };
    let read_threads = {
        use crate::db::schema::thread_reads as r;
        r::table
            .filter(r::user_id.eq(user_id))
            .order(r::thread_id.asc())
            .select((r::thread_id, r::last_read_number, r::read_at))
            .load(conn)?
    };
    let picture = crate::accounts::avatar_store::current(conn, user_id)?;
    let avatar = ExportedAvatar {
        uploaded: picture.is_some(),
        url: crate::accounts::avatar::url(
            user_id,
            &account.username,
            picture.as_ref().map(|p| p.file.as_str()),
        ),
        content_type: picture.as_ref().map(|p| p.content_type.clone()),
        uploaded_at: picture.as_ref().map(|p| p.created_at),
    };
    let private_messages = crate::accounts::message_data::export(conn, user_id)?;
    Ok(DataExport {
        two_factor: crate::accounts::two_factor_store::export(conn, user_id)?,
        signin_browsers: crate::accounts::signin_browsers::export(conn, user_id)?,
        private_messages,
        avatar,
        groups: crate::memberships::groups_of(conn, user_id)?,
        action_answers,
        read_threads,
        observatory_proposals,
        account,
        threads,
        posts,
        sessions,
        email_preferences: EmailPreferences { direct, watched },
        watches,
        reports,
    })
}

/// Deletes an account: the name, address and password go, every session ends, and the posts
/// stay under an anonymous name — or, with `erase_posts`, lose their text as well.
pub fn delete_account(conn: &mut DbConnection, user_id: i64, erase_posts: bool) -> QueryResult<()> {
    use crate::db::schema::{post_revisions, posts, sessions};
    let at = now();
    write_tx(conn, |conn| {
        let anonymous = format!("deleted-{user_id}");
        diesel::update(users::table.find(user_id))
            .set((
                users::username.eq(&anonymous),
                users::username_key.eq(&anonymous),
                users::username_skeleton.eq(&anonymous),
                users::email.eq(format!("{anonymous}@deleted.invalid")),
                users::email_key.eq(format!("{anonymous}@deleted.invalid")),
                users::password_hash.eq("!"),
                users::role.eq(Role::Member.as_str()),
                users::locale.eq(None::<String>),
                users::home_city_id.eq(None::<i64>),
                users::email_verified_at.eq(None::<NaiveDateTime>),
                users::calendar_token_hash.eq(None::<String>),
            ))
            .execute(conn)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
        crate::accounts::avatar_store::remove(conn, user_id)?;
        {
            use crate::db::schema::{email_tokens, notifications, watches};
            diesel::delete(email_tokens::table.filter(email_tokens::user_id.eq(user_id)))
                .execute(conn)?;
            diesel::delete(watches::table.filter(watches::user_id.eq(user_id))).execute(conn)?;
            // What they read.
            use crate::db::schema::{board_reads, thread_reads};
            diesel::delete(thread_reads::table.filter(thread_reads::user_id.eq(user_id)))
                .execute(conn)?;
            diesel::delete(board_reads::table.filter(board_reads::user_id.eq(user_id)))
                .execute(conn)?;
            diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id)))
                .execute(conn)?;
            // Their mails, and the bodies no one else's mail shares.
            crate::mail::outbox::delete_for_user(conn, user_id)?;
            // Their reports are their words: they go too.
            use crate::db::schema::reports;
            diesel::delete(reports::table.filter(reports::reporter_id.eq(user_id)))
                .execute(conn)?;
        }
        // Their conversations, blocks and message preferences.
        crate::accounts::message_data::forget(conn, user_id, erase_posts)?;
        // Their two-factor secrets and recovery codes, and the browsers they signed in from.
        crate::accounts::two_factor_store::remove(conn, user_id)?;
        diesel::delete(
            crate::db::schema::signin_browsers::table
                .filter(crate::db::schema::signin_browsers::user_id.eq(user_id)),
        )
        .execute(conn)?;
        if erase_posts {
            let own = posts::table
                .filter(posts::author_id.eq(user_id))
                .select(posts::id);
            diesel::delete(post_revisions::table.filter(post_revisions::post_id.eq_any(own)))
                .execute(conn)?;
            diesel::update(posts::table.filter(posts::author_id.eq(user_id)))
                .set((
                    posts::body_md.eq(""),
                    posts::body_html.eq(""),
                    posts::edited_at.eq(Some(at)),
                    posts::version.eq(posts::version + 1),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// The account's mail preferences: (replies, mentions and quotes; watched boards and cities).
pub fn email_preferences(conn: &mut DbConnection, user_id: i64) -> QueryResult<(String, String)> {
    users::table
        .find(user_id)
        .select((users::email_direct, users::email_watched))
        .first(conn)
}

/// Saves the account's mail preferences.
pub fn set_email_preferences(
    conn: &mut DbConnection,
    user_id: i64,
    direct: crate::accounts::domain::EmailMode,
    watched: crate::accounts::domain::EmailMode,
) -> QueryResult<usize> {
    crate::db::write_tx_private(conn, |conn| {
        diesel::update(users::table.find(user_id))
            .set((
                users::email_direct.eq(direct.as_str()),
                users::email_watched.eq(watched.as_str()),
            ))
            .execute(conn)
    })
}
