//! Page forms that change something carry the session's CSRF token; [`CheckedForm`] checks it
//! before the handler runs, so no handler can forget to.

use super::{parse_form, read_body};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// An `application/x-www-form-urlencoded` page form from the signed-in person, its `csrf`
/// field checked against their session. `T` need not hold the token: other fields are read
/// into it, the token is not.
#[derive(Debug)]
pub struct CheckedForm<T>(pub T);

/// A form with nothing but its token: a button (sign out, approve, mark done).
#[derive(Debug, Deserialize)]
pub struct Button {}

impl<T: DeserializeOwned> FromRequest<AppState> for CheckedForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let auth = Auth::from_request_parts(&mut parts, state).await?;
        let bytes = read_body(Request::from_parts(parts, body)).await?;
        // The token is checked before anything else of the form is read, so a forged form is
        // refused as forged whatever else it holds.
        let token = form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        auth.check_csrf(&token)?;
        parse_form(&bytes).map(CheckedForm)
    }
}
