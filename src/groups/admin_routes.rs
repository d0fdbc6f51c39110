//! A group's administration page (`/g/{slug}/admin`), for its coordinators and the site's staff:
//! the settings, waiting requests, members and roles, invitation links, new boards, and the
//! site staff's reads of the group's private threads. A bad submission of the settings, invite
//! or board form renders the page again with status 422, the field marked and what was typed
//! kept. The rules live in `service` and the SQL in `queries`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::groups::api::{parse_board, BoardBody};
use crate::groups::domain::{self, GroupForm};
use crate::groups::queries;
use crate::groups::routes::{form_json, load, EmptyForm, FIELDS};
use crate::groups::service::{self, require_manager};
use crate::mail::Mailer;
use crate::memberships::GroupRole;
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the administration pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/g/{slug}/admin", web::get().to(admin))
        .route("/g/{slug}/admin", web::post().to(admin_settings))
        .route(
            "/g/{slug}/admin/requests/{username}",
            web::post().to(admin_decide),
        )
        .route("/g/{slug}/admin/invites", web::post().to(admin_invite))
        .route(
            "/g/{slug}/admin/invites/{id}/revoke",
            web::post().to(admin_revoke),
        )
        .route("/g/{slug}/admin/boards", web::post().to(admin_board))
        .route(
            "/g/{slug}/admin/members/{username}",
            web::post().to(admin_member),
        );
}

/// The fields of the invite form (`days` is reported as `expires_in_days`, the API's name).
const INVITE_FIELDS: [&str; 2] = ["max_uses", "expires_in_days"];
/// The fields of the new-board form.
const BOARD_FIELDS: [&str; 3] = ["slug", "name", "visibility"];

/// A form of the page sent back after a bad submission: what was typed and what is wrong.
enum Retry {
    Settings(GroupForm, Vec<FieldError>),
    Invite(InviteForm, Vec<FieldError>),
    Board(BoardBody, Vec<FieldError>),
}

/// One form's values and errors for the template: `{values, errors, has_errors}`.
fn form_data(ctx: &Ctx, fields: &[&str], values: Value, errors: &[FieldError]) -> Value {
    json!({"values": values, "errors": ctx.field_errors(fields, errors), "has_errors": !errors.is_empty()})
}

/// The administration page with `status`: the new invitation link once made (`created`), and the
/// form of a bad submission with what was typed and its errors (`retry`).
async fn render_admin(
    ctx: &Ctx,
    slug: String,
    status: StatusCode,
    created: Option<String>,
    retry: Option<Retry>,
) -> Result<HttpResponse, AppError> {
    let (group, access, json) = load(ctx, slug).await?;
    if !access.sees_members() && !access.manages() {
        return Err(crate::groups::api::hidden(&group));
    }
    require_manager(access)?;
    let id = group.id;
    let (requests, invites, members, reads) = ctx
        .db
        .run(move |conn| {
            Ok::<_, AppError>((
                queries::pending_requests(conn, id)?,
                queries::invites(conn, id)?,
                queries::members(conn, id)?,
                service::private_reads_json(conn, id)?,
            ))
        })
        .await?;
    let now = crate::db::now();
    let invites: Vec<Value> = invites
        .iter()
        .map(|i| json!({"id": i.id, "uses": i.uses, "max_uses": i.max_uses, "expires_at": i.expires_at, "usable": i.usable(now)}))
        .collect();
    let members: Vec<Value> = members
        .iter()
        .map(|m| json!({"username": m.username, "role": m.role, "coordinator": m.role == "coordinator"}))
        .collect();
    let current = || GroupForm {
        name: group.name.clone(),
        slug: group.slug.clone(),
        city: group.city_slug.clone(),
        description: Some(group.description_md.clone()),
        website: Some(group.website.clone()),
        visibility: Some(group.visibility.clone()),
        join_policy: Some(group.join_policy.clone()),
    };
    let (mut form, mut errors) = (current(), Vec::new());
    let mut invite = json!({"max_uses": "10", "days": "14"});
    let mut invite_errors = Vec::new();
    let mut board = json!({"slug": "", "name": "", "visibility": "public"});
    let mut board_errors = Vec::new();
    match retry {
        None => {}
        Some(Retry::Settings(f, e)) => (form, errors) = (f, e),
        Some(Retry::Invite(f, e)) => {
            invite = json!({"max_uses": f.max_uses, "days": f.days});
            invite_errors = e;
        }
        Some(Retry::Board(b, e)) => {
            board = json!({"slug": b.slug, "name": b.name,
                           "visibility": b.visibility.unwrap_or_else(|| "public".into())});
            board_errors = e;
        }
    }
    ctx.render_status(
        status,
        "pages/group_admin",
        json!({"group": json, "requests": requests, "invites": invites, "members": members,
               "private_reads": reads, "created": created, "form": form_json(&form),
               "errors": ctx.field_errors(&FIELDS, &errors), "has_errors": !errors.is_empty(),
               "invite": form_data(ctx, &INVITE_FIELDS, invite, &invite_errors),
               "board": form_data(ctx, &BOARD_FIELDS, board, &board_errors)}),
    )
}

/// `GET /g/{slug}/admin`.
async fn admin(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_user()?;
    render_admin(&ctx, slug.into_inner(), StatusCode::OK, None, None).await
}

/// Loads a group its viewer manages (403 otherwise, 404 for an unlisted group's outsiders).
async fn managed(ctx: &Ctx, slug: &str) -> Result<(i64, queries::Group), AppError> {
    let viewer = ctx.require_user()?.clone();
    let (group, access, _) = load(ctx, slug.to_owned()).await?;
    if !access.sees_members() && !access.manages() {
        return Err(crate::groups::api::hidden(&group));
    }
    require_manager(access)?;
    Ok((viewer.user_id, group))
}

/// Renders the page again with status 422 for `retry`.
async fn retry(ctx: &Ctx, slug: String, retry: Retry) -> Result<HttpResponse, AppError> {
    render_admin(
        ctx,
        slug,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        Some(retry),
    )
    .await
}

/// `POST /g/{slug}/admin`: changes the group's settings.
async fn admin_settings(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<GroupForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (_, group) = managed(&ctx, &slug).await?;
    let mut form = form.0;
    form.slug = group.slug.clone();
    let input = match form.parse() {
        Ok(i) => i,
        Err(errors) => return retry(&ctx, slug, Retry::Settings(form, errors)).await,
    };
    let result = ctx
        .db
        .run(move |conn| queries::update_group(conn, group.id, &input))
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/g/{slug}/admin"))),
        Err(AppError::Invalid(e)) => retry(&ctx, slug, Retry::Settings(form, vec![e])).await,
        Err(e) => Err(e),
    }
}

/// Form of a decision on a request.
#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /g/{slug}/admin/requests/{username}`: approves or refuses a waiting request.
async fn admin_decide(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    path: web::Path<(String, String)>,
    form: CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, username) = path.into_inner();
    let (actor, group) = managed(&ctx, &slug).await?;
    let approve = form.0.decision == "approve";
    let reason = form.0.reason;
    ctx.db
        .run(move |conn| service::decide(&mailer, conn, &group, actor, &username, approve, &reason))
        .await?;
    Ok(see_other(&format!("/g/{slug}/admin")))
}

/// Form of a new invitation.
#[derive(Debug, Deserialize)]
struct InviteForm {
    #[serde(default)]
    max_uses: String,
    #[serde(default)]
    days: String,
}

impl InviteForm {
    /// The number of uses and days of validity typed (empty: the defaults); a value that is not
    /// a number, or out of range, is an error on its field.
    fn parse(&self) -> Result<(i64, i64), FieldError> {
        let number = |raw: &str, field, key| match raw.trim() {
            "" => Ok(None),
            n => n.parse().map(Some).map_err(|_| FieldError::new(field, key)),
        };
        let uses = number(&self.max_uses, "max_uses", "error-invite-uses")?;
        let days = number(&self.days, "expires_in_days", "error-invite-days")?;
        domain::parse_invite_numbers(uses, days)
    }
}

/// `POST /g/{slug}/admin/invites`: makes an invitation link and shows it once (201).
async fn admin_invite(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (actor, group) = managed(&ctx, &slug).await?;
    let form = form.0;
    let (uses, days) = match form.parse() {
        Ok(numbers) => numbers,
        Err(e) => return retry(&ctx, slug, Retry::Invite(form, vec![e])).await,
    };
    let id = group.id;
    let secret = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                queries::create_invite(conn, id, actor, uses, days).map_err(AppError::from)
            })
        })
        .await?;
    let url = format!("{}/g/{slug}/invitation/{secret}", ctx.settings.base_url());
    render_admin(&ctx, slug, StatusCode::CREATED, Some(url), None).await
}

/// `POST /g/{slug}/admin/invites/{id}/revoke`: revokes an invitation link.
async fn admin_revoke(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id = parse_id(&id)?;
    let (_, group) = managed(&ctx, &slug).await?;
    let done = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx_private(conn, |conn| {
                queries::revoke_invite(conn, group.id, id).map_err(AppError::from)
            })
        })
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/g/{slug}/admin")))
}

/// `POST /g/{slug}/admin/boards`: adds a board to the group.
async fn admin_board(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<BoardBody>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (_, group) = managed(&ctx, &slug).await?;
    let form = form.0;
    let (board, name, visibility) = match parse_board(&form) {
        Ok(parsed) => parsed,
        Err(e) => return retry(&ctx, slug, Retry::Board(form, vec![e])).await,
    };
    let result = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                queries::add_board(conn, group.id, &board, &name, visibility)
            })
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/g/{slug}"))),
        Err(AppError::Invalid(e) | AppError::Conflict(e)) => {
            retry(&ctx, slug, Retry::Board(form, vec![e])).await
        }
        Err(e) => Err(e),
    }
}

/// Form acting on a member: `role` (coordinator/member) or `remove`.
#[derive(Debug, Deserialize)]
struct MemberForm {
    #[serde(default)]
    action: String,
}

/// `POST /g/{slug}/admin/members/{username}`: changes a member's role or removes them.
async fn admin_member(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    form: CsrfForm<MemberForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, username) = path.into_inner();
    let (_, group) = managed(&ctx, &slug).await?;
    let action = form.0.action;
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let person =
                    queries::person_by_username(conn, &username)?.ok_or(AppError::NotFound)?;
                match GroupRole::parse(&action) {
                    Some(role) => queries::set_role(conn, group.id, person.id, role),
                    None if action == "remove" => queries::remove_member(conn, group.id, person.id),
                    None => Err(AppError::BadRequest("error-bad-form")),
                }
            })
        })
        .await?;
    Ok(see_other(&format!("/g/{slug}/admin")))
}
