//! `POST /mod/posts/{id}/flag`: the board's staff report a post received from another server
//! to that server, with a `Flag` (as Mastodon and Lemmy take reports), sent by the board's
//! actor so that no moderator's name leaves. Written to the moderation log; the post can be
//! hidden here as any other (the thread's moderation tools).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::queries::{self, ActorKind};
use super::urls::{Urls, PUBLIC};
use super::{delivery, objects, Federation};
use crate::db::schema::{federation_remote_actors, posts, users};
use crate::db::{write_tx, DbConnection};
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use diesel::prelude::*;

/// Longest reason sent.
const MAX_REASON: usize = 1000;

/// Registers the form's target.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/mod/posts/{id}/flag", web::post().to(flag_submit));
}

#[derive(Debug, Deserialize)]
struct FlagForm {
    #[serde(default)]
    reason: String,
}

/// A received post's object id, its author's actor id and their server's inbox.
type Origin = (String, String, String);

/// Where a received post came from, `None` for a post of this server.
fn origin(conn: &mut DbConnection, post_id: i64) -> QueryResult<Option<Origin>> {
    let row: Option<(Option<String>, String, String, Option<String>)> = posts::table
        .inner_join(users::table)
        .inner_join(
            federation_remote_actors::table.on(federation_remote_actors::ap_id
                .nullable()
                .eq(users::remote_id)),
        )
        .filter(posts::id.eq(post_id))
        .select((
            posts::remote_id,
            federation_remote_actors::ap_id,
            federation_remote_actors::inbox,
            federation_remote_actors::shared_inbox,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(object, actor, inbox, shared)| {
        object.map(|object| (object, actor, shared.unwrap_or(inbox)))
    }))
}

/// The `Flag` of a received post, from the board: its id follows from the post and the reason,
/// so that sending the same report twice makes one delivery.
fn flag(
    urls: &Urls,
    board: &str,
    post_id: i64,
    origin: &Origin,
    reason: &str,
) -> serde_json::Value {
    let (object, author, _) = origin;
    let digest = hex::encode(Sha256::digest(reason.as_bytes()));
    objects::standalone(json!({
        "id": urls.activity(&format!("flag/post/{post_id}/{}", &digest[..8])),
        "type": "Flag",
        "actor": board,
        "to": [author],
        "cc": [PUBLIC],
        "object": [author, object],
        "content": reason,
    }))
}

async fn flag_submit(
    ctx: Ctx,
    federation: web::Data<Federation>,
    id: web::Path<String>,
    form: CsrfForm<FlagForm>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone().ok_or(AppError::Unauthorized)?;
    if !federation.enabled() {
        return Err(AppError::NotFound);
    }
    let urls = Urls::new(ctx.settings.base_url()).map_err(AppError::internal)?;
    let reason: String = crate::validation::clean_text(&form.0.reason, false)
        .trim()
        .chars()
        .take(MAX_REASON)
        .collect();
    if reason.is_empty() {
        return Err(AppError::BadRequest("error-report-text-required"));
    }
    ctx.db
        .run(move |conn| {
            let target =
                crate::moderation::content::post_target(conn, id)?.ok_or(AppError::NotFound)?;
            let Some((_, staff)) =
                crate::forum::visibility::readable_thread(conn, Some(&viewer), target.thread_id)?
            else {
                return Err(AppError::NotFound);
            };
            if !staff {
                return Err(AppError::Forbidden);
            }
            let origin = origin(conn, id)?.ok_or(AppError::NotFound)?;
            // Sent in the board's name: a board that no longer federates sends nothing.
            let board = queries::board_by_id(conn, target.board_id)?.ok_or(AppError::NotFound)?;
            let activity = flag(&urls, &urls.at(&board.path()), id, &origin, &reason);
            write_tx(conn, |conn| {
                delivery::queue(
                    conn,
                    ActorKind::Board,
                    board.id,
                    &activity,
                    std::slice::from_ref(&origin.2),
                )?;
                crate::audit::record(
                    conn,
                    viewer.user_id,
                    "flag_remote_post",
                    "post",
                    id,
                    &format!("{} #{}", target.thread_title, target.number),
                    &reason,
                    None,
                )
            })
            .map_err(AppError::from)
        })
        .await?;
    federation.wake.notify_one();
    Ok(see_other(&format!("/p/{id}")))
}
