//! Who may see a deployment's pages and who may review it: a published deployment is public,
//! an unpublished one is shown to its proposer and to reviewers only. Shared by the reading
//! pages (`routes`) and the forms (`form_routes`).

use super::deployments::{self, Deployment};
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// Whether the viewer reviews the observatory's proposals (false when signed out).
pub async fn is_reviewer(ctx: &Ctx) -> Result<bool, AppError> {
    let Some(v) = ctx.viewer.clone() else {
        return Ok(false);
    };
    let board = ctx.config.get().observatory_board.clone();
    ctx.db
        .run(move |conn| deployments::is_reviewer(conn, &v, &board).map_err(AppError::from))
        .await
}

/// Who is looking at a deployment: may they see it, and may they review?
pub async fn access(ctx: &Ctx, d: &Deployment) -> Result<bool, AppError> {
    let reviewer = is_reviewer(ctx).await?;
    let own = ctx.viewer.as_ref().map(|v| v.user_id) == d.proposed_by && d.proposed_by.is_some();
    if d.published_at.is_none() && !reviewer && !own {
        return Err(AppError::NotFound);
    }
    Ok(reviewer)
}

/// A deployment by id, whatever its state (404 when there is none).
pub async fn load(ctx: &Ctx, id: i64) -> Result<Deployment, AppError> {
    let mut d = ctx
        .db
        .run(move |conn| deployments::by_id(conn, id)?.ok_or(AppError::NotFound))
        .await?;
    d.localise(ctx.lang);
    Ok(d)
}
