//! `/federation/following` (signed-in members, federation on): the boards of other servers the
//! member follows (each a link to its mirror here, pending until the group accepts), a form to
//! follow one more by handle or address, and a button to stop following each. Plain HTML forms
//! with the CSRF token; a failed follow answers the form again with the text kept.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::following::{self, FollowError};
use super::following_store;
use super::Federation;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Registers the page and its forms.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/federation/following", web::get().to(page))
        .route("/federation/following", web::post().to(follow_submit))
        .route(
            "/federation/following/{board_id}/unfollow",
            web::post().to(unfollow_submit),
        );
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    done: Option<String>,
}

async fn page(
    ctx: Ctx,
    federation: web::Data<Federation>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.done.as_deref() {
        Some("followed") => Some("federation-follow-done"),
        Some("unfollowed") => Some("federation-unfollow-done"),
        _ => None,
    };
    render(&ctx, &federation, StatusCode::OK, notice, None, "").await
}

async fn render(
    ctx: &Ctx,
    federation: &Federation,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
    typed: &str,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    if !federation.enabled() {
        return Err(AppError::NotFound);
    }
    let followed = ctx
        .db
        .run(move |conn| following_store::followed_by(conn, user_id).map_err(AppError::from))
        .await?;
    ctx.render_status(
        status,
        "pages/federation_following",
        json!({
            "followed": followed,
            "notice": notice.map(|k| ctx.t(k)),
            "error": error.map(|k| ctx.t(k)),
            "typed": typed,
        }),
    )
}

#[derive(Debug, Deserialize)]
struct FollowForm {
    #[serde(default)]
    handle: String,
}

async fn follow_submit(
    ctx: Ctx,
    federation: web::Data<Federation>,
    form: CsrfForm<FollowForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let Some(data) = federation.data() else {
        return Err(AppError::NotFound);
    };
    let typed = form.0.handle;
    match following::follow(&data, viewer.user_id, &viewer.username, &typed).await {
        Ok(_) => {
            federation.wake.notify_one();
            Ok(see_other("/federation/following?done=followed"))
        }
        Err(FollowError::Db(e)) => Err(AppError::from(e)),
        Err(e) => {
            render(
                &ctx,
                &federation,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(e.message()),
                &typed,
            )
            .await
        }
    }
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn unfollow_submit(
    ctx: Ctx,
    federation: web::Data<Federation>,
    board_id: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let board_id = crate::web::parse_id(&board_id.into_inner())?;
    let Some(data) = federation.data() else {
        return Err(AppError::NotFound);
    };
    match following::unfollow(&data, viewer.user_id, &viewer.username, board_id).await {
        Ok(true) => {
            federation.wake.notify_one();
            Ok(see_other("/federation/following?done=unfollowed"))
        }
        Ok(false) => Err(AppError::NotFound),
        Err(FollowError::Db(e)) => Err(AppError::from(e)),
        Err(_) => Err(AppError::NotFound),
    }
}
