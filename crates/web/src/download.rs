//! File downloads, the same for pages and API: a body with its type and the name a browser
//! saves it under.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A file download response (text or bytes).
pub fn download(body: impl IntoResponse, content_type: &str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
