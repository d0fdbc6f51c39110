//! Who signed the manifesto, as the public and the staff see it: the text with the count of
//! persons and the approved organisations, the organisations waiting for a moderator, and a
//! moderator's decision to list or delete one (logged).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::manifesto_signature::Kind;
use super::manifesto_text::{load_text, StoredText};
use crate::db::schema::manifesto_signatures as sigs;
use crate::db::DbConnection;

/// An organisation on the public list (never its address).
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct PublicOrganisation {
    pub name: String,
    pub website: String,
}

/// What the public page and the API show.
#[derive(Debug, Clone)]
pub struct PublicView {
    pub text: StoredText,
    /// Confirmed persons.
    pub people: i64,
    /// Approved organisations, by name.
    pub organisations: Vec<PublicOrganisation>,
}

/// Reads the text, the count of persons and the list of organisations.
pub fn public_view(conn: &mut DbConnection) -> QueryResult<PublicView> {
    let text = load_text(conn)?;
    let people: i64 = sigs::table
        .filter(sigs::kind.eq(Kind::Person.as_str()))
        .filter(sigs::confirmed_at.is_not_null())
        .count()
        .get_result(conn)?;
    let organisations = sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::approved_at.is_not_null())
        .filter(sigs::confirmed_at.is_not_null())
        .order((sigs::name.asc(), sigs::id.asc()))
        .select((sigs::name, sigs::website))
        .load(conn)?;
    Ok(PublicView {
        text,
        people,
        organisations,
    })
}

/// Confirmed organisations waiting for a moderator.
pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::confirmed_at.is_not_null())
        .filter(sigs::approved_at.is_null())
        .count()
        .get_result(conn)
}

/// An organisation's signature as staff see it (address included, to check who signed).
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct StaffOrganisation {
    pub id: i64,
    pub name: String,
    pub website: String,
    pub email: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
}

/// Confirmed organisations: those waiting (oldest first) and those listed (by name).
pub fn staff_view(
    conn: &mut DbConnection,
) -> QueryResult<(Vec<StaffOrganisation>, Vec<StaffOrganisation>)> {
    let columns = (
        sigs::id,
        sigs::name,
        sigs::website,
        sigs::email,
        sigs::confirmed_at,
        sigs::approved_at,
    );
    let pending = sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::confirmed_at.is_not_null())
        .filter(sigs::approved_at.is_null())
        .order(sigs::confirmed_at.asc())
        .limit(500)
        .select(columns)
        .load(conn)?;
    let approved = sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::approved_at.is_not_null())
        .order((sigs::name.asc(), sigs::id.asc()))
        .select(columns)
        .load(conn)?;
    Ok((pending, approved))
}

/// A moderator's decision on an organisation's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// List it.
    Approve,
    /// Delete it (waiting or listed).
    Reject,
}

impl Decision {
    /// Parses `approve` / `reject`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// Applies a decision (inside a transaction that moves the content version) and logs it; a
/// rejected organisation is logged by number only. Returns false when there is no confirmed
/// organisation with that id (or it is already listed, for an approval).
pub fn decide(
    conn: &mut DbConnection,
    actor_id: i64,
    id: i64,
    decision: Decision,
) -> QueryResult<bool> {
    let target = sigs::table
        .find(id)
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::confirmed_at.is_not_null());
    let name: Option<String> = target.select(sigs::name).first(conn).optional()?;
    let Some(name) = name else {
        return Ok(false);
    };
    let (done, action, label) = match decision {
        Decision::Approve => (
            diesel::update(target.filter(sigs::approved_at.is_null()))
                .set(sigs::approved_at.eq(Some(crate::db::now())))
                .execute(conn)?,
            "manifesto_approve",
            name,
        ),
        Decision::Reject => (
            diesel::delete(target).execute(conn)?,
            "manifesto_reject",
            format!("#{id}"),
        ),
    };
    if done != 1 {
        return Ok(false);
    }
    crate::audit::record(
        conn,
        actor_id,
        action,
        "manifesto_signature",
        id,
        &label,
        "",
        None,
    )?;
    Ok(true)
}
