//! What a member's forum pages show of their watches and notifications: the watch form (the
//! one per-reader piece of a thread or board page, see `web::page_cache`), and marking read
//! the notifications about the posts a page shows. Serves members' pages held in the page
//! cache, filling in their own piece.

use std::sync::Arc;

use actix_web::HttpResponse;

use crate::notifications::queries;
use crate::notifications::reading;
use crate::notifications::{watch_json, Level, Target};
use crate::web::context::{Ctx, Held};
use crate::web::error::AppError;
use crate::web::page_cache::Slot;

/// The watch form of a page (a piece kept under what it shows; its CSRF field is a hole).
pub fn watch_form(ctx: &Ctx, slot: &Slot, level: Level) -> Result<Arc<str>, AppError> {
    let target = Target::parse(slot.kind)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no watch target {}", slot.kind)))?;
    let key = format!("{}|{}|{}|{}", slot.kind, slot.id, level.as_str(), slot.next);
    let csrf = ctx.csrf_hole().to_owned();
    ctx.fragment("partials/watch_form", Some(&key), || {
        let mut data = watch_json(ctx, target, slot.id, level, &slot.next);
        data["csrf"] = csrf.into();
        data
    })
}

/// A page's watch form as its per-reader piece: the slot to keep with the page (`target`
/// number `id`, the form sending back to `next`) and this reader's form at their `level`;
/// nothing for a visitor (`None`).
pub fn watch_piece(
    ctx: &Ctx,
    target: Target,
    id: i64,
    next: &str,
    level: Option<Level>,
) -> Result<(Option<Slot>, String), AppError> {
    let Some(level) = level else {
        return Ok((None, String::new()));
    };
    let slot = Slot {
        kind: target.as_str(),
        id,
        next: next.to_owned(),
    };
    let form = watch_form(ctx, &slot, level)?;
    Ok((Some(slot), form.to_string()))
}

/// Marks read the reader's notifications about `posts` of a thread (a write: its turn comes
/// after the page's reads). A failure only leaves them unread until the next visit.
pub async fn mark_seen(ctx: &Ctx, thread_id: i64, posts: Vec<i64>) {
    let Some(viewer) = ctx.viewer.as_ref() else {
        return;
    };
    let user_id = viewer.user_id;
    let marked = ctx
        .db
        .write(move |conn| {
            queries::mark_seen(conn, user_id, thread_id, &posts).map_err(AppError::from)
        })
        .await;
    if let Err(e) = marked {
        tracing::warn!(error = %e, "notifications not marked read");
    }
}

/// Sends a members' page from the cache with the reader's own watch form, marking read their
/// notifications about the posts it shows (one statement for the watch and, on a thread page,
/// how far they read; one more only when they have unread notifications), with their unread
/// marks on a list (one statement), and moving their read mark forward on a thread page (a
/// write, only when they read further than before).
pub async fn serve_held(ctx: &Ctx, held: Held) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?;
    let (user_id, unread) = (viewer.user_id, viewer.unread_notifications);
    let slot = held.holes().slot.clone();
    let read_up_to = held.holes().read_up_to;
    let listed = held.holes().threads.clone();
    let thread_posts = match &slot {
        Some(s) if s.kind == Target::Thread.as_str() && unread > 0 => {
            Some((s.id, held.holes().posts.clone()))
        }
        _ => None,
    };
    let watch = slot
        .as_ref()
        .and_then(|s| Target::parse(s.kind).map(|t| (t, s.id)));
    let (level, read, unseen, states) = ctx
        .db
        .run_quick_read(move |conn| {
            let (level, read) = match (watch, read_up_to) {
                (Some((Target::Thread, id)), _) => {
                    let (level, read) = reading::level_and_read(conn, user_id, id)?;
                    (Some(level), read)
                }
                (Some((target, id)), _) => (Some(queries::level(conn, user_id, target, id)?), None),
                (None, _) => (None, None),
            };
            let unseen = match thread_posts {
                Some((thread, posts)) if queries::any_unseen(conn, user_id, thread, &posts)? => {
                    Some((thread, posts))
                }
                _ => None,
            };
            let states = if listed.is_empty() {
                None
            } else {
                Some(reading::states(conn, user_id, &listed)?)
            };
            Ok::<_, AppError>((level, read, unseen, states))
        })
        .await?;
    if let Some((thread, posts)) = unseen {
        mark_seen(ctx, thread, posts).await;
    }
    if let Some((thread, number)) = read_up_to {
        reading::record_read(ctx, thread, number, read).await;
    }
    let form = match (&slot, level) {
        (Some(slot), Some(level)) => Some(watch_form(ctx, slot, level)?),
        _ => None,
    };
    let marks = states.map(|(read, boards)| {
        reading::render_marks(ctx, viewer, &held.holes().threads, &read, &boards)
    });
    ctx.serve_held_marked(held, form.as_deref().unwrap_or(""), marks.as_ref())
}
