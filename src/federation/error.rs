//! Federation's errors and how they are answered: always JSON (never the HTML error page), a
//! remote server's mistake as 4xx, our own trouble as 5xx with the cause in the log only.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde_json::json;

use crate::db::DbError;

/// What can go wrong while serving or receiving federation.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// No such (public) thing, or federation is off.
    #[error("not found")]
    NotFound,
    /// The sending instance is blocked, or not allowed in allow-list mode.
    #[error("instance refused by policy: {0}")]
    Refused(String),
    /// A request or activity we cannot use.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The crate's verdict (signatures, fetching, parsing).
    #[error(transparent)]
    Protocol(Box<activitypub_federation::error::Error>),
    /// The database.
    #[error("database")]
    Db(#[from] DbError),
    /// Anything else of ours.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<activitypub_federation::error::Error> for FederationError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        FederationError::Protocol(Box::new(e))
    }
}

impl From<diesel::result::Error> for FederationError {
    fn from(e: diesel::result::Error) -> Self {
        FederationError::Db(DbError::Query(e))
    }
}

impl FederationError {
    /// The status this error is answered with.
    pub fn status(&self) -> StatusCode {
        use activitypub_federation::error::Error as E;
        match self {
            FederationError::NotFound => StatusCode::NOT_FOUND,
            FederationError::Refused(_) => StatusCode::FORBIDDEN,
            FederationError::BadRequest(_) => StatusCode::BAD_REQUEST,
            FederationError::Protocol(e) => match e.as_ref() {
                E::ActivitySignatureInvalid | E::ActivityBodyDigestInvalid => {
                    StatusCode::UNAUTHORIZED
                }
                E::NotFound => StatusCode::NOT_FOUND,
                E::UrlVerificationError(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            },
            FederationError::Db(DbError::Query(diesel::result::Error::NotFound)) => {
                StatusCode::NOT_FOUND
            }
            FederationError::Db(_) => StatusCode::SERVICE_UNAVAILABLE,
            FederationError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON answer (the cause is logged, not sent, for our own failures).
    pub fn response(&self) -> HttpResponse {
        let status = self.status();
        let code = match status {
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::UNAUTHORIZED => "bad_signature",
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::SERVICE_UNAVAILABLE => "unavailable",
            _ => "internal",
        };
        if status.is_server_error() {
            tracing::error!(error = ?self, "federation request failed");
        } else if status != StatusCode::NOT_FOUND {
            tracing::info!(error = %self, status = status.as_u16(), "federation request refused");
        }
        HttpResponse::build(status)
            .content_type("application/json")
            .json(json!({"error": code}))
    }
}

/// The JSON 404 every federation address gives for what does not exist or is not public.
pub fn not_found() -> HttpResponse {
    FederationError::NotFound.response()
}
