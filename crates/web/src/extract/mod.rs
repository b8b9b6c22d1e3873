//! Extractors that turn every rejection into an [`AppError`] naming the field or parameter,
//! so bad input always gets the one error shape. `clippy.toml` bans axum's raw `Json`,
//! `Query`, `Form` and `Path` in favour of these. [`access`] resolves the program in the
//! path once, with the viewer's right to it; [`csrf`] checks a page form's token.

pub mod access;
pub mod csrf;

use crate::error::AppError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use domain::values::is_refused_character;
use serde::de::DeserializeOwned;

/// Largest JSON or form body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Names the path of a deserialisation error (`members[0].role`), or `body` at the top.
fn at_path<E: std::fmt::Display>(error: serde_path_to_error::Error<E>, top: &str) -> AppError {
    let path = error.path().to_string();
    let message = error.inner().to_string();
    // serde reports a missing or unknown key at its parent's path; name the key itself.
    let key = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let field = match (path.as_str(), key) {
        ("." | "", Some(key)) => key.to_owned(),
        ("." | "", None) => top.to_owned(),
        // serde_path_to_error already ends the path with an unknown key; a missing one not.
        (path, Some(key)) if path == key || path.ends_with(&format!(".{key}")) => path.to_owned(),
        (parent, Some(key)) => format!("{parent}.{key}"),
        (path, None) => path.to_owned(),
    };
    AppError::invalid(field, message)
}

pub(crate) async fn read_body(request: Request) -> Result<bytes::Bytes, AppError> {
    axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|error| {
            // Past the size limit, or else the body stopped arriving: the server's deadline
            // for a whole body passed (a client dribbling bytes) or the client went away.
            if error
                .into_inner()
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                AppError::TooLarge(MAX_BODY_BYTES)
            } else {
                AppError::BodyTimeout
            }
        })
}

/// A JSON request body.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::invalid(
                "Content-Type",
                "must be application/json",
            ));
        }
        let bytes = read_body(request).await?;
        // Malformed JSON is left to the typed reading below, which names where it fails.
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(field) = control_character_in_json(&value, "")
        {
            return Err(control_character_refusal(field));
        }
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(deserializer)
            .map(ApiJson)
            .map_err(|e| at_path(e, "body"))
    }
}

/// An `application/x-www-form-urlencoded` form body.
#[derive(Debug)]
pub struct FormData<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormData<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        parse_form(&read_body(request).await?).map(FormData)
    }
}

/// A form body read into `T`, a refusal naming the field otherwise.
pub(crate) fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if let Some(field) = control_character_in_pairs(bytes) {
        return Err(control_character_refusal(field));
    }
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(deserializer).map_err(|e| at_path(e, "form"))
}

/// Query-string parameters.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        if let Some(field) = control_character_in_pairs(query.as_bytes()) {
            return Err(control_character_refusal(field));
        }
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Params)
            .map_err(|e| at_path(e, "query"))
    }
}

/// The first form or query field (`name`) whose name or value holds a refused character.
fn control_character_in_pairs(bytes: &[u8]) -> Option<String> {
    form_urlencoded::parse(bytes)
        .find(|(key, value)| key.chars().chain(value.chars()).any(is_refused_character))
        .map(|(key, _)| key.chars().filter(|c| !is_refused_character(*c)).collect())
}

/// The path (`participants[0].role`) of the first JSON string, or key, holding a refused
/// character.
fn control_character_in_json(value: &serde_json::Value, path: &str) -> Option<String> {
    match value {
        serde_json::Value::String(text) if text.chars().any(is_refused_character) => {
            Some(if path.is_empty() {
                "body".to_owned()
            } else {
                path.to_owned()
            })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| control_character_in_json(item, &format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.chars().any(is_refused_character) {
                return Some(at.chars().filter(|c| !is_refused_character(*c)).collect());
            }
            control_character_in_json(item, &at)
        }),
        _ => None,
    }
}

fn control_character_refusal(field: String) -> AppError {
    AppError::invalid(field, domain::values::REFUSED_CHARACTER_MESSAGE)
}

/// A numeric id in the path, e.g. `/people/{person}`; a non-number is a 404, as a missing
/// id would be.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw): axum::extract::Path<String> =
            axum::extract::Path::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound(parts.uri.path().to_owned()))?;
        raw.parse()
            .map(PathId)
            .map_err(|_| AppError::NotFound(parts.uri.path().to_owned()))
    }
}

/// The interface language a request asks for: the `lang` cookie, else `Accept-Language`.
pub fn request_language(headers: &HeaderMap) -> String {
    if let Some(lang) = cookie(headers, "lang") {
        return lang;
    }
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("en")
        .to_owned()
}

/// The TCP peer's address, when the server runs with connect info (tests may set it too).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Two numeric ids in the path, e.g. `/programs/{program}/sites/{facility}`; a non-number is
/// a 404, as a missing id would be.
#[derive(Debug, Clone, Copy)]
pub struct PathIds(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let not_found = move || AppError::NotFound(path.clone());
        let axum::extract::Path((a, b)): axum::extract::Path<(String, String)> =
            axum::extract::Path::from_request_parts(parts, state)
                .await
                .map_err(|_| not_found())?;
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(PathIds(a, b)),
            _ => Err(not_found()),
        }
    }
}
