//! A deployment's history: its revisions as listed to each viewer, and the field-by-field
//! changes between two snapshots.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::domain::{Snapshot, Source, PUBLISHED};
use crate::db::schema::deployment_revisions;
use crate::db::DbConnection;

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

/// A revision as the history lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
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

#[cfg(test)]
mod tests {
    use super::*;
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
