//! Deleting a post for good asks first: a page of its own (`GET /mod/posts/{id}/delete`) that
//! shows the post's opening words and a red button posting the delete action, with its reason,
//! to `POST /mod/posts/{id}` (in `routes`, which keeps taking the request directly too).

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::content;
use super::policy::{self, Action, Target};
use super::routes::actor;
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// How much of the post the page shows, in characters.
const EXCERPT_CHARS: usize = 400;

/// Registers the page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/mod/posts/{id}/delete", web::get().to(confirm_page));
}

/// The first `max` characters of `text`, with an ellipsis when cut.
fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

async fn confirm_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id.into_inner())?;
    let viewer = ctx.viewer.clone();
    let (target, post) = ctx
        .db
        .run(move |conn| {
            let target = content::post_target(conn, id)?.ok_or(AppError::NotFound)?;
            // A group's private thread does not exist for staff it is not open to.
            if crate::forum::visibility::readable_thread(conn, viewer.as_ref(), target.thread_id)?
                .is_none()
            {
                return Err(AppError::NotFound);
            }
            let post = content::post_excerpt(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((target, post))
        })
        .await?;
    let actor = actor(&ctx.db, ctx.viewer.as_ref()).await?;
    policy::check(
        actor.as_ref(),
        Action::DeletePost,
        Target::Board(target.board_id),
    )?;
    if post.deleted {
        return Err(AppError::NotFound);
    }
    ctx.render(
        "pages/post_delete",
        json!({
            "post": {
                "id": target.id,
                "number": target.number,
                "thread_id": target.thread_id,
                "thread_title": target.thread_title,
                "author": post.author,
                "created_at": post.created_at,
                "excerpt": excerpt(&post.body_md, EXCERPT_CHARS),
            },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_cut_on_characters_and_say_so() {
        assert_eq!(excerpt("  court  ", 10), "court");
        assert_eq!(excerpt("éléphant rose", 8), "éléphant…");
        assert_eq!(excerpt("abc", 3), "abc");
    }
}
