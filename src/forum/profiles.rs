//! A member's public page: who they are and the threads they started. The account data comes
//! from `crate::accounts::queries::profile`; the threads are the forum's.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::accounts::{blocks, queries};
use crate::forum::queries::{list_threads, ThreadFilter};
use crate::forum::views::thread_rows;
use crate::web::context::{Cached, Ctx};
use crate::web::error::AppError;
use crate::web::page_cache::Scope;

/// Registers the profile page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/u/{username}", web::get().to(profile));
}

async fn profile(ctx: Ctx, username: web::Path<String>) -> Result<HttpResponse, AppError> {
    let username = username.into_inner();
    let per_page = ctx.settings.site.posts_per_page;
    let ticket = match ctx.cached_page(Scope::Site).await? {
        Cached::Hit(res) => return Ok(res),
        Cached::Miss(ticket) => ticket,
    };
    let reader = ctx.viewer.as_ref().map(|v| v.user_id);
    let (profile, threads, blocked) = ctx
        .db
        .run(move |conn| {
            let profile = queries::profile(conn, &username)?.ok_or(AppError::NotFound)?;
            let threads = list_threads(conn, ThreadFilter::Author(profile.id), None, 10, per_page)?;
            // Only a signed-in reader's page says whether they blocked this member (such pages
            // are never kept for others).
            let blocked = match reader {
                Some(me) if me != profile.id => Some(blocks::is_blocked(conn, me, profile.id)?),
                _ => None,
            };
            Ok::<_, AppError>((profile, threads, blocked))
        })
        .await?;
    ctx.render_cacheable(
        ticket,
        "pages/profile",
        json!({
            "profile": profile,
            "threads_html": thread_rows(&ctx, &threads, true)?,
            "other_member": blocked.map(|b| json!({"blocked": b})),
        }),
    )
}
