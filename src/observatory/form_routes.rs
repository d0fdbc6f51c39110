//! The observatory's forms, in French with English aliases: proposing a deployment
//! (`/observatoire/proposer`), proposing an edit (`/observatoire/d/{id}/modifier`), and the
//! reviewers' decisions on a deployment (`…/review`) and on its history (`…/revert`).
//! Registered by `routes::configure`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{access, load};
use super::deployments::{self, Deployment, Snapshot, Source, STATUSES};
use super::views::status_label;
use super::{api, catalogue};
use crate::validation::FieldError;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::parse_id;

/// Source rows the forms offer.
const SOURCE_ROWS: usize = 6;

/// Registers the forms, under both the French and the English prefix.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for p in ["/observatoire", "/observatory"] {
        cfg.route(&format!("{p}/proposer"), web::get().to(new_page))
            .route(&format!("{p}/propose"), web::get().to(new_page))
            .route(&format!("{p}/proposer"), web::post().to(new_submit))
            .route(&format!("{p}/propose"), web::post().to(new_submit))
            .route(&format!("{p}/d/{{id}}/modifier"), web::get().to(edit_page))
            .route(&format!("{p}/d/{{id}}/edit"), web::get().to(edit_page))
            .route(
                &format!("{p}/d/{{id}}/modifier"),
                web::post().to(edit_submit),
            )
            .route(&format!("{p}/d/{{id}}/edit"), web::post().to(edit_submit))
            .route(
                &format!("{p}/d/{{id}}/review"),
                web::post().to(review_submit),
            )
            .route(
                &format!("{p}/d/{{id}}/revert"),
                web::post().to(revert_submit),
            );
    }
}

/// The proposal form's fields, read from the submitted pairs.
fn snapshot_from_form(form: &HashMap<String, String>) -> Snapshot {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let sources = (0..SOURCE_ROWS)
        .map(|i| Source {
            url: get(&format!("source_url_{i}")),
            title: get(&format!("source_title_{i}")),
            publisher: get(&format!("source_publisher_{i}")),
            date: Some(get(&format!("source_date_{i}"))),
            archive_url: Some(get(&format!("source_archive_{i}"))),
        })
        .collect();
    Snapshot {
        title: get("title"),
        technology: get("technology"),
        city: get("city"),
        status: get("status"),
        started: get("started"),
        ended: Some(get("ended")),
        companies: get("companies")
            .split([',', '\n'])
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        funding: get("funding"),
        description: get("description"),
        sources,
    }
}

/// The form's values for a snapshot (with empty source rows up to the form's count).
fn form_values(s: &Snapshot, note: &str) -> Value {
    let mut sources: Vec<Value> = s
        .sources
        .iter()
        .filter(|x| !x.url.is_empty() || !x.title.is_empty())
        .map(|x| {
            json!({"url": x.url, "title": x.title, "publisher": x.publisher,
                        "date": x.date.clone().unwrap_or_default(),
                        "archive_url": x.archive_url.clone().unwrap_or_default()})
        })
        .collect();
    while sources.len() < SOURCE_ROWS {
        sources
            .push(json!({"url": "", "title": "", "publisher": "", "date": "", "archive_url": ""}));
    }
    let sources: Vec<Value> = sources
        .into_iter()
        .take(SOURCE_ROWS)
        .enumerate()
        .map(|(i, mut v)| {
            v["index"] = json!(i);
            v["number"] = json!(i + 1);
            v
        })
        .collect();
    json!({
        "title": s.title, "technology": s.technology, "city": s.city, "status": s.status,
        "started": s.started, "ended": s.ended.clone().unwrap_or_default(),
        "companies": s.companies.join(", "), "funding": s.funding, "description": s.description,
        "sources": sources,
        "note": note,
    })
}

async fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    action: &str,
    editing: Option<&Deployment>,
    values: &Snapshot,
    note: &str,
    error: Option<&AppError>,
) -> Result<HttpResponse, AppError> {
    let technologies = ctx
        .db
        .run(|conn| catalogue::technologies(conn).map_err(AppError::from))
        .await?;
    let lang = ctx.lang;
    let tech_choices: Vec<Value> = technologies
        .iter()
        .map(|t| json!({"slug": t.slug, "name": t.name_in(lang), "selected": t.slug == values.technology}))
        .collect();
    let statuses: Vec<Value> = STATUSES
        .iter()
        .map(|s| json!({"value": s, "label": status_label(lang, s), "selected": *s == values.status}))
        .collect();
    let (field, message) = match error {
        Some(AppError::Invalid(FieldError { field, key })) => (Some(*field), Some(ctx.t(key))),
        Some(e) => (None, Some(e.message(lang))),
        None => (None, None),
    };
    ctx.render_status(
        status,
        "pages/deployment_form",
        json!({
            "action": action,
            "editing": editing.map(|d| json!({"id": d.id, "title": d.title})),
            "form": form_values(values, note),
            "technologies": tech_choices,
            "statuses": statuses,
            "error": message,
            "error_field": field,
        }),
    )
}

async fn new_page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_poster()?;
    let blank = Snapshot {
        status: "announced".into(),
        ..Snapshot::default()
    };
    render_form(
        &ctx,
        StatusCode::OK,
        "/observatoire/proposer",
        None,
        &blank,
        "",
        None,
    )
    .await
}

async fn new_submit(
    ctx: Ctx,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let author = ctx.require_poster()?.user_id;
    let submitted = snapshot_from_form(&form.0);
    let result = match deployments::validate(&submitted) {
        Ok(snapshot) => {
            ctx.db
                .run(move |conn| {
                    crate::db::write_tx_private(conn, |conn| {
                        deployments::propose_new(conn, author, snapshot)
                    })
                })
                .await
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(p) => {
            let done = if p.possible_duplicates.is_empty() {
                "proposed"
            } else {
                "proposed-duplicate"
            };
            Ok(see_other(&format!(
                "/observatoire/d/{}?done={done}",
                p.deployment_id
            )))
        }
        Err(e @ AppError::Invalid(_)) => {
            render_form(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "/observatoire/proposer",
                None,
                &submitted,
                "",
                Some(&e),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

fn snapshot_of(d: &Deployment) -> Snapshot {
    Snapshot {
        title: d.title.clone(),
        technology: d.technology.clone(),
        city: d.city.clone(),
        status: d.status.clone(),
        started: d.started.clone(),
        ended: d.ended.clone(),
        companies: d.companies.iter().map(|c| c.name.clone()).collect(),
        funding: d.funding.clone(),
        description: d.description_md.clone(),
        sources: d.sources.clone(),
    }
}

async fn edit_page(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    ctx.require_poster()?;
    let id = parse_id(&id.into_inner())?;
    let d = load(&ctx, id).await?;
    access(&ctx, &d).await?;
    let action = format!("/observatoire/d/{id}/modifier");
    render_form(
        &ctx,
        StatusCode::OK,
        &action,
        Some(&d),
        &snapshot_of(&d),
        "",
        None,
    )
    .await
}

async fn edit_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let author = ctx.require_poster()?.user_id;
    let id = parse_id(&id.into_inner())?;
    let d = load(&ctx, id).await?;
    access(&ctx, &d).await?;
    let note = form.0.get("note").cloned().unwrap_or_default();
    let typed_note = note.clone();
    let submitted = snapshot_from_form(&form.0);
    let result = match deployments::validate(&submitted) {
        Ok(snapshot) => {
            ctx.db
                .run(move |conn| {
                    crate::db::write_tx_private(conn, |conn| {
                        deployments::propose_edit(conn, author, id, snapshot, &note)
                    })
                })
                .await
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/observatoire/d/{id}?done=edit-proposed"
        ))),
        Err(e @ AppError::Invalid(_)) => {
            let action = format!("/observatoire/d/{id}/modifier");
            render_form(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &action,
                Some(&d),
                &submitted,
                &typed_note,
                Some(&e),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    revision: Option<i64>,
}

async fn review_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let form = form.0;
    let done = api::decide(
        &ctx.config,
        &ctx.db,
        ctx.viewer.as_ref(),
        id,
        &form.decision,
        form.reason,
        form.revision,
    )
    .await?;
    let key = if form.decision == "publish" {
        "published"
    } else {
        "rejected"
    };
    Ok(see_other(&format!(
        "/observatoire/d/{}?done={key}",
        done.deployment_id
    )))
}

#[derive(Debug, Deserialize)]
struct RevertForm {
    revision: i64,
}

async fn revert_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<RevertForm>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    api::revert_to(
        &ctx.config,
        &ctx.db,
        ctx.viewer.as_ref(),
        id,
        form.0.revision,
    )
    .await?;
    Ok(see_other(&format!("/observatoire/d/{id}/historique")))
}
