//! Reports on private messages: a member of a conversation reports one message (form and API),
//! and site staff (administrators, global moderators) see the open reports at `/mod/messages`,
//! each with the reported message only: never the rest of its conversation, which staff cannot
//! open either.

use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::domain::{Report, ReportReason};
use super::report_store as store;
use crate::db::{write_tx_private, Db};
use crate::sessions::{Role, Viewer};
use crate::validation::FieldError;
use crate::web::api_context::ApiCtx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::parse_id;

/// Most open reports the staff page lists at once (oldest first).
const QUEUE_LIMIT: i64 = 100;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/messages/report/{id}", web::get().to(report_page))
        .route("/messages/report/{id}", web::post().to(report_submit))
        .route("/mod/messages", web::get().to(queue_page))
        .route("/mod/messages/{report}/close", web::post().to(close_submit));
}

/// Registers the API handlers.
pub fn configure_api(cfg: &mut ApiConfig) {
    cfg.service(api_report);
}

/// Files a report on message `id` by `reporter`, with a copy of the message: 404 when they are
/// not in its conversation or it never reached them, 403 on their own message, 409 for a second
/// open report. A message of someone they blocked since may be reported.
async fn file(db: &Db, reporter: &Viewer, id: i64, report: Report) -> Result<i64, AppError> {
    let reporter = reporter.user_id;
    db.write(move |conn| {
        write_tx_private(conn, |conn| {
            let message = store::reportable(conn, id, reporter)?.ok_or(AppError::NotFound)?;
            if message.author_id == reporter {
                return Err(AppError::Refused("error-message-report-own"));
            }
            let (reason, at) = (report.reason.as_str(), crate::db::now());
            store::insert_report(conn, id, &message, reporter, reason, &report.text, at)?.ok_or(
                AppError::Conflict(FieldError::new("id", "error-message-report-duplicate")),
            )
        })
    })
    .await
}

/// The report form's data.
fn form_data(
    ctx: &Ctx,
    id: i64,
    reason: &str,
    text: &str,
    error: Option<String>,
) -> serde_json::Value {
    let reasons: Vec<_> = ReportReason::ALL
        .iter()
        .map(|r| {
            json!({
                "value": r.as_str(),
                "label": ctx.t(&format!("report-reason-{}", r.as_str())),
                "checked": r.as_str() == reason,
            })
        })
        .collect();
    json!({"message_id": id, "reasons": reasons, "text": text, "error": error})
}

async fn report_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let reader = ctx.require_user()?.user_id;
    let id = parse_id(&id.into_inner())?;
    let found = ctx
        .db
        .run(move |conn| store::reportable(conn, id, reader).map_err(AppError::from))
        .await?;
    found.ok_or(AppError::NotFound)?;
    ctx.render("pages/message_report", form_data(&ctx, id, "", "", None))
}

/// Fields of the report form.
#[derive(Debug, Deserialize, ToSchema)]
struct MessageReportForm {
    /// `spam`, `abuse`, `illegal` or `other` (which needs a text).
    #[serde(default)]
    reason: String,
    /// What staff should know (at most 1,000 characters).
    #[serde(default)]
    text: String,
}

async fn report_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<MessageReportForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = parse_id(&id.into_inner())?;
    let form = form.0;
    let refused = |ctx: &Ctx, e: &AppError| {
        let data = form_data(ctx, id, &form.reason, &form.text, Some(e.message(ctx.lang)));
        ctx.render_status(
            actix_web::ResponseError::status_code(e),
            "pages/message_report",
            data,
        )
    };
    let report = match Report::parse(&form.reason, &form.text) {
        Ok(r) => r,
        Err(e) => return refused(&ctx, &AppError::Invalid(e)),
    };
    match file(&ctx.db, &viewer, id, report).await {
        Ok(_) => {
            let conversation = ctx
                .db
                .run(move |conn| {
                    store::reportable(conn, id, viewer.user_id).map_err(AppError::from)
                })
                .await?
                .map(|m| m.conversation_id);
            Ok(see_other(&match conversation {
                Some(c) => format!("/messages/{c}?reported=1"),
                None => "/messages".to_owned(),
            }))
        }
        Err(e @ (AppError::Conflict(_) | AppError::Refused(_))) => refused(&ctx, &e),
        Err(e) => Err(e),
    }
}

/// The site staff's view (administrators and global moderators), or 404 for anyone else.
fn require_site_staff(ctx: &Ctx) -> Result<&Viewer, AppError> {
    let viewer = ctx.require_user()?;
    if viewer.role == Role::Member {
        return Err(AppError::NotFound);
    }
    Ok(viewer)
}

async fn queue_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    require_site_staff(&ctx)?;
    let reports = ctx
        .db
        .run(|conn| store::open_reports(conn, QUEUE_LIMIT).map_err(AppError::from))
        .await?;
    let items: Vec<_> = reports
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id,
                "reason": ctx.t(&format!("report-reason-{}", r.reason)),
                "text": r.text,
                "created_at": r.created_at,
                "reporter": r.reporter,
                "message": {
                    "id": r.message_id,
                    "author": r.author,
                    "author_now": r.author_now,
                    "body_html": r.body_html,
                    "created_at": r.written_at,
                },
            })
        })
        .collect();
    ctx.render("pages/mod_message_reports", json!({"reports": items}))
}

#[derive(Debug, Deserialize)]
struct EmptyForm {}

async fn close_submit(
    ctx: Ctx,
    report: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let staff = require_site_staff(&ctx)?.user_id;
    let report = parse_id(&report.into_inner())?;
    let closed = ctx
        .db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                store::close_report(conn, report, staff, crate::db::now())
            })
            .map_err(AppError::from)
        })
        .await?;
    if !closed {
        return Err(AppError::NotFound);
    }
    tracing::info!(report, "message report closed");
    Ok(see_other("/mod/messages"))
}

/// A filed report.
#[derive(Debug, Serialize, ToSchema)]
struct MessageReportFiled {
    id: i64,
}

/// Reports a message of a conversation the token's user is in, to site staff (who see that
/// message only, copied when the report is filed). 404 for a message that never reached them
/// (one of someone they blocked, written before the block, did), 403 on their own, 409 for a
/// second open report, 422 for a missing reason or text.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = MessageReportForm,
    responses((status = 201, description = "Filed", body = MessageReportFiled))
)]
#[post("/messages/{id}/report")]
async fn api_report(
    ctx: ApiCtx,
    id: web::Path<String>,
    body: web::Json<MessageReportForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let id = parse_id(&id.into_inner())?;
    let report = Report::parse(&body.reason, &body.text)?;
    let filed = file(&ctx.db, &viewer, id, report).await?;
    Ok(HttpResponse::Created().json(MessageReportFiled { id: filed }))
}
