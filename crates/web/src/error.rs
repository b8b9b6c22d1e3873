//! The web layer's one error type, mapped to HTTP in one place.
//!
//! Handlers return `Err(AppError)`; `IntoResponse` only sets the status and stashes the error
//! in the response extensions. The `pages::errors::render_errors` middleware then writes the
//! body: the JSON error shape under `/api` ([`ErrorBody`]), a translated HTML page elsewhere.
//! So status mapping lives here, rendering with the pages, and no handler needs to know which
//! kind of client it serves. This module uses nothing else of the crate.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::FieldError;
use serde::Serialize;
use std::sync::Arc;
use store::DbError;

/// What went wrong handling a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such resource (or not visible to this viewer and not worth revealing).
    #[error("{0} not found")]
    NotFound(String),
    /// Not signed in.
    #[error("sign in first")]
    Unauthorized,
    /// The API token sent is past its expiry.
    #[error("this API token has expired; create a new one on the tokens page")]
    TokenExpired,
    /// The API token sent was revoked.
    #[error("this API token was revoked; create a new one on the tokens page")]
    TokenRevoked,
    /// Signed in but not allowed.
    #[error("you do not have access to this")]
    Forbidden,
    /// Bad input: names the field (or parameter, or file row).
    #[error("{0}")]
    Invalid(FieldError),
    /// Clashes with what is stored (a key reused for a different request): names what.
    #[error("{0}")]
    Conflict(FieldError),
    /// The form's CSRF token was missing or wrong.
    #[error("the form expired or came from another site; reload the page and try again")]
    Csrf,
    /// Too many failed sign-ins.
    #[error("too many failed sign-ins; try again in {0} minutes")]
    Throttled(i64),
    /// The request body did not arrive in time (or the client stopped sending it).
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// Body too large.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// A failure that is ours, not the client's: logged with its sources, never shown in
    /// detail.
    #[error("internal error")]
    Internal(app::Error),
}

impl AppError {
    /// An invalid-input error on `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldError::new(field, message))
    }

    /// An internal failure described by `context` alone.
    pub fn internal(context: impl Into<String>) -> Self {
        AppError::Internal(app::Error::internal(context))
    }

    /// An internal failure while doing `context`, caused by `source` (kept for the log).
    pub fn caused(context: impl Into<String>, source: impl Into<app::Source>) -> Self {
        AppError::Internal(app::Error::caused(context, source))
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized | AppError::TokenExpired | AppError::TokenRevoked => {
                StatusCode::UNAUTHORIZED
            }
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code in the API error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::TokenExpired => "token_expired",
            AppError::TokenRevoked => "token_revoked",
            AppError::Forbidden => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Csrf => "csrf",
            AppError::Throttled(_) => "too_many_requests",
            AppError::TooLarge(_) => "payload_too_large",
            AppError::BodyTimeout => "request_timeout",
            AppError::Internal(_) => "internal",
        }
    }

    /// The field at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(e) | AppError::Conflict(e) => Some(&e.field),
            _ => None,
        }
    }
}

impl From<app::Error> for AppError {
    fn from(error: app::Error) -> Self {
        match error {
            app::Error::NotFound(what) => AppError::NotFound(what),
            app::Error::Forbidden => AppError::Forbidden,
            app::Error::Invalid(e) => AppError::Invalid(e),
            app::Error::Conflict(e) => AppError::Conflict(e),
            internal @ app::Error::Internal { .. } => AppError::Internal(internal),
        }
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        AppError::from(app::Error::from(error))
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Invalid(error)
    }
}

impl From<domain::FieldErrors> for AppError {
    fn from(errors: domain::FieldErrors) -> Self {
        match errors.0.into_iter().next() {
            Some(first) => AppError::Invalid(first),
            None => AppError::internal("an empty list of field errors"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(error) = &self {
            // Logged once, here at the boundary, inside the request's span, with every
            // source; the client sees only "internal error".
            tracing::error!(detail = %error.chain(), "request failed");
        }
        let mut response = self.status().into_response();
        if let AppError::Throttled(minutes) = &self
            && let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}

/// The JSON error body: `{"error":{"code","message","field"}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Inside the error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `not_found`, `unauthorized`, `token_expired`, `token_revoked`,
    /// `forbidden`, `invalid`, `conflict`, `csrf`, `too_many_requests`, `request_timeout`,
    /// `payload_too_large`, `internal`.
    pub code: String,
    /// Human explanation.
    pub message: String,
    /// The field, parameter or file row at fault.
    pub field: Option<String>,
}
