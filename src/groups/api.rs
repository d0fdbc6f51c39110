//! The groups' JSON API under `/api/v1/groups`: the directory, creating and changing a group,
//! joining and leaving, requests, members and roles, boards, invitation links, the site staff's
//! reads of the private threads (for coordinators), and the threads of a group's board (private
//! boards for members only).

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::forum::domain::Cursor;
use crate::forum::queries::{list_threads, split_page, PageSizes, ThreadFilter};
use crate::forum::views::ThreadList;
use crate::groups::domain::{self, GroupForm};
use crate::groups::queries;
use crate::groups::service::may_create;
use crate::groups::service::{self, require_manager, Access, GroupView, PrivateRead};
use crate::mail::Mailer;
use crate::memberships::{BoardVisibility, GroupRole};
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Groups per page of the directory.
pub const DIRECTORY_PAGE: i64 = 30;

/// Registers the API routes (inside `/api/v1`).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(directory)
        .service(create)
        .service(show)
        .service(update)
        .service(join)
        .service(leave)
        .service(members)
        .service(set_role)
        .service(remove)
        .service(requests)
        .service(private_reads)
        .service(decide)
        .service(add_board)
        .service(create_invite)
        .service(board_threads);
}

/// Query of the directory.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DirectoryQuery {
    /// Only the groups of this city (its slug).
    pub city: Option<String>,
    /// Words of the group's name.
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
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

/// A page of the directory.
#[derive(Debug, Serialize, ToSchema)]
struct GroupList {
    /// As `service::group_view` writes them.
    #[schema(value_type = Vec<GroupView>)]
    groups: Vec<Value>,
    /// The `cursor` of the next page, if any.
    next_cursor: Option<String>,
}

/// The directory of listed groups, most recently active first.
#[utoipa::path(
    operation_id = "groups",
    tag = "groups",
    params(DirectoryQuery),
    responses((status = 200, description = "A page of groups", body = GroupList))
)]
#[get("/groups")]
async fn directory(
    ctx: ApiCtx,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, AppError> {
    let base = ctx.settings.base_url().to_owned();
    let (groups, next_cursor) = directory_page(&ctx.db, base, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(GroupList {
        groups,
        next_cursor,
    }))
}

/// Creates a group; its creator is its first coordinator.
#[utoipa::path(
    operation_id = "create_group",
    tag = "groups",
    security(("bearer" = [])),
    request_body = GroupForm,
    responses((status = 201, description = "The new group", body = GroupView))
)]
#[post("/groups")]
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

/// A group's page: the group, its coordinators and the boards the reader may see.
#[derive(Debug, Serialize, ToSchema)]
struct GroupPage {
    /// As `service::group_view` writes it.
    #[serde(flatten)]
    #[schema(value_type = GroupView)]
    group: Value,
    /// The coordinators' usernames.
    coordinators: Vec<String>,
    boards: Vec<GroupBoard>,
}

/// A group's board.
#[derive(Debug, Serialize, ToSchema)]
struct GroupBoard {
    slug: String,
    name: String,
    /// `public` (anyone reads) or `private` (members only).
    visibility: String,
    path: String,
}

/// A group (404 for an unlisted group the reader is not in).
#[utoipa::path(
    operation_id = "group",
    tag = "groups",
    responses((status = 200, description = "The group", body = GroupPage))
)]
#[get("/groups/{slug}")]
async fn show(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.viewer.clone();
    let base = ctx.settings.base_url().to_owned();
    let page = ctx
        .db
        .run(move |conn| {
            let (group, access) = service::load(conn, &slug, viewer.as_ref())?;
            let coordinators: Vec<String> = queries::members(conn, group.id)?
                .into_iter()
                .filter(|m| m.role == GroupRole::Coordinator.as_str())
                .map(|m| m.username)
                .collect();
            let boards: Vec<GroupBoard> = crate::forum::queries::group_boards(conn, group.id)?
                .into_iter()
                .filter(|b| access.is_member() || !b.board.scope().is_private())
                .map(|b| GroupBoard {
                    path: b.board.path(),
                    slug: b.board.slug,
                    name: b.board.name,
                    visibility: b.board.visibility,
                })
                .collect();
            Ok::<_, AppError>(GroupPage {
                group: service::group_json(&base, &group, access),
                coordinators,
                boards,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Body of `PATCH /groups/{slug}`: only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
struct PatchBody {
    name: Option<String>,
    /// A city's slug.
    city: Option<String>,
    /// Markdown.
    description: Option<String>,
    website: Option<String>,
    /// `public` or `unlisted`.
    visibility: Option<String>,
    /// `open`, `request` or `invite`.
    join_policy: Option<String>,
}

/// Changes a group (its coordinators and the site staff).
#[utoipa::path(
    operation_id = "update_group",
    tag = "groups",
    security(("bearer" = [])),
    request_body = PatchBody,
    responses((status = 200, description = "The group as it is now", body = GroupView))
)]
#[patch("/groups/{slug}")]
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

/// Body of `POST /groups/{slug}/join` (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
struct JoinBody {
    /// A word to the coordinators, for a group that takes requests.
    #[serde(default)]
    message: Option<String>,
    /// The secret of an invitation link.
    #[serde(default)]
    invite: Option<String>,
}

/// Where a join left the reader.
#[derive(Debug, Serialize, ToSchema)]
struct JoinAnswer {
    /// `member` (in the group now) or `pending` (the request waits for a coordinator).
    status: &'static str,
}

/// Joins a group: at once (open group, invitation) or by a request.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body(content = Option<JoinBody>),
    responses((status = 201, description = "Joined or requested", body = JoinAnswer))
)]
#[post("/groups/{slug}/join")]
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
    Ok(HttpResponse::Created().json(JoinAnswer {
        status: joined.as_str(),
    }))
}

/// Leaves a group.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    responses((status = 204, description = "Left"))
)]
#[delete("/groups/{slug}/membership")]
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

/// A group's members.
#[derive(Debug, Serialize, ToSchema)]
struct MemberList {
    members: Vec<queries::Member>,
}

/// A group's members, coordinators first (members and staff; 403 or 404 otherwise).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    responses((status = 200, description = "The members", body = MemberList))
)]
#[get("/groups/{slug}/members")]
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
    Ok(HttpResponse::Ok().json(MemberList { members: list }))
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

/// The pending requests to join.
#[derive(Debug, Serialize, ToSchema)]
struct RequestList {
    requests: Vec<queries::Request>,
}

/// The pending requests to join, oldest first (coordinators and staff).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    responses((status = 200, description = "The requests", body = RequestList))
)]
#[get("/groups/{slug}/requests")]
async fn requests(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, group) = managed(&ctx, slug.into_inner()).await?;
    let list = ctx
        .db
        .run(move |conn| queries::pending_requests(conn, group.id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(RequestList { requests: list }))
}

/// The site staff's reads of a group's private threads.
#[derive(Debug, Serialize, ToSchema)]
struct PrivateReadList {
    private_reads: Vec<PrivateRead>,
}

/// The site staff's reads of the group's private threads, newest first (coordinators and staff
/// only).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    responses((status = 200, description = "The reads", body = PrivateReadList))
)]
#[get("/groups/{slug}/private-reads")]
async fn private_reads(ctx: ApiCtx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, group) = managed(&ctx, slug.into_inner()).await?;
    let private_reads = ctx
        .db
        .run(move |conn| service::private_reads(conn, group.id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(PrivateReadList { private_reads }))
}

/// Body of `POST /groups/{slug}/requests/{username}`.
#[derive(Debug, Deserialize, ToSchema)]
struct RequestDecisionBody {
    /// `approve` or `refuse`.
    #[serde(default)]
    decision: String,
    /// Told to the person in the mail.
    #[serde(default)]
    reason: Option<String>,
}

/// What became of a request.
#[derive(Debug, Serialize, ToSchema)]
struct DecisionAnswer {
    /// `approved` or `refused`.
    status: &'static str,
}

/// Approves or refuses a request to join (coordinators and staff); the person gets a mail.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body = RequestDecisionBody,
    responses((status = 200, description = "Decided", body = DecisionAnswer))
)]
#[post("/groups/{slug}/requests/{username}")]
async fn decide(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    path: web::Path<(String, String)>,
    body: web::Json<RequestDecisionBody>,
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
    Ok(HttpResponse::Ok().json(DecisionAnswer {
        status: if approve { "approved" } else { "refused" },
    }))
}

/// Body and answer of `PUT /groups/{slug}/members/{username}`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
struct MemberRoleBody {
    /// `coordinator` or `member`.
    #[serde(default)]
    role: String,
}

/// Sets a member's role (coordinators and staff).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body = MemberRoleBody,
    responses((status = 200, description = "The member's role now", body = MemberRoleBody))
)]
#[put("/groups/{slug}/members/{username}")]
async fn set_role(
    ctx: ApiCtx,
    path: web::Path<(String, String)>,
    body: web::Json<MemberRoleBody>,
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
    Ok(HttpResponse::Ok().json(MemberRoleBody {
        role: role.as_str().to_owned(),
    }))
}

/// Removes a member (coordinators and staff).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"))
)]
#[delete("/groups/{slug}/members/{username}")]
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
#[derive(Debug, Deserialize, ToSchema)]
pub struct BoardBody {
    #[serde(default)]
    pub slug: String,
    /// 1 to 80 characters.
    #[serde(default)]
    pub name: String,
    /// `public` (the default) or `private`.
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

/// Adds a board to a group (coordinators and staff).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body = BoardBody,
    responses((status = 201, description = "The new board", body = GroupBoard))
)]
#[post("/groups/{slug}/boards")]
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
                Ok::<_, AppError>(GroupBoard {
                    slug,
                    name,
                    visibility: visibility.as_str().to_owned(),
                    path,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

/// Body of `POST /groups/{slug}/invites` (optional).
#[derive(Debug, Deserialize, ToSchema)]
struct InviteLinkBody {
    /// How many people may join with it.
    max_uses: Option<i64>,
    /// How long it lasts.
    expires_in_days: Option<i64>,
}

/// A new invitation link.
#[derive(Debug, Serialize, ToSchema)]
struct InviteAnswer {
    secret: String,
    url: String,
}

/// Makes an invitation link (coordinators and staff).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body(content = Option<InviteLinkBody>),
    responses((status = 201, description = "The link", body = InviteAnswer))
)]
#[post("/groups/{slug}/invites")]
async fn create_invite(
    ctx: ApiCtx,
    slug: web::Path<String>,
    body: Option<web::Json<InviteLinkBody>>,
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
    Ok(HttpResponse::Created().json(InviteAnswer { secret, url }))
}

/// Query of a board's threads.
#[derive(Debug, Deserialize, IntoParams)]
struct ThreadsQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of a group board's threads, pinned ones first (a private board: members only, 404
/// for others).
#[utoipa::path(
    operation_id = "group_board_threads",
    tag = "groups",
    params(ThreadsQuery),
    responses((status = 200, description = "A page of threads", body = ThreadList))
)]
#[get("/groups/{slug}/boards/{board}/threads")]
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
            if !crate::memberships::may_read_scope(conn, board.id, board.scope(), reader)? {
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
