//! `/admin/federation` (administrators): the instance policies (block, limit, allow, each with
//! its reason, who set it and when), a form to set or remove one (plain HTML forms with the
//! CSRF token; every change is written to the moderation log), the known remote instances with
//! their follows, and the delivery queue's counts.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::policy::{self, Policy};
use super::{delivery, Federation};
use crate::db::write_tx;
use crate::web::context::{see_other, CsrfForm, Ctx};
use crate::web::error::AppError;

/// Longest reason kept.
const MAX_REASON: usize = 500;

/// Registers the page and its forms.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/federation", web::get().to(page))
        .route("/admin/federation", web::post().to(set_policy))
        .route("/admin/federation/remove", web::post().to(remove_policy));
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
    ctx.require_admin()?;
    let notice = match query.done.as_deref() {
        Some("saved") => Some("federation-admin-saved"),
        Some("removed") => Some("federation-admin-removed"),
        _ => None,
    };
    render(&ctx, &federation, StatusCode::OK, notice, None).await
}

async fn render(
    ctx: &Ctx,
    federation: &Federation,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let (policies, instances, counts) = ctx
        .db
        .run(|conn| {
            Ok::<_, AppError>((
                policy::list(conn)?,
                policy::known_instances(conn)?,
                delivery::counts(conn)?,
            ))
        })
        .await?;
    let count = |status: &str| {
        counts
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    let policies: Vec<_> = policies
        .into_iter()
        .map(|p| {
            let label = ctx.t(&format!("federation-policy-{}", p.policy));
            json!({
                "domain": p.domain, "policy": p.policy, "policy_label": label,
                "reason": p.reason, "set_by": p.set_by, "set_at": p.set_at,
            })
        })
        .collect();
    ctx.render_status(
        status,
        "pages/admin_federation",
        json!({
            "enabled": federation.enabled(),
            "allowlist": ctx.settings.federation.allowlist,
            "policies": policies,
            "instances": instances,
            "deliveries": {
                "pending": count("pending"),
                "delivered": count("delivered"),
                "failed": count("failed"),
            },
            "notice": notice.map(|k| ctx.t(k)),
            "error": error.map(|k| ctx.t(k)),
        }),
    )
}

#[derive(Debug, Deserialize)]
struct PolicyForm {
    domain: String,
    policy: String,
    #[serde(default)]
    reason: String,
}

async fn set_policy(
    ctx: Ctx,
    federation: web::Data<Federation>,
    form: CsrfForm<PolicyForm>,
) -> Result<HttpResponse, AppError> {
    let admin = ctx.require_admin()?.user_id;
    let form = form.0;
    let Some(domain) = policy::normalise_domain(&form.domain) else {
        return render(
            &ctx,
            &federation,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("federation-admin-bad-domain"),
        )
        .await;
    };
    let Some(chosen) = Policy::parse(&form.policy) else {
        return Err(AppError::BadRequest("error-bad-form"));
    };
    let reason = crate::validation::clean_text(&form.reason, false)
        .chars()
        .take(MAX_REASON)
        .collect::<String>();
    let logged_domain = domain.clone();
    ctx.db
        .run(move |conn| {
            write_tx(conn, |conn| {
                policy::set(conn, &domain, chosen, &reason, admin)?;
                crate::audit::record(
                    conn,
                    admin,
                    &format!("instance_{}", chosen.as_str()),
                    "instance",
                    0,
                    &domain,
                    &reason,
                    None,
                )
            })
            .map_err(AppError::from)
        })
        .await?;
    tracing::info!(domain = %logged_domain, policy = chosen.as_str(), "instance policy set");
    Ok(see_other("/admin/federation?done=saved"))
}

#[derive(Debug, Deserialize)]
struct RemoveForm {
    domain: String,
}

async fn remove_policy(ctx: Ctx, form: CsrfForm<RemoveForm>) -> Result<HttpResponse, AppError> {
    let admin = ctx.require_admin()?.user_id;
    let Some(domain) = policy::normalise_domain(&form.0.domain) else {
        return Err(AppError::NotFound);
    };
    let removed = ctx
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let before = policy::remove(conn, &domain)?;
                if before.is_some() {
                    crate::audit::record(
                        conn,
                        admin,
                        "instance_unset",
                        "instance",
                        0,
                        &domain,
                        "",
                        None,
                    )?;
                }
                Ok::<_, diesel::result::Error>(before)
            })
            .map_err(AppError::from)
        })
        .await?;
    if removed.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/admin/federation?done=removed"))
}
