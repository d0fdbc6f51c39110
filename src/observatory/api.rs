//! The observatory's JSON API (inside `/api/v1`):
//!
//! - `GET /deployments` `?technology=&status=&country=&region=&company=&city=&cursor=` → published
//!   deployments, newest change first, `{deployments, next_cursor}`
//! - `GET /deployments/{id}` → one deployment with its sources and revisions (an unpublished
//!   one only for its proposer and reviewers; 404 for anyone else)
//! - `POST /deployments` `{title, technology, city, status, started, ended?, companies?,
//!   funding?, description, sources: [{url, title, publisher?, date?, archive_url?}]}` → 201
//!   `{id, revision_id, possible_duplicates}` (verified members)
//! - `POST /deployments/{id}/revisions` (same body, plus `note?`) → 201: an edit proposal
//! - `POST /deployments/{id}/review` `{decision: "publish"|"reject", reason?, revision?}` → 200
//!   (reviewers)
//! - `POST /deployments/{id}/revert` `{revision}` → 200 (reviewers)
//! - `GET /technologies`, `GET /companies`

use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::{json, Value};

use super::catalogue;
use super::deployments::{self, Decision, Filters, Snapshot};
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::parse_id;

/// Deployments per API page.
const PAGE: i64 = 50;

/// Registers the routes (inside `/api/v1`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/deployments", web::get().to(list))
        .route("/deployments", web::post().to(propose))
        .route("/deployments/{id}", web::get().to(one))
        .route("/deployments/{id}/revisions", web::post().to(propose_edit))
        .route("/deployments/{id}/review", web::post().to(review))
        .route("/deployments/{id}/revert", web::post().to(revert))
        .route("/technologies", web::get().to(technologies))
        .route("/companies", web::get().to(companies));
}

/// A cursor: the update time and id of the last item, as `SECONDS.NANOS_ID`.
pub fn encode_cursor(at: NaiveDateTime, id: i64) -> String {
    let t = at.and_utc();
    format!("{}.{}_{}", t.timestamp(), t.timestamp_subsec_nanos(), id)
}

/// Reads a cursor back; a bad one is a 400.
pub fn decode_cursor(raw: &str) -> Result<(NaiveDateTime, i64), AppError> {
    let bad = || AppError::BadRequest("error-bad-cursor");
    let (time, id) = raw.split_once('_').ok_or_else(bad)?;
    let (secs, nanos) = time.split_once('.').ok_or_else(bad)?;
    let at = chrono::DateTime::from_timestamp(
        secs.parse().map_err(|_| bad())?,
        nanos.parse().map_err(|_| bad())?,
    )
    .ok_or_else(bad)?
    .naive_utc();
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// A deployment as the API shows it.
pub fn deployment_json(d: &deployments::Deployment, base_url: &str) -> Value {
    json!({
        "id": d.id,
        "url": format!("{base_url}/observatoire/d/{}", d.id),
        "title": d.title,
        "technology": d.technology,
        "technology_name": {"fr": d.technology_name, "en": d.technology_name_en},
        "city": d.city,
        "city_name": d.city_name,
        "country": d.country,
        "region": d.region,
        "latitude": d.latitude,
        "longitude": d.longitude,
        "status": d.status,
        "started": d.started,
        "ended": d.ended,
        "companies": d.companies,
        "funding": d.funding,
        "description": d.description_md,
        "description_html": d.description_html,
        "sources": d.sources,
        "thread_id": d.thread_id,
        "published": d.published_at.is_some(),
        "published_at": d.published_at,
        "updated_at": d.updated_at,
        "version": d.version,
    })
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default)]
    cursor: Option<String>,
}

async fn list(ctx: ApiCtx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let before = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(decode_cursor(c)?),
        None => None,
    };
    let filters = query.filters;
    let rows = ctx
        .db
        .run(move |conn| {
            deployments::published(conn, &filters, before, PAGE + 1).map_err(AppError::from)
        })
        .await?;
    let next = (rows.len() as i64 > PAGE).then(|| {
        let last = &rows[PAGE as usize - 1];
        encode_cursor(last.updated_at, last.id)
    });
    let base = ctx.settings.base_url().to_owned();
    let items: Vec<Value> = rows
        .iter()
        .take(PAGE as usize)
        .map(|d| deployment_json(d, &base))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"deployments": items, "next_cursor": next})))
}

async fn one(ctx: ApiCtx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone();
    let board = ctx.config.get().observatory_board.clone();
    let (d, revisions) = ctx
        .db
        .run(move |conn| {
            let d = deployments::by_id(conn, id)?.ok_or(AppError::NotFound)?;
            let reviewer = match &viewer {
                Some(v) => deployments::is_reviewer(conn, v, &board)?,
                None => false,
            };
            let viewer_id = viewer.as_ref().map(|v| v.user_id);
            if d.published_at.is_none() && !reviewer && d.proposed_by != viewer_id {
                return Err(AppError::NotFound);
            }
            let revisions = deployments::revisions(conn, id, viewer_id, reviewer)?;
            Ok((d, revisions))
        })
        .await?;
    let mut body = deployment_json(&d, ctx.settings.base_url());
    body["revisions"] = json!(revisions);
    Ok(HttpResponse::Ok().json(body))
}

/// Body of a proposal.
#[derive(Debug, Deserialize)]
struct ProposalBody {
    #[serde(flatten)]
    snapshot: Snapshot,
    #[serde(default)]
    note: String,
}

async fn propose(ctx: ApiCtx, body: web::Json<ProposalBody>) -> Result<HttpResponse, AppError> {
    let author = ctx.require_poster()?.user_id;
    let snapshot = deployments::validate(&body.snapshot)?;
    let proposed = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                deployments::propose_new(conn, author, snapshot)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": proposed.deployment_id,
        "revision_id": proposed.revision_id,
        "possible_duplicates": proposed.possible_duplicates,
    })))
}

async fn propose_edit(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<ProposalBody>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let body = body.into_inner();
    let snapshot = deployments::validate(&body.snapshot)?;
    let board = ctx.config.get().observatory_board.clone();
    let proposed = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                let d = deployments::by_id(conn, id)?.ok_or(AppError::NotFound)?;
                let reviewer = deployments::is_reviewer(conn, &viewer, &board)?;
                if d.published_at.is_none() && !reviewer && d.proposed_by != Some(viewer.user_id) {
                    return Err(AppError::NotFound);
                }
                deployments::propose_edit(conn, viewer.user_id, id, snapshot, &body.note)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "id": proposed.deployment_id,
        "revision_id": proposed.revision_id,
        "possible_duplicates": proposed.possible_duplicates,
    })))
}

#[derive(Debug, Deserialize)]
struct ReviewBody {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    revision: Option<i64>,
}

/// Checks the reviewer's right and applies a decision; shared with the pages.
pub async fn decide(
    config: &crate::site_config::ConfigCache,
    db: &crate::db::Db,
    viewer: Option<&crate::sessions::Viewer>,
    id: i64,
    decision: &str,
    reason: String,
    revision: Option<i64>,
) -> Result<deployments::Reviewed, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthorized)?.clone();
    let board = config.get().observatory_board.clone();
    let decision = Decision::parse(decision).ok_or(AppError::Invalid(
        crate::validation::FieldError::new("decision", "error-review-decision"),
    ))?;
    db.run(move |conn| {
        if !deployments::is_reviewer(conn, &viewer, &board)? {
            // Members learn nothing about proposals that are not theirs.
            let d = deployments::by_id(conn, id)?.ok_or(AppError::NotFound)?;
            return Err(
                if d.published_at.is_some() || d.proposed_by == Some(viewer.user_id) {
                    AppError::Forbidden
                } else {
                    AppError::NotFound
                },
            );
        }
        crate::db::write_tx(conn, |conn| {
            let done = deployments::review(
                conn,
                viewer.user_id,
                id,
                revision,
                decision,
                &reason,
                &board,
            )?;
            let action = match decision {
                Decision::Publish => "deployment_publish",
                Decision::Reject => "deployment_reject",
            };
            log_review(conn, viewer.user_id, action, id, &reason)?;
            Ok(done)
        })
    })
    .await
}

async fn review(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<ReviewBody>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let body = body.into_inner();
    let done = decide(
        &ctx.config,
        &ctx.db,
        ctx.viewer.as_ref(),
        id,
        &body.decision,
        body.reason,
        body.revision,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "id": done.deployment_id,
        "revision_id": done.revision_id,
        "decision": body.decision,
        "first_publication": done.first_publication,
    })))
}

#[derive(Debug, Deserialize)]
struct RevertBody {
    revision: i64,
}

/// Checks the reviewer's right and reverts; shared with the pages.
pub async fn revert_to(
    config: &crate::site_config::ConfigCache,
    db: &crate::db::Db,
    viewer: Option<&crate::sessions::Viewer>,
    id: i64,
    revision: i64,
) -> Result<deployments::Reviewed, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthorized)?.clone();
    let board = config.get().observatory_board.clone();
    db.run(move |conn| {
        if !deployments::is_reviewer(conn, &viewer, &board)? {
            return Err(AppError::Forbidden);
        }
        crate::db::write_tx(conn, |conn| {
            let done = deployments::revert(conn, viewer.user_id, id, revision, &board)?;
            log_review(
                conn,
                viewer.user_id,
                "deployment_revert",
                id,
                &format!("#{revision}"),
            )?;
            Ok(done)
        })
    })
    .await
}

/// Writes a reviewer's decision to the moderation log, naming the deployment.
fn log_review(
    conn: &mut crate::db::DbConnection,
    actor: i64,
    action: &str,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let title = deployments::by_id(conn, id)?
        .map(|d| d.title)
        .unwrap_or_default();
    crate::audit::record(conn, actor, action, "deployment", id, &title, reason, None)?;
    Ok(())
}

async fn revert(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<RevertBody>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let done = revert_to(&ctx.config, &ctx.db, ctx.viewer.as_ref(), id, body.revision).await?;
    Ok(HttpResponse::Ok().json(json!({"id": done.deployment_id, "revision_id": done.revision_id})))
}

async fn technologies(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let list = ctx
        .db
        .run(|conn| catalogue::technologies(conn).map_err(AppError::from))
        .await?;
    let items: Vec<Value> = list
        .iter()
        .map(|t| {
            json!({
                "slug": t.slug,
                "name": {"fr": t.name, "en": t.name_en},
                "description": {"fr": t.description, "en": t.description_en},
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"technologies": items})))
}

async fn companies(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let list = ctx
        .db
        .run(|conn| catalogue::companies(conn).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"companies": list})))
}
