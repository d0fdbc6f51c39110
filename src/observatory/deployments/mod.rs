//! Deployments: one surveillance technology in one city, with its status, dates, companies,
//! funding, description and sources. Every change is a revision holding the whole record as a
//! JSON snapshot: members propose (a new deployment or an edit), reviewers publish or reject with
//! a reason, and publishing copies the snapshot into the tables that lists, filters and exports
//! read. Until first published, a deployment is seen only by its proposer and reviewers. A
//! revert is a new published revision with an older snapshot.
//!
//! The record and its validation are in `domain`, the SQL of records (proposals, lookups, the
//! published list) in `store`, reviewing (who reviews, the queue, publish, reject, revert) in
//! `review`, and the revision history with its diffs in `history`. Callers use the items
//! re-exported here (`deployments::published`, `deployments::Snapshot`, …), not the files.

mod domain;
mod history;
mod review;
mod store;

pub use domain::{
    parse_date, status_rank, title_key, validate, CompanyRef, Deployment, Filters, Snapshot,
    Source, MAX_COMPANIES, MAX_DESCRIPTION_CHARS, MAX_SOURCES, MAX_TITLE_CHARS, MIN_TITLE_CHARS,
    PENDING, STATUSES,
};
pub use history::{diff, revisions, Change, Revision};
pub use review::{is_reviewer, pending, revert, review, Decision, PendingProposal, Reviewed};
pub use store::{
    by_id, counts, duplicates, propose_edit, propose_new, published, resolve, Proposed,
};
