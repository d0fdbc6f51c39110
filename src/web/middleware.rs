//! Cross-cutting request handling: statement counting, security headers, the origin check for
//! browser POSTs, error bodies (HTML or JSON, translated, without the database) and the access log.
//!
//! The access log names the route pattern, never the raw path (which may carry a one-time token)
//! and never a client address.

use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError};
use serde_json::json;

use crate::db::StatementCounter;
use crate::i18n::Lang;
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::templates::Templates;
use crate::web::context::{
    csrf_cookie_name, negotiate_lang, safe_next, Resolved, StaffWithoutTwoFactor,
};
use crate::web::error::{AppError, ErrorBody, ErrorDetail, ErrorReport};

/// Counts statements, adds security headers and logs the request.
pub async fn around(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let counter = StatementCounter::default();
    req.extensions_mut().insert(counter.clone());
    let settings = req.app_data::<Data<Settings>>().cloned();
    let method = req.method().clone();
    if method == Method::HEAD {
        // HEAD is answered like GET (RFC 9110 §9.3.2): the route runs as a GET and the HTTP
        // codec, which saw the request as HEAD, sends the headers (Content-Length included)
        // without the body. Uptime monitors use it on `/healthz` and every page.
        req.head_mut().method = Method::GET;
    }
    let has_session = settings
        .as_ref()
        .map(|s| {
            req.cookie(crate::web::context::session_cookie_name(s))
                .is_some()
        })
        .unwrap_or(false);

    let mut res = next.call(req).await?;

    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".into());
    let status = res.status();
    let headers = res.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.starts_with("text/html"))
        .unwrap_or(false);
    // A handler may have set a stricter policy (the drawn avatars: `default-src 'none'`).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(
                "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    if let Some(settings) = &settings {
        if settings.is_https() {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                header::HeaderValue::from_static("max-age=63072000; includeSubDomains"),
            );
        }
        if settings.server.expose_statement_count {
            if let Ok(v) = header::HeaderValue::from_str(&counter.get().to_string()) {
                headers.insert(header::HeaderName::from_static("x-vigie-sql-statements"), v);
            }
        }
    }
    if is_html {
        // Every page carries the reader's CSRF token (in the layout's forms), signed in or not,
        // cached or not: no shared cache may keep it, and none may serve it to another cookie.
        // (`no-store` alone already keeps every cache off a signed-in member's pages.)
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(if has_session {
                "no-store"
            } else {
                "private, no-store"
            }),
        );
        headers.append(header::VARY, header::HeaderValue::from_static("Cookie"));
    }
    tracing::info!(
        method = %method,
        route = %route,
        status = status.as_u16(),
        statements = counter.get(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}

/// Refuses browser POSTs that come from another site (`Sec-Fetch-Site`, else `Origin`).
/// The JSON API is exempt: it authenticates with a bearer token, never with the cookie.
pub async fn check_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !req.path().starts_with("/api/") && is_cross_site(&req) {
        let res = AppError::Csrf.error_response();
        return Ok(req.into_response(res).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn is_cross_site(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let base_host = req
        .app_data::<Data<Settings>>()
        .map(|s| {
            s.base_url()
                .split_once("://")
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    !(Some(origin_host) == host || origin_host == base_host)
}

/// Writes the body of every error answer: JSON under `/api/`, a translated HTML page elsewhere;
/// "sign in first" becomes a redirect to the login page for browsers.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let res = next.call(req).await?;
    let Some(mut report) = res.response().extensions().get::<ErrorReport>().cloned() else {
        return Ok(res.map_into_left_body());
    };
    let mut status = res.status();
    let request = res.request().clone();
    // Staff whose rights are suspended until they turn on two-factor sign-in are sent to set it
    // up rather than told "forbidden".
    let suspended_staff = request
        .extensions()
        .get::<StaffWithoutTwoFactor>()
        .is_some();
    if suspended_staff && status == StatusCode::FORBIDDEN && report.message_key == "error-forbidden"
    {
        report = AppError::TwoFactorEnrolmentRequired.report();
        status = StatusCode::FORBIDDEN;
    }
    let settings = request.app_data::<Data<Settings>>().cloned();
    let config = request.app_data::<Data<ConfigCache>>().map(|c| c.get());
    let templates = request.app_data::<Data<Templates>>().cloned();
    let resolved = request.extensions().get::<Resolved>().cloned();
    let lang = request
        .extensions()
        .get::<Lang>()
        .copied()
        .or_else(|| {
            config
                .as_ref()
                .map(|c| negotiate_lang(&request, c.default_lang(), None))
        })
        .unwrap_or(Lang::Fr);
    let message = report.message(lang);

    let mut builder = HttpResponse::build(status);
    if let Some(secs) = report.retry_after {
        builder.insert_header((header::RETRY_AFTER, secs.to_string()));
    }
    let new_res: HttpResponse<BoxBody> = if request.path().starts_with("/api/") {
        builder.json(ErrorBody {
            error: ErrorDetail {
                code: report.code.to_owned(),
                message,
                field: report.field.map(str::to_owned),
            },
        })
    } else if report.code == "two_factor_enrolment_required" {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/settings/two-factor?required=1"))
            .finish()
    } else if status == StatusCode::UNAUTHORIZED && report.code == "unauthorized" {
        let next = safe_next(request.uri().path_and_query().map(|p| p.as_str()));
        let target = format!(
            "/login?next={}",
            percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
        );
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, target))
            .finish()
    } else {
        let viewer = resolved.as_ref().and_then(|r| r.viewer.clone());
        let csrf = match (&viewer, &settings) {
            (Some(v), _) => v.csrf_token.clone(),
            (None, Some(s)) => request
                .cookie(csrf_cookie_name(s))
                .map(|c| c.value().to_owned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        let viewer = viewer
            .map(|v| json!({"username": v.username, "role": v.role, "is_admin": v.is_admin()}));
        let user_menu = templates
            .as_ref()
            .and_then(|t| {
                let menu = json!({
                    "lang": lang.code(),
                    "viewer": viewer,
                    "csrf": csrf,
                    "current_path": request.path(),
                    "site": {"registration_open": config.as_ref().is_some_and(|c| c.registration_open())},
                });
                t.render_fragment("partials/user_menu", menu).ok()
            })
            .unwrap_or_default();
        let data = json!({
            "lang": lang.code(),
            "site": config.as_ref().map(|c| c.page_json(lang)).unwrap_or(json!({"name": "Vigie", "version": env!("CARGO_PKG_VERSION")})),
            "csrf": csrf,
            "current_path": request.path(),
            "viewer": viewer,
            "user_menu": user_menu,
            "langs": [],
            "status": status.as_u16(),
            "title": lang.t(&format!("error-title-{}", status.as_u16())),
            "message": message,
        });
        let html = templates
            .as_ref()
            .and_then(|t| t.render_page("pages/error", data).ok())
            .unwrap_or_else(|| {
                format!(
                    "<!doctype html><title>{}</title><p>{}</p>",
                    status.as_u16(),
                    handlebars::html_escape(&message)
                )
            });
        builder.content_type(mime::TEXT_HTML_UTF_8).body(html)
    };
    Ok(res.into_response(new_res).map_into_right_body())
}
