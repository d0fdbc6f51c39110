//! The manifesto's JSON API (inside `/api/v1`): `GET /manifesto` (the text, the count of people,
//! the listed organisations) and `POST /manifesto/signatures` (a signature, confirmed by mail).
//! The pages and the shared steps are in `manifesto`.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::manifesto::{check_client, submit};
use super::manifesto_lists::{self as lists, PublicOrganisation};
use super::manifesto_signature::{self as signature, Submitted};
use crate::mail::Mailer;
use crate::web::api_context::ApiCtx;
use crate::web::error::AppError;
use crate::web::openapi::ApiConfig;
use crate::web::throttle::Throttles;

/// Registers the API routes (inside `/api/v1`).
pub fn configure(cfg: &mut ApiConfig) {
    cfg.service(api_view).service(api_sign);
}

/// The manifesto as the public reads it.
#[derive(Debug, Serialize, ToSchema)]
struct Manifesto<'a> {
    /// The language of `text_html` (`fr` or `en`).
    lang: &'a str,
    /// The text, sanitised HTML.
    text_html: &'a str,
    /// Confirmed persons.
    people: i64,
    /// Approved organisations, by name.
    organisations: Vec<PublicOrganisation>,
}

/// The manifesto: the text (sanitised HTML, in the request's language), the count of people
/// and the listed organisations (never an address).
#[utoipa::path(
    tag = "observatory",
    operation_id = "manifesto",
    responses((status = 200, description = "The manifesto", body = Manifesto))
)]
#[get("/manifesto")]
async fn api_view(ctx: ApiCtx) -> Result<HttpResponse, AppError> {
    let view = ctx
        .db
        .run(|conn| lists::public_view(conn).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(Manifesto {
        lang: ctx.lang.code(),
        text_html: &view.text.html(ctx.lang),
        people: view.people,
        organisations: view.organisations,
    }))
}

/// Body of `POST /api/v1/manifesto/signatures`.
#[derive(Debug, Deserialize, ToSchema)]
struct SignBody {
    /// `person` or `organisation`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// An organisation's website.
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    email: String,
}

/// A signature filed, waiting for its confirmation.
#[derive(Debug, Serialize, ToSchema)]
struct SignatureFiled {
    /// `confirmation_sent`.
    status: &'static str,
}

/// Signs the manifesto: 202 with the same body whether or not the address already signed;
/// the confirmation link goes by mail (throttled per client).
#[utoipa::path(
    tag = "observatory",
    operation_id = "sign_manifesto",
    responses((status = 202, description = "Confirmation mailed", body = SignatureFiled))
)]
#[post("/manifesto/signatures")]
async fn api_sign(
    ctx: ApiCtx,
    throttles: web::Data<Throttles>,
    mailer: web::Data<Mailer>,
    body: web::Json<SignBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let key = check_client(&throttles, &ctx.client_key())?;
    let sig = signature::validate(&Submitted {
        kind: &body.kind,
        name: &body.name,
        website: body.website.as_deref().unwrap_or_default(),
        city: body.city.as_deref().unwrap_or_default(),
        email: &body.email,
    })
    .map_err(|errors| match errors.into_iter().next() {
        Some(e) => AppError::Invalid(e),
        None => AppError::BadRequest("error-bad-form"),
    })?;
    throttles.register_client.record(&key);
    submit(&mailer, &throttles, &ctx.db, sig, ctx.lang).await?;
    Ok(HttpResponse::Accepted().json(SignatureFiled {
        status: "confirmation_sent",
    }))
}
