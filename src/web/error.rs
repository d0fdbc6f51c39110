//! The one place where errors become HTTP answers.
//!
//! Handlers return `AppError`; its `ResponseError` impl only picks a status and attaches an
//! `ErrorReport`. The `render_errors` middleware (see `web::middleware`) then writes the body: a JSON
//! error under `/api/`, else an HTML page — both translated, both rendered without the database.
//! Server-side failures are logged here, once, with their whole cause chain.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;
use crate::images::ImageError;
use crate::validation::FieldError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthorized,
    #[error("wrong credentials")]
    BadCredentials,
    /// The password was right; the account's second factor (a code) is needed too.
    #[error("second factor required")]
    SecondFactorRequired,
    /// The code given as second factor is wrong, already used, or too old.
    #[error("wrong second factor")]
    SecondFactorInvalid,
    /// Staff must turn on two-factor sign-in before any staff page or action.
    #[error("two-factor sign-in required for staff")]
    TwoFactorEnrolmentRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("cross-site request refused")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("invalid input: {0}")]
    Invalid(FieldError),
    #[error("conflict: {0}")]
    Conflict(FieldError),
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("slow mode")]
    SlowMode { retry_after: u64 },
    #[error("posting too fast")]
    PostingRate { retry_after: u64, per_hour: i64 },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("picture refused")]
    Image(#[source] crate::images::ImageError),
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The body of every API error: `{"error": {"code", "message", "field"}}` (written by the
/// `render_errors` middleware; described in the API's OpenAPI document).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, in an API error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `not_found`, `unauthorized`, `bad_credentials`,
    /// `second_factor_required`, `second_factor_invalid`, `two_factor_enrolment_required`,
    /// `forbidden`,
    /// `bad_request`, `validation_failed`, `conflict`, `rate_limited`, `payload_too_large`,
    /// `unsupported_media_type`, `unavailable`, `internal`, …
    #[schema(example = "validation_failed")]
    pub code: String,
    /// The human message, in the request's language.
    pub message: String,
    /// The field at fault, for validation errors and conflicts.
    pub field: Option<String>,
}

/// What the error middleware needs to write an error body.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    /// Stable machine code (`not_found`, `validation_failed`, …).
    pub code: &'static str,
    /// Catalogue key of the human message.
    pub message_key: &'static str,
    /// The offending field, for validation errors.
    pub field: Option<&'static str>,
    /// Seconds to wait, for 429 and for a 503 from a full write queue (`Retry-After`).
    pub retry_after: Option<u64>,
    /// Numbers the message quotes.
    pub args: Vec<(&'static str, i64)>,
}

impl ErrorReport {
    /// The human message in a language, numbers included.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        if self.args.is_empty() {
            return lang.t(self.message_key);
        }
        let args: Vec<(&str, crate::i18n::FluentArg)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, crate::i18n::FluentArg::Num(*v)))
            .collect();
        lang.t_args(self.message_key, &args)
    }
}

impl AppError {
    /// The machine code, message key and field of this error.
    pub fn report(&self) -> ErrorReport {
        let (code, message_key, field) = match self {
            AppError::NotFound => ("not_found", "error-not-found", None),
            AppError::Unauthorized => ("unauthorized", "error-unauthorized", None),
            AppError::BadCredentials => ("bad_credentials", "error-bad-credentials", None),
            AppError::SecondFactorRequired => (
                "second_factor_required",
                "error-second-factor-required",
                Some("code"),
            ),
            AppError::SecondFactorInvalid => (
                "second_factor_invalid",
                "error-second-factor-invalid",
                Some("code"),
            ),
            AppError::TwoFactorEnrolmentRequired => (
                "two_factor_enrolment_required",
                "error-two-factor-enrolment-required",
                None,
            ),
            AppError::Forbidden => ("forbidden", "error-forbidden", None),
            AppError::Csrf => ("csrf", "error-csrf", None),
            AppError::Refused(key) => ("forbidden", *key, None),
            AppError::BadRequest(key) => ("bad_request", *key, None),
            AppError::Invalid(e) => ("validation_failed", e.key, Some(e.field)),
            AppError::Conflict(e) => ("conflict", e.key, Some(e.field)),
            AppError::TooManyRequests { .. } => ("rate_limited", "error-rate-limited", None),
            AppError::SlowMode { .. } => ("rate_limited", "error-slow-mode", None),
            AppError::PostingRate { .. } => ("rate_limited", "error-posting-rate", None),
            AppError::PayloadTooLarge => ("payload_too_large", "error-payload-too-large", None),
            AppError::Image(e) => image_report(e),
            AppError::Unavailable(_) => ("unavailable", "error-unavailable", None),
            AppError::Internal(_) => ("internal", "error-internal", None),
        };
        let retry_after = match self {
            AppError::TooManyRequests { retry_after }
            | AppError::SlowMode { retry_after }
            | AppError::PostingRate { retry_after, .. } => Some(*retry_after),
            AppError::Unavailable(e) if is_write_queue(e) => Some(WRITE_QUEUE_RETRY_AFTER),
            _ => None,
        };
        let args = match self {
            AppError::PostingRate {
                retry_after,
                per_hour,
            } => vec![
                ("per_hour", *per_hour),
                ("minutes", (*retry_after as i64 + 59) / 60),
            ],
            AppError::Image(ImageError::TooLarge { max_bytes }) => {
                vec![("max_kib", (*max_bytes as i64 + 1023) / 1024)]
            }
            AppError::Image(ImageError::TooManyPixels { max_side }) => {
                vec![("max_side", i64::from(*max_side))]
            }
            _ => Vec::new(),
        };
        ErrorReport {
            code,
            message_key,
            field,
            retry_after,
            args,
        }
    }

    /// The message of this error in a language, numbers included.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        self.report().message(lang)
    }

    /// Wraps any failure as an internal error.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized
            | AppError::BadCredentials
            | AppError::SecondFactorRequired
            | AppError::SecondFactorInvalid => StatusCode::UNAUTHORIZED,
            AppError::Forbidden
            | AppError::Refused(_)
            | AppError::Csrf
            | AppError::TwoFactorEnrolmentRequired => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. }
            | AppError::SlowMode { .. }
            | AppError::PostingRate { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Image(e) => match e {
                ImageError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                ImageError::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ImageError::Missing | ImageError::Invalid(_) | ImageError::TooManyPixels { .. } => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                ImageError::Encode(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Unavailable(e) if is_write_queue(e) => {
                tracing::warn!(error = ?e, "write refused: the write queue is too long")
            }
            AppError::Unavailable(e) => tracing::warn!(error = ?e, "database unavailable"),
            AppError::Internal(e) => tracing::error!(error = ?e, "request failed"),
            AppError::Image(e @ ImageError::Encode(_)) => {
                tracing::error!(error = ?e, "picture not encoded")
            }
            _ => {}
        }
        let mut res = HttpResponse::build(self.status_code()).finish();
        res.extensions_mut().insert(self.report());
        res
    }
}

/// Seconds a client is asked to wait when the write queue was too long (a burst of writes is
/// usually over within that).
const WRITE_QUEUE_RETRY_AFTER: u64 = 5;

/// Whether a 503 comes from a write that waited too long for its turn (`Db::write`), rather
/// than from an unreachable database.
fn is_write_queue(e: &anyhow::Error) -> bool {
    matches!(e.downcast_ref::<DbError>(), Some(DbError::WriteQueue(_)))
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(q) => AppError::from(q),
            DbError::Pool(_)
            | DbError::Connect(_)
            | DbError::Setup(_)
            | DbError::Cancelled
            | DbError::TimedOut
            | DbError::WriteQueue(_) => AppError::Unavailable(e.into()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match &e {
            E::NotFound => AppError::NotFound,
            E::DatabaseError(K::UniqueViolation, _) => {
                AppError::Conflict(FieldError::new("id", "error-conflict"))
            }
            E::DatabaseError(K::ClosedConnection | K::UnableToSendCommand, _) => {
                AppError::Unavailable(e.into())
            }
            E::DatabaseError(_, info) if is_outage(info.message()) => {
                AppError::Unavailable(e.into())
            }
            _ => AppError::Internal(e.into()),
        }
    }
}

/// The code and message of a refused picture.
fn image_report(e: &ImageError) -> (&'static str, &'static str, Option<&'static str>) {
    let (code, key) = match e {
        ImageError::TooLarge { .. } => ("payload_too_large", "error-image-too-large"),
        ImageError::TooManyPixels { .. } => ("validation_failed", "error-image-too-many-pixels"),
        ImageError::Unsupported => ("unsupported_media_type", "error-image-unsupported"),
        ImageError::Missing => ("validation_failed", "error-image-missing"),
        ImageError::Invalid(_) => ("validation_failed", "error-image-invalid"),
        ImageError::Encode(_) => ("internal", "error-internal"),
    };
    (code, key, Some("picture"))
}

impl From<ImageError> for AppError {
    fn from(e: ImageError) -> Self {
        AppError::Image(e)
    }
}

impl From<crate::templates::RenderError> for AppError {
    fn from(e: crate::templates::RenderError) -> Self {
        AppError::internal(e)
    }
}

impl From<crate::mail::MailError> for AppError {
    fn from(e: crate::mail::MailError) -> Self {
        match e {
            crate::mail::MailError::Query(q) => AppError::from(q),
            crate::mail::MailError::Render(r) => AppError::internal(r),
        }
    }
}

/// Whether a database error message says the database is unreachable, overloaded or busy (a
/// 503: retrying later may work) rather than that the request itself is wrong.
fn is_outage(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        // SQLite: a lock held past the busy timeout, a full or failing disk.
        "database is locked",
        "database table is locked",
        "database is busy",
        "disk",
        // PostgreSQL: the server went away, or cancelled the statement (statement timeout,
        // administrator shutdown).
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "connection to server",
        "canceling statement due to",
        "the database system is",
        "SSL SYSCALL",
    ];
    SIGNS.iter().any(|sign| message.contains(sign))
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::gate::QueueTimeout;

    #[test]
    fn a_full_write_queue_is_a_503_with_retry_after() {
        let e = AppError::from(DbError::WriteQueue(QueueTimeout(
            std::time::Duration::from_secs(10),
        )));
        assert_eq!(e.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let report = e.report();
        assert_eq!(report.code, "unavailable");
        assert_eq!(report.retry_after, Some(WRITE_QUEUE_RETRY_AFTER));
        // An unreachable database says nothing of when to come back.
        let down = AppError::from(DbError::TimedOut);
        assert_eq!(down.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(down.report().retry_after, None);
    }
}
