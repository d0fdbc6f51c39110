//! Pages: the notifications list, the watch-level forms of threads, boards and cities, and the
//! one-click unsubscribe page (which works without logging in). Plus the JSON counterparts.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{queries, Level, Target};
use crate::mail::unsubscribe::{self, ListKind};
use crate::mail::Mailer;
use crate::web::api_context::ApiCtx;
use crate::web::context::{safe_next, see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;

/// Notifications per page.
const PER_PAGE: i64 = 30;

/// Registers the HTML routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list_page))
        .route("/notifications/read", web::post().to(mark_all_read))
        .route("/watch", web::post().to(watch))
        .route(
            "/unsubscribe/{user}/{list}/{signature}",
            web::get().to(unsubscribe_page),
        )
        .route(
            "/unsubscribe/{user}/{list}/{signature}",
            web::post().to(unsubscribe_submit),
        );
}

/// Registers the API routes (inside `/api/v1`).
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(api_list).service(api_mark_all_read);
}

#[derive(Debug, Deserialize, IntoParams)]
struct ListQuery {
    /// The `next_before` of the previous page.
    before: Option<i64>,
}

/// A notification, as the page and the API show it.
#[derive(Debug, Serialize, ToSchema)]
struct NotificationItem<'a> {
    id: i64,
    /// `reply`, `mention`, `watched_thread`, …
    kind: &'a str,
    /// The kind in the reader's language.
    kind_label: String,
    post_id: i64,
    thread_id: i64,
    thread_title: &'a str,
    author: &'a str,
    created_at: NaiveDateTime,
    unread: bool,
}

fn rows_json(
    ctx_lang: crate::i18n::Lang,
    rows: &[queries::NotificationRow],
) -> Vec<NotificationItem<'_>> {
    rows.iter()
        .map(|n| NotificationItem {
            id: n.id,
            kind: &n.kind,
            kind_label: ctx_lang.t(&format!("notification-kind-{}", n.kind.replace('_', "-"))),
            post_id: n.post_id,
            thread_id: n.thread_id,
            thread_title: &n.thread_title,
            author: &n.author,
            created_at: n.created_at,
            unread: n.read_at.is_none(),
        })
        .collect()
}

/// A page of the token's user's notifications, newest first.
#[derive(Debug, Serialize, ToSchema)]
struct NotificationPage<'a> {
    notifications: Vec<NotificationItem<'a>>,
    /// The `before` of the next page, if any.
    next_before: Option<i64>,
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
struct Marked {
    marked: usize,
}

/// One page of a user's notifications, and the cursor of the next page if there is one.
async fn page(
    db: &crate::db::Db,
    user_id: i64,
    before: Option<i64>,
) -> Result<(Vec<queries::NotificationRow>, Option<i64>), AppError> {
    let mut rows = db
        .run(move |conn| queries::list(conn, user_id, before, PER_PAGE + 1).map_err(AppError::from))
        .await?;
    let more = rows.len() as i64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);
    let next = if more {
        rows.last().map(|n| n.id)
    } else {
        None
    };
    Ok((rows, next))
}

async fn list_page(ctx: Ctx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let before = query.before;
    let (rows, next) = page(&ctx.db, user_id, before).await?;
    let shown = &rows[..];
    ctx.render(
        "pages/notifications",
        json!({
            "notifications": rows_json(ctx.lang, shown),
            "next_before": next,
            "is_first_page": before.is_none(),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn mark_all_read(ctx: Ctx, _form: CsrfForm<EmptyForm>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    ctx.db
        .run(move |conn| queries::mark_all_read(conn, user_id).map_err(AppError::from))
        .await?;
    Ok(see_other("/notifications"))
}

#[derive(Debug, Deserialize)]
struct WatchForm {
    #[serde(default)]
    target: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    level: String,
    next: Option<String>,
}

async fn watch(ctx: Ctx, form: CsrfForm<WatchForm>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let form = form.0;
    let target = Target::parse(&form.target).ok_or(AppError::BadRequest("error-bad-form"))?;
    let level = Level::parse(&form.level).ok_or(AppError::BadRequest("error-bad-form"))?;
    let id: i64 = form.id.parse().map_err(|_| AppError::NotFound)?;
    ctx.db
        .run(move |conn| {
            if !queries::target_exists(conn, target, id)? {
                return Err(AppError::NotFound);
            }
            queries::set_level(conn, user_id, target, id, level).map_err(AppError::from)
        })
        .await?;
    Ok(see_other(&safe_next(form.next.as_deref())))
}

/// Reads an unsubscribe link (its signature is checked against the database's key).
fn parse_link(path: &(String, String, String)) -> Result<(i64, ListKind, String), AppError> {
    let user_id: i64 = path.0.parse().map_err(|_| AppError::NotFound)?;
    let list = ListKind::parse(&path.1).ok_or(AppError::NotFound)?;
    Ok((user_id, list, path.2.clone()))
}

async fn unsubscribe_page(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (user_id, list, signature) = parse_link(&path)?;
    let mailer = mailer.clone();
    ctx.db
        .run(move |conn| {
            let key = mailer.unsubscribe_key(conn)?;
            if unsubscribe::verify(&key, user_id, list, &signature) {
                Ok(())
            } else {
                Err(AppError::NotFound)
            }
        })
        .await?;
    ctx.render(
        "pages/unsubscribe",
        json!({
            "list": list.as_str(),
            "list_label": ctx.t(&format!("unsubscribe-list-{}", list.as_str())),
            "action": format!("/unsubscribe/{}/{}/{}", path.0, path.1, path.2),
            "done": false,
        }),
    )
}

/// The form a person or a mail client (RFC 8058: `List-Unsubscribe=One-Click`) posts: the
/// signature is the credential, no session or CSRF token is needed.
async fn unsubscribe_submit(
    ctx: Ctx,
    mailer: web::Data<Mailer>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (user_id, list, signature) = parse_link(&path)?;
    let mailer = mailer.clone();
    ctx.db
        .run(move |conn| {
            let key = mailer.unsubscribe_key(conn)?;
            if !unsubscribe::verify(&key, user_id, list, &signature) {
                return Err(AppError::NotFound);
            }
            queries::unsubscribe(conn, user_id, list).map_err(AppError::from)
        })
        .await?;
    tracing::info!(list = list.as_str(), "unsubscribed");
    ctx.render(
        "pages/unsubscribe",
        json!({
            "list": list.as_str(),
            "list_label": ctx.t(&format!("unsubscribe-list-{}", list.as_str())),
            "action": "",
            "done": true,
        }),
    )
}

/// The token's user's notifications, 30 a page, newest first.
#[utoipa::path(
    params(ListQuery),
    tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "A page of notifications", body = NotificationPage))
)]
#[get("/notifications")]
async fn api_list(ctx: ApiCtx, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let before = query.before;
    let (rows, next) = page(&ctx.db, user_id, before).await?;
    let shown = &rows[..];
    Ok(HttpResponse::Ok().json(NotificationPage {
        notifications: rows_json(ctx.lang, shown),
        next_before: next,
    }))
}

/// Marks all the token's user's notifications read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "Marked read", body = Marked))
)]
#[post("/notifications/read")]
async fn api_mark_all_read(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    let marked = ctx
        .db
        .run(move |conn| queries::mark_all_read(conn, user_id).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(Marked { marked }))
}
