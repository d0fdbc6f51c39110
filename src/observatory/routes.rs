//! The observatory's reading pages, in French with English aliases: the index with counts,
//! filters, a sortable list and the map (`/observatoire`, `/observatory`), the map alone
//! (`/observatoire/carte`, and `carte.svg`), a deployment with its sources
//! (`/observatoire/d/{id}`), its history (`…/historique`), the review queue
//! (`/observatoire/propositions`), company pages, and the open-data exports (`export.csv`,
//! `export.geojson`, `feed.atom`). The proposal, edit, review and revert forms are in
//! `form_routes`, registered from here.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{access, load};
use super::deployments::{self, Deployment, Filters, STATUSES};
use super::views::{
    changes_view, deployment_view, filter_query, licence_json, note_view, render_map, sort_list,
    status_label, technology_name,
};
use super::{catalogue, export, form_routes};
use crate::i18n::Lang;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::feed::{self, Feed};
use crate::web::page_cache::Scope;
use crate::web::parse_id;

/// Deployments the index and the exports read at most.
const MAX_LISTED: i64 = 5000;

/// Registers the pages, under both the French and the English prefix (the forms' too).
pub fn configure(cfg: &mut web::ServiceConfig) {
    for p in ["/observatoire", "/observatory"] {
        cfg.route(p, web::get().to(index))
            .route(&format!("{p}/carte"), web::get().to(map_page))
            .route(&format!("{p}/map"), web::get().to(map_page))
            .route(&format!("{p}/carte.svg"), web::get().to(map_svg))
            .route(&format!("{p}/map.svg"), web::get().to(map_svg))
            .route(&format!("{p}/export.csv"), web::get().to(export_csv))
            .route(
                &format!("{p}/export.geojson"),
                web::get().to(export_geojson),
            )
            .route(&format!("{p}/feed.atom"), web::get().to(feed))
            .route(&format!("{p}/propositions"), web::get().to(queue))
            .route(&format!("{p}/proposals"), web::get().to(queue))
            .route(&format!("{p}/d/{{id}}"), web::get().to(deployment_page))
            .route(&format!("{p}/d/{{id}}/historique"), web::get().to(history))
            .route(&format!("{p}/d/{{id}}/history"), web::get().to(history))
            .route(&format!("{p}/entreprises/{{slug}}"), web::get().to(company))
            .route(&format!("{p}/companies/{{slug}}"), web::get().to(company));
    }
    form_routes::configure(cfg);
}

async fn load_published(ctx: &Ctx, filters: &Filters) -> Result<Vec<Deployment>, AppError> {
    let filters = filters.clone();
    let mut list = ctx
        .db
        .run(move |conn| {
            deployments::published(conn, &filters, None, MAX_LISTED).map_err(AppError::from)
        })
        .await?;
    list.iter_mut().for_each(|d| d.localise(ctx.lang));
    Ok(list)
}

#[derive(Debug, Deserialize)]
struct IndexQuery {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default)]
    sort: Option<String>,
}

async fn index(ctx: Ctx, query: web::Query<IndexQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filters = query.filters.normalised();
    let sort = query.sort.unwrap_or_else(|| "updated".into());
    let mut list = load_published(&ctx, &filters).await?;
    let (technologies, companies, (by_tech, by_status)) = ctx
        .db
        .run(|conn| {
            Ok::<_, AppError>((
                catalogue::technologies(conn)?,
                catalogue::companies(conn)?,
                deployments::counts(conn)?,
            ))
        })
        .await?;
    let (svg, marks, map_legend) = render_map(&list, ctx.lang, true);
    sort_list(&mut list, &sort, ctx.lang);
    let lang = ctx.lang;
    let tech_choices: Vec<Value> = technologies
        .iter()
        .map(|t| {
            let count = by_tech
                .iter()
                .find(|(s, _)| *s == t.slug)
                .map(|c| c.1)
                .unwrap_or(0);
            json!({"slug": t.slug, "name": t.name_in(lang), "count": count,
                   "selected": filters.technology.as_deref() == Some(t.slug.as_str())})
        })
        .collect();
    let status_choices: Vec<Value> = STATUSES
        .iter()
        .map(|s| {
            let count = by_status
                .iter()
                .find(|(x, _)| x == s)
                .map(|c| c.1)
                .unwrap_or(0);
            json!({"value": s, "label": status_label(lang, s), "count": count,
                   "selected": filters.status.as_deref() == Some(*s)})
        })
        .collect();
    let countries: Vec<Value> = ["FR", "BE", "CH", "LU"]
        .iter()
        .map(|c| {
            json!({"value": c, "label": ctx.t(&format!("country-{}", c.to_lowercase())),
                        "selected": filters.country.as_deref() == Some(*c)})
        })
        .collect();
    let company_choices: Vec<Value> = companies
        .iter()
        .map(|c| {
            json!({"slug": c.slug, "name": c.name, "count": c.deployments,
                        "selected": filters.company.as_deref() == Some(c.slug.as_str())})
        })
        .collect();
    let sorts: Vec<Value> = ["updated", "city", "technology", "status", "started"]
        .iter()
        .map(|s| json!({"value": s, "label": ctx.t(&format!("observatory-sort-{s}")), "selected": *s == sort}))
        .collect();
    let q = filter_query(&filters);
    let total: i64 = by_status.iter().map(|c| c.1).sum();
    ctx.render(
        "pages/observatory",
        json!({
            "deployments": list.iter().map(|d| deployment_view(d, lang)).collect::<Vec<_>>(),
            "shown": list.len(),
            "total": total,
            "technologies": tech_choices,
            "statuses": status_choices,
            "countries": countries,
            "companies": company_choices,
            "sorts": sorts,
            "region": filters.region,
            "regions": region_choices(filters.region.as_deref(), lang),
            "city": filters.city,
            "filtered": !q.is_empty(),
            "query": q,
            "map_svg": svg,
            "map_legend": map_legend,
            "cities": marks.iter().map(|m| json!({"slug": m.city_slug, "name": m.city_name, "count": m.count, "status_label": status_label(lang, &m.status)})).collect::<Vec<_>>(),
            "licence": licence_json(&ctx.config.get()),
        }),
    )
}

async fn map_page(ctx: Ctx, query: web::Query<Filters>) -> Result<HttpResponse, AppError> {
    let filters = query.into_inner().normalised();
    let list = load_published(&ctx, &filters).await?;
    let (svg, marks, map_legend) = render_map(&list, ctx.lang, true);
    let lang = ctx.lang;
    ctx.render(
        "pages/observatory_map",
        json!({
            "map_svg": svg,
            "map_legend": map_legend,
            "cities": marks.iter().map(|m| json!({"slug": m.city_slug, "name": m.city_name, "count": m.count, "status_label": status_label(lang, &m.status)})).collect::<Vec<_>>(),
            "query": filter_query(&filters),
            "filtered": filters.technology.is_some() || filters.status.is_some() || filters.country.is_some() || filters.region.is_some() || filters.company.is_some() || filters.city.is_some(),
        }),
    )
}

async fn map_svg(ctx: Ctx, query: web::Query<Filters>) -> Result<HttpResponse, AppError> {
    let filters = query.into_inner().normalised();
    let list = load_published(&ctx, &filters).await?;
    let (svg, _, _) = render_map(&list, ctx.lang, false);
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(svg))
}

fn export_rows(list: &[Deployment], base: &str) -> Vec<export::Row> {
    list.iter()
        .map(|d| export::Row {
            id: d.id,
            url: format!("{base}/observatoire/d/{}", d.id),
            title: d.title.clone(),
            technology: d.technology.clone(),
            technology_name: d.technology_name.clone(),
            status: d.status.clone(),
            started: d.started.clone(),
            ended: d.ended.clone(),
            city: d.city.clone(),
            city_name: d.city_name.clone(),
            country: d.country.clone(),
            region: d.region.clone(),
            latitude: d.latitude,
            longitude: d.longitude,
            companies: d.companies.iter().map(|c| c.name.clone()).collect(),
            funding: d.funding.clone(),
            sources: d.sources.iter().map(|s| s.url.clone()).collect(),
            published_at: d.published_at.unwrap_or(d.updated_at),
            updated_at: d.updated_at,
        })
        .collect()
}

fn export_meta(ctx: &Ctx, self_path: &str) -> export::Meta {
    let base = ctx.settings.base_url().to_owned();
    let c = ctx.config.get();
    export::Meta {
        title: ctx.lang.t_args(
            "observatory-export-title",
            &[("site", crate::i18n::FluentArg::Str(c.site_name.clone()))],
        ),
        site_url: base.clone(),
        self_url: format!("{base}{self_path}"),
        licence_name: c.data_licence.clone(),
        licence_url: c.data_licence_url.clone(),
        attribution: ctx.t("observatory-export-attribution"),
    }
}

async fn export_csv(ctx: Ctx, query: web::Query<Filters>) -> Result<HttpResponse, AppError> {
    let filters = query.into_inner().normalised();
    let list = load_published(&ctx, &filters).await?;
    let body =
        export::csv(&export_rows(&list, ctx.settings.base_url())).map_err(AppError::internal)?;
    let meta = export_meta(&ctx, "/observatoire/export.csv");
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"observatoire.csv\"",
        ))
        .insert_header(("Link", format!("<{}>; rel=\"license\"", meta.licence_url)))
        .body(body))
}

async fn export_geojson(ctx: Ctx, query: web::Query<Filters>) -> Result<HttpResponse, AppError> {
    let filters = query.into_inner().normalised();
    let list = load_published(&ctx, &filters).await?;
    let meta = export_meta(&ctx, "/observatoire/export.geojson");
    let body = export::geojson(&export_rows(&list, ctx.settings.base_url()), &meta);
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .insert_header(("Link", format!("<{}>; rel=\"license\"", meta.licence_url)))
        .json(body))
}

/// Deployments the Atom feed carries at most (the newest published).
const FEED_ENTRIES: usize = 100;

/// `feed.atom`: the published deployments the filters select, written and served (kept, with
/// an `ETag`) by `web::feed` under the site's versions, which publishing moves.
async fn feed(ctx: Ctx, query: web::Query<Filters>) -> Result<HttpResponse, AppError> {
    let filters = query.into_inner().normalised();
    feed::serve(&ctx, Scope::Site, Some(feed::LIST_MAX_AGE), || async {
        let list = load_published(&ctx, &filters).await?;
        let meta = export_meta(&ctx, "/observatoire/feed.atom");
        let base = ctx.settings.base_url().to_owned();
        let lang = ctx.lang;
        let mut out = Feed::for_page(&ctx, meta.title.clone(), "/observatoire");
        out.rights = Some(export::rights(&meta));
        out.licence_url = Some(meta.licence_url.clone()).filter(|u| !u.is_empty());
        out.entries = list
            .iter()
            .take(FEED_ENTRIES)
            .map(|d| feed::Entry {
                url: format!("{base}/observatoire/d/{}", d.id),
                title: format!("{} — {}", d.title, d.city_name),
                author: None,
                published: d.published_at.unwrap_or(d.updated_at),
                updated: d.updated_at,
                content: None,
                summary: Some(format!(
                    "{} · {} · {}",
                    technology_name(d, lang),
                    status_label(lang, &d.status),
                    d.city_name
                )),
                categories: vec![d.technology.clone(), d.status.clone()],
            })
            .collect();
        Ok(out)
    })
    .await
}

#[derive(Debug, Deserialize)]
struct NoticeQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn deployment_page(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let d = load(&ctx, id).await?;
    let reviewer = access(&ctx, &d).await?;
    let viewer_id = ctx.viewer.as_ref().map(|v| v.user_id);
    let revisions = ctx
        .db
        .run(move |conn| {
            deployments::revisions(conn, id, viewer_id, reviewer).map_err(AppError::from)
        })
        .await?;
    let pending: Vec<Value> = revisions
        .iter()
        .filter(|r| r.state == deployments::PENDING)
        .map(|r| {
            json!({"id": r.id, "author": r.author, "note": note_view(&r.note, ctx.lang), "created_at": r.created_at,
                        "changes": changes_view(&r.changes, ctx.lang)})
        })
        .collect();
    let mut view = deployment_view(&d, ctx.lang);
    if d.published_at.is_none() {
        // A proposal not yet published: its companies and sources are still in its snapshot
        // (they are copied into the record on publication), so the preview shows them from there.
        if let Some(proposed) = revisions
            .iter()
            .filter(|r| r.state == deployments::PENDING)
            .max_by_key(|r| r.id)
        {
            view["companies"] = json!(proposed
                .snapshot
                .companies
                .iter()
                .map(|name| json!({ "name": name }))
                .collect::<Vec<_>>());
            if d.sources.is_empty() {
                view["sources"] = json!(proposed.snapshot.sources);
            }
        }
    }
    ctx.render(
        "pages/deployment",
        json!({
            "d": view,
            "reviewer": reviewer,
            "pending": pending,
            "can_propose": ctx.viewer.is_some(),
            "notice": query.done.as_deref().map(|k| ctx.t(&format!("observatory-done-{k}"))),
            "licence": licence_json(&ctx.config.get()),
        }),
    )
}

async fn history(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id.into_inner())?;
    let d = load(&ctx, id).await?;
    let reviewer = access(&ctx, &d).await?;
    let viewer_id = ctx.viewer.as_ref().map(|v| v.user_id);
    let revisions = ctx
        .db
        .run(move |conn| {
            deployments::revisions(conn, id, viewer_id, reviewer).map_err(AppError::from)
        })
        .await?;
    let lang = ctx.lang;
    let current = revisions
        .iter()
        .rev()
        .find(|r| r.state == "published")
        .map(|r| r.id);
    let items: Vec<Value> = revisions
        .iter()
        .rev()
        .map(|r| {
            json!({"id": r.id, "author": r.author, "state": r.state,
                   "state_label": lang.t(&format!("revision-state-{}", r.state)),
                   "note": note_view(&r.note, lang), "reviewer": r.reviewer, "review_reason": r.review_reason,
                   "reviewed_at": r.reviewed_at, "created_at": r.created_at,
                   "changes": changes_view(&r.changes, lang),
                   "published": r.state == "published",
                   "current": Some(r.id) == current})
        })
        .collect();
    ctx.render(
        "pages/deployment_history",
        json!({"d": deployment_view(&d, lang), "revisions": items, "reviewer": reviewer}),
    )
}

async fn queue(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let viewer = ctx.require_user()?.clone();
    let board = ctx.config.get().observatory_board.clone();
    let (reviewer, list) = ctx
        .db
        .run(move |conn| {
            let reviewer = deployments::is_reviewer(conn, &viewer, &board)?;
            let list = deployments::pending(conn, (!reviewer).then_some(viewer.user_id))?;
            Ok::<_, AppError>((reviewer, list))
        })
        .await?;
    ctx.render(
        "pages/observatory_queue",
        json!({"proposals": list, "reviewer": reviewer}),
    )
}

async fn company(ctx: Ctx, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let company_slug = slug.clone();
    let company = ctx
        .db
        .run(move |conn| catalogue::company_by_slug(conn, &company_slug)?.ok_or(AppError::NotFound))
        .await?;
    let filters = Filters {
        company: Some(slug),
        ..Filters::default()
    };
    let list = load_published(&ctx, &filters).await?;
    let reviewer = super::access::is_reviewer(&ctx).await?;
    let lang = ctx.lang;
    ctx.render(
        "pages/company",
        json!({
            "reviewer": reviewer,
            "company": company,
            "deployments": list.iter().map(|d| deployment_view(d, lang)).collect::<Vec<_>>(),
        }),
    )
}

/// The region filter's choices, grouped by country: `{country, regions: [{value, name,
/// selected}]}`, each value `FR-93` style.
fn region_choices(selected: Option<&str>, lang: Lang) -> Vec<Value> {
    let mut groups: Vec<Value> = Vec::new();
    let mut current: Option<&str> = None;
    for r in crate::gazetteer::regions::all(lang) {
        let value = format!("{}-{}", r.country, r.code);
        let is_selected = selected.is_some_and(|s| s.eq_ignore_ascii_case(&value));
        if current != Some(r.country) {
            current = Some(r.country);
            groups.push(json!({
                "country": crate::gazetteer::regions::country_name(r.country, lang),
                "regions": [],
            }));
        }
        if let Some(Value::Array(list)) = groups.last_mut().and_then(|g| g.get_mut("regions")) {
            list.push(json!({"value": value, "name": r.name(lang), "selected": is_selected}));
        }
    }
    groups
}
