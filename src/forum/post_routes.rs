//! The posting forms: a new thread in a board and a reply (with an optional quote), each sent
//! back with the text kept when a check or a posting limit refuses it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::domain::{CookedBody, PostBody, ThreadTitle};
use crate::forum::limits::{self, Poster};
use crate::forum::posting_queries::{self, NewThread};
use crate::forum::queries::{self, BoardRef};
use crate::forum::thread_queries;
use crate::forum::views::board_json;
use crate::forum::visibility;
use crate::gazetteer::{self as city_queries, City, Resolved};
use crate::i18n::FluentArg;
use crate::mail::Mailer;
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

pub(super) async fn new_thread_page(
    ctx: Ctx,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show_new_thread(ctx, BoardRef::Site(slug.into_inner())).await
}

pub(super) async fn group_new_thread_page(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (group, board) = path.into_inner();
    show_new_thread(ctx, BoardRef::Group { group, board }).await
}

/// The board `viewer` may start a thread in: 404 when it does not exist for them (a private
/// board outside their group), 403 for a group's public board they are not a member of.
fn postable_board(
    conn: &mut crate::db::DbConnection,
    viewer: &crate::sessions::Viewer,
    board: &BoardRef,
) -> Result<queries::Board, AppError> {
    let board = queries::board_by_ref(conn, board)?.ok_or(AppError::NotFound)?;
    if !visibility::may_read_board(conn, Some(viewer), &board)? {
        return Err(AppError::NotFound);
    }
    if !visibility::may_post_in_board(conn, viewer, &board)? {
        return Err(AppError::Refused("error-group-members-only"));
    }
    Ok(board)
}

async fn show_new_thread(ctx: Ctx, board_ref: BoardRef) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let board = ctx
        .db
        .run(move |conn| postable_board(conn, &viewer, &board_ref))
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
pub(super) struct NewThreadForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    city: String,
}

pub(super) async fn new_thread_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    slug: web::Path<String>,
    form: CsrfForm<NewThreadForm>,
) -> Result<HttpResponse, AppError> {
    submit_new_thread(ctx, mailer, BoardRef::Site(slug.into_inner()), form.0).await
}

pub(super) async fn group_new_thread_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    path: web::Path<(String, String)>,
    form: CsrfForm<NewThreadForm>,
) -> Result<HttpResponse, AppError> {
    let (group, board) = path.into_inner();
    submit_new_thread(ctx, mailer, BoardRef::Group { group, board }, form.0).await
}

async fn submit_new_thread(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    board_ref: BoardRef,
    form: NewThreadForm,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let poster = Poster::of(&viewer);
    let author_id = poster.user_id;
    let title = ThreadTitle::parse(&form.title);
    let body = PostBody::parse(&form.body);
    let typed_city = form.city.trim().to_owned();
    let (board, city) = ctx
        .db
        .run(move |conn| {
            let board = postable_board(conn, &viewer, &board_ref)?;
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
        let candidates: Vec<Value> = candidates.iter().map(|c| c.view(ctx.lang)).collect();
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
    let body = CookedBody::cook(body, &ctx.db).await?;
    let written = ctx
        .db
        .write(move |conn| {
            limits::check_new_post(conn, &config, &poster, body.as_str())?;
            posting_queries::create_thread(
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
pub(super) fn with_retry_after(mut res: HttpResponse, refusal: &AppError) -> HttpResponse {
    if let Some(secs) = refusal.report().retry_after {
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    res
}

#[derive(Debug, Deserialize)]
pub(super) struct QuoteQuery {
    quote: Option<String>,
}

/// The reply form on its own page, pre-filled with a quote of `?quote=POST_ID`: the quote names
/// its author and links to the post (which notifies the author), and works without JavaScript.
pub(super) async fn reply_page(
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
                    let author = thread_queries::username(conn, post.author_id)?;
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
) -> Result<thread_queries::Thread, AppError> {
    match visibility::readable_thread(conn, viewer, id)? {
        Some((thread, staff)) if visibility::may_write_in(thread.hidden_at.is_some(), staff) => {
            Ok(thread)
        }
        _ => Err(AppError::NotFound),
    }
}

/// Fields of the reply form.
#[derive(Debug, Deserialize)]
pub(super) struct ReplyForm {
    #[serde(default)]
    body: String,
}

pub(super) async fn reply_submit(
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
    let body = CookedBody::cook(body, &ctx.db).await?;
    let who = viewer.clone();
    let written = ctx
        .db
        .write(move |conn| {
            let staff = visibility::reply_access(conn, &who, id)?.ok_or(AppError::NotFound)?;
            limits::check_new_post(conn, &config, &Poster::of(&who), body.as_str())?;
            posting_queries::create_reply(conn, id, author, &body, staff).map_err(AppError::from)
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
