//! Reviewing proposals: who may review, the queue of pending proposals, publishing (the snapshot
//! copied into the record, its companies and sources, and the discussion thread opened on the
//! first publication) or rejecting with a reason, and reverting to an older published revision.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::domain::{Snapshot, PENDING, PUBLISHED, REJECTED};
use super::store::{insert_revision, resolve, RecordFields};
use crate::db::schema::{
    cities, deployment_companies, deployment_revisions, deployment_sources, deployments,
};
use crate::db::DbConnection;
use crate::sessions::{Role, Viewer};
use crate::validation::{clean_text, FieldError};
use crate::web::error::AppError;

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
        let company_id = crate::observatory::catalogue::company_id_for(conn, name)?;
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
