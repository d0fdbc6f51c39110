//! The actions' pages: the site-wide list (`/actions`) and a group's (`/g/{slug}/actions`),
//! an action's page (`/a/{id}`) with its RSVP form and the latest of its discussion, the
//! creation and edit forms, cancelling, and the calendar feeds (`/actions.ics`,
//! `/g/{slug}/actions.ics`, `/cal/{secret}.ics`). Everything works with plain HTML forms.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::actions::answers;
use crate::actions::calendar;
use crate::actions::domain::{ActionForm, Answer, FIELDS};
use crate::actions::feed_routes;
use crate::actions::listing::{self, ListQuery, CALENDAR_LIMIT};
use crate::actions::queries::{self, GroupRef};
use crate::actions::service::{self, Host};
use crate::forum::limits::{self, Poster};
use crate::forum::thread_queries;
use crate::forum::visibility::{shown_as, Shown};
use crate::mail::Mailer;
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/actions", web::get().to(list))
        .route("/actions.ics", web::get().to(list_ics))
        .route(feed_routes::PATH, web::get().to(feed_routes::feed))
        .route("/actions/new", web::get().to(new_site_page))
        .route("/actions/new", web::post().to(new_site_submit))
        .route("/g/{slug}/actions", web::get().to(group_list))
        .route("/g/{slug}/actions.ics", web::get().to(group_ics))
        .route("/g/{slug}/actions/new", web::get().to(new_group_page))
        .route("/g/{slug}/actions/new", web::post().to(new_group_submit))
        .route("/a/{id}", web::get().to(show))
        .route("/a/{id}/edit", web::get().to(edit_page))
        .route("/a/{id}/edit", web::post().to(edit_submit))
        .route("/a/{id}/rsvp", web::post().to(rsvp))
        .route("/a/{id}/cancel", web::post().to(cancel))
        .route("/cal/{file}", web::get().to(private_ics));
}

/// The query echoed into the filter form and the calendar link.
fn echo(query: &ListQuery) -> Value {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let pairs: Vec<(&str, String)> = [
        ("city", s(&query.city)),
        ("group", s(&query.group)),
        ("from", s(&query.from)),
        ("to", s(&query.to)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .collect();
    let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    json!({"city": s(&query.city), "group": s(&query.group), "from": s(&query.from),
           "to": s(&query.to), "qs": qs})
}

async fn list(ctx: Ctx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let echoed = echo(&query);
    let base = ctx.settings.base_url().to_owned();
    let page = listing::page(&ctx.db, ctx.viewer.clone(), base, ctx.lang, query).await?;
    ctx.render(
        "pages/actions",
        json!({"actions": page.actions, "next": page.next, "query": echoed,
               "logged_in": ctx.viewer.is_some(), "feed": feed_routes::head_link(&ctx)}),
    )
}

/// The host of this instance (for event UIDs).
fn host_name(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "vigie".into())
}

fn ics_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// A public calendar: the actions the query selects, from 30 days ago (so calendars keep
/// what just happened), at most `CALENDAR_LIMIT`.
async fn public_calendar(
    ctx: &Ctx,
    mut query: ListQuery,
    name: String,
) -> Result<HttpResponse, AppError> {
    query.cursor = None;
    let base = ctx.settings.base_url().to_owned();
    let host = host_name(&base);
    let body = ctx
        .db
        .run(move |conn| {
            // Members-only actions never go into a calendar that has no secret.
            let mut filter = listing::filter_of(conn, None, &query)?;
            if filter.from.is_none() {
                filter.not_over_at = None;
                filter.from = Some(crate::db::now() - chrono::Duration::days(30));
            }
            let mut rows = queries::list(conn, &filter, CALENDAR_LIMIT)?;
            rows.truncate(CALENDAR_LIMIT as usize);
            Ok::<_, AppError>(calendar::calendar(&name, &base, &host, &rows))
        })
        .await?;
    Ok(ics_response(body))
}

async fn list_ics(ctx: Ctx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let name = format!(
        "{} — {}",
        ctx.config.get().site_name,
        ctx.t("actions-title")
    );
    public_calendar(&ctx, query.into_inner(), name).await
}

async fn group_of(ctx: &Ctx, slug: String) -> Result<GroupRef, AppError> {
    ctx.db
        .run(move |conn| queries::group_by_slug(conn, &slug)?.ok_or(AppError::NotFound))
        .await
}

async fn group_ics(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let group = group_of(&ctx, slug.into_inner()).await?;
    let query = ListQuery {
        group: Some(group.slug.clone()),
        ..ListQuery::default()
    };
    public_calendar(&ctx, query, group.name).await
}

async fn private_ics(ctx: Ctx, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let file = file.into_inner();
    let secret = file
        .strip_suffix(".ics")
        .ok_or(AppError::NotFound)?
        .to_owned();
    let base = ctx.settings.base_url().to_owned();
    let host = host_name(&base);
    let name = format!(
        "{} — {}",
        ctx.config.get().site_name,
        ctx.t("actions-my-calendar")
    );
    let body = ctx
        .db
        .run(move |conn| {
            let user = queries::calendar_owner(conn, &secret)?.ok_or(AppError::NotFound)?;
            let since = crate::db::now() - chrono::Duration::days(30);
            let rows = queries::calendar_of(conn, user, since, CALENDAR_LIMIT)?;
            Ok::<_, AppError>(calendar::calendar(&name, &base, &host, &rows))
        })
        .await?;
    Ok(ics_response(body))
}

async fn group_list(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let viewer = ctx.viewer.clone();
    let s = slug.clone();
    let (group, manages) = ctx
        .db
        .run(move |conn| {
            let g = queries::group_by_slug(conn, &s)?.ok_or(AppError::NotFound)?;
            let manages = match &viewer {
                Some(v) => service::host(conn, Some(&g.slug), v).is_ok(),
                None => false,
            };
            Ok::<_, AppError>((g, manages))
        })
        .await?;
    let mut query = query.into_inner();
    query.group = Some(slug);
    query.city = None;
    let echoed = echo(&query);
    let base = ctx.settings.base_url().to_owned();
    let page = listing::page(&ctx.db, ctx.viewer.clone(), base, ctx.lang, query).await?;
    ctx.render(
        "pages/group_actions",
        json!({"group": group, "actions": page.actions, "next": page.next, "query": echoed,
               "manages": manages}),
    )
}

/// What the form page needs besides the form: where it posts, and the boards to choose from.
struct FormPage {
    action: String,
    heading: &'static str,
    group: Option<GroupRef>,
    boards: Vec<Value>,
    editing: bool,
}

fn form_json(form: &ActionForm) -> Value {
    json!({
        "title": form.title, "starts_at": form.starts_at, "ends_at": form.ends_at,
        "place": form.place, "meeting_point": form.meeting_point, "city": form.city,
        "description": form.description,
        "visibility": if form.visibility.is_empty() { "public" } else { form.visibility.as_str() },
        "capacity": form.capacity, "board": form.board,
    })
}

fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    page: &FormPage,
    form: &ActionForm,
    errors: &[FieldError],
) -> Result<HttpResponse, AppError> {
    ctx.render_status(
        status,
        "pages/action_form",
        json!({
            "form": form_json(form),
            "errors": ctx.field_errors(&FIELDS, errors),
            "has_errors": !errors.is_empty(),
            "post_to": page.action,
            "heading": ctx.t(page.heading),
            "group": page.group,
            "boards": page.boards,
            "editing": page.editing,
        }),
    )
}

/// The form again with its errors, everything typed kept (422).
fn refused(
    ctx: &Ctx,
    page: &FormPage,
    form: &ActionForm,
    errors: &[FieldError],
) -> Result<HttpResponse, AppError> {
    render_form(ctx, StatusCode::UNPROCESSABLE_ENTITY, page, form, errors)
}

/// The site's boards, for a site-wide call's form.
async fn site_form_page(ctx: &Ctx) -> Result<FormPage, AppError> {
    let boards = ctx
        .db
        .run(|conn| crate::forum::queries::list_boards(conn).map_err(AppError::from))
        .await?;
    Ok(FormPage {
        action: "/actions/new".into(),
        heading: "actions-new-site",
        group: None,
        boards: boards
            .into_iter()
            .map(|b| json!({"slug": b.board.slug, "name": b.board.name}))
            .collect(),
        editing: false,
    })
}

async fn new_site_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_poster()?;
    let page = site_form_page(&ctx).await?;
    // Calls to act usually go to the local actions' board, when the site has one.
    let form = ActionForm {
        board: page
            .boards
            .iter()
            .filter_map(|b| b["slug"].as_str())
            .find(|slug| *slug == DEFAULT_SITE_BOARD)
            .unwrap_or_default()
            .to_owned(),
        ..ActionForm::default()
    };
    render_form(&ctx, StatusCode::OK, &page, &form, &[])
}

/// Creates the action of a submitted form, or shows the form again with its errors (422).
async fn submit_new(
    ctx: Ctx,
    page: FormPage,
    form: ActionForm,
    group: Option<String>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let input = match form.parse() {
        Ok(i) => i,
        Err(errors) => return refused(&ctx, &page, &form, &errors),
    };
    let base = ctx.settings.base_url().to_owned();
    let lang = ctx.lang;
    let config = ctx.config.get();
    let created = ctx
        .db
        .run(move |conn| {
            let host = service::host(conn, group.as_deref(), &viewer)?;
            if matches!(host, Host::Site) {
                limits::check_new_post(conn, &config, &Poster::of(&viewer), &input.title)?;
            }
            service::create(conn, &host, viewer.user_id, lang, &base, &input)
        })
        .await;
    match created {
        Ok(id) => Ok(see_other(&format!("/a/{id}"))),
        Err(AppError::Invalid(e) | AppError::Conflict(e)) => refused(&ctx, &page, &form, &[e]),
        Err(e) => Err(e),
    }
}

async fn new_site_submit(ctx: Ctx, form: CsrfForm<ActionForm>) -> Result<HttpResponse, AppError> {
    let page = site_form_page(&ctx).await?;
    submit_new(ctx, page, form.0, None).await
}

/// The group's form page, after checking the viewer may announce there.
async fn group_form_page(ctx: &Ctx, slug: String) -> Result<FormPage, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let group = ctx
        .db
        .run(
            move |conn| match service::host(conn, Some(&slug), &viewer)? {
                Host::Group(g) => Ok(g),
                Host::Site => Err(AppError::NotFound),
            },
        )
        .await?;
    Ok(FormPage {
        action: format!("/g/{}/actions/new", group.slug),
        heading: "actions-new-group",
        group: Some(group),
        boards: Vec::new(),
        editing: false,
    })
}

async fn new_group_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let page = group_form_page(&ctx, slug.into_inner()).await?;
    let mut form = ActionForm::default();
    if let Some(g) = &page.group {
        let city_id = g.city_id;
        form.city = ctx
            .db
            .run(move |conn| crate::gazetteer::by_id(conn, city_id).map_err(AppError::from))
            .await?
            .map(|c| c.slug)
            .unwrap_or_default();
    }
    render_form(&ctx, StatusCode::OK, &page, &form, &[])
}

async fn new_group_submit(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let page = group_form_page(&ctx, slug.clone()).await?;
    submit_new(ctx, page, form.0, Some(slug)).await
}

/// The board a site-wide call's form offers first, when it exists.
const DEFAULT_SITE_BOARD: &str = "actions-locales";

/// How many of the discussion's latest posts the action page shows.
const LATEST_POSTS: i64 = 5;

async fn show(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone();
    let base = ctx.settings.base_url().to_owned();
    let lang = ctx.lang;
    let (json, posts) = ctx
        .db
        .run(move |conn| {
            let (action, access) = service::load(conn, id, viewer.as_ref())?;
            let me = viewer.as_ref().map(|v| v.user_id);
            let rsvps = service::visible_rsvps(conn, id, access, me)?;
            let json = service::action_json(&base, &action, access, me, &rsvps, lang);
            let last = action.thread_post_count;
            let posts: Vec<Value> = if action.thread_hidden {
                Vec::new()
            } else {
                thread_queries::posts_by_number(
                    conn,
                    action.thread_id,
                    (last - LATEST_POSTS + 1).max(1),
                    last,
                )?
                .into_iter()
                .filter(|p| {
                    shown_as(p.author_id, p.hidden_at, p.deleted_at, me, false) == Shown::Visible
                })
                .map(|p| {
                    json!({"id": p.id, "number": p.number, "author": p.author,
                           "body_html": p.body_html, "created_at": p.created_at})
                })
                .collect()
            };
            Ok::<_, AppError>((json, posts))
        })
        .await?;
    let mine = json["my_rsvp"]["answer"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let answers: Vec<Value> = [Answer::Going, Answer::Maybe, Answer::NotGoing]
        .iter()
        .map(|a| json!({"value": a.as_str(), "checked": a.as_str() == mine}))
        .collect();
    ctx.render(
        "pages/action",
        json!({"action": json, "posts": posts,
               "logged_in": ctx.viewer.is_some(),
               "answers": answers}),
    )
}

/// The action and the viewer, who must manage it (403 otherwise, 404 if they cannot see it).
async fn managed(ctx: &Ctx, id: i64) -> Result<queries::Action, AppError> {
    let viewer = ctx.require_user()?.clone();
    ctx.db
        .run(move |conn| service::load_managed(conn, id, &viewer))
        .await
}

fn edit_page_of(action: &queries::Action) -> FormPage {
    FormPage {
        action: format!("/a/{}/edit", action.id),
        heading: "actions-edit",
        group: None,
        boards: Vec::new(),
        editing: true,
    }
}

async fn edit_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let action = managed(&ctx, parse_id(&id.into_inner())?).await?;
    render_form(
        &ctx,
        StatusCode::OK,
        &edit_page_of(&action),
        &listing::form_of(&action),
        &[],
    )
}

async fn edit_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let action = managed(&ctx, parse_id(&id.into_inner())?).await?;
    let page = edit_page_of(&action);
    let mut form = form.0;
    // The visibility decides the thread's board: it stays as it was.
    form.visibility = action.visibility.clone();
    let input = match form.parse() {
        Ok(i) => i,
        Err(errors) => return refused(&ctx, &page, &form, &errors),
    };
    let m = mailer.clone();
    let id = action.id;
    let done = ctx
        .db
        .run(move |conn| service::update(conn, &m, &action, &input))
        .await;
    match done {
        Ok(()) => {
            mailer.wake();
            Ok(see_other(&format!("/a/{id}")))
        }
        Err(AppError::Invalid(e) | AppError::Conflict(e)) => refused(&ctx, &page, &form, &[e]),
        Err(e) => Err(e),
    }
}

/// The RSVP form.
#[derive(Debug, Deserialize)]
struct RsvpForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    hide_name: Option<String>,
}

async fn rsvp(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    form: CsrfForm<RsvpForm>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let viewer = ctx.require_user()?.clone();
    answers::may_answer(&ctx.settings, &viewer)?;
    let form = form.0;
    let answer = Answer::parse(&form.answer).ok_or(AppError::Invalid(FieldError::new(
        "answer",
        "action-error-answer",
    )))?;
    let hide = form.hide_name.is_some_and(|v| !v.is_empty());
    let m = mailer.clone();
    ctx.db
        .run(move |conn| {
            let (action, _) = service::load(conn, id, Some(&viewer))?;
            answers::answer(conn, &m, &action, viewer.user_id, answer, hide)
        })
        .await?;
    mailer.wake();
    Ok(see_other(&format!("/a/{id}#rsvp")))
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn cancel(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let action = managed(&ctx, parse_id(&id.into_inner())?).await?;
    let id = action.id;
    let m = mailer.clone();
    ctx.db
        .run(move |conn| service::cancel(conn, &m, &action))
        .await?;
    mailer.wake();
    Ok(see_other(&format!("/a/{id}")))
}
