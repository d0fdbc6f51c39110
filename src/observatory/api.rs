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

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalogue;
use super::deployments::{self, Decision, Filters, Snapshot};
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Deployments per API page.
const PAGE: i64 = 50;

/// Registers the routes (inside `/api/v1`).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(deployment_list)
        .service(propose)
        .service(one)
        .service(propose_edit)
        .service(review)
        .service(revert)
        .service(technologies)
        .service(companies);
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

/// A text in French and English.
#[derive(Debug, Serialize, ToSchema)]
struct Bilingual<'a> {
    fr: &'a str,
    en: &'a str,
}

/// A deployment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
struct DeploymentAnswer<'a> {
    id: i64,
    url: String,
    title: &'a str,
    /// The technology's slug.
    technology: &'a str,
    technology_name: Bilingual<'a>,
    /// The city's slug.
    city: &'a str,
    city_name: &'a str,
    country: &'a str,
    region: &'a str,
    latitude: f64,
    longitude: f64,
    status: &'a str,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    started: &'a str,
    ended: Option<&'a str>,
    companies: &'a [deployments::CompanyRef],
    funding: &'a str,
    /// Markdown.
    description: &'a str,
    description_html: &'a str,
    sources: &'a [deployments::Source],
    /// The discussion thread, once published.
    thread_id: Option<i64>,
    published: bool,
    published_at: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
    version: i64,
    /// The revisions, on `GET /deployments/{id}` only (pending ones for their author and the
    /// reviewers).
    #[serde(skip_serializing_if = "Option::is_none")]
    revisions: Option<Vec<deployments::Revision>>,
}

/// A deployment as the API shows it.
fn deployment_json<'a>(d: &'a deployments::Deployment, base_url: &str) -> DeploymentAnswer<'a> {
    DeploymentAnswer {
        id: d.id,
        url: format!("{base_url}/observatoire/d/{}", d.id),
        title: &d.title,
        technology: &d.technology,
        technology_name: Bilingual {
            fr: &d.technology_name,
            en: &d.technology_name_en,
        },
        city: &d.city,
        city_name: &d.city_name,
        country: &d.country,
        region: &d.region,
        latitude: d.latitude,
        longitude: d.longitude,
        status: &d.status,
        started: &d.started,
        ended: d.ended.as_deref(),
        companies: &d.companies,
        funding: &d.funding,
        description: &d.description_md,
        description_html: &d.description_html,
        sources: &d.sources,
        thread_id: d.thread_id,
        published: d.published_at.is_some(),
        published_at: d.published_at,
        updated_at: d.updated_at,
        version: d.version,
        revisions: None,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
struct PageQuery {
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// A page of published deployments.
#[derive(Debug, Serialize, ToSchema)]
struct DeploymentPage<'a> {
    deployments: Vec<DeploymentAnswer<'a>>,
    /// The `cursor` of the next page, if any.
    next_cursor: Option<String>,
}

/// Published deployments, most recently changed first, 50 a page.
#[utoipa::path(
    params(Filters, PageQuery),
    tag = "observatory",
    operation_id = "deployments",
    responses((status = 200, description = "A page of deployments", body = DeploymentPage))
)]
#[get("/deployments")]
async fn deployment_list(
    ctx: ApiCtx,
    filters: web::Query<Filters>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let before = match page.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(decode_cursor(c)?),
        None => None,
    };
    let filters = filters.into_inner();
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
    let items: Vec<DeploymentAnswer> = rows
        .iter()
        .take(PAGE as usize)
        .map(|d| deployment_json(d, &base))
        .collect();
    Ok(HttpResponse::Ok().json(DeploymentPage {
        deployments: items,
        next_cursor: next,
    }))
}

/// A deployment with its revisions (an unpublished one only for its proposer and the
/// reviewers; 404 for anyone else).
#[utoipa::path(
    tag = "observatory",
    operation_id = "deployment",
    responses((status = 200, description = "The deployment", body = DeploymentAnswer))
)]
#[get("/deployments/{id}")]
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
    body.revisions = Some(revisions);
    Ok(HttpResponse::Ok().json(body))
}

/// Body of a proposal.
#[derive(Debug, Deserialize, ToSchema)]
struct ProposalBody {
    #[serde(flatten)]
    snapshot: Snapshot,
    /// A note to the reviewers, for an edit.
    #[serde(default)]
    note: String,
}

/// A proposal filed, waiting for review.
#[derive(Debug, Serialize, ToSchema)]
struct ProposalFiled {
    id: i64,
    revision_id: i64,
    /// Published deployments that look the same (same city, technology and title).
    possible_duplicates: Vec<i64>,
}

impl From<deployments::Proposed> for ProposalFiled {
    fn from(p: deployments::Proposed) -> Self {
        ProposalFiled {
            id: p.deployment_id,
            revision_id: p.revision_id,
            possible_duplicates: p.possible_duplicates,
        }
    }
}

/// Proposes a new deployment (members who may post); reviewers publish it.
#[utoipa::path(
    tag = "observatory",
    operation_id = "propose_deployment",
    security(("bearer" = [])),
    responses((status = 201, description = "Proposed", body = ProposalFiled))
)]
#[post("/deployments")]
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
    Ok(HttpResponse::Created().json(ProposalFiled::from(proposed)))
}

/// Proposes an edit of a deployment (members who may post); reviewers publish it.
#[utoipa::path(
    tag = "observatory",
    security(("bearer" = [])),
    responses((status = 201, description = "Proposed", body = ProposalFiled))
)]
#[post("/deployments/{id}/revisions")]
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
    Ok(HttpResponse::Created().json(ProposalFiled::from(proposed)))
}

#[derive(Debug, Deserialize, ToSchema)]
struct ReviewBody {
    /// `publish` or `reject`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    /// The revision decided on (the oldest pending one by default).
    #[serde(default)]
    revision: Option<i64>,
}

/// A review's outcome.
#[derive(Debug, Serialize, ToSchema)]
struct ReviewDone {
    id: i64,
    revision_id: i64,
    decision: String,
    /// Published for the first time (its discussion thread was opened).
    first_publication: bool,
}

/// A revert's outcome: the new revision.
#[derive(Debug, Serialize, ToSchema)]
struct Reverted {
    id: i64,
    revision_id: i64,
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

/// Publishes or rejects a pending revision (reviewers).
#[utoipa::path(
    tag = "observatory",
    operation_id = "review_deployment",
    security(("bearer" = [])),
    responses((status = 200, description = "Decided", body = ReviewDone))
)]
#[post("/deployments/{id}/review")]
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
    Ok(HttpResponse::Ok().json(ReviewDone {
        id: done.deployment_id,
        revision_id: done.revision_id,
        decision: body.decision,
        first_publication: done.first_publication,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
struct RevertBody {
    /// The published revision to go back to.
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

/// Goes back to an earlier published revision (reviewers).
#[utoipa::path(
    tag = "observatory",
    operation_id = "revert_deployment",
    security(("bearer" = [])),
    responses((status = 200, description = "Reverted", body = Reverted))
)]
#[post("/deployments/{id}/revert")]
async fn revert(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<RevertBody>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let done = revert_to(&ctx.config, &ctx.db, ctx.viewer.as_ref(), id, body.revision).await?;
    Ok(HttpResponse::Ok().json(Reverted {
        id: done.deployment_id,
        revision_id: done.revision_id,
    }))
}

/// A technology of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
struct TechnologyItem<'a> {
    slug: &'a str,
    name: Bilingual<'a>,
    description: Bilingual<'a>,
}

/// The catalogue's technologies.
#[derive(Debug, Serialize, ToSchema)]
struct Technologies<'a> {
    technologies: Vec<TechnologyItem<'a>>,
}

/// The companies named by published deployments.
#[derive(Debug, Serialize, ToSchema)]
struct Companies {
    companies: Vec<catalogue::CompanySummary>,
}

/// The technologies of the catalogue, in their order.
#[utoipa::path(
    tag = "observatory",
    responses((status = 200, description = "The technologies", body = Technologies))
)]
#[get("/technologies")]
async fn technologies(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let list = ctx
        .db
        .run(|conn| catalogue::technologies(conn).map_err(AppError::from))
        .await?;
    let technologies = list
        .iter()
        .map(|t| TechnologyItem {
            slug: &t.slug,
            name: Bilingual {
                fr: &t.name,
                en: &t.name_en,
            },
            description: Bilingual {
                fr: &t.description,
                en: &t.description_en,
            },
        })
        .collect();
    Ok(HttpResponse::Ok().json(Technologies { technologies }))
}

/// Every company named by a published deployment, by name, with its number of deployments.
#[utoipa::path(
    tag = "observatory",
    responses((status = 200, description = "The companies", body = Companies))
)]
#[get("/companies")]
async fn companies(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let list = ctx
        .db
        .run(|conn| catalogue::companies(conn).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(Companies { companies: list }))
}
