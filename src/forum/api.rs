//! The forum's JSON API under `/api/v1`: boards, threads and posts.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::forum::domain::{CookedBody, Cursor, PostBody, ThreadTitle};
use crate::forum::limits::{self, Poster};
use crate::forum::posting_queries::{self, NewThread};
use crate::forum::queries;
use crate::forum::thread_queries;
use crate::forum::views::{board_display_description, board_display_name, ThreadList};
use crate::forum::visibility::{self, Shown};
use crate::gazetteer as city_queries;
use crate::mail::Mailer;
use crate::validation::FieldError;
use crate::web::api_context::{Answer, ApiCtx};
use crate::web::error::{AppError, ErrorDetail};
use crate::web::openapi::ApiConfig;
use crate::web::page_cache::Scope;
use crate::web::parse_id;

/// Posts per page of `GET /api/v1/threads/{id}/posts`.
const API_POSTS_PER_PAGE: i64 = 50;

/// Registers the forum API routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(boards)
        .service(board_threads)
        .service(create_thread)
        .service(show_thread)
        .service(thread_posts)
        .service(create_post)
        .service(edit_post);
}

/// A site board, its name and description in the request's language.
#[derive(Debug, Serialize, ToSchema)]
struct BoardItem {
    slug: String,
    name: String,
    description: String,
    thread_count: i64,
    post_count: i64,
    last_post_at: Option<NaiveDateTime>,
}

/// The site's boards, in their order.
#[utoipa::path(
    tag = "forum",
    responses((status = 200, description = "The boards", body = Vec<BoardItem>))
)]
#[get("/boards")]
async fn boards(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let boards = ctx
        .db
        .run(|conn| queries::list_boards(conn).map_err(AppError::from))
        .await?;
    let list: Vec<BoardItem> = boards
        .iter()
        .map(|b| BoardItem {
            slug: b.board.slug.clone(),
            name: board_display_name(&b.board, ctx.lang),
            description: board_display_description(&b.board, ctx.lang),
            thread_count: b.board.thread_count,
            post_count: b.board.post_count,
            last_post_at: b.board.last_post_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, IntoParams)]
struct ThreadListQuery {
    /// Only the threads about this city (its slug).
    city: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of a site board's threads, pinned ones first, newest activity first.
#[utoipa::path(
    params(ThreadListQuery),
    tag = "forum",
    responses((status = 200, description = "A page of threads", body = ThreadList))
)]
#[get("/boards/{slug}/threads")]
async fn board_threads(
    ctx: ApiCtx,
    slug: web::Path<String>,
    query: web::Query<ThreadListQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let query = query.into_inner();
    let cursor = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    // A site board's list reads the same for everyone.
    let ticket = match ctx.cached_json(Scope::Board(slug.clone()), true).await? {
        Answer::Hit(res) => return Ok(res),
        Answer::Miss(ticket) => ticket,
    };
    let sizes = crate::forum::queries::PageSizes::new(&ctx.settings.site);
    let reader = ctx.viewer.clone();
    // Reads only, bounded (one page of a site board): right here on SQLite when a connection is
    // free (see `Db::run_quick_read`).
    let page = ctx
        .db
        .run_quick_read(move |conn| {
            let page = queries::board_page(
                conn,
                &queries::BoardRef::Site(slug),
                query.city.as_deref(),
                cursor,
                sizes,
            )?
            .ok_or(AppError::NotFound)?;
            // A limited server's board is its followers' only (no statement for public boards).
            if page.board.scope().is_private()
                && !visibility::may_read_board(conn, reader.as_ref(), &page.board)?
            {
                return Err(AppError::NotFound);
            }
            Ok(page)
        })
        .await?;
    // Such a board's list is not the same for everyone: it is not kept.
    let ticket = ticket.filter(|_| page.board.scope().read_alike());
    let list = ThreadList::new(
        page.pinned.iter().chain(page.threads.iter()),
        page.next.map(|c| c.encode()),
    );
    let body = serde_json::to_string(&list).map_err(AppError::internal)?;
    Ok(ctx.json_cacheable(ticket, body, Vec::new()))
}

/// Body of `POST /api/v1/boards/{slug}/threads`.
#[derive(Debug, Deserialize, ToSchema)]
struct NewThreadBody {
    #[serde(default)]
    title: String,
    /// Markdown.
    #[serde(default)]
    body: String,
    /// A city's slug or name, if the thread is about one.
    #[serde(default)]
    city: Option<String>,
}

/// A new thread.
#[derive(Debug, Serialize, ToSchema)]
struct CreatedThread {
    id: i64,
    title: String,
    slug: String,
    board: String,
    city: Option<String>,
    /// The opening post.
    post_id: i64,
    url: String,
}

/// Opens a thread on a site board (members who may post; posting limits apply).
#[utoipa::path(
    tag = "forum",
    security(("bearer" = [])),
    responses((status = 201, description = "The new thread", body = CreatedThread))
)]
#[post("/boards/{slug}/threads")]
async fn create_thread(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    slug: web::Path<String>,
    body: web::Json<NewThreadBody>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let poster = Poster::of(&viewer);
    let author_id = poster.user_id;
    let input = body.into_inner();
    let slug = slug.into_inner();
    let title = ThreadTitle::parse(&input.title)?;
    let post_body = PostBody::parse(&input.body)?;
    let city_input = input.city.filter(|c| !c.trim().is_empty());
    let config = ctx.config.get();
    let post_body = CookedBody::cook(post_body, &ctx.db).await?;
    let written = ctx
        .db
        .write(move |conn| {
            let board = queries::board_by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
            if !visibility::may_read_board(conn, Some(&viewer), &board)? {
                return Err(AppError::NotFound);
            }
            if !visibility::may_post_in_board(conn, &viewer, &board)? {
                return Err(AppError::Forbidden);
            }
            limits::check_new_post(conn, &config, &poster, post_body.as_str())?;
            let city_id = match &city_input {
                None => None,
                Some(c) => Some(city_queries::resolve(conn, c)?.single("city")?.id),
            };
            let written = posting_queries::create_thread(
                conn,
                NewThread {
                    board_id: board.id,
                    city_id,
                    author_id,
                    title: &title,
                    body: &post_body,
                },
            )?;
            let thread =
                thread_queries::thread_by_id(conn, written.thread_id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((written, thread))
        })
        .await?;
    mailer.wake();
    let (w, t) = written;
    Ok(HttpResponse::Created().json(CreatedThread {
        url: format!("{}/t/{}/{}", ctx.settings.base_url(), t.id, t.slug),
        id: t.id,
        title: t.title,
        slug: t.slug,
        board: t.board_slug,
        city: t.city_slug,
        post_id: w.post_id,
    }))
}

/// A thread.
#[derive(Debug, Serialize, ToSchema)]
struct ThreadAnswer {
    id: i64,
    title: String,
    slug: String,
    board: String,
    city: Option<String>,
    post_count: i64,
    pinned: bool,
    locked: bool,
    created_at: NaiveDateTime,
    last_post_at: NaiveDateTime,
    url: String,
}

/// A thread the reader may read (404 otherwise).
#[utoipa::path(
    tag = "forum",
    operation_id = "thread",
    responses((status = 200, description = "The thread", body = ThreadAnswer))
)]
#[get("/threads/{id}")]
async fn show_thread(ctx: ApiCtx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone();
    let t = ctx
        .db
        .run(move |conn| {
            let (t, _) = visibility::readable_thread(conn, viewer.as_ref(), id)?
                .ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(t)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ThreadAnswer {
        url: format!("{}/t/{}/{}", ctx.settings.base_url(), t.id, t.slug),
        id: t.id,
        title: t.title,
        slug: t.slug,
        board: t.board_slug,
        city: t.city_slug,
        post_count: t.post_count,
        pinned: t.pinned,
        locked: t.locked,
        created_at: t.created_at,
        last_post_at: t.last_post_at,
    }))
}

/// A post as the API shows it (serialised straight from the loaded row).
#[derive(Debug, Serialize, ToSchema)]
struct ApiPost<'a> {
    id: i64,
    number: i64,
    author: &'a str,
    /// The address of the author's avatar (relative to the site).
    avatar_url: String,
    /// The cooked body; `null` when hidden from the reader or deleted.
    body_html: Option<&'a str>,
    created_at: NaiveDateTime,
    edited_at: Option<NaiveDateTime>,
    version: i64,
    hidden: bool,
    deleted: bool,
    /// For a post received from another server (federation), its address there.
    origin: Option<&'a str>,
}

/// A page of a thread's posts.
#[derive(Debug, Serialize, ToSchema)]
struct PostList<'a> {
    posts: Vec<ApiPost<'a>>,
    /// The `cursor` of the next page, if any.
    next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
struct PostsQuery {
    /// The `next_cursor` of the previous page (the number of the last post read).
    cursor: Option<String>,
}

/// A page of a thread's posts (50), in order.
#[utoipa::path(
    params(PostsQuery),
    tag = "forum",
    responses((status = 200, description = "A page of posts", body = PostList))
)]
#[get("/threads/{id}/posts")]
async fn thread_posts(
    ctx: ApiCtx,
    id: web::Path<String>,
    query: web::Query<PostsQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let after: i64 = match query.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c
            .parse()
            .ok()
            .filter(|n: &i64| *n >= 0)
            .ok_or(AppError::Invalid(FieldError::new(
                "cursor",
                "error-bad-form",
            )))?,
    };
    let ticket = match ctx.cached_json(Scope::Thread(id), false).await? {
        Answer::Hit(res) => return Ok(res),
        Answer::Miss(ticket) => ticket,
    };
    let viewer = ctx.viewer.clone();
    let reader = viewer.as_ref().map(|v| v.user_id);
    // Reads only, bounded (one page of posts): right here on SQLite when a connection is free.
    let (thread, posts, staff) = ctx
        .db
        .run_quick_read(move |conn| {
            let (thread, staff) = visibility::readable_thread(conn, viewer.as_ref(), id)?
                .ok_or(AppError::NotFound)?;
            // A cursor past the end reads nothing (and cannot overflow).
            let first = after.saturating_add(1);
            let last = after.saturating_add(API_POSTS_PER_PAGE);
            let posts = thread_queries::posts_by_number(conn, id, first, last)?;
            Ok::<_, AppError>((thread, posts, staff))
        })
        .await?;
    // Kept for everyone who reads it alike: a visible thread of the site's public boards (not
    // a limited server's, read by its followers only), read by someone who is not its staff;
    // the authors of hidden posts see theirs.
    let ticket =
        ticket.filter(|_| thread.scope().read_alike() && thread.hidden_at.is_none() && !staff);
    let authors: Vec<i64> = posts
        .iter()
        .filter(|p| p.hidden_at.is_some())
        .map(|p| p.author_id)
        .collect();
    let last_number = posts.last().map(|p| p.number);
    let next_cursor = last_number
        .filter(|n| *n < thread.post_count)
        .map(|n| n.to_string());
    let posts = posts
        .iter()
        .map(|p| {
            let shown = visibility::shown(p, reader, staff);
            ApiPost {
                id: p.id,
                number: p.number,
                author: &p.author,
                avatar_url: p.avatar_url(),
                body_html: shown.readable().then_some(p.body_html.as_str()),
                created_at: p.created_at,
                edited_at: p.edited_at,
                version: p.version,
                hidden: p.hidden_at.is_some() && shown != Shown::Deleted,
                deleted: shown == Shown::Deleted,
                origin: p.remote_id.as_deref(),
            }
        })
        .collect();
    let body =
        serde_json::to_string(&PostList { posts, next_cursor }).map_err(AppError::internal)?;
    Ok(ctx.json_cacheable(ticket, body, authors))
}

/// Body of `POST /api/v1/threads/{id}/posts`.
#[derive(Debug, Deserialize, ToSchema)]
struct NewPostBody {
    /// Markdown.
    #[serde(default)]
    body: String,
}

/// A post written or edited.
#[derive(Debug, Serialize, ToSchema)]
struct WrittenPost {
    id: i64,
    thread_id: i64,
    /// Its place in the thread (1 is the opening post).
    number: i64,
}

/// Replies to a thread (members who may post; posting limits apply).
#[utoipa::path(
    tag = "forum",
    security(("bearer" = [])),
    responses((status = 201, description = "The new post", body = WrittenPost))
)]
#[post("/threads/{id}/posts")]
async fn create_post(
    ctx: ApiCtx,
    mailer: web::Data<Mailer>,
    id: web::Path<String>,
    body: web::Json<NewPostBody>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let post_body = PostBody::parse(&body.body)?;
    let config = ctx.config.get();
    let post_body = CookedBody::cook(post_body, &ctx.db).await?;
    let written = ctx
        .db
        .write(move |conn| {
            let staff = visibility::reply_access(conn, &viewer, id)?.ok_or(AppError::NotFound)?;
            limits::check_new_post(conn, &config, &Poster::of(&viewer), post_body.as_str())?;
            posting_queries::create_reply(conn, id, viewer.user_id, &post_body, staff)
                .map_err(AppError::from)
        })
        .await?;
    mailer.wake();
    Ok(HttpResponse::Created().json(WrittenPost {
        id: written.post_id,
        thread_id: written.thread_id,
        number: written.number,
    }))
}

/// Body of `PATCH /api/v1/posts/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
struct EditBody {
    /// Markdown.
    #[serde(default)]
    body: String,
    /// A new title, for a thread's opening post.
    #[serde(default)]
    title: Option<String>,
    /// The version the edit starts from; another edit since is a 409.
    #[serde(default)]
    version: Option<i64>,
}

/// An edit refused because the post changed since `version`: the error, and the post as it is.
#[derive(Debug, Serialize, ToSchema)]
struct EditConflict {
    /// `code` is `edit_conflict`, `field` is `version`.
    error: ErrorDetail,
    current: CurrentPost,
}

/// A post's Markdown and version, as they are now.
#[derive(Debug, Serialize, ToSchema)]
struct CurrentPost {
    body: String,
    version: i64,
}

/// Edits a post (its author within the edit window, or staff).
#[utoipa::path(
    tag = "forum",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Edited", body = WrittenPost),
        (status = 409, description = "Edited by someone else since `version`", body = EditConflict),
    )
)]
#[patch("/posts/{id}")]
async fn edit_post(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<EditBody>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let input = body.into_inner();
    let post_body = PostBody::parse(&input.body)?;
    let title = input.title.as_deref().map(ThreadTitle::parse).transpose()?;
    let config = ctx.config.get();
    let post_body = CookedBody::cook(post_body, &ctx.db).await?;
    let result = ctx
        .db
        .write(move |conn| {
            let (_, staff) = visibility::editable_by(conn, &viewer, id)??;
            limits::check_edit(conn, &config, &Poster::of(&viewer), post_body.as_str())?;
            Ok::<_, AppError>(posting_queries::edit_post(
                conn,
                id,
                viewer.user_id,
                staff,
                input.version,
                &post_body,
                title.as_ref(),
            ))
        })
        .await?;
    match result {
        Ok(w) => Ok(HttpResponse::Ok().json(WrittenPost {
            id: w.post_id,
            thread_id: w.thread_id,
            number: w.number,
        })),
        Err(e) => {
            let (current_md, current_version) = e.into_conflict()?;
            Ok(HttpResponse::Conflict().json(EditConflict {
                error: ErrorDetail {
                    code: "edit_conflict".to_owned(),
                    message: ctx.lang.t("error-edit-conflict"),
                    field: Some("version".to_owned()),
                },
                current: CurrentPost {
                    body: current_md,
                    version: current_version,
                },
            }))
        }
    }
}
