//! Error pages: the middleware that writes every error's body (the JSON shape under `/api`,
//! a translated HTML page elsewhere; see `crate::error` for the status mapping), and the page.

use super::Layout;
use crate::AppState;
use crate::error::{AppError, ErrorBody, ErrorDetail};
use crate::extract::request_language;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Writes error bodies (see the module comment).
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let wanted = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let lang = request_language(request.headers());
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<Arc<AppError>>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    let message = match &*error {
        AppError::Invalid(e) if !is_api && e.phrase.is_some() => state
            .app
            .i18n
            .translator(state.app.i18n.negotiate(&lang))
            .refusal(e),
        AppError::Invalid(e) => e.message.clone(),
        AppError::Throttled(_) | AppError::TooLarge(_) => error.to_string(),
        other if !is_api => state
            .app
            .i18n
            .translator(state.app.i18n.negotiate(&lang))
            .get(&format!("error-{}", other.code())),
        other => other.to_string(),
    };
    if is_api {
        let body = ErrorBody {
            error: ErrorDetail {
                code: error.code().to_owned(),
                message,
                field: error.field().map(str::to_owned),
            },
        };
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let json = serde_json::to_vec(&body).unwrap_or_default();
        return Response::from_parts(parts, axum::body::Body::from(json));
    }
    if matches!(*error, AppError::Unauthorized) {
        // A person who is not signed in is sent to the sign-in page, not shown an error.
        let next: String = form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
        return axum::response::Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let html = error_page(&state, &lang, parts.status, &error, &message);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, axum::body::Body::from(html))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    message: &'a str,
}

/// The HTML error page.
fn error_page(
    state: &AppState,
    lang: &str,
    status: StatusCode,
    _error: &AppError,
    message: &str,
) -> String {
    let t = state.app.i18n.translator(state.app.i18n.negotiate(lang));
    let title = t.get(&format!("status-{}", status.as_u16()));
    let page = ErrorPage {
        layout: Layout {
            title: if title.starts_with("status-") {
                status.to_string()
            } else {
                title
            },
            t,
            user: None,
            csrf: String::new(),
            languages: Vec::new(),
            admin: false,
        },
        message,
    };
    page.render().unwrap_or_else(|_| message.to_owned())
}
