//! The SQL of deployment records: resolving a proposal's technology and city, duplicates,
//! proposing a new deployment or an edit (the record and a pending revision, ids read back with
//! `RETURNING`), one deployment by id, the published list with its filters, and the counts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::domain::{title_key, CompanyRef, Deployment, Filters, Snapshot, Source, PENDING};
use crate::db::schema::{
    cities, companies, deployment_companies, deployment_revisions, deployment_sources, deployments,
    technologies,
};
use crate::db::DbConnection;
use crate::validation::{clean_text, FieldError};
use crate::web::error::AppError;

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

/// What a proposal returns.
#[derive(Debug, Clone, Serialize)]
pub struct Proposed {
    pub deployment_id: i64,
    pub revision_id: i64,
    /// Published deployments that look the same (same city, technology and title).
    pub possible_duplicates: Vec<i64>,
}

pub(super) fn insert_revision(
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
pub(super) struct RecordFields<'a> {
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
    pub(super) fn of(snapshot: &'a Snapshot, technology_id: i64, city_id: i64) -> Self {
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
    (String, String, String, String, f64, f64, Option<String>),
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
                cities::name_en,
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
        (tech_en, city, city_name, country, lat, lon, city_name_en),
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
        city_name_en,
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
        // `FR-93` (country and code, as the filter form sends it) or a bare code (`93`).
        match region.split_once('-') {
            Some((country, code)) if country.len() == 2 => {
                query = query
                    .filter(cities::country.eq(country.to_ascii_uppercase()))
                    .filter(cities::admin1.eq(code.to_owned()));
            }
            _ => query = query.filter(cities::admin1.eq(region)),
        }
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
