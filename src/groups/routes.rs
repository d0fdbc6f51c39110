//! The groups' pages: the directory (`/g`), the creation form (`/g/new`), a group's page with
//! joining and leaving, its member list, the invitation link page, and the Atom feed of the
//! new threads of its public boards (`/g/{slug}/feed.atom`). Its administration is in
//! `admin_routes`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::feeds::{self, Listing};
use crate::groups::api::{directory_page, DirectoryQuery};
use crate::groups::domain::GroupForm;
use crate::groups::queries;
use crate::groups::service::may_create;
use crate::groups::service::{self, Access};
use crate::memberships::GroupRole;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::feed::{self, Feed};
use crate::web::page_cache::Scope;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/g", web::get().to(directory))
        .route("/g/new", web::get().to(new_page))
        .route("/g/new", web::post().to(new_submit))
        .route("/g/{slug}", web::get().to(show))
        .route("/g/{slug}/feed.atom", web::get().to(feed_of))
        .route("/g/{slug}/join", web::post().to(join))
        .route("/g/{slug}/leave", web::post().to(leave))
        .route("/g/{slug}/membres", web::get().to(members))
        .route("/g/{slug}/invitation/{secret}", web::get().to(invitation))
        .route(
            "/g/{slug}/invitation/{secret}",
            web::post().to(invitation_join),
        );
}

/// `GET /g`: the directory, filtered by city and name prefix.
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

/// The group form as the templates read it.
pub(super) fn form_json(form: &GroupForm) -> Value {
    json!({
        "name": form.name, "slug": form.slug, "city": form.city,
        "description": form.description.clone().unwrap_or_default(),
        "website": form.website.clone().unwrap_or_default(),
        "visibility": form.visibility.clone().unwrap_or_else(|| "public".into()),
        "join_policy": form.join_policy.clone().unwrap_or_else(|| "request".into()),
    })
}

/// The fields of the group form.
pub(super) const FIELDS: [&str; 7] = [
    "name",
    "slug",
    "city",
    "description",
    "website",
    "visibility",
    "join_policy",
];

/// The creation form with `status`, what was typed and its errors.
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

/// `GET /g/new`: the creation form, for those the site lets create a group.
async fn new_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    may_create(&ctx.settings, &ctx.config.get(), viewer)?;
    render_form(&ctx, StatusCode::OK, &GroupForm::default(), &[])
}

/// `POST /g/new`: creates the group and goes to its page; a bad form comes back with a 422.
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
pub(super) async fn load(
    ctx: &Ctx,
    slug: String,
) -> Result<(queries::Group, Access, Value), AppError> {
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

/// `GET /g/{slug}`: the group's page (its coordinators, the boards the viewer may read, its
/// upcoming actions).
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
    let feed_title = feed::title(&ctx, FEED_TITLE, &group.name);
    let feed_link = feed::head_link(&feed_title, &format!("/g/{}/feed.atom", group.slug));
    ctx.render(
        "pages/group",
        json!({"group": json, "coordinators": coordinators, "boards": boards,
               "logged_in": ctx.viewer.is_some(), "actions": actions, "announces": announces,
               "feed": feed_link}),
    )
}

/// The catalogue key of a group feed's title.
const FEED_TITLE: &str = "feed-group-title";

/// `GET /g/{slug}/feed.atom`: the newest threads of the group's public boards (never its
/// private ones, whoever asks: the feed is the same for everyone). Kept under the site's
/// versions, which every new post moves.
async fn feed_of(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    feed::serve(&ctx, Scope::Site, Some(feed::LIST_MAX_AGE), || async {
        let (group, rows) = ctx
            .db
            .run_quick_read(move |conn| {
                let (group, _) = service::load(conn, &slug, None)?;
                let rows = feeds::newest_threads(conn, Listing::Group(group.id))?;
                Ok::<_, AppError>((group, rows))
            })
            .await?;
        let title = feed::title(&ctx, FEED_TITLE, &group.name);
        let mut out = Feed::for_page(&ctx, title, &format!("/g/{}", group.slug));
        out.empty_updated = group.created_at;
        out.entries = feeds::thread_entries(ctx.settings.base_url(), rows);
        Ok(out)
    })
    .await
}

/// Form of a join request.
#[derive(Debug, Deserialize)]
struct JoinForm {
    #[serde(default)]
    message: String,
}

/// `POST /g/{slug}/join`: joins, or asks to join, the group.
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

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub(super) struct EmptyForm {}

/// `POST /g/{slug}/leave`: leaves the group, or withdraws a waiting request.
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

/// `GET /g/{slug}/membres`: the member list, for members and staff.
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

/// `GET /g/{slug}/invitation/{secret}`: the invitation page (404 when the link no longer lets
/// anyone in).
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

/// `POST /g/{slug}/invitation/{secret}`: joins with the invitation.
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
