//! The thread page (paginated, with the moderation tools for the board's staff) and the
//! permalink of a post (`/p/{id}`), which redirects to its page of the thread.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::forum::queries;
use crate::forum::thread_queries::{self, PostLocation};
use crate::forum::views::board_display_name;
use crate::forum::visibility::{self, Shown, AUTO_HIDE_REASON};
use crate::i18n::Lang;
use crate::notifications::pages as notification_pages;
use crate::notifications::queries as notification_queries;
use crate::notifications::reading;
use crate::notifications::Target;
use crate::web::context::may_post;
use crate::web::context::{see_other, Ctx, Kept};
use crate::web::error::AppError;
use crate::web::page_cache::{Holes, Scope};
use crate::web::parse_id;

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    page: Option<String>,
}

pub(super) async fn thread_page(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    render_thread(ctx, id.into_inner(), query.into_inner()).await
}

pub(super) async fn thread_page_with_slug(
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
    let ticket = match ctx.cached_page_for_members(Scope::Thread(id)).await? {
        Kept::Hit(res) => return Ok(res),
        Kept::Held(held) => return notification_pages::serve_held(&ctx, held).await,
        Kept::Miss(ticket) => ticket,
    };
    let reader = ctx.viewer.clone();
    // Reads only, bounded (one page of posts): on SQLite they run right here when a connection
    // is free, without the hop to the blocking pool (see `Db::run_quick_read`).
    let (thread, posts, watch_level, moderation, unseen, read) = ctx
        .db
        .run_quick_read(move |conn| {
            let thread = thread_queries::thread_by_id(conn, id)?.ok_or(AppError::NotFound)?;
            // No statement for visitors and plain members of the site's boards.
            let staff = visibility::thread_access(conn, reader.as_ref(), &thread)?
                .ok_or(AppError::NotFound)?;
            let reader_id = reader.as_ref().map(|v| v.user_id);
            if !visibility::may_read_thread(&thread, reader_id, staff) {
                return Err(AppError::NotFound);
            }
            // A page past the last one does not exist (and bounds the arithmetic below).
            if page > queries::last_page(thread.post_count, per_page) {
                return Err(AppError::NotFound);
            }
            let first = (page - 1) * per_page + 1;
            let posts = thread_queries::posts_by_number(conn, id, first, first + per_page - 1)?;
            let (level, moderation, unseen, read) = match &reader {
                Some(viewer) => {
                    // Marking them read is a write: it waits for its turn below, out of this
                    // read.
                    let seen: Vec<i64> = posts.iter().map(|p| p.id).collect();
                    let unseen = viewer.unread_notifications > 0
                        && notification_queries::any_unseen(conn, viewer.user_id, id, &seen)?;
                    // The watch and how far they read, in one statement.
                    let (level, read) = reading::level_and_read(conn, viewer.user_id, id)?;
                    // The board's staff get the moderation tools (and the boards to move to).
                    let boards = if staff {
                        Some(queries::list_boards(conn)?)
                    } else {
                        None
                    };
                    (Some(level), boards, unseen.then_some(seen), read)
                }
                None => (None, None, None, None),
            };
            Ok((thread, posts, level, moderation, unseen, read))
        })
        .await?;
    if let Some(seen) = unseen {
        notification_pages::mark_seen(&ctx, id, seen).await;
    }
    // Reading this page moves the member's read mark up to its last post.
    let read_up_to = posts.iter().map(|p| p.number).max().map(|n| (id, n));
    if let Some((_, number)) = read_up_to {
        reading::record_read(&ctx, id, number, read).await;
    }
    // Plain members share a copy of the page only where they all read the same thing: a
    // visible thread of the site's public boards (a group's boards depend on membership, a
    // limited server's on following it).
    let shared = thread.scope().read_alike() && thread.hidden_at.is_none();
    let ticket = ticket.filter(|t| !t.for_members() || shared);
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
    // The board's staff may still reply in a locked thread.
    let can_reply = viewer.is_some() && (!thread.locked || staff_here);
    let can_quote = can_reply && viewer.is_some_and(|v| may_post(&ctx.settings, v).is_ok());
    // Each post is a piece rendered once per look (see `Ctx::fragment`); the staff's carry
    // their moderation forms, with the reader's CSRF token, and are not kept.
    let mut posts_html = String::with_capacity(posts.len() * 2048);
    for p in &posts {
        let shown = visibility::shown(p, reader_id, staff_here);
        let own = viewer.is_some_and(|v| v.user_id == p.author_id);
        let can_edit = (own || staff_here) && shown != Shown::Deleted && p.remote_id.is_none();
        let can_report =
            viewer.is_some() && !own && !matches!(shown, Shown::Deleted | Shown::Placeholder);
        let hidden_reason = (shown == Shown::HiddenShown)
            .then(|| {
                p.hidden_reason.as_deref().map(|r| {
                    if r == AUTO_HIDE_REASON {
                        ctx.t("post-hidden-by-reports")
                    } else {
                        r.to_owned()
                    }
                })
            })
            .flatten();
        let avatar_url = p.avatar_url();
        let key = (!staff_here).then(|| {
            format!(
                "{}|{}|{}|{:?}|{:?}|{:?}|{}|{}|{}|{}{}{}",
                id,
                p.id,
                p.version,
                p.edited_at,
                shown,
                hidden_reason,
                p.author,
                p.author_role,
                avatar_url,
                u8::from(can_edit),
                u8::from(can_quote),
                u8::from(can_report),
            )
        });
        let html = ctx.fragment("partials/post", key.as_deref(), || {
            json!({
                "id": p.id, "number": p.number, "author": p.author, "author_role": p.author_role,
                "origin": p.remote_id,
                "avatar_url": avatar_url,
                "body_html": if shown.readable() { p.body_html.as_str() } else { "" },
                "created_at": p.created_at, "edited_at": p.edited_at,
                "can_edit": can_edit,
                "can_quote": can_quote,
                "can_report": can_report,
                "quote_url": format!("/t/{}/reply?quote={}", id, p.id),
                "hidden": shown == Shown::HiddenShown,
                "hidden_reason": hidden_reason,
                "placeholder": shown == Shown::Placeholder,
                "deleted": shown == Shown::Deleted,
                "moderate": staff_here && shown != Shown::Deleted,
                "can_delete": is_admin && shown != Shown::Deleted,
                "history_url": (staff_here && p.edited_at.is_some()).then(|| format!("/p/{}/history", p.id)),
                "csrf": if staff_here { ctx.csrf_token() } else { "" },
            })
        })?;
        posts_html.push_str(&html);
        posts_html.push('\n');
    }
    let board_name = match (ctx.lang, &thread.board_name_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => thread.board_name.clone(),
    };
    // The page links, shown above and below the posts: one piece per page of the thread.
    let pager_html = if last_page > 1 {
        let key = format!("{base}|{page}|{last_page}");
        let pager = ctx.fragment("partials/thread_pager", Some(&key), || {
            json!({
                "prev_url": (page > 1).then(|| page_url(page - 1)),
                "next_url": (page < last_page).then(|| page_url(page + 1)),
                "pages": page_window(page, last_page).into_iter().map(|n| match n {
                    Some(n) => json!({"number": n, "url": page_url(n), "current": n == page, "gap": false}),
                    None => json!({"number": 0, "url": "", "current": false, "gap": true}),
                }).collect::<Vec<_>>(),
            })
        })?;
        pager.to_string()
    } else {
        String::new()
    };
    let (slot, slot_html) = notification_pages::watch_piece(
        &ctx,
        Target::Thread,
        thread.id,
        &page_url(page),
        watch_level,
    )?;
    let holes = Holes {
        slot,
        authors: posts.iter().map(|p| p.author_id).collect(),
        posts: posts.iter().map(|p| p.id).collect(),
        read_up_to,
        ..Holes::default()
    };
    ctx.render_cacheable_with(
        ticket,
        "pages/thread",
        json!({
            "thread": {
                "id": thread.id, "title": thread.title, "slug": thread.slug, "post_count": thread.post_count,
                "pinned": thread.pinned, "locked": thread.locked, "created_at": thread.created_at,
                "pinned_until": thread.pinned_until, "slow_mode_minutes": thread.slow_mode_minutes,
                "hidden": thread.hidden_at.is_some(), "hidden_reason": thread.hidden_reason,
                "board_slug": thread.board_slug, "board_name": board_name,
                "board_path": thread.board_path(), "board_private": thread.scope().is_private(),
                "board_followers": thread.scope().is_for_followers(),
                "group": thread.group_slug.as_ref().map(|g| json!({"slug": g, "name": thread.group_name})),
                "city_slug": thread.city_slug,
                "city_name": match (ctx.lang, &thread.city_name_en) {
                    (Lang::En, Some(en)) => Some(en),
                    _ => thread.city_name.as_ref(),
                },
            },
            "posts_html": posts_html,
            "pagination": {"page": page, "last_page": last_page},
            "pager_html": pager_html,
            "can_reply": can_quote,
            "needs_verification": ctx.viewer.as_ref().is_some_and(|v| may_post(&ctx.settings, v).is_err()),
            "moderation": moderation.map(|boards| json!({
                "boards": boards.iter().map(|b| json!({
                    "slug": b.board.slug,
                    "name": board_display_name(&b.board, ctx.lang),
                    "current": b.board.id == thread.board_id,
                })).collect::<Vec<_>>(),
            })),
            "login_url": format!("/login?next=/t/{}", thread.id),
            "feed": super::feed_routes::thread_link(&ctx, &thread),
        }),
        holes,
        &slot_html,
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

pub(super) async fn post_redirect(
    ctx: Ctx,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let per_page = ctx.settings.site.posts_per_page;
    let viewer = ctx.viewer.clone();
    let (thread_id, number) = ctx
        .db
        .run(move |conn| {
            let PostLocation { thread_id, number } =
                thread_queries::post_location(conn, id)?.ok_or(AppError::NotFound)?;
            // A post of a hidden thread has no address for those who may not read it.
            visibility::readable_thread(conn, viewer.as_ref(), thread_id)?
                .ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((thread_id, number))
        })
        .await?;
    let page = queries::last_page(number, per_page);
    Ok(see_other(&format!("/t/{thread_id}?page={page}#p{number}")))
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
