//! Roles: the staff list and the search for a person (`/admin/users`), changing a person's
//! site role (member, moderator, administrator) and the boards they moderate, from the page or
//! the API.

use actix_web::{post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::forum::queries as forum_queries;
use crate::moderation::{roles, sanctions};
use crate::sessions::Role;
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(users_page))
        .route("/admin/users/{username}/role", web::post().to(role_submit))
        .route(
            "/admin/users/{username}/boards",
            web::post().to(board_role_submit),
        );
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(role_api).service(board_role_api);
}

#[derive(Debug, Deserialize)]
struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: Option<String>,
}

async fn users_page(ctx: Ctx, query: web::Query<UsersQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let q = query.q.trim().to_owned();
    let (staff, found, boards) = ctx
        .db
        .run(move |conn| {
            let staff = roles::staff(conn)?;
            let found = if q.is_empty() {
                None
            } else {
                match sanctions::person(conn, &q)? {
                    Some(p) => {
                        let moderated = sanctions::moderated_boards(conn, p.id)?;
                        let two_factor = crate::accounts::two_factor_store::is_enabled(conn, p.id)?;
                        Some((p, moderated, two_factor))
                    }
                    None => None,
                }
            };
            let boards = forum_queries::list_boards(conn)?;
            Ok::<_, AppError>((staff, found, boards))
        })
        .await?;
    let staff: Vec<Value> = staff
        .into_iter()
        .map(|(name, role, boards)| json!({"username": name, "role": role, "boards": boards}))
        .collect();
    let person = found.as_ref().map(|(p, moderated, two_factor)| {
        let roles: Vec<Value> = ["member", "moderator", "admin"]
            .iter()
            .map(|r| json!({"value": r, "label": ctx.t(&format!("role-{r}")), "selected": *r == p.role_name}))
            .collect();
        let boards: Vec<Value> = boards
            .iter()
            .map(|b| {
                json!({
                    "slug": b.board.slug,
                    "name": crate::forum::views::board_display_name(&b.board, ctx.lang),
                    "moderates": moderated.contains(&b.board.id),
                })
            })
            .collect();
        json!({"username": p.username, "role": p.role_name, "roles": roles, "boards": boards,
               "two_factor": two_factor,
               "is_self": ctx.viewer.as_ref().is_some_and(|v| v.user_id == p.id)})
    });
    ctx.render(
        "pages/admin_users",
        json!({
            "staff": staff,
            "q": query.q,
            "person": person,
            "not_found": !query.q.trim().is_empty() && found.is_none(),
            "done": query.done.is_some(),
        }),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
struct RoleBody {
    /// `member`, `moderator` or `admin`.
    #[serde(default)]
    role: String,
}

/// A site role set.
#[derive(Debug, Serialize, ToSchema)]
struct RoleSet {
    role: String,
    /// False when the person already had that role.
    changed: bool,
}

/// Whether a board moderator was added or removed.
#[derive(Debug, Serialize, ToSchema)]
struct BoardRoleSet {
    changed: bool,
}

async fn change_role(
    db: &crate::db::Db,
    actor: i64,
    username: String,
    role: &str,
) -> Result<bool, AppError> {
    let role = Role::parse(role).ok_or(AppError::Invalid(FieldError::new("role", "error-role")))?;
    db.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let person = sanctions::person(conn, &username)?.ok_or(AppError::NotFound)?;
            roles::set_role(conn, Some(actor), &person, role)
        })
    })
    .await
}

async fn role_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<RoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let username = username.into_inner();
    change_role(&ctx.db, actor, username.clone(), &form.0.role).await?;
    Ok(see_other(&format!(
        "/admin/users?q={}&done=1",
        urlencode(&username)
    )))
}

/// Sets a person's site role (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 200, description = "Set", body = RoleSet))
)]
#[put("/admin/users/{username}/role")]
async fn role_api(
    ctx: ApiCtx,
    username: web::Path<String>,
    body: web::Json<RoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let role = body.into_inner().role;
    let changed = change_role(&ctx.db, actor, username.into_inner(), &role).await?;
    Ok(HttpResponse::Ok().json(RoleSet { role, changed }))
}

#[derive(Debug, Deserialize, ToSchema)]
struct BoardRoleBody {
    #[serde(default)]
    board: String,
    /// Web form: `add` or `remove`.
    #[serde(default)]
    action: Option<String>,
    /// API: true to add, false to remove.
    #[serde(default)]
    moderates: Option<bool>,
}

async fn change_board_role(
    db: &crate::db::Db,
    actor: i64,
    username: String,
    body: BoardRoleBody,
) -> Result<bool, AppError> {
    let moderates = match (body.moderates, body.action.as_deref()) {
        (Some(m), _) => m,
        (None, Some("add")) => true,
        (None, Some("remove")) => false,
        _ => {
            return Err(AppError::Invalid(FieldError::new(
                "action",
                "error-board-role-action",
            )))
        }
    };
    let slug = body.board;
    db.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let person = sanctions::person(conn, &username)?.ok_or(AppError::NotFound)?;
            let board = forum_queries::board_by_slug(conn, &slug)?.ok_or(AppError::Invalid(
                FieldError::new("board", "error-board-unknown"),
            ))?;
            roles::set_board_moderator(conn, Some(actor), &person, board.id, &board.slug, moderates)
        })
    })
    .await
}

async fn board_role_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<BoardRoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let username = username.into_inner();
    change_board_role(&ctx.db, actor, username.clone(), form.0).await?;
    Ok(see_other(&format!(
        "/admin/users?q={}&done=1",
        urlencode(&username)
    )))
}

/// Makes a person a moderator of a board, or no longer (administrators).
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 200, description = "Done", body = BoardRoleSet))
)]
#[post("/admin/users/{username}/boards")]
async fn board_role_api(
    ctx: ApiCtx,
    username: web::Path<String>,
    body: web::Json<BoardRoleBody>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let changed =
        change_board_role(&ctx.db, actor, username.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(BoardRoleSet { changed }))
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
