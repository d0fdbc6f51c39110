//! The API's description: `GET /api/v1/openapi.json`, an OpenAPI 3.1 document of every endpoint
//! under `/api/v1`, generated from the code.
//!
//! Each feature registers its API handlers on an [`ApiConfig`] with `.service(handler)`; a
//! handler carries its route (`#[get("/boards")]`) and its description (`#[utoipa::path]`: answers,
//! parameters, body), so a route cannot be registered there without being described. `app`
//! collects the paths and schemas once at start (`utoipa_actix_web`), and [`finish`] adds what
//! every operation shares: the bearer scheme and the error answer (`web::error::ErrorBody`).
//! This module knows no feature; it only serves the document it is given.

use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use actix_web::web::{Bytes, Data};
use actix_web::{get, HttpMessage, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{OpenApi as _, PartialSchema, ToSchema};

use crate::web::error::{ErrorBody, ErrorDetail};

/// What an API `configure` function registers its handlers on (inside `/api/v1`): only
/// `.service(handler)` with a handler described by `#[utoipa::path]` belongs there (the
/// `openapi` test fails on a `.route(…)`, which would go undescribed).
pub type ApiConfig<'s> = utoipa_actix_web::service_config::ServiceConfig<'s>;

/// The name of the bearer-token security scheme (`Authorization: Bearer <token>`, from
/// `POST /api/v1/auth/login`).
pub const BEARER: &str = "bearer";

/// The name of the shared error answer in `components/responses`.
const ERROR_RESPONSE: &str = "Error";

/// The document's frame: title, version, description and the error shape.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Vigie API",
        description = "The JSON API of a Vigie forum. Authenticate with `Authorization: Bearer \
            <token>` (a token from `POST /api/v1/auth/login`); without it, requests read as a \
            visitor. Every error answers `{\"error\": {\"code\", \"message\", \"field\"}}`."
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct Frame;

/// The frame an `UtoipaApp` collects the paths and schemas into.
pub fn frame() -> OpenApi {
    let mut doc = Frame::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// Completes a collected document: the bearer scheme, the visitor-or-bearer default security,
/// and the error answer as every operation's `default` response.
pub fn finish(mut doc: OpenApi) -> OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        BEARER.to_owned(),
        RefOr::T(SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A token from `POST /api/v1/auth/login`; an unknown or expired token is a 401.",
                ))
                .build(),
        )),
    );
    components
        .schemas
        .entry(ErrorBody::name().into_owned())
        .or_insert_with(ErrorBody::schema);
    components.responses.insert(
        ERROR_RESPONSE.to_owned(),
        RefOr::T(
            ResponseBuilder::new()
                .description(
                    "An error: its stable `code`, a translated `message`, the `field` at fault",
                )
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                        .build(),
                )
                .build(),
        ),
    );
    // Without a token a request reads as a visitor; operations that need one say so.
    doc.security = Some(vec![
        SecurityRequirement::default(),
        SecurityRequirement::new(BEARER, Vec::<String>::new()),
    ]);
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            op.responses
                .responses
                .entry("default".to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(ERROR_RESPONSE)));
        }
    }
    doc
}

/// The document, serialised once, with its entity tag.
pub struct ApiDocument {
    body: Bytes,
    etag: EntityTag,
}

impl ApiDocument {
    /// Serialises a finished document.
    pub fn new(doc: &OpenApi) -> Result<Self, serde_json::Error> {
        let body = serde_json::to_vec(doc)?;
        let digest = Sha256::digest(&body);
        Ok(ApiDocument {
            etag: EntityTag::new_strong(hex::encode(&digest[..16])),
            body: Bytes::from(body),
        })
    }
}

/// The API's description (OpenAPI 3.1): every endpoint under `/api/v1`, its parameters, bodies
/// and answers. Public and the same for everyone; `If-None-Match` gets a 304.
#[utoipa::path(
    tag = "meta",
    operation_id = "openapi_document",
    responses(
        (status = 200, description = "This document", body = Object, content_type = "application/json"),
        (status = 304, description = "Unchanged since the entity tag sent in `If-None-Match`"),
    )
)]
#[get("/openapi.json")]
pub async fn openapi_json(req: HttpRequest, doc: Data<ApiDocument>) -> HttpResponse {
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&doc.etag)),
        None => false,
    };
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(header::ETag(doc.etag.clone()))
        // Changes only with a new version of Vigie: an hour's keep, then ask again.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"));
    if fresh {
        res.finish()
    } else {
        res.content_type(mime::APPLICATION_JSON)
            .body(doc.body.clone())
    }
}
