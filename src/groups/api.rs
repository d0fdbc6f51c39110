//! The groups' JSON API under `/api/v1/groups`: the directory, creating and changing a group,
//! joining and leaving, requests, members and roles, boards, invitation links, the site staff's
//! reads of the private threads (for coordinators), and the threads of a group's board (private
//! boards for members only).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::domain::Cursor;
use crate::forum::queries::{list_threads, split_page, PageSizes, ThreadFilter};
use crate::forum::views::ThreadList;
use crate::groups::domain::{self, GroupForm};
use crate::groups::queries;
use crate::groups::service::may_create;
use crate::groups::service::{self, require_manager, Access};
use crate::mail::Mailer;
use crate::memberships::{BoardVisibility, GroupRole};
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;

/// Groups per page of the directory.
pub const DIRECTORY_PAGE: i64 = 30;

/// Registers the API routes (inside `/api/v1`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups", web::get().to(directory))
        .route("/groups", web::post().to(create))
        .route("/groups/{slug}", web::get().to(show))
        .route("/groups/{slug}", web::patch().to(update))
        .route("/groups/{slug}/join", web::post().to(join))
        .route("/groups/{slug}/membership", web::delete().to(leave))
        .route("/groups/{slug}/members", web::get().to(members))
        .route("/groups/{slug}/members/{username}", web::put().to(set_role))
        .route(
            "/groups/{slug}/members/{username}",
            web::delete().to(remove),
        )
        .route("/groups/{slug}/requests", web::get().to(requests))
        .route("/groups/{slug}/private-reads", web::get().to(private_reads))
        .route("/groups/{slug}/requests/{username}", web::post().to(decide))
        .route("/groups/{slug}/boards", web::post().to(add_board))
        .route("/groups/{slug}/invites", web::post().to(create_invite))
        .route(
            "/groups/{slug}/boards/{board}/threads",
            web::get().to(board_threads),
        );
}

/// Query of the directory.
#[derive(Debug, Deserialize)]
pub struct DirectoryQuery {
    pub city: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

/// One page of the directory as JSON and the next cursor.
pub async fn directory_page(
    db: &crate::db::Db,
    base_url: String,
    query: DirectoryQuery,
) -> Result<(Vec<Value>, Option<String>), AppError> {
    let cursor = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    db.run(move |conn| {
        let city_id = match query.city.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(slug) => Some(
                crate::gazetteer::by_slug(conn, slug)?
                    .ok_or(AppError::Invalid(FieldError::new(
                        "city",
                        "error-city-unknown",
                    )))?
                    .id,
            ),
        };
        let mut rows =
            queries::directory(conn, city_id, query.q.as_deref(), cursor, DIRECTORY_PAGE)?;
        let next = if rows.len() as i64 > DIRECTORY_PAGE {
            rows.truncate(DIRECTORY_PAGE as usize);
            rows.last().map(|g| {
                Cursor {
                    at: g.last_activity_at,
                    id: g.id,
                }
                .encode()
            })
        } else {
            None
        };
        let list = rows
            .iter()
            .map(|g| service::group_json(&base_url, g, Access::default()))
            .collect();
        Ok((list, next))
    })
    .await
}

async fn directory(
    ctx: ApiCtx,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, AppError> {
    let base = ctx.settings.base_url().to_owned();
    let (list, next) = directory_page(&ctx.db, base, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({"groups": list, "next_cursor": next})))
}

async fn create(ctx: ApiCtx, body: web::Json<GroupForm>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    may_create(&ctx.settings, &ctx.config.get(), &viewer)?;
    let input = body
        .into_inner()
        .parse()
        .map_err(|mut e| AppError::Invalid(e.remove(0)))?;
    let base = ctx.settings.base_url().to_owned();
    let json = ctx
        .db
        .run(move |conn| {
            let group = queries::create_group(conn, viewer.user_id, &input)?;
            let access = Access::of(conn, group.id, Some(&viewer))?;
            Ok::<_, AppError>(service::group_json(&base, &group, access))
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

async fn show(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.viewer.clone();
    let base = ctx.settings.base_url().to_owned();
    let json = ctx
        .db
        .run(move |conn| {
            let (group, access) = service::load(conn, &slug, viewer.as_ref())?;
            let mut json = service::group_json(&base, &group, access);
            let coordinators: Vec<String> = queries::members(conn, group.id)?
                .into_iter()
                .filter(|m| m.role == GroupRole::Coordinator.as_str())
                .map(|m| m.username)
                .collect();
            let boards: Vec<Value> = crate::forum::queries::group_boards(conn, group.id)?
                .into_iter()
                .filter(|b| access.is_member() || !b.board.scope().is_private())
                .map(|b| json!({"slug": b.board.slug, "name": b.board.name, "visibility": b.board.visibility, "path": b.board.path()}))
                .collect();
            json["coordinators"] = json!(coordinators);
            json["boards"] = json!(boards);
            Ok::<_, AppError>(json)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

/// Body of `PATCH /groups/{slug}`: only the fields sent change.
#[derive(Debug, Deserialize)]
struct PatchBody {
    name: Option<String>,
    city: Option<String>,
    description: Option<String>,
    website: Option<String>,
    visibility: Option<String>,
    join_policy: Option<String>,
}

async fn update(
    ctx: ApiCtx,
    slug: web::Path<String>,
    body: web::Json<PatchBody>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let body = body.into_inner();
    let base = ctx.settings.base_url().to_owned();
    let json = ctx
        .db
        .run(move |conn| {
            let (group, access) = service::load(conn, &slug, Some(&viewer))?;
            require_manager(access)?;
            let form = GroupForm {
                name: body.name.unwrap_or(group.name.clone()),
                slug: group.slug.clone(),
                city: body.city.unwrap_or(group.city_slug.clone()),
                description: Some(body.description.unwrap_or(group.description_md.clone())),
                website: Some(body.website.unwrap_or(group.website.clone())),
                visibility: Some(body.visibility.unwrap_or(group.visibility.clone())),
                join_policy: Some(body.join_policy.unwrap_or(group.join_policy.clone())),
            };
            let input = form
                .parse()
                .map_err(|mut e| AppError::Invalid(e.remove(0)))?;
            queries::update_group(conn, group.id, &input)?;
            let (group, access) = service::load(conn, &group.slug, Some(&viewer))?;
            Ok::<_, AppError>(service::group_json(&base, &group, access))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

/// Body of `POST /groups/{slug}/join`.
#[derive(Debug, Default, Deserialize)]
struct JoinBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    invite: Option<String>,
}

async fn join(
    ctx: ApiCtx,
    slug: web::Path<String>,
    body: Option<web::Json<JoinBody>>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    let joined = ctx
        .db
        .run(move |conn| {
            let (group, _) = service::load(conn, &slug, Some(&viewer))?;
            service::join(
                conn,
                &group,
                viewer.user_id,
                body.message.as_deref().unwrap_or(""),
                body.invite.as_deref(),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({"status": joined.as_str()})))
}

async fn leave(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    ctx.db
        .run(move |conn| {
            let (group, _) = service::load(conn, &slug, Some(&viewer))?;
            service::leave(conn, group.id, viewer.user_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// 404 for an unlisted group's private parts, 403 for a public group's.
pub fn hidden(group: &queries::Group) -> AppError {
    if group.visibility == "unlisted" {
        AppError::NotFound
    } else {
        AppError::Refused("group-error-members-only")
    }
}

async fn members(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let list = ctx
        .db
        .run(move |conn| {
            let (group, access) = service::load(conn, &slug, Some(&viewer))?;
            if !access.sees_members() {
                return Err(hidden(&group));
            }
            Ok(queries::members(conn, group.id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"members": list})))
}

/// Loads the group for someone who must manage it (403 otherwise).
async fn managed(
    ctx: &ApiCtx,
    slug: String,
) -> Result<(crate::sessions::Viewer, queries::Group), AppError> {
    let viewer = ctx.require_user()?.clone();
    let v = viewer.clone();
    let group = ctx
        .db
        .run(move |conn| {
            let (group, access) = service::load(conn, &slug, Some(&v))?;
            if !access.sees_members() && !access.manages() {
                return Err(hidden(&group));
            }
            require_manager(access)?;
            Ok(group)
        })
        .await?;
    Ok((viewer, group))
}

async fn requests(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, group) = managed(&ctx, slug.into_inner()).await?;
    let list = ctx
        .db
        .run(move |conn| queries::pending_requests(conn, group.id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"requests": list})))
}

/// `GET /groups/{slug}/private-reads`: the site staff's reads of the group's private threads,
/// newest first (coordinators and staff only).
async fn private_reads(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, group) = managed(&ctx, slug.into_inner()).await?;
    let list = ctx
        .db
        .run(move |conn| service::private_reads_json(conn, group.id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"private_reads": list})))
}

/// Body of `POST /groups/{slug}/requests/{username}`.
#[derive(Debug, Deserialize)]
struct DecisionBody {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn decide(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    path: web::Path<(String, String)>,
    body: web::Json<DecisionBody>,
) -> Result<HttpResponse, AppError> {
    let (slug, username) = path.into_inner();
    let (viewer, group) = managed(&ctx, slug).await?;
    let body = body.into_inner();
    let approve = match body.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => {
            return Err(AppError::Invalid(FieldError::new(
                "decision",
                "group-error-choice",
            )))
        }
    };
    ctx.db
        .run(move |conn| {
            service::decide(
                &mailer,
                conn,
                &group,
                viewer.user_id,
                &username,
                approve,
                body.reason.as_deref().unwrap_or(""),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"status": if approve { "approved" } else { "refused" }})))
}

/// Body of `PUT /groups/{slug}/members/{username}`.
#[derive(Debug, Deserialize)]
struct RoleBody {
    #[serde(default)]
    role: String,
}

async fn set_role(
    ctx: ApiCtx,
    path: web::Path<(String, String)>,
    body: web::Json<RoleBody>,
) -> Result<HttpResponse, AppError> {
    let (slug, username) = path.into_inner();
    let (_, group) = managed(&ctx, slug).await?;
    let role = GroupRole::parse(body.role.trim()).ok_or(AppError::Invalid(FieldError::new(
        "role",
        "group-error-choice",
    )))?;
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let person =
                    queries::person_by_username(conn, &username)?.ok_or(AppError::NotFound)?;
                queries::set_role(conn, group.id, person.id, role)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"role": role.as_str()})))
}

async fn remove(ctx: ApiCtx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, username) = path.into_inner();
    let (_, group) = managed(&ctx, slug).await?;
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let person =
                    queries::person_by_username(conn, &username)?.ok_or(AppError::NotFound)?;
                queries::remove_member(conn, group.id, person.id)
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Body of `POST /groups/{slug}/boards`.
#[derive(Debug, Deserialize)]
pub struct BoardBody {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// Validates a new group board: slug, name (1–80), visibility (default public).
pub fn parse_board(body: &BoardBody) -> Result<(String, String, BoardVisibility), FieldError> {
    let slug = domain::parse_slug(&body.slug, "slug")?;
    let name = crate::validation::clean_text(&body.name, false)
        .trim()
        .to_owned();
    if name.is_empty() {
        return Err(FieldError::new("name", "error-name-empty"));
    }
    if name.chars().count() > 80 {
        return Err(FieldError::new("name", "error-name-long"));
    }
    let visibility = domain::parse_choice(
        body.visibility.as_deref(),
        BoardVisibility::Public,
        BoardVisibility::parse,
        "visibility",
    )?;
    Ok((slug, name, visibility))
}

async fn add_board(
    ctx: ApiCtx,
    slug: web::Path<String>,
    body: web::Json<BoardBody>,
) -> Result<HttpResponse, AppError> {
    let (_, group) = managed(&ctx, slug.into_inner()).await?;
    let (slug, name, visibility) = parse_board(&body)?;
    let json = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                queries::add_board(conn, group.id, &slug, &name, visibility)?;
                let path = crate::forum::queries::board_path(Some(&group.slug), &slug);
                Ok::<_, AppError>(json!({"slug": slug, "name": name, "visibility": visibility.as_str(), "path": path}))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

/// Body of `POST /groups/{slug}/invites`.
#[derive(Debug, Deserialize)]
struct InviteBody {
    max_uses: Option<i64>,
    expires_in_days: Option<i64>,
}

async fn create_invite(
    ctx: ApiCtx,
    slug: web::Path<String>,
    body: Option<web::Json<InviteBody>>,
) -> Result<HttpResponse, AppError> {
    let (viewer, group) = managed(&ctx, slug.into_inner()).await?;
    let (uses, days) = match body {
        Some(b) => domain::parse_invite_numbers(b.max_uses, b.expires_in_days)?,
        None => domain::parse_invite_numbers(None, None)?,
    };
    let group_id = group.id;
    let secret = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                queries::create_invite(conn, group_id, viewer.user_id, uses, days)
                    .map_err(AppError::from)
            })
        })
        .await?;
    let url = format!(
        "{}/g/{}/invitation/{secret}",
        ctx.settings.base_url(),
        group.slug
    );
    Ok(HttpResponse::Created().json(json!({"secret": secret, "url": url})))
}

/// Query of a board's threads.
#[derive(Debug, Deserialize)]
struct ThreadsQuery {
    cursor: Option<String>,
}

async fn board_threads(
    ctx: ApiCtx,
    path: web::Path<(String, String)>,
    query: web::Query<ThreadsQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, board) = path.into_inner();
    let cursor = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    let reader = ctx.viewer.as_ref().map(|v| v.user_id);
    let sizes = PageSizes::new(&ctx.settings.site);
    let (list, next) = ctx
        .db
        .run(move |conn| {
            let board = crate::forum::queries::group_board(conn, &slug, &board)?
                .ok_or(AppError::NotFound)?;
            if !crate::memberships::may_read_scope(conn, board.scope(), reader)? {
                return Err(AppError::NotFound);
            }
            let filter = |pinned| ThreadFilter::Board {
                board_id: board.id,
                city_id: None,
                pinned,
            };
            // Pinned threads head the first page only.
            let mut pinned = if cursor.is_none() {
                list_threads(conn, filter(true), None, sizes.threads, sizes.posts)?
            } else {
                Vec::new()
            };
            let rows = list_threads(conn, filter(false), cursor, sizes.threads + 1, sizes.posts)?;
            let (rows, next) = split_page(rows, sizes.threads as usize);
            pinned.extend(rows);
            Ok((pinned, next))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ThreadList::new(&list, next.map(|c| c.encode()))))
}
