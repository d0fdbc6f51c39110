//! Staff take down a member's uploaded picture (an abusive or identifying avatar): the drawn
//! one comes back at once, and the moderation log says who did it and why.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::policy::Action;
use super::routes::authorize_on_person;
use super::sanctions;
use crate::audit;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/mod/users/{username}/avatar/remove",
        web::post().to(remove_submit),
    );
}

/// The removal form: why (shown in the moderation log).
#[derive(Debug, Deserialize)]
struct RemoveForm {
    #[serde(default)]
    reason: String,
}

/// Removes the person's uploaded picture; staff who may warn them may do it.
async fn remove_submit(
    ctx: Ctx,
    username: web::Path<String>,
    form: CsrfForm<RemoveForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, person) = authorize_on_person(
        &ctx.db,
        ctx.viewer.as_ref(),
        username.into_inner(),
        Action::Warn,
    )
    .await?;
    let reason: String = crate::validation::clean_text(&form.0.reason, false)
        .trim()
        .chars()
        .take(sanctions::MAX_REASON_CHARS)
        .collect();
    let target = person.clone();
    let removed = ctx
        .db
        .write(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let removed = crate::accounts::avatar_store::remove(conn, target.id)?;
                if removed > 0 {
                    audit::record(
                        conn,
                        actor.user_id,
                        "remove_avatar",
                        "user",
                        target.id,
                        &target.username,
                        &reason,
                        None,
                    )?;
                }
                Ok::<_, AppError>(removed)
            })
        })
        .await?;
    let done = if removed > 0 { "avatar" } else { "no-avatar" };
    Ok(see_other(&format!(
        "/mod/users/{}?done={done}",
        person.username
    )))
}
