//! Keeping the observatory's catalogue: administrators edit and add technologies
//! (`/admin/technologies`); reviewers describe companies (their description and website, from
//! the company page). Every change is written to the moderation log.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::catalogue;
use super::deployments;
use crate::db::schema::{companies, technologies};
use crate::validation::{clean_text, FieldError};
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/technologies", web::get().to(page))
        .route("/admin/technologies", web::post().to(create))
        .route("/admin/technologies/{slug}", web::post().to(update))
        .route(
            "/observatoire/entreprises/{slug}",
            web::post().to(company_submit),
        )
        .route(
            "/observatory/companies/{slug}",
            web::post().to(company_submit),
        );
}

/// The fields of a technology form.
#[derive(Debug, Deserialize)]
struct TechnologyForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    description_en: String,
}

/// A checked technology.
struct Checked {
    name: String,
    name_en: String,
    description: String,
    description_en: String,
}

fn check(form: &TechnologyForm) -> Result<Checked, FieldError> {
    let line = |raw: &str, field: &'static str, max: usize, required: bool| {
        let v = clean_text(raw, false).trim().to_owned();
        if required && v.is_empty() {
            return Err(FieldError::new(field, "error-deployment-required"));
        }
        if v.chars().count() > max {
            return Err(FieldError::new(field, "error-deployment-too-long"));
        }
        Ok(v)
    };
    Ok(Checked {
        name: line(&form.name, "name", 120, true)?,
        name_en: line(&form.name_en, "name_en", 120, true)?,
        description: line(&form.description, "description", 1000, false)?,
        description_en: line(&form.description_en, "description_en", 1000, false)?,
    })
}

/// Writes a change of the catalogue to the moderation log.
fn log_technology(
    conn: &mut crate::db::DbConnection,
    actor: i64,
    slug: &str,
) -> diesel::QueryResult<()> {
    crate::audit::record(conn, actor, "technology", "technology", 0, slug, "", None)
}

async fn render(
    ctx: &Ctx,
    status: StatusCode,
    error: Option<String>,
    done: bool,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let list = ctx
        .db
        .run(|conn| catalogue::technologies(conn).map_err(AppError::from))
        .await?;
    ctx.render_status(
        status,
        "pages/admin_technologies",
        json!({"technologies": list, "error": error, "done": done}),
    )
}

#[derive(Debug, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn page(ctx: Ctx, query: web::Query<DoneQuery>) -> Result<HttpResponse, AppError> {
    render(&ctx, StatusCode::OK, None, query.done.is_some()).await
}

async fn create(ctx: Ctx, form: CsrfForm<TechnologyForm>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let form = form.0;
    let slug = crate::validation::slugify(&form.slug, 60);
    let checked = match (check(&form), slug.is_empty()) {
        (Ok(c), false) => c,
        (Err(e), _) => {
            return render(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(ctx.t(e.key)),
                false,
            )
            .await
        }
        (_, true) => {
            return render(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(ctx.t("error-technology-slug")),
                false,
            )
            .await
        }
    };
    let result = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let taken: i64 = technologies::table
                    .filter(technologies::slug.eq(&slug))
                    .count()
                    .get_result(conn)?;
                if taken > 0 {
                    return Err(AppError::Conflict(FieldError::new(
                        "slug",
                        "error-technology-taken",
                    )));
                }
                let position: Option<i64> = technologies::table
                    .select(diesel::dsl::max(technologies::position))
                    .first(conn)?;
                diesel::insert_into(technologies::table)
                    .values((
                        technologies::slug.eq(&slug),
                        technologies::name.eq(&checked.name),
                        technologies::name_en.eq(&checked.name_en),
                        technologies::description.eq(&checked.description),
                        technologies::description_en.eq(&checked.description_en),
                        technologies::position.eq(position.unwrap_or(0) + 1),
                    ))
                    .execute(conn)?;
                log_technology(conn, actor, &slug)?;
                Ok(())
            })
        })
        .await;
    match result {
        Ok(()) => Ok(see_other("/admin/technologies?done=1")),
        Err(AppError::Conflict(e)) => {
            render(&ctx, StatusCode::CONFLICT, Some(ctx.t(e.key)), false).await
        }
        Err(e) => Err(e),
    }
}

async fn update(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<TechnologyForm>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let slug = slug.into_inner();
    let checked = match check(&form.0) {
        Ok(c) => c,
        Err(e) => {
            return render(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(ctx.t(e.key)),
                false,
            )
            .await
        }
    };
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let n = diesel::update(technologies::table.filter(technologies::slug.eq(&slug)))
                    .set((
                        technologies::name.eq(&checked.name),
                        technologies::name_en.eq(&checked.name_en),
                        technologies::description.eq(&checked.description),
                        technologies::description_en.eq(&checked.description_en),
                    ))
                    .execute(conn)?;
                if n == 0 {
                    return Err(AppError::NotFound);
                }
                log_technology(conn, actor, &slug)?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/admin/technologies?done=1"))
}

/// The fields of the company form.
#[derive(Debug, Deserialize)]
struct CompanyForm {
    #[serde(default)]
    description: String,
    #[serde(default)]
    website: String,
}

async fn company_submit(
    ctx: Ctx,
    slug: web::Path<String>,
    form: CsrfForm<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let slug = slug.into_inner();
    let form = form.0;
    let description = clean_text(&form.description, true).trim().to_owned();
    if description.chars().count() > 2000 {
        return Err(AppError::Invalid(FieldError::new(
            "description",
            "error-deployment-too-long",
        )));
    }
    let website = form.website.trim().to_owned();
    if !website.is_empty() && !crate::validation::valid_url(&website) {
        return Err(AppError::Invalid(FieldError::new(
            "website",
            "error-setting-url",
        )));
    }
    let board = ctx.config.get().observatory_board.clone();
    let target = slug.clone();
    ctx.db
        .run(move |conn| {
            if !deployments::is_reviewer(conn, &viewer, &board)? {
                return Err(AppError::Forbidden);
            }
            crate::db::write_tx(conn, |conn| {
                let n = diesel::update(companies::table.filter(companies::slug.eq(&target)))
                    .set((
                        companies::description.eq(&description),
                        companies::website.eq(&website),
                    ))
                    .execute(conn)?;
                if n == 0 {
                    return Err(AppError::NotFound);
                }
                crate::audit::record(
                    conn,
                    viewer.user_id,
                    "company",
                    "company",
                    0,
                    &target,
                    "",
                    None,
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other(&format!("/observatoire/entreprises/{slug}")))
}
