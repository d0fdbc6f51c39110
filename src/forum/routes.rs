//! Forum pages: the home page, boards, threads, the new-thread, reply and edit forms.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::domain::{CookedBody, Cursor, PostBody, ThreadTitle};
use crate::forum::limits::{self, Poster};
use crate::forum::queries::{self, Board, NewThread};
use crate::forum::views::{board_display_description, board_display_name};
use crate::forum::visibility::{self, Shown, AUTO_HIDE_REASON};
use crate::gazetteer::{self as city_queries, City, Resolved};
use crate::i18n::FluentArg;
use crate::i18n::Lang;
use crate::mail::Mailer;
use crate::notifications::queries as notification_queries;
use crate::notifications::watch_json;
use crate::notifications::Target;
use crate::validation::FieldError;
use crate::web::context::may_post;
use crate::web::context::{see_other, Cached, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page_cache::Scope;
use crate::web::parse_id;

/// Registers the forum routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/b/{board}", web::get().to(board_page))
        .route("/b/{board}/new", web::get().to(new_thread_page))
        .route("/b/{board}/new", web::post().to(new_thread_submit))
        .route("/t/{id}", web::get().to(thread_page))
        .route("/t/{id}/reply", web::get().to(reply_page))
        .route("/t/{id}/reply", web::post().to(reply_submit))
        .route("/t/{id}/{slug}", web::get().to(thread_page_with_slug))
        .route("/p/{id}", web::get().to(post_redirect))
        .route("/p/{id}/edit", web::get().to(edit_page))
        .route("/p/{id}/edit", web::post().to(edit_submit));
}

fn board_json(board: &Board, lang: Lang) -> Value {
    json!({
        "id": board.id,
        "slug": board.slug,
        "display_name": board_display_name(board, lang),
        "display_description": board_display_description(board, lang),
        "thread_count": board.thread_count,
        "post_count": board.post_count,
        "last_post_at": board.last_post_at,
        "last_thread_id": board.last_thread_id,
    })
}

async fn home(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let ticket = match ctx.cached_page(Scope::Site).await? {
        Cached::Hit(res) => return Ok(res),
        Cached::Miss(ticket) => ticket,
    };
    let (boards, cities) = ctx
        .db
        .run(|conn| {
            Ok::<_, AppError>((
                queries::list_boards(conn)?,
                city_queries::most_active(conn, 12)?,
            ))
        })
        .await?;
    let boards: Vec<Value> = boards
        .iter()
        .map(|b| {
            let mut v = board_json(&b.board, ctx.lang);
            v["last_thread_title"] = json!(b.last_thread_title);
            v["last_thread_slug"] = json!(b.last_thread_slug);
            v
        })
        .collect();
    ctx.render_cacheable(
        ticket,
        "pages/home",
        json!({"boards": boards, "active_cities": cities}),
    )
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    city: Option<String>,
    after: Option<String>,
}

async fn board_page(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let query = query.into_inner();
    let cursor = Cursor::from_param(query.after.as_deref(), "after")
        .map_err(|_| AppError::BadRequest("error-bad-cursor"))?;
    let sizes = crate::forum::queries::PageSizes::new(&ctx.settings.site);
    let ticket = match ctx.cached_page(Scope::Board(slug.clone())).await? {
        Cached::Hit(res) => return Ok(res),
        Cached::Miss(ticket) => ticket,
    };
    let reader = ctx.viewer.as_ref().map(|v| v.user_id);
    let (page, watch_level) = ctx
        .db
        .run(move |conn| {
            let page = queries::board_page(conn, &slug, query.city.as_deref(), cursor, sizes)?
                .ok_or(AppError::NotFound)?;
            let level = match reader {
                Some(user_id) => Some(notification_queries::level(
                    conn,
                    user_id,
                    Target::Board,
                    page.board.id,
                )?),
                None => None,
            };
            Ok::<_, AppError>((page, level))
        })
        .await?;
    let city_param = page
        .city
        .as_ref()
        .map(|c| format!("city={}&", c.slug))
        .unwrap_or_default();
    let next_url = page
        .next
        .map(|c| format!("/b/{}?{}after={}", page.board.slug, city_param, c.encode()));
    ctx.render_cacheable(
        ticket,
        "pages/board",
        json!({
            "board": board_json(&page.board, ctx.lang),
            "pinned": page.pinned,
            "threads": page.threads,
            "city": page.city.map(|c| json!({"slug": c.slug, "name": c.name})),
            "next_url": next_url,
            "is_first_page": cursor.is_none(),
            "can_post": ctx.viewer.is_some(),
            "show_board": false,
            "watch": watch_level.map(|level| watch_json(&ctx, Target::Board, page.board.id, level, &format!("/b/{}", page.board.slug))),
        }),
    )
}

async fn new_thread_page(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_poster()?;
    let slug = slug.into_inner();
    let board = ctx
        .db
        .run(move |conn| queries::board_by_slug(conn, &slug)?.ok_or(AppError::NotFound))
        .await?;
    ctx.render(
        "pages/new_thread",
        json!({
            "board": board_json(&board, ctx.lang),
            "form": {"title": "", "body": "", "city": ""},
            "errors": {"title": null, "body": null, "city": null},
            "city_candidates": [],
            "general_error": null,
        }),
    )
}

/// Fields of the new-thread form.
#[derive(Debug, Deserialize)]
struct NewThreadForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    city: String,
}

async fn new_thread_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    slug: web::Path<String>,
    form: CsrfForm<NewThreadForm>,
) -> Result<HttpResponse, AppError> {
    let poster = Poster::of(ctx.require_poster()?);
    let author_id = poster.user_id;
    let form = form.0;
    let slug = slug.into_inner();
    let title = ThreadTitle::parse(&form.title);
    let body = PostBody::parse(&form.body);
    let typed_city = form.city.trim().to_owned();
    let board_slug = slug.clone();
    let (board, city) = ctx
        .db
        .run(move |conn| {
            let board = queries::board_by_slug(conn, &board_slug)?.ok_or(AppError::NotFound)?;
            let city = if typed_city.is_empty() {
                None
            } else {
                Some(city_queries::resolve(conn, &typed_city)?)
            };
            Ok::<_, AppError>((board, city))
        })
        .await?;
    let mut errors: Vec<FieldError> = Vec::new();
    let mut candidates: Vec<City> = Vec::new();
    let city_id = match city {
        None => None,
        Some(Resolved::One(c)) => Some(c.id),
        Some(Resolved::Ambiguous(list)) => {
            errors.push(FieldError::new("city", "error-city-ambiguous"));
            candidates = list;
            None
        }
        Some(Resolved::Unknown) => {
            errors.push(FieldError::new("city", "error-city-unknown"));
            None
        }
    };
    if let Err(e) = &title {
        errors.push(e.clone());
    }
    if let Err(e) = &body {
        errors.push(e.clone());
    }
    let (Ok(title), Ok(body), true) = (title, body, errors.is_empty()) else {
        let msg = |f: &str| errors.iter().find(|e| e.field == f).map(|e| ctx.t(e.key));
        let candidates: Vec<Value> = candidates
            .iter()
            .map(|c| json!({"slug": c.slug, "name": c.name, "country": c.country, "admin1": c.admin1}))
            .collect();
        return ctx.render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "pages/new_thread",
            json!({
                "board": board_json(&board, ctx.lang),
                "form": {"title": form.title, "body": form.body, "city": form.city},
                "errors": {"title": msg("title"), "body": msg("body"), "city": msg("city")},
                "city_candidates": candidates,
                "general_error": null,
            }),
        );
    };
    let board_id = board.id;
    let config = ctx.config.get();
    let body = CookedBody::cook(body).await?;
    let written = ctx
        .db
        .run(move |conn| {
            limits::check_new_post(conn, &config, &poster, body.as_str())?;
            queries::create_thread(
                conn,
                NewThread {
                    board_id,
                    city_id,
                    author_id,
                    title: &title,
                    body: &body,
                },
            )
            .map_err(AppError::from)
        })
        .await;
    let written = match written {
        Err(e @ (AppError::PostingRate { .. } | AppError::Invalid(_))) => {
            // Refused by a posting limit: the form comes back with the text kept.
            let status = actix_web::ResponseError::status_code(&e);
            let res = ctx.render_status(
                status,
                "pages/new_thread",
                json!({
                    "board": board_json(&board, ctx.lang),
                    "form": {"title": form.title, "body": form.body, "city": form.city},
                    "errors": {"title": null, "body": null, "city": null},
                    "city_candidates": [],
                    "general_error": e.message(ctx.lang),
                }),
            )?;
            return Ok(with_retry_after(res, &e));
        }
        other => other?,
    };
    mailer.wake();
    Ok(see_other(&format!("/t/{}", written.thread_id)))
}

/// A form page sent back after a refusal, with the wait the refusal asks for (429).
fn with_retry_after(mut res: HttpResponse, refusal: &AppError) -> HttpResponse {
    if let Some(secs) = refusal.report().retry_after {
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    res
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    page: Option<String>,
}

async fn thread_page(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    render_thread(ctx, id.into_inner(), query.into_inner()).await
}

async fn thread_page_with_slug(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    render_thread(ctx, path.into_inner().0, query.into_inner()).await
}

async fn render_thread(
    ctx: Ctx,
    raw_id: String,
    query: PageQuery,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&raw_id)?;
    let page = match query.page.as_deref() {
        None | Some("") => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or(AppError::NotFound)?,
    };
    let per_page = ctx.settings.site.posts_per_page.max(1);
    let ticket = match ctx.cached_page(Scope::Thread(id)).await? {
        Cached::Hit(res) => return Ok(res),
        Cached::Miss(ticket) => ticket,
    };
    let reader = ctx.viewer.clone();
    let (thread, posts, watch_level, moderation) = ctx
        .db
        .run(move |conn| {
            let thread = queries::thread_by_id(conn, id)?.ok_or(AppError::NotFound)?;
            // No statement for visitors and plain members.
            let staff = visibility::is_board_staff(conn, reader.as_ref(), thread.board_id)?;
            let reader_id = reader.as_ref().map(|v| v.user_id);
            if !visibility::may_read_thread(&thread, reader_id, staff) {
                return Err(AppError::NotFound);
            }
            // A page past the last one does not exist (and bounds the arithmetic below).
            if page > queries::last_page(thread.post_count, per_page) {
                return Err(AppError::NotFound);
            }
            let first = (page - 1) * per_page + 1;
            let posts = queries::posts_by_number(conn, id, first, first + per_page - 1)?;
            let (level, moderation) = match &reader {
                Some(viewer) => {
                    if viewer.unread_notifications > 0 {
                        let seen: Vec<i64> = posts.iter().map(|p| p.id).collect();
                        notification_queries::mark_seen(conn, viewer.user_id, id, &seen)?;
                    }
                    let level =
                        notification_queries::level(conn, viewer.user_id, Target::Thread, id)?;
                    // The board's staff get the moderation tools (and the boards to move to).
                    let boards = if staff {
                        Some(queries::list_boards(conn)?)
                    } else {
                        None
                    };
                    (Some(level), boards)
                }
                None => (None, None),
            };
            Ok((thread, posts, level, moderation))
        })
        .await?;
    let staff_here = moderation.is_some();
    let reader_id = ctx.viewer.as_ref().map(|v| v.user_id);
    let is_admin = ctx.viewer.as_ref().is_some_and(|v| v.is_admin());
    let last_page = queries::last_page(thread.post_count, per_page);
    let viewer = ctx.viewer.as_ref();
    let base = format!("/t/{}/{}", thread.id, thread.slug);
    let page_url = |n: i64| {
        if n == 1 {
            base.clone()
        } else {
            format!("{base}?page={n}")
        }
    };
    let posts_json: Vec<Value> = posts
        .iter()
        .map(|p| {
            let can_edit = viewer
                .map(|v| v.user_id == p.author_id || staff_here)
                .unwrap_or(false);
            let shown = visibility::shown(p, reader_id, staff_here);
            let readable = shown.readable();
            json!({
                "id": p.id, "number": p.number, "author": p.author, "author_role": p.author_role,
                "body_html": if readable { p.body_html.as_str() } else { "" },
                "created_at": p.created_at, "edited_at": p.edited_at,
                "can_edit": can_edit && shown != Shown::Deleted,
                "quote_url": format!("/t/{}/reply?quote={}", id, p.id),
                "hidden": shown == Shown::HiddenShown,
                "hidden_reason": if shown == Shown::HiddenShown {
                    p.hidden_reason.as_deref().map(|r| {
                        if r == AUTO_HIDE_REASON {
                            ctx.t("post-hidden-by-reports")
                        } else {
                            r.to_owned()
                        }
                    })
                } else {
                    None
                },
                "placeholder": shown == Shown::Placeholder,
                "deleted": shown == Shown::Deleted,
                "moderate": staff_here && shown != Shown::Deleted,
                "can_delete": is_admin && shown != Shown::Deleted,
                "history_url": (staff_here && p.edited_at.is_some()).then(|| format!("/p/{}/history", p.id)),
            })
        })
        .collect();
    let board_name = match (ctx.lang, &thread.board_name_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => thread.board_name.clone(),
    };
    // The board's staff may still reply in a locked thread.
    let can_reply = viewer.is_some() && (!thread.locked || staff_here);
    ctx.render_cacheable(
        ticket,
        "pages/thread",
        json!({
            "thread": {
                "id": thread.id, "title": thread.title, "slug": thread.slug, "post_count": thread.post_count,
                "pinned": thread.pinned, "locked": thread.locked, "created_at": thread.created_at,
                "pinned_until": thread.pinned_until, "slow_mode_minutes": thread.slow_mode_minutes,
                "hidden": thread.hidden_at.is_some(), "hidden_reason": thread.hidden_reason,
                "board_slug": thread.board_slug, "board_name": board_name,
                "city_slug": thread.city_slug, "city_name": thread.city_name,
            },
            "posts": posts_json,
            "pagination": {
                "page": page,
                "last_page": last_page,
                "prev_url": (page > 1).then(|| page_url(page - 1)),
                "next_url": (page < last_page).then(|| page_url(page + 1)),
                "pages": page_window(page, last_page).into_iter().map(|n| match n {
                    Some(n) => json!({"number": n, "url": page_url(n), "current": n == page, "gap": false}),
                    None => json!({"number": 0, "url": "", "current": false, "gap": true}),
                }).collect::<Vec<_>>(),
            },
            "can_reply": can_reply && ctx.viewer.as_ref().is_some_and(|v| may_post(&ctx.settings, v).is_ok()),
            "needs_verification": ctx.viewer.as_ref().is_some_and(|v| may_post(&ctx.settings, v).is_err()),
            "watch": watch_level.map(|level| watch_json(&ctx, Target::Thread, thread.id, level, &page_url(page))),
            "moderation": moderation.map(|boards| json!({
                "boards": boards.iter().map(|b| json!({
                    "slug": b.board.slug,
                    "name": board_display_name(&b.board, ctx.lang),
                    "current": b.board.id == thread.board_id,
                })).collect::<Vec<_>>(),
            })),
            "login_url": format!("/login?next=/t/{}", thread.id),
        }),
    )
}

/// Page numbers to show around the current one; `None` marks a gap.
pub fn page_window(page: i64, last: i64) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    let mut previous = 0;
    for n in 1..=last {
        let near = (n - page).abs() <= 2;
        if n == 1 || n == last || near {
            if n - previous > 1 {
                out.push(None);
            }
            out.push(Some(n));
            previous = n;
        }
    }
    out
}

#[derive(Debug, Deserialize)]
struct QuoteQuery {
    quote: Option<String>,
}

/// The reply form on its own page, pre-filled with a quote of `?quote=POST_ID`: the quote names
/// its author and links to the post (which notifies the author), and works without JavaScript.
async fn reply_page(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<QuoteQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_poster()?;
    let id = parse_id(&id.into_inner())?;
    let quote_id = match query.quote.as_deref() {
        Some(raw) => Some(parse_id(raw)?),
        None => None,
    };
    let viewer = ctx.viewer.clone();
    let (thread, quoted) = ctx
        .db
        .run(move |conn| {
            let thread = replyable_thread(conn, viewer.as_ref(), id)?;
            let quoted = match quote_id {
                Some(post_id) => {
                    let post = visibility::readable_post(conn, viewer.as_ref(), post_id)?
                        .map(|found| found.post)
                        .filter(|p| p.thread_id == id)
                        .ok_or(AppError::NotFound)?;
                    let author: String = crate::db::schema::users::table
                        .find(post.author_id)
                        .select(crate::db::schema::users::username)
                        .first(conn)?;
                    Some((post, author))
                }
                None => None,
            };
            Ok::<_, AppError>((thread, quoted))
        })
        .await?;
    let body = match quoted {
        Some((post, author)) => {
            let quoted_lines: String = post
                .body_md
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        ">".to_owned()
                    } else {
                        format!("> {l}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            format!(
                "{}\n{quoted_lines}\n\n",
                ctx.lang.t_args(
                    "quote-intro",
                    &[
                        ("author", FluentArg::Str(author)),
                        ("link", FluentArg::Str(format!("/p/{}", post.id))),
                    ],
                )
            )
        }
        None => String::new(),
    };
    ctx.render(
        "pages/reply",
        json!({
            "thread": {"id": thread.id, "title": thread.title, "slug": thread.slug},
            "form": {"body": body},
            "error": null,
        }),
    )
}

/// A thread `viewer` may reply in, for the reply form: 404 when it does not exist or is hidden
/// from them (a hidden thread takes replies from the board's staff only).
fn replyable_thread(
    conn: &mut crate::db::DbConnection,
    viewer: Option<&crate::sessions::Viewer>,
    id: i64,
) -> Result<queries::Thread, AppError> {
    match visibility::readable_thread(conn, viewer, id)? {
        Some((thread, staff)) if visibility::may_write_in(thread.hidden_at.is_some(), staff) => {
            Ok(thread)
        }
        _ => Err(AppError::NotFound),
    }
}

/// Fields of the reply form.
#[derive(Debug, Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
}

async fn reply_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    form: CsrfForm<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let form = form.0;
    let per_page = ctx.settings.site.posts_per_page;
    let body = match PostBody::parse(&form.body) {
        Ok(b) => b,
        Err(e) => {
            let who = viewer.clone();
            let thread = ctx
                .db
                .run(move |conn| replyable_thread(conn, Some(&who), id))
                .await?;
            return ctx.render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "pages/reply",
                json!({
                    "thread": {"id": thread.id, "title": thread.title, "slug": thread.slug},
                    "form": {"body": form.body},
                    "error": ctx.t(e.key),
                }),
            );
        }
    };
    let author = viewer.user_id;
    let config = ctx.config.get();
    let body = CookedBody::cook(body).await?;
    let who = viewer.clone();
    let written = ctx
        .db
        .run(move |conn| {
            let staff = visibility::is_thread_staff(conn, &who, id)?;
            limits::check_new_post(conn, &config, &Poster::of(&who), body.as_str())?;
            queries::create_reply(conn, id, author, &body, staff).map_err(AppError::from)
        })
        .await;
    let written = match written {
        Err(
            e @ (AppError::PostingRate { .. } | AppError::SlowMode { .. } | AppError::Invalid(_)),
        ) => {
            // Refused by a posting limit or slow mode: the form comes back with the text kept.
            let thread = ctx
                .db
                .run(move |conn| replyable_thread(conn, Some(&viewer), id))
                .await?;
            let status = actix_web::ResponseError::status_code(&e);
            let res = ctx.render_status(
                status,
                "pages/reply",
                json!({
                    "thread": {"id": thread.id, "title": thread.title, "slug": thread.slug},
                    "form": {"body": form.body},
                    "error": e.message(ctx.lang),
                }),
            )?;
            return Ok(with_retry_after(res, &e));
        }
        other => other?,
    };
    mailer.wake();
    let page = queries::last_page(written.number, per_page);
    Ok(see_other(&format!(
        "/t/{}?page={}#p{}",
        written.thread_id, page, written.number
    )))
}

async fn post_redirect(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let per_page = ctx.settings.site.posts_per_page;
    let viewer = ctx.viewer.clone();
    let (thread_id, number) = ctx
        .db
        .run(move |conn| {
            let (thread_id, number) =
                queries::post_location(conn, id)?.ok_or(AppError::NotFound)?;
            // A post of a hidden thread has no address for those who may not read it.
            visibility::readable_thread(conn, viewer.as_ref(), thread_id)?
                .ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((thread_id, number))
        })
        .await?;
    let page = queries::last_page(number, per_page);
    Ok(see_other(&format!("/t/{thread_id}?page={page}#p{number}")))
}

/// A post its viewer may edit (the author, or the board's staff); 404 / 403 otherwise.
async fn load_editable(
    ctx: &Ctx,
    id: i64,
    viewer: &crate::sessions::Viewer,
) -> Result<queries::EditablePost, AppError> {
    let who = viewer.clone();
    let (post, _) = ctx
        .db
        .run(move |conn| Ok::<_, AppError>(visibility::editable_by(conn, &who, id)??))
        .await?;
    Ok(post)
}

async fn edit_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let post = load_editable(&ctx, id, &viewer).await?;
    let slug = post.thread_slug.clone();
    ctx.render(
        "pages/edit_post",
        json!({
            "post": {"id": post.id, "number": post.number, "thread_id": post.thread_id,
                     "thread_title": post.thread_title, "thread_slug": slug, "version": post.version},
            "is_opening": post.number == 1,
            "form": {"body": post.body_md, "title": post.thread_title},
            "errors": {"body": null, "title": null},
            "conflict": null,
        }),
    )
}

/// Fields of the edit form.
#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

async fn edit_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let form = form.0;
    let post = load_editable(&ctx, id, &viewer).await?;
    let slug = post.thread_slug.clone();
    let is_opening = post.number == 1;
    let body = PostBody::parse(&form.body);
    let title = match (&form.title, is_opening) {
        (Some(t), true) => Some(ThreadTitle::parse(t)),
        _ => None,
    };
    let render_form = |status: StatusCode, errors: Value, conflict: Value| {
        ctx.render_status(
            status,
            "pages/edit_post",
            json!({
                "post": {"id": post.id, "number": post.number, "thread_id": post.thread_id,
                         "thread_title": post.thread_title, "thread_slug": slug, "version": post.version},
                "is_opening": is_opening,
                "form": {"body": form.body, "title": form.title.clone().unwrap_or_else(|| post.thread_title.clone())},
                "errors": errors,
                "conflict": conflict,
            }),
        )
    };
    let title_err = title
        .as_ref()
        .and_then(|t| t.as_ref().err())
        .map(|e| ctx.t(e.key));
    let body = match (body, &title_err) {
        (Ok(b), None) => b,
        (b, _) => {
            let body_err = b.err().map(|e| ctx.t(e.key));
            return render_form(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"body": body_err, "title": title_err}),
                Value::Null,
            );
        }
    };
    let title = title.and_then(Result::ok);
    let config = ctx.config.get();
    if let Err(AppError::Invalid(e)) = limits::check_content(
        &config,
        &Poster::of(&viewer),
        body.as_str(),
        crate::db::now(),
    ) {
        return render_form(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"body": ctx.t(e.key), "title": null}),
            Value::Null,
        );
    }
    let editor = viewer.user_id;
    let expected = form.version;
    let body = CookedBody::cook(body).await?;
    let result = ctx
        .db
        .run(move |conn| {
            let (_, staff) = visibility::editable_by(conn, &viewer, id)??;
            limits::check_edit_rate(conn, &config, &Poster::of(&viewer), crate::db::now())?;
            Ok::<_, AppError>(queries::edit_post(
                conn,
                id,
                editor,
                staff,
                expected,
                &body,
                title.as_ref(),
            ))
        })
        .await;
    let result = match result {
        Err(e @ AppError::PostingRate { .. }) => {
            // Refused by the hourly limit: the form comes back with the text kept.
            let status = actix_web::ResponseError::status_code(&e);
            let res = render_form(
                status,
                json!({"body": e.message(ctx.lang), "title": null}),
                Value::Null,
            )?;
            return Ok(with_retry_after(res, &e));
        }
        other => other?,
    };
    match result {
        Ok(w) => {
            let page = queries::last_page(w.number, ctx.settings.site.posts_per_page);
            Ok(see_other(&format!(
                "/t/{}?page={}#p{}",
                w.thread_id, page, w.number
            )))
        }
        Err(e) => {
            let (current_md, current_version) = e.into_conflict()?;
            render_form(
                StatusCode::CONFLICT,
                json!({"body": ctx.t("error-edit-conflict"), "title": null}),
                json!({"current_md": current_md, "current_version": current_version}),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn page_window_has_gaps() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(
            page_window(5, 10),
            vec![
                Some(1),
                None,
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(10)
            ]
        );
    }
}
