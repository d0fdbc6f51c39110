//! The edit form of a post (and of the thread title, for an opening post), guarded against
//! overwriting a concurrent edit.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::forum::domain::{CookedBody, PostBody, ThreadTitle};
use crate::forum::limits::{self, Poster};
use crate::forum::post_routes::with_retry_after;
use crate::forum::posting_queries;
use crate::forum::queries;
use crate::forum::thread_queries;
use crate::forum::visibility;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// A post its viewer may edit (the author, or the board's staff); 404 / 403 otherwise.
async fn load_editable(
    ctx: &Ctx,
    id: i64,
    viewer: &crate::sessions::Viewer,
) -> Result<thread_queries::EditablePost, AppError> {
    let who = viewer.clone();
    let (post, _) = ctx
        .db
        .run(move |conn| Ok::<_, AppError>(visibility::editable_by(conn, &who, id)??))
        .await?;
    Ok(post)
}

pub(super) async fn edit_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let post = load_editable(&ctx, id, &viewer).await?;
    let slug = post.thread_slug.clone();
    ctx.render(
        "pages/edit_post",
        json!({
            "post": {"id": post.id, "number": post.number, "thread_id": post.thread_id,
                     "thread_title": post.thread_title, "thread_slug": slug, "version": post.version},
            "is_opening": post.number == 1,
            "form": {"body": post.body_md, "title": post.thread_title},
            "errors": {"body": null, "title": null},
            "conflict": null,
        }),
    )
}

/// Fields of the edit form.
#[derive(Debug, Deserialize)]
pub(super) struct EditForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

pub(super) async fn edit_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_poster()?.clone();
    let id = parse_id(&id.into_inner())?;
    let form = form.0;
    let post = load_editable(&ctx, id, &viewer).await?;
    let slug = post.thread_slug.clone();
    let is_opening = post.number == 1;
    let body = PostBody::parse(&form.body);
    let title = match (&form.title, is_opening) {
        (Some(t), true) => Some(ThreadTitle::parse(t)),
        _ => None,
    };
    let render_form = |status: StatusCode, errors: Value, conflict: Value| {
        ctx.render_status(
            status,
            "pages/edit_post",
            json!({
                "post": {"id": post.id, "number": post.number, "thread_id": post.thread_id,
                         "thread_title": post.thread_title, "thread_slug": slug, "version": post.version},
                "is_opening": is_opening,
                "form": {"body": form.body, "title": form.title.clone().unwrap_or_else(|| post.thread_title.clone())},
                "errors": errors,
                "conflict": conflict,
            }),
        )
    };
    let title_err = title
        .as_ref()
        .and_then(|t| t.as_ref().err())
        .map(|e| ctx.t(e.key));
    let body = match (body, &title_err) {
        (Ok(b), None) => b,
        (b, _) => {
            let body_err = b.err().map(|e| ctx.t(e.key));
            return render_form(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"body": body_err, "title": title_err}),
                Value::Null,
            );
        }
    };
    let title = title.and_then(Result::ok);
    let config = ctx.config.get();
    if let Err(AppError::Invalid(e)) = limits::check_content(
        &config,
        &Poster::of(&viewer),
        body.as_str(),
        crate::db::now(),
    ) {
        return render_form(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"body": ctx.t(e.key), "title": null}),
            Value::Null,
        );
    }
    let editor = viewer.user_id;
    let expected = form.version;
    let body = CookedBody::cook(body, &ctx.db).await?;
    let result = ctx
        .db
        .write(move |conn| {
            let (_, staff) = visibility::editable_by(conn, &viewer, id)??;
            limits::check_edit_rate(conn, &config, &Poster::of(&viewer), crate::db::now())?;
            Ok::<_, AppError>(posting_queries::edit_post(
                conn,
                id,
                editor,
                staff,
                expected,
                &body,
                title.as_ref(),
            ))
        })
        .await;
    let result = match result {
        Err(e @ AppError::PostingRate { .. }) => {
            // Refused by the hourly limit: the form comes back with the text kept.
            let status = actix_web::ResponseError::status_code(&e);
            let res = render_form(
                status,
                json!({"body": e.message(ctx.lang), "title": null}),
                Value::Null,
            )?;
            return Ok(with_retry_after(res, &e));
        }
        other => other?,
    };
    match result {
        Ok(w) => {
            let page = queries::last_page(w.number, ctx.settings.site.posts_per_page);
            Ok(see_other(&format!(
                "/t/{}?page={}#p{}",
                w.thread_id, page, w.number
            )))
        }
        Err(e) => {
            let (current_md, current_version) = e.into_conflict()?;
            render_form(
                StatusCode::CONFLICT,
                json!({"body": ctx.t("error-edit-conflict"), "title": null}),
                json!({"current_md": current_md, "current_version": current_version}),
            )
        }
    }
}
