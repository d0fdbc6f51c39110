//! The SQL behind the observatory's `Article`s: which published deployments were sent
//! (`federated_deployments`, at which version), which are not yet, and which changed since
//! (a new version, unpublished, or removed). The deployments themselves are read through the
//! observatory's own functions (`observatory::deployments`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{deployments, federated_deployments};
use crate::db::DbConnection;

/// Published deployments never recorded as sent, with their versions, lowest id first (at most
/// `limit`).
pub fn unsent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<(i64, i64)>> {
    deployments::table
        .filter(deployments::published_at.is_not_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(
            federated_deployments::table
                .filter(federated_deployments::deployment_id.eq(deployments::id)),
        )))
        .order(deployments::id)
        .limit(limit)
        .select((deployments::id, deployments::version))
        .load(conn)
}

/// A deployment sent whose state changed since: its id, and its version while it is still
/// published (`None`: unpublished or gone).
pub type Changed = (i64, Option<i64>);

/// Deployments sent (and not deleted since) that changed: a new version, no longer published,
/// or gone; at most `limit`, lowest id first.
pub fn changed(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Changed>> {
    let rows: Vec<(i64, Option<i64>, Option<NaiveDateTime>)> = federated_deployments::table
        .left_join(deployments::table.on(deployments::id.eq(federated_deployments::deployment_id)))
        .filter(federated_deployments::deleted.eq(false))
        .filter(
            deployments::id
                .nullable()
                .is_null()
                .or(deployments::published_at.is_null())
                .or(deployments::version
                    .nullable()
                    .ne(federated_deployments::version.nullable())),
        )
        .order(federated_deployments::deployment_id)
        .limit(limit)
        .select((
            federated_deployments::deployment_id,
            deployments::id.nullable(),
            deployments::published_at.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, published)| (id, version.filter(|_| published.is_some())))
        .collect())
}

/// Records a deployment as sent at `version` (or as seen, when nobody followed).
pub fn record(conn: &mut DbConnection, id: i64, version: i64) -> QueryResult<()> {
    let now = crate::db::now();
    crate::on_backend!(&mut *conn, c => diesel::insert_into(federated_deployments::table)
        .values((
            federated_deployments::deployment_id.eq(id),
            federated_deployments::version.eq(version),
            federated_deployments::deleted.eq(false),
            federated_deployments::updated_at.eq(now),
        ))
        .on_conflict(federated_deployments::deployment_id)
        .do_update()
        .set((
            federated_deployments::version.eq(version),
            federated_deployments::deleted.eq(false),
            federated_deployments::updated_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// Records a deployment's `Delete` as sent.
pub fn record_deleted(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(federated_deployments::table.find(id))
        .set((
            federated_deployments::deleted.eq(true),
            federated_deployments::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}
