//! A button pressed again after its first press took effect (a double click on a slow link, the
//! form sent again from history, or another manager pressing it meanwhile) is refused by the
//! use case, which cannot tell a repeat from a mistake. The page can: what the person asked for
//! is done, so it answers with what the first press led to, not with the refusal.

use crate::error::AppError;
use axum::response::Response;
use domain::FieldError;

/// The answer to a press whose `outcome` is known: the outcome itself, unless it is a refusal
/// (`AppError::Invalid`) and `first_press` finds, from the refusal and what is stored now, what
/// an earlier press of the same button led to; then that.
pub(super) async fn as_first_press(
    outcome: Result<Response, AppError>,
    first_press: impl AsyncFnOnce(&FieldError) -> Result<Option<Response>, AppError>,
) -> Result<Response, AppError> {
    match outcome {
        Err(AppError::Invalid(refusal)) => match first_press(&refusal).await? {
            Some(answer) => Ok(answer),
            None => Err(AppError::Invalid(refusal)),
        },
        other => other,
    }
}
