//! The groups' pages: the directory (`/g`), the creation form (`/g/new`), a group's page with
//! joining and leaving, its member list, its administration and the invitation link page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::groups::api::{directory_page, parse_board, BoardBody, DirectoryQuery};
use crate::groups::domain::{self, GroupForm};
use crate::groups::queries;
use crate::groups::service::may_create;
use crate::groups::service::{self, require_manager, Access};
use crate::mail::Mailer;
use crate::memberships::GroupRole;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/g", web::get().to(directory))
        .route("/g/new", web::get().to(new_page))
        .route("/g/new", web::post().to(new_submit))
        .route("/g/{slug}", web::get().to(show))
        .route("/g/{slug}/join", web::post().to(join))
        .route("/g/{slug}/leave", web::post().to(leave))
        .route("/g/{slug}/membres", web::get().to(members))
        .route("/g/{slug}/admin", web::get().to(admin))
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
        )
        .route("/g/{slug}/invitation/{secret}", web::get().to(invitation))
        .route(
            "/g/{slug}/invitation/{secret}",
            web::post().to(invitation_join),
        );
}

async fn directory(ctx: Ctx, query: web::Query<DirectoryQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let echo = json!({"q": query.q.clone().unwrap_or_default(), "city": query.city.clone().unwrap_or_default()});
    let base = ctx.settings.base_url().to_owned();
    let (groups, next) = directory_page(&ctx.db, base, query).await?;
    let may = ctx
        .viewer
        .as_ref()
        .is_some_and(|v| may_create(&ctx.settings, &ctx.config.get(), v).is_ok());
    ctx.render(
        "pages/groups",
        json!({"groups": groups, "next": next, "query": echo, "may_create": may}),
    )
}

fn form_json(form: &GroupForm) -> Value {
    json!({
        "name": form.name, "slug": form.slug, "city": form.city,
        "description": form.description.clone().unwrap_or_default(),
        "website": form.website.clone().unwrap_or_default(),
        "visibility": form.visibility.clone().unwrap_or_else(|| "public".into()),
        "join_policy": form.join_policy.clone().unwrap_or_else(|| "request".into()),
    })
}

const FIELDS: [&str; 7] = [
    "name",
    "slug",
    "city",
    "description",
    "website",
    "visibility",
    "join_policy",
];

fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    form: &GroupForm,
    errors: &[crate::validation::FieldError],
) -> Result<HttpResponse, AppError> {
    ctx.render_status(
        status,
        "pages/group_new",
        json!({"form": form_json(form), "errors": ctx.field_errors(&FIELDS, errors), "has_errors": !errors.is_empty()}),
    )
}

async fn new_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    may_create(&ctx.settings, &ctx.config.get(), viewer)?;
    render_form(&ctx, StatusCode::OK, &GroupForm::default(), &[])
}

async fn new_submit(ctx: Ctx, form: CsrfForm<GroupForm>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    may_create(&ctx.settings, &ctx.config.get(), &viewer)?;
    let form = form.0;
    let input = match form.parse() {
        Ok(i) => i,
        Err(errors) => return render_form(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &errors),
    };
    let created = ctx
        .db
        .run(move |conn| queries::create_group(conn, viewer.user_id, &input))
        .await;
    match created {
        Ok(g) => Ok(see_other(&format!("/g/{}", g.slug))),
        Err(AppError::Invalid(e) | AppError::Conflict(e)) => {
            render_form(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &[e])
        }
        Err(e) => Err(e),
    }
}

/// The group, the viewer's access and the group JSON for a page.
async fn load(ctx: &Ctx, slug: String) -> Result<(queries::Group, Access, Value), AppError> {
    let viewer = ctx.viewer.clone();
    let base = ctx.settings.base_url().to_owned();
    let (group, access) = ctx
        .db
        .run(move |conn| service::load(conn, &slug, viewer.as_ref()))
        .await?;
    let mut json = service::group_json(&base, &group, access);
    json["manages"] = json!(access.manages());
    json["sees_members"] = json!(access.sees_members());
    json["is_coordinator"] = json!(access.role == Some(GroupRole::Coordinator));
    Ok((group, access, json))
}

async fn show(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (group, access, json) = load(&ctx, slug.into_inner()).await?;
    let id = group.id;
    let member = access.is_member();
    let (members, boards, actions) = ctx
        .db
        .run(move |conn| {
            let members = queries::members(conn, id)?;
            let boards = crate::forum::queries::group_boards(conn, id)?;
            let filter = crate::actions::queries::ListFilter {
                group_id: Some(id),
                members_of: member.then_some(id),
                not_over_at: Some(crate::db::now()),
                ..Default::default()
            };
            let actions = crate::actions::queries::list(conn, &filter, 5)?;
            Ok::<_, AppError>((members, boards, actions))
        })
        .await?;
    let base = ctx.settings.base_url();
    let actions: Vec<Value> = actions
        .iter()
        .take(5)
        .map(|a| {
            crate::actions::service::action_json(base, a, Default::default(), None, &[], ctx.lang)
        })
        .collect();
    let announces = access.manages();
    let coordinators: Vec<&str> = members
        .iter()
        .filter(|m| m.role == GroupRole::Coordinator.as_str())
        .map(|m| m.username.as_str())
        .collect();
    let boards: Vec<Value> = boards
        .iter()
        .filter(|b| access.is_member() || !b.board.scope().is_private())
        .map(|b| json!({"name": b.board.name, "path": b.board.path(), "private": b.board.scope().is_private()}))
        .collect();
    ctx.render(
        "pages/group",
        json!({"group": json, "coordinators": coordinators, "boards": boards,
               "logged_in": ctx.viewer.is_some(), "actions": actions, "announces": announces}),
    )
}

/// Form of a join request.
#[derive(Debug, Deserialize)]
struct JoinForm {
    #[serde(default)]
    message: String,
}

async fn join(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    ctx.db
        .run(move |conn| {
            let (group, _) = service::load(conn, &s, Some(&viewer))?;
            service::join(conn, &group, viewer.user_id, &form.0.message, None)
        })
        .await?;
    Ok(see_other(&format!("/g/{slug}")))
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn leave(
    ctx: Ctx,
    slug: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    ctx.db
        .run(move |conn| {
            let (group, _) = service::load(conn, &s, Some(&viewer))?;
            service::leave(conn, group.id, viewer.user_id)
        })
        .await?;
    Ok(see_other(&format!("/g/{slug}")))
}

async fn members(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (group, access, json) = load(&ctx, slug.into_inner()).await?;
    if !access.sees_members() {
        return Err(crate::groups::api::hidden(&group));
    }
    let id = group.id;
    let list = ctx
        .db
        .run(move |conn| queries::members(conn, id).map_err(AppError::from))
        .await?;
    ctx.render(
        "pages/group_members",
        json!({"group": json, "members": list}),
    )
}

async fn render_admin(
    ctx: &Ctx,
    slug: String,
    status: StatusCode,
    created: Option<String>,
    form: Option<(GroupForm, Vec<crate::validation::FieldError>)>,
) -> Result<HttpResponse, AppError> {
    let (group, access, json) = load(ctx, slug).await?;
    if !access.sees_members() && !access.manages() {
        return Err(crate::groups::api::hidden(&group));
    }
    require_manager(access)?;
    let id = group.id;
    let (requests, invites, members) = ctx
        .db
        .run(move |conn| {
            Ok::<_, AppError>((
                queries::pending_requests(conn, id)?,
                queries::invites(conn, id)?,
                queries::members(conn, id)?,
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
    let (form, errors) = form.unwrap_or_else(|| {
        (
            GroupForm {
                name: group.name.clone(),
                slug: group.slug.clone(),
                city: group.city_slug.clone(),
                description: Some(group.description_md.clone()),
                website: Some(group.website.clone()),
                visibility: Some(group.visibility.clone()),
                join_policy: Some(group.join_policy.clone()),
            },
            Vec::new(),
        )
    });
    ctx.render_status(
        status,
        "pages/group_admin",
        json!({"group": json, "requests": requests, "invites": invites, "members": members,
               "created": created, "form": form_json(&form),
               "errors": ctx.field_errors(&FIELDS, &errors), "has_errors": !errors.is_empty()}),
    )
}

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
        Err(errors) => {
            return render_admin(
                &ctx,
                slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some((form, errors)),
            )
            .await
        }
    };
    let result = ctx
        .db
        .run(move |conn| queries::update_group(conn, group.id, &input))
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/g/{slug}/admin"))),
        Err(AppError::Invalid(e)) => {
            render_admin(
                &ctx,
                slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some((form, vec![e])),
            )
            .await
        }
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

async fn admin_invite(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (actor, group) = managed(&ctx, &slug).await?;
    let uses = form.0.max_uses.trim().parse().ok();
    let days = form.0.days.trim().parse().ok();
    let (uses, days) = domain::parse_invite_numbers(uses, days)?;
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

async fn admin_board(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<BoardBody>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (_, group) = managed(&ctx, &slug).await?;
    let (board, name, visibility) = parse_board(&form.0)?;
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                queries::add_board(conn, group.id, &board, &name, visibility)
            })
        })
        .await?;
    Ok(see_other(&format!("/g/{slug}")))
}

/// Form acting on a member: `role` (coordinator/member) or `remove`.
#[derive(Debug, Deserialize)]
struct MemberForm {
    #[serde(default)]
    action: String,
}

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

async fn invitation(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (slug, secret) = path.into_inner();
    let (group, _, json) = load(&ctx, slug).await?;
    let s = secret.clone();
    let usable = ctx
        .db
        .run(move |conn| {
            Ok::<_, AppError>(
                queries::invite_by_secret(conn, group.id, &s)?
                    .is_some_and(|i| i.usable(crate::db::now())),
            )
        })
        .await?;
    let status = if usable {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    ctx.render_status(
        status,
        "pages/group_invitation",
        json!({"group": json, "usable": usable, "secret": secret, "logged_in": ctx.viewer.is_some()}),
    )
}

async fn invitation_join(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, secret) = path.into_inner();
    let viewer = ctx.require_poster()?.clone();
    let s = slug.clone();
    ctx.db
        .run(move |conn| {
            let (group, _) = service::load(conn, &s, Some(&viewer))?;
            service::join(conn, &group, viewer.user_id, "", Some(&secret))
        })
        .await?;
    Ok(see_other(&format!("/g/{slug}")))
}
