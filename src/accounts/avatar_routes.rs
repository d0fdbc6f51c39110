//! Avatars over HTTP: the settings page's upload (a plain `multipart/form-data` form, read as
//! a stream within a size limit, its CSRF token checked like every form's) and removal, and
//! the pictures themselves, served with a year of caching under addresses that change with
//! them. What is refused (too large, not a picture, not PNG/JPEG/WebP) is said on the settings
//! page; a member may upload `avatar::UPLOADS_PER_HOUR` times an hour. The picture work itself
//! is `crate::images`; the drawing and the addresses are `accounts::avatar`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;

use crate::accounts::avatar::{self, LIMITS, SIDE};
use crate::accounts::avatar_store;
use crate::accounts::settings_routes::render_settings;
use crate::db::Db;
use crate::images::{self, ImageError};
use crate::web::context::{request_counter, see_other, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::throttle::Throttles;

/// Registers the avatar routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/avatar", web::post().to(upload))
        .route("/settings/avatar/remove", web::post().to(remove))
        .route("/avatars/{user_id}/{file}", web::get().to(serve));
}

/// How much of a refused upload is read (and thrown away) so that the browser gets the
/// settings page with the reason rather than a cut connection; past this the connection is
/// dropped with a bare 413.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// The longest CSRF field read.
const CSRF_FIELD_LIMIT: usize = 256;

/// What the upload form sent.
struct Upload {
    csrf_token: String,
    picture: Vec<u8>,
    too_large: bool,
}

/// Reads the form's fields as they stream in: the CSRF token, and the picture up to the limit
/// (what is past it is read and dropped, up to `DRAIN_LIMIT` in all).
async fn read_upload(req: &HttpRequest, payload: web::Payload) -> Result<Upload, AppError> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > DRAIN_LIMIT) {
        return Err(ImageError::TooLarge {
            max_bytes: LIMITS.max_bytes,
        }
        .into());
    }
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut upload = Upload {
        csrf_token: String::new(),
        picture: Vec::new(),
        too_large: false,
    };
    let mut read = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("error-bad-form"))?;
        let name = field.name().unwrap_or_default().to_owned();
        let mut csrf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("error-bad-form"))?;
            read += chunk.len();
            if read > DRAIN_LIMIT {
                return Err(ImageError::TooLarge {
                    max_bytes: LIMITS.max_bytes,
                }
                .into());
            }
            match name.as_str() {
                "csrf_token" if csrf.len() + chunk.len() <= CSRF_FIELD_LIMIT => {
                    csrf.extend_from_slice(&chunk)
                }
                "avatar" if !upload.too_large => {
                    if upload.picture.len() + chunk.len() > LIMITS.max_bytes {
                        upload.too_large = true;
                        upload.picture = Vec::new();
                    } else {
                        upload.picture.extend_from_slice(&chunk);
                    }
                }
                _ => {}
            }
        }
        if name == "csrf_token" {
            upload.csrf_token = String::from_utf8_lossy(&csrf).into_owned();
        }
    }
    Ok(upload)
}

/// `POST /settings/avatar`: makes the uploaded picture the member's avatar.
async fn upload(
    ctx: Ctx,
    throttles: web::Data<Throttles>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_poster()?.user_id;
    let key = format!("avatar:{user_id}");
    if let Some(retry_after) = throttles.avatar_uploads.blocked_for(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let upload = read_upload(&req, payload).await?;
    ctx.verify_csrf(&upload.csrf_token)?;
    throttles.avatar_uploads.record(&key);
    let made = if upload.too_large {
        Err(ImageError::TooLarge {
            max_bytes: LIMITS.max_bytes,
        })
    } else {
        web::block(move || images::square_thumbnail(&upload.picture, SIDE, &LIMITS))
            .await
            .map_err(AppError::internal)?
    };
    let picture = match made {
        Ok(picture) => picture,
        Err(refused) => {
            let error = AppError::from(refused);
            let status = actix_web::ResponseError::status_code(&error);
            if status.is_server_error() {
                return Err(error);
            }
            tracing::info!(user_id, status = status.as_u16(), error = ?error, "avatar refused");
            let form = json!({"avatar_error": error.message(ctx.lang)});
            return render_settings(&ctx, status, Some(form), &[], None).await;
        }
    };
    let file = avatar::upload_file(&picture);
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                avatar_store::save(conn, user_id, &file, &picture)
            })
            .map_err(AppError::from)
        })
        .await?;
    tracing::info!(user_id, "avatar uploaded");
    Ok(see_other("/settings?saved=avatar#avatar"))
}

/// The removal form: nothing but its CSRF token.
#[derive(Debug, Deserialize)]
struct RemoveForm {}

/// `POST /settings/avatar/remove`: back to the drawn avatar.
async fn remove(ctx: Ctx, _form: CsrfForm<RemoveForm>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_user()?.user_id;
    ctx.db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| avatar_store::remove(conn, user_id))
                .map_err(AppError::from)
        })
        .await?;
    Ok(see_other("/settings?saved=avatar-removed#avatar"))
}

/// Browsers keep an avatar for a year: its address changes with it.
const FOR_EVER: &str = "public, max-age=31536000, immutable";

/// `GET /avatars/{user_id}/{file}`: a member's picture or drawn avatar. An address that no
/// longer matches (a new picture, a new name) sends to the current one, briefly cached. No
/// session is looked up: avatars are public.
async fn serve(
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (user_id, file) = path.into_inner();
    let content_type = avatar::content_type_of(&file).ok_or(AppError::NotFound)?;
    let db = db.with_counter(request_counter(&req));
    if content_type != "image/svg+xml" {
        let wanted = file.clone();
        let found = db
            .run_quick_read(move |conn| {
                avatar_store::picture(conn, user_id, &wanted).map_err(AppError::from)
            })
            .await?;
        if let Some((stored_type, bytes)) = found {
            return Ok(HttpResponse::Ok()
                .content_type(stored_type)
                .insert_header((header::CACHE_CONTROL, FOR_EVER))
                .body(bytes));
        }
    }
    let (username, upload) = db
        .run_quick_read(move |conn| avatar_store::owner(conn, user_id).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if content_type == "image/svg+xml" && file == avatar::drawn_file(&username) {
        return Ok(HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((header::CACHE_CONTROL, FOR_EVER))
            // Ours, and nothing in it needs anything: no script, style sheet or link.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; frame-ancestors 'none'; sandbox",
            ))
            .body(avatar::drawn_svg(user_id, &username)));
    }
    Ok(HttpResponse::build(StatusCode::FOUND)
        .insert_header((
            header::LOCATION,
            avatar::url(user_id, &username, upload.as_deref()),
        ))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .finish())
}
