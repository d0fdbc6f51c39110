//! Deployments: one surveillance technology in one city, with its status, dates, companies,
//! funding, description and sources. Every change is a revision holding the whole record as a
//! JSON snapshot: members propose (a new deployment or an edit), reviewers publish or reject with
//! a reason, and publishing copies the snapshot into the tables that lists, filters and exports
//! read. Until first published, a deployment is seen only by its proposer and reviewers. A
//! revert is a new published revision with an older snapshot.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{
    cities, companies, deployment_companies, deployment_revisions, deployment_sources, deployments,
    technologies,
};
use crate::db::DbConnection;
use crate::sessions::{Role, Viewer};
use crate::validation::{clean_text, valid_url, FieldError};
use crate::web::error::AppError;

/// How far a deployment has gone.
pub const STATUSES: [&str; 6] = [
    "announced",
    "trial",
    "deployed",
    "suspended",
    "abandoned",
    "ruled_unlawful",
];

/// How advanced a status is, for the map's colour (the most advanced wins in a city).
pub fn status_rank(status: &str) -> i32 {
    match status {
        "deployed" => 6,
        "trial" => 5,
        "announced" => 4,
        "suspended" => 3,
        "ruled_unlawful" => 2,
        "abandoned" => 1,
        _ => 0,
    }
}

/// Shortest title (as a thread's: it names the discussion thread too).
pub const MIN_TITLE_CHARS: usize = 3;
/// Longest title (as a thread's).
pub const MAX_TITLE_CHARS: usize = 150;
/// Longest description (Markdown).
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Most sources on one deployment.
pub const MAX_SOURCES: usize = 30;
/// Most companies on one deployment.
pub const MAX_COMPANIES: usize = 10;

/// A source backing a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Source {
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub archive_url: Option<String>,
}

/// A whole deployment record, as proposed and as stored in each revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Snapshot {
    pub title: String,
    /// Technology slug.
    pub technology: String,
    /// City slug.
    pub city: String,
    pub status: String,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    pub started: String,
    #[serde(default)]
    pub ended: Option<String>,
    #[serde(default)]
    pub companies: Vec<String>,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// A date with month precision allowed: `YYYY-MM` or `YYYY-MM-DD`, a real date. Returns the
/// first day it stands for (for ordering) and the normalised text.
pub fn parse_date(raw: &str) -> Option<(NaiveDate, String)> {
    let raw = raw.trim();
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return (raw.len() == 10).then(|| (d, d.format("%Y-%m-%d").to_string()));
    }
    let (y, m) = raw.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    Some((d, d.format("%Y-%m").to_string()))
}

/// The last day a date stands for (a month ends on its last day).
fn date_end(raw: &str) -> Option<NaiveDate> {
    let (first, text) = parse_date(raw)?;
    if text.len() == 10 {
        return Some(first);
    }
    let next = if first.format("%m").to_string() == "12" {
        NaiveDate::from_ymd_opt(
            first.format("%Y").to_string().parse::<i32>().ok()? + 1,
            1,
            1,
        )
    } else {
        first.checked_add_months(chrono::Months::new(1))
    }?;
    next.pred_opt()
}

fn text(raw: &str, field: &'static str, max: usize, required: bool) -> Result<String, FieldError> {
    let v = clean_text(raw, false).trim().to_owned();
    if required && v.is_empty() {
        return Err(FieldError::new(field, "error-deployment-required"));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, "error-deployment-too-long"));
    }
    Ok(v)
}

/// Checks and normalises a proposed record (every field, sources included). The technology and
/// city are checked against the database by `resolve`.
pub fn validate(input: &Snapshot) -> Result<Snapshot, FieldError> {
    let title = text(&input.title, "title", MAX_TITLE_CHARS, true)?;
    if title.chars().count() < MIN_TITLE_CHARS {
        return Err(FieldError::new("title", "error-deployment-title-short"));
    }
    let status = STATUSES
        .into_iter()
        .find(|s| *s == input.status.trim())
        .ok_or(FieldError::new("status", "error-deployment-status"))?
        .to_owned();
    let (start, started) =
        parse_date(&input.started).ok_or(FieldError::new("started", "error-deployment-date"))?;
    let ended = match input
        .ended
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => {
            let (_, text) =
                parse_date(raw).ok_or(FieldError::new("ended", "error-deployment-date"))?;
            let end = date_end(&text).ok_or(FieldError::new("ended", "error-deployment-date"))?;
            if end < start {
                return Err(FieldError::new(
                    "ended",
                    "error-deployment-end-before-start",
                ));
            }
            Some(text)
        }
    };
    let mut companies: Vec<String> = Vec::new();
    for c in &input.companies {
        let name = text(c, "companies", 120, false)?;
        // One company, however written (case, accents, spacing): the catalogue's key decides.
        let key = super::catalogue::company_key(&name);
        if !name.is_empty()
            && !companies
                .iter()
                .any(|n| super::catalogue::company_key(n) == key)
        {
            companies.push(name);
        }
    }
    if companies.len() > MAX_COMPANIES {
        return Err(FieldError::new("companies", "error-deployment-too-many"));
    }
    let funding = text(&input.funding, "funding", 1000, false)?;
    let description = clean_text(&input.description, true).trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::new("description", "error-deployment-too-long"));
    }
    crate::markdown::check_nesting(&description, "description")?;
    if input.sources.len() > MAX_SOURCES {
        return Err(FieldError::new("sources", "error-deployment-too-many"));
    }
    let mut sources = Vec::new();
    for s in &input.sources {
        if s.url.trim().is_empty() && s.title.trim().is_empty() {
            continue;
        }
        if !valid_url(&s.url) {
            return Err(FieldError::new("sources", "error-deployment-source-url"));
        }
        let title = text(&s.title, "sources", 300, true)?;
        let publisher = text(&s.publisher, "sources", 200, false)?;
        let date = match s.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(
                parse_date(d)
                    .ok_or(FieldError::new("sources", "error-deployment-source-date"))?
                    .1,
            ),
        };
        let archive_url = match s
            .archive_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => None,
            Some(u) if valid_url(u) => Some(u.to_owned()),
            Some(_) => return Err(FieldError::new("sources", "error-deployment-source-url")),
        };
        sources.push(Source {
            url: s.url.trim().to_owned(),
            title,
            publisher,
            date,
            archive_url,
        });
    }
    Ok(Snapshot {
        title,
        technology: input.technology.trim().to_owned(),
        city: input.city.trim().to_owned(),
        status,
        started,
        ended,
        companies,
        funding,
        description,
        sources,
    })
}

/// The comparison key of a title (for duplicates).
pub fn title_key(title: &str) -> String {
    crate::validation::slugify(title, 200)
}

/// The technology and city ids of a snapshot (the city by slug or unambiguous name).
pub fn resolve(conn: &mut DbConnection, snapshot: &mut Snapshot) -> Result<(i64, i64), AppError> {
    let tech: Option<i64> = technologies::table
        .filter(technologies::slug.eq(&snapshot.technology))
        .select(technologies::id)
        .first(conn)
        .optional()?;
    let tech = tech.ok_or(AppError::Invalid(FieldError::new(
        "technology",
        "error-deployment-technology",
    )))?;
    let city = crate::gazetteer::resolve(conn, &snapshot.city)?.single("city")?;
    snapshot.city = city.slug.clone();
    Ok((tech, city.id))
}

/// Published deployments with the same city, technology and title (ids).
pub fn duplicates(
    conn: &mut DbConnection,
    city_id: i64,
    technology_id: i64,
    title: &str,
    except: Option<i64>,
) -> QueryResult<Vec<i64>> {
    deployments::table
        .filter(deployments::city_id.eq(city_id))
        .filter(deployments::technology_id.eq(technology_id))
        .filter(deployments::title_key.eq(title_key(title)))
        .filter(deployments::published_at.is_not_null())
        .filter(deployments::id.ne(except.unwrap_or(0)))
        .select(deployments::id)
        .load(conn)
}

/// Who may review proposals: administrators, global moderators, and the moderators of the
/// observatory's board (its documentalists).
pub fn is_reviewer(
    conn: &mut DbConnection,
    viewer: &Viewer,
    board_slug: &str,
) -> QueryResult<bool> {
    if viewer.role != Role::Member {
        return Ok(true);
    }
    if !viewer.moderates_boards {
        return Ok(false);
    }
    use crate::db::schema::{board_moderators, boards};
    let n: i64 = board_moderators::table
        .inner_join(boards::table)
        .filter(board_moderators::user_id.eq(viewer.user_id))
        .filter(boards::slug.eq(board_slug))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Revision states.
pub const PENDING: &str = "pending";
const PUBLISHED: &str = "published";
const REJECTED: &str = "rejected";

/// What a proposal returns.
#[derive(Debug, Clone, Serialize)]
pub struct Proposed {
    pub deployment_id: i64,
    pub revision_id: i64,
    /// Published deployments that look the same (same city, technology and title).
    pub possible_duplicates: Vec<i64>,
}

fn insert_revision(
    conn: &mut DbConnection,
    deployment_id: i64,
    author_id: i64,
    state: &str,
    snapshot: &Snapshot,
    note: &str,
) -> Result<i64, AppError> {
    let now = crate::db::now();
    let json = serde_json::to_string(snapshot).map_err(AppError::internal)?;
    Ok(diesel::insert_into(deployment_revisions::table)
        .values((
            deployment_revisions::deployment_id.eq(deployment_id),
            deployment_revisions::author_id.eq(Some(author_id)),
            deployment_revisions::state.eq(state),
            deployment_revisions::snapshot.eq(&json),
            deployment_revisions::note.eq(note),
            deployment_revisions::created_at.eq(now),
        ))
        .returning(deployment_revisions::id)
        .get_result(conn)?)
}

/// The columns of a deployment that a snapshot sets, for both the first insert and every
/// publication (`ended: None` writes NULL).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = deployments, treat_none_as_null = true)]
struct RecordFields<'a> {
    city_id: i64,
    technology_id: i64,
    title: &'a str,
    title_key: String,
    status: &'a str,
    started: &'a str,
    ended: Option<&'a str>,
    funding: &'a str,
    description_md: &'a str,
    description_html: String,
}

impl<'a> RecordFields<'a> {
    fn of(snapshot: &'a Snapshot, technology_id: i64, city_id: i64) -> Self {
        RecordFields {
            city_id,
            technology_id,
            title: &snapshot.title,
            title_key: title_key(&snapshot.title),
            status: &snapshot.status,
            started: &snapshot.started,
            ended: snapshot.ended.as_deref(),
            funding: &snapshot.funding,
            description_md: &snapshot.description,
            description_html: crate::markdown::cook(&snapshot.description).into_string(),
        }
    }
}

/// Proposes a new deployment (inside a transaction): an unpublished record and its first,
/// pending revision.
pub fn propose_new(
    conn: &mut DbConnection,
    author_id: i64,
    mut snapshot: Snapshot,
) -> Result<Proposed, AppError> {
    let (technology_id, city_id) = resolve(conn, &mut snapshot)?;
    let possible_duplicates = duplicates(conn, city_id, technology_id, &snapshot.title, None)?;
    let now = crate::db::now();
    let deployment_id: i64 = diesel::insert_into(deployments::table)
        .values((
            RecordFields::of(&snapshot, technology_id, city_id),
            deployments::proposed_by.eq(Some(author_id)),
            deployments::created_at.eq(now),
            deployments::updated_at.eq(now),
        ))
        .returning(deployments::id)
        .get_result(conn)?;
    let revision_id = insert_revision(conn, deployment_id, author_id, PENDING, &snapshot, "")?;
    Ok(Proposed {
        deployment_id,
        revision_id,
        possible_duplicates,
    })
}

/// Proposes an edit of a deployment (inside a transaction).
pub fn propose_edit(
    conn: &mut DbConnection,
    author_id: i64,
    deployment_id: i64,
    mut snapshot: Snapshot,
    note: &str,
) -> Result<Proposed, AppError> {
    let (technology_id, city_id) = resolve(conn, &mut snapshot)?;
    let possible_duplicates = duplicates(
        conn,
        city_id,
        technology_id,
        &snapshot.title,
        Some(deployment_id),
    )?;
    let note = clean_text(note, false)
        .trim()
        .chars()
        .take(500)
        .collect::<String>();
    let revision_id = insert_revision(conn, deployment_id, author_id, PENDING, &snapshot, &note)?;
    Ok(Proposed {
        deployment_id,
        revision_id,
        possible_duplicates,
    })
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Publish,
    Reject,
}

impl Decision {
    /// Parses `publish` / `reject`.
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "publish" => Some(Decision::Publish),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// What publishing did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Reviewed {
    pub deployment_id: i64,
    pub revision_id: i64,
    /// The deployment was published for the first time (its discussion thread was made).
    pub first_publication: bool,
}

/// Decides on a pending revision (the oldest one of the deployment unless `revision_id` says
/// which). Publishing needs at least one source and copies the snapshot into the record.
pub fn review(
    conn: &mut DbConnection,
    reviewer_id: i64,
    deployment_id: i64,
    revision_id: Option<i64>,
    decision: Decision,
    reason: &str,
    board_slug: &str,
) -> Result<Reviewed, AppError> {
    let mut pending = deployment_revisions::table
        .filter(deployment_revisions::deployment_id.eq(deployment_id))
        .filter(deployment_revisions::state.eq(PENDING))
        .into_boxed();
    if let Some(id) = revision_id {
        pending = pending.filter(deployment_revisions::id.eq(id));
    }
    let pending: Option<(i64, String)> = pending
        .order(deployment_revisions::id.asc())
        .select((deployment_revisions::id, deployment_revisions::snapshot))
        .first(conn)
        .optional()?;
    let (revision_id, json) = pending.ok_or(AppError::NotFound)?;
    let reason = clean_text(reason, true).trim().to_owned();
    if reason.chars().count() > 1000 {
        return Err(AppError::Invalid(FieldError::new(
            "reason",
            "error-reason-too-long",
        )));
    }
    let now = crate::db::now();
    if decision == Decision::Reject {
        diesel::update(deployment_revisions::table.find(revision_id))
            .set((
                deployment_revisions::state.eq(REJECTED),
                deployment_revisions::reviewer_id.eq(Some(reviewer_id)),
                deployment_revisions::review_reason.eq(&reason),
                deployment_revisions::reviewed_at.eq(Some(now)),
            ))
            .execute(conn)?;
        return Ok(Reviewed {
            deployment_id,
            revision_id,
            first_publication: false,
        });
    }
    let mut snapshot: Snapshot = serde_json::from_str(&json).map_err(AppError::internal)?;
    if snapshot.sources.is_empty() {
        return Err(AppError::Invalid(FieldError::new(
            "sources",
            "error-deployment-source-required",
        )));
    }
    let (technology_id, city_id) = resolve(conn, &mut snapshot)?;
    let first_publication = apply(conn, deployment_id, technology_id, city_id, &snapshot, now)?;
    diesel::update(deployment_revisions::table.find(revision_id))
        .set((
            deployment_revisions::state.eq(PUBLISHED),
            deployment_revisions::reviewer_id.eq(Some(reviewer_id)),
            deployment_revisions::review_reason.eq(&reason),
            deployment_revisions::reviewed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    if first_publication {
        create_thread(conn, deployment_id, city_id, &snapshot, board_slug)?;
    }
    Ok(Reviewed {
        deployment_id,
        revision_id,
        first_publication,
    })
}

/// Copies a snapshot into the record, its companies and sources; returns true on the first
/// publication.
fn apply(
    conn: &mut DbConnection,
    deployment_id: i64,
    technology_id: i64,
    city_id: i64,
    snapshot: &Snapshot,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let before: Option<(Option<NaiveDateTime>, i64)> = deployments::table
        .find(deployment_id)
        .select((deployments::published_at, deployments::city_id))
        .first(conn)
        .optional()?;
    let (was_published, old_city) = before.ok_or(AppError::NotFound)?;
    diesel::update(deployments::table.find(deployment_id))
        .set((
            RecordFields::of(snapshot, technology_id, city_id),
            deployments::updated_at.eq(now),
            deployments::published_at.eq(Some(was_published.unwrap_or(now))),
            deployments::version.eq(deployments::version + 1),
        ))
        .execute(conn)?;
    diesel::delete(
        deployment_companies::table.filter(deployment_companies::deployment_id.eq(deployment_id)),
    )
    .execute(conn)?;
    for name in &snapshot.companies {
        let company_id = super::catalogue::company_id_for(conn, name)?;
        diesel::insert_into(deployment_companies::table)
            .values((
                deployment_companies::deployment_id.eq(deployment_id),
                deployment_companies::company_id.eq(company_id),
            ))
            .execute(conn)?;
    }
    diesel::delete(
        deployment_sources::table.filter(deployment_sources::deployment_id.eq(deployment_id)),
    )
    .execute(conn)?;
    for (i, s) in snapshot.sources.iter().enumerate() {
        diesel::insert_into(deployment_sources::table)
            .values((
                deployment_sources::deployment_id.eq(deployment_id),
                deployment_sources::position.eq(i as i64),
                deployment_sources::url.eq(&s.url),
                deployment_sources::title.eq(&s.title),
                deployment_sources::publisher.eq(&s.publisher),
                deployment_sources::published_on.eq(&s.date),
                deployment_sources::archive_url.eq(&s.archive_url),
            ))
            .execute(conn)?;
    }
    // The city pages show their dossiers: they changed (both cities, after a move).
    diesel::update(cities::table.filter(cities::id.eq_any([city_id, old_city])))
        .set(cities::version.eq(cities::version + 1))
        .execute(conn)?;
    Ok(was_published.is_none())
}

/// Opens the deployment's discussion thread in the observatory's board, attached to the city,
/// written by the proposer.
fn create_thread(
    conn: &mut DbConnection,
    deployment_id: i64,
    city_id: i64,
    snapshot: &Snapshot,
    board_slug: &str,
) -> Result<(), AppError> {
    let Some(board) = crate::forum::queries::board_by_slug(conn, board_slug)? else {
        tracing::warn!(
            board = board_slug,
            "observatory board missing: no discussion thread"
        );
        return Ok(());
    };
    let author: Option<Option<i64>> = deployments::table
        .find(deployment_id)
        .select(deployments::proposed_by)
        .first(conn)
        .optional()?;
    let Some(Some(author_id)) = author else {
        return Ok(());
    };
    let title =
        crate::forum::domain::ThreadTitle::parse(&snapshot.title).map_err(AppError::Invalid)?;
    let body = crate::forum::domain::PostBody::parse(&format!(
        "[{}](/observatoire/d/{deployment_id})\n\n{}",
        snapshot.title,
        snapshot.description.chars().take(2000).collect::<String>()
    ))
    .map_err(AppError::Invalid)?;
    // A short generated text: cooked here, inside the caller's transaction.
    let body = crate::forum::domain::CookedBody::new(body);
    let written = crate::forum::posting_queries::create_thread_in(
        conn,
        crate::forum::posting_queries::NewThread {
            board_id: board.id,
            city_id: Some(city_id),
            author_id,
            title: &title,
            body: &body,
        },
    )?;
    diesel::update(deployments::table.find(deployment_id))
        .set(deployments::thread_id.eq(Some(written.thread_id)))
        .execute(conn)?;
    Ok(())
}

/// Makes an older published revision current again, as a new published revision by `reviewer`.
pub fn revert(
    conn: &mut DbConnection,
    reviewer_id: i64,
    deployment_id: i64,
    to_revision: i64,
    board_slug: &str,
) -> Result<Reviewed, AppError> {
    let json: Option<String> = deployment_revisions::table
        .filter(deployment_revisions::id.eq(to_revision))
        .filter(deployment_revisions::deployment_id.eq(deployment_id))
        .filter(deployment_revisions::state.eq(PUBLISHED))
        .select(deployment_revisions::snapshot)
        .first(conn)
        .optional()?;
    let json = json.ok_or(AppError::NotFound)?;
    let snapshot: Snapshot = serde_json::from_str(&json).map_err(AppError::internal)?;
    let newest = insert_revision(
        conn,
        deployment_id,
        reviewer_id,
        PENDING,
        &snapshot,
        &format!("revert:{to_revision}"),
    )?;
    review(
        conn,
        reviewer_id,
        deployment_id,
        Some(newest),
        Decision::Publish,
        "",
        board_slug,
    )
}

/// A deployment as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct Deployment {
    pub id: i64,
    pub title: String,
    pub technology: String,
    pub technology_name: String,
    pub technology_name_en: String,
    pub city: String,
    pub city_name: String,
    pub country: String,
    pub region: String,
    pub latitude: f64,
    pub longitude: f64,
    pub status: String,
    pub started: String,
    pub ended: Option<String>,
    pub funding: String,
    pub description_md: String,
    pub description_html: String,
    pub thread_id: Option<i64>,
    pub proposed_by: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub companies: Vec<CompanyRef>,
    pub sources: Vec<Source>,
}

/// A company as a deployment names it.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyRef {
    pub slug: String,
    pub name: String,
}

type DeploymentRow = (
    (
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
    ),
    (String, String, String, String, f64, f64),
    (
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<NaiveDateTime>,
        NaiveDateTime,
        i64,
    ),
);

macro_rules! deployment_columns {
    () => {
        (
            (
                deployments::id,
                deployments::title,
                deployments::status,
                deployments::started,
                deployments::ended,
                deployments::funding,
                technologies::slug,
                technologies::name,
            ),
            (
                technologies::name_en,
                cities::slug,
                cities::name,
                cities::country,
                cities::latitude,
                cities::longitude,
            ),
            (
                cities::admin1,
                deployments::description_md,
                deployments::description_html,
                deployments::thread_id,
                deployments::proposed_by,
                deployments::published_at,
                deployments::updated_at,
                deployments::version,
            ),
        )
    };
}

fn from_row(r: DeploymentRow) -> Deployment {
    let (
        (id, title, status, started, ended, funding, tech, tech_name),
        (tech_en, city, city_name, country, lat, lon),
        (region, md, html, thread_id, proposed_by, published_at, updated_at, version),
    ) = r;
    Deployment {
        id,
        title,
        technology: tech,
        technology_name: tech_name,
        technology_name_en: tech_en,
        city,
        city_name,
        country,
        region,
        latitude: lat,
        longitude: lon,
        status,
        started,
        ended,
        funding,
        description_md: md,
        description_html: html,
        thread_id,
        proposed_by,
        published_at,
        updated_at,
        version,
        companies: Vec::new(),
        sources: Vec::new(),
    }
}

/// A source row: deployment id, url, title, publisher, date, archive.
type SourceRow = (i64, String, String, String, Option<String>, Option<String>);

/// A revision row: id, author id, state, snapshot, note, reviewer id, reason, reviewed at,
/// created at, author name.
type RevisionRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<i64>,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<String>,
);

/// A pending proposal row: revision, deployment, title, published at, author, created at,
/// author id.
type PendingRow = (
    i64,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<String>,
    NaiveDateTime,
    Option<i64>,
);

/// Published counts by technology and by status.
type Counts = (Vec<(String, i64)>, Vec<(String, i64)>);

/// Fills in the companies and sources of a page of deployments (two statements).
fn with_details(
    conn: &mut DbConnection,
    mut list: Vec<Deployment>,
) -> QueryResult<Vec<Deployment>> {
    let ids: Vec<i64> = list.iter().map(|d| d.id).collect();
    let companies: Vec<(i64, String, String)> = deployment_companies::table
        .inner_join(companies::table)
        .filter(deployment_companies::deployment_id.eq_any(&ids))
        .order(companies::name.asc())
        .select((
            deployment_companies::deployment_id,
            companies::slug,
            companies::name,
        ))
        .load(conn)?;
    let sources: Vec<SourceRow> = deployment_sources::table
        .filter(deployment_sources::deployment_id.eq_any(&ids))
        .order((
            deployment_sources::deployment_id,
            deployment_sources::position,
        ))
        .select((
            deployment_sources::deployment_id,
            deployment_sources::url,
            deployment_sources::title,
            deployment_sources::publisher,
            deployment_sources::published_on,
            deployment_sources::archive_url,
        ))
        .load(conn)?;
    for d in &mut list {
        d.companies = companies
            .iter()
            .filter(|c| c.0 == d.id)
            .map(|c| CompanyRef {
                slug: c.1.clone(),
                name: c.2.clone(),
            })
            .collect();
        d.sources = sources
            .iter()
            .filter(|s| s.0 == d.id)
            .map(|s| Source {
                url: s.1.clone(),
                title: s.2.clone(),
                publisher: s.3.clone(),
                date: s.4.clone(),
                archive_url: s.5.clone(),
            })
            .collect();
    }
    Ok(list)
}

/// One deployment, whatever its state (callers check who may see an unpublished one).
pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Deployment>> {
    let row: Option<DeploymentRow> = deployments::table
        .inner_join(technologies::table)
        .inner_join(cities::table)
        .filter(deployments::id.eq(id))
        .select(deployment_columns!())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(r) => Ok(with_details(conn, vec![from_row(r)])?.pop()),
    }
}

/// Filters of the published list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub technology: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
}

impl Filters {
    fn clean(v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// The filters with empty values dropped.
    pub fn normalised(&self) -> Filters {
        Filters {
            technology: Self::clean(&self.technology),
            status: Self::clean(&self.status),
            country: Self::clean(&self.country).map(|c| c.to_uppercase()),
            region: Self::clean(&self.region),
            company: Self::clean(&self.company),
            city: Self::clean(&self.city),
        }
    }
}

/// Every published deployment matching the filters, newest change first, after the `before`
/// cursor (an update time and id), at most `limit`; with companies and sources.
pub fn published(
    conn: &mut DbConnection,
    filters: &Filters,
    before: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> QueryResult<Vec<Deployment>> {
    let f = filters.normalised();
    let company_ids: Option<Vec<i64>> = match &f.company {
        None => None,
        Some(slug) => Some(
            deployment_companies::table
                .inner_join(companies::table)
                .filter(companies::slug.eq(slug))
                .select(deployment_companies::deployment_id)
                .load(conn)?,
        ),
    };
    // Without a cursor, a time after any stored one (stored as text on SQLite, so a year with
    // four digits: chrono's MAX would sort first).
    let far_future = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or_default();
    let (before_at, before_id) = before.unwrap_or((far_future, i64::MAX));
    let mut query = deployments::table
        .inner_join(technologies::table)
        .inner_join(cities::table)
        .filter(deployments::published_at.is_not_null())
        .into_boxed();
    // Each filter adds a condition only when it is given.
    if let Some(technology) = f.technology {
        query = query.filter(technologies::slug.eq(technology));
    }
    if let Some(status) = f.status {
        query = query.filter(deployments::status.eq(status));
    }
    if let Some(country) = f.country {
        query = query.filter(cities::country.eq(country));
    }
    if let Some(region) = f.region {
        query = query.filter(cities::admin1.eq(region));
    }
    if let Some(city) = f.city {
        query = query.filter(cities::slug.eq(city));
    }
    if let Some(ids) = company_ids {
        query = query.filter(deployments::id.eq_any(ids));
    }
    let rows: Vec<DeploymentRow> = query
        .filter(
            deployments::updated_at
                .lt(before_at)
                .or(deployments::updated_at
                    .eq(before_at)
                    .and(deployments::id.lt(before_id))),
        )
        .order((deployments::updated_at.desc(), deployments::id.desc()))
        .limit(limit)
        .select(deployment_columns!())
        .load(conn)?;
    with_details(conn, rows.into_iter().map(from_row).collect())
}

/// A revision as the history lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub id: i64,
    pub author: Option<String>,
    pub state: String,
    pub note: String,
    pub reviewer: Option<String>,
    pub review_reason: String,
    pub reviewed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub snapshot: Snapshot,
    /// What changed from the previous published revision, field by field.
    pub changes: Vec<Change>,
}

/// One field's change between two revisions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

fn show_list(items: &[String]) -> String {
    items.join(", ")
}

fn show_sources(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| format!("{} <{}>", s.title, s.url))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fields that differ between two snapshots.
pub fn diff(before: &Snapshot, after: &Snapshot) -> Vec<Change> {
    let pairs: [(&'static str, String, String); 10] = [
        ("title", before.title.clone(), after.title.clone()),
        (
            "technology",
            before.technology.clone(),
            after.technology.clone(),
        ),
        ("city", before.city.clone(), after.city.clone()),
        ("status", before.status.clone(), after.status.clone()),
        ("started", before.started.clone(), after.started.clone()),
        (
            "ended",
            before.ended.clone().unwrap_or_default(),
            after.ended.clone().unwrap_or_default(),
        ),
        (
            "companies",
            show_list(&before.companies),
            show_list(&after.companies),
        ),
        ("funding", before.funding.clone(), after.funding.clone()),
        (
            "description",
            before.description.clone(),
            after.description.clone(),
        ),
        (
            "sources",
            show_sources(&before.sources),
            show_sources(&after.sources),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(field, before, after)| Change {
            field,
            before,
            after,
        })
        .collect()
}

/// A deployment's revisions, oldest first: all of them for reviewers; for others the published
/// ones and their own proposals. Published ones carry their changes from the previous published.
pub fn revisions(
    conn: &mut DbConnection,
    deployment_id: i64,
    viewer: Option<i64>,
    reviewer: bool,
) -> QueryResult<Vec<Revision>> {
    use crate::db::schema::users;
    let authors = diesel::alias!(users as authors);
    let rows: Vec<RevisionRow> = deployment_revisions::table
        .left_join(
            authors.on(authors
                .field(users::id)
                .nullable()
                .eq(deployment_revisions::author_id)),
        )
        .filter(deployment_revisions::deployment_id.eq(deployment_id))
        .order(deployment_revisions::id.asc())
        .select((
            deployment_revisions::id,
            deployment_revisions::author_id,
            deployment_revisions::state,
            deployment_revisions::snapshot,
            deployment_revisions::note,
            deployment_revisions::reviewer_id,
            deployment_revisions::review_reason,
            deployment_revisions::reviewed_at,
            deployment_revisions::created_at,
            authors.field(users::username).nullable(),
        ))
        .load(conn)?;
    let reviewer_ids: Vec<i64> = rows.iter().filter_map(|r| r.5).collect();
    let names: Vec<(i64, String)> = users::table
        .filter(users::id.eq_any(reviewer_ids))
        .select((users::id, users::username))
        .load(conn)?;
    let mut previous: Option<Snapshot> = None;
    let mut out = Vec::new();
    for (
        id,
        author_id,
        state,
        json,
        note,
        reviewer_id,
        review_reason,
        reviewed_at,
        created_at,
        author,
    ) in rows
    {
        let snapshot: Snapshot = serde_json::from_str(&json).unwrap_or_default();
        let changes = match &previous {
            Some(p) => diff(p, &snapshot),
            None => diff(&Snapshot::default(), &snapshot),
        };
        if state == PUBLISHED {
            previous = Some(snapshot.clone());
        }
        let visible =
            state == PUBLISHED || reviewer || (author_id.is_some() && author_id == viewer);
        if !visible {
            continue;
        }
        out.push(Revision {
            id,
            author,
            state,
            note,
            reviewer: reviewer_id
                .and_then(|r| names.iter().find(|n| n.0 == r).map(|n| n.1.clone())),
            review_reason,
            reviewed_at,
            created_at,
            snapshot,
            changes,
        });
    }
    Ok(out)
}

/// A proposal waiting for review.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct PendingProposal {
    pub revision_id: i64,
    pub deployment_id: i64,
    pub title: String,
    pub published: bool,
    pub author: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Pending proposals, oldest first: every one for reviewers, else the viewer's own.
pub fn pending(conn: &mut DbConnection, author: Option<i64>) -> QueryResult<Vec<PendingProposal>> {
    use crate::db::schema::users;
    let rows: Vec<PendingRow> = deployment_revisions::table
        .inner_join(deployments::table)
        .left_join(users::table.on(users::id.nullable().eq(deployment_revisions::author_id)))
        .filter(deployment_revisions::state.eq(PENDING))
        .order(deployment_revisions::id.asc())
        .limit(500)
        .select((
            deployment_revisions::id,
            deployments::id,
            deployments::title,
            deployments::published_at,
            users::username.nullable(),
            deployment_revisions::created_at,
            deployment_revisions::author_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| author.is_none() || r.6 == author)
        .map(
            |(revision_id, deployment_id, title, published_at, author, created_at, _)| {
                PendingProposal {
                    revision_id,
                    deployment_id,
                    title,
                    published: published_at.is_some(),
                    author,
                    created_at,
                }
            },
        )
        .collect())
}

/// The published counts by technology and by status.
pub fn counts(conn: &mut DbConnection) -> QueryResult<Counts> {
    let by_tech: Vec<(String, i64)> = deployments::table
        .inner_join(technologies::table)
        .filter(deployments::published_at.is_not_null())
        .group_by(technologies::slug)
        .select((technologies::slug, diesel::dsl::count(deployments::id)))
        .load(conn)?;
    let by_status: Vec<(String, i64)> = deployments::table
        .filter(deployments::published_at.is_not_null())
        .group_by(deployments::status)
        .select((deployments::status, diesel::dsl::count(deployments::id)))
        .load(conn)?;
    Ok((by_tech, by_status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_allow_months_and_must_be_real() {
        assert_eq!(parse_date("2024-03").map(|d| d.1), Some("2024-03".into()));
        assert_eq!(
            parse_date("2024-02-29").map(|d| d.1),
            Some("2024-02-29".into())
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-13").is_none());
        assert!(parse_date("24-03").is_none());
        assert_eq!(date_end("2024-02"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(date_end("2024-12"), NaiveDate::from_ymd_opt(2024, 12, 31));
    }

    #[test]
    fn only_web_urls_are_sources() {
        assert!(valid_url("https://www.laquadrature.net/2023/vsa"));
        assert!(valid_url("http://exemple.fr"));
        assert!(!valid_url("javascript:alert(1)"));
        assert!(!valid_url("ftp://exemple.fr/x"));
        assert!(!valid_url("exemple.fr"));
    }

    #[test]
    fn an_end_before_the_start_is_refused_even_within_a_month() {
        let mut s = Snapshot {
            title: "VSA au stade".into(),
            technology: "vsa".into(),
            city: "nice".into(),
            status: "trial".into(),
            started: "2024-05".into(),
            ended: Some("2024-04".into()),
            ..Snapshot::default()
        };
        assert_eq!(validate(&s).unwrap_err().field, "ended");
        s.ended = Some("2024-05".into());
        assert!(validate(&s).is_ok(), "the same month is fine");
        s.started = "2024-05-20".into();
        s.ended = Some("2024-05".into());
        assert!(validate(&s).is_ok(), "a month ends on its last day");
    }

    #[test]
    fn diffs_name_the_changed_fields() {
        let a = Snapshot {
            title: "A".into(),
            status: "trial".into(),
            ..Snapshot::default()
        };
        let mut b = a.clone();
        b.status = "deployed".into();
        let d = diff(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "status");
    }
}
