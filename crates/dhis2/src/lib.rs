//! tandem's DHIS2 exchange: aggregate values pushed to a DHIS2 server as `dataValueSets`.
//!
//! Two layers with one seam between them:
//!
//! - [`payload`] is pure: tandem's values checked and turned into the JSON DHIS2 reads, cut
//!   into chunks, and DHIS2's import summary read back, with conflicts mapped to the values
//!   that caused them. Errors are [`domain::FieldError`]s naming the row and field
//!   (`dataValues[3].orgUnit`).
//! - [`client`] does the HTTP: one `POST /api/dataValueSets` per chunk, with Basic or
//!   personal-access-token authentication, timeouts, and a [`Dhis2Error`] for every way the
//!   answer can go wrong.
//!
//! The client is blocking; from async code call it inside `tokio::task::spawn_blocking`.

pub mod client;
pub mod payload;

pub use client::{Auth, CredentialKind, Dhis2Client, Dhis2Error, PushOptions, Secret};
pub use payload::{
    Chunk, Conflict, DEFAULT_CHUNK_SIZE, DataValue, DataValueInput, DataValueSet, Dhis2Code,
    IdScheme, IdSchemes, ImportCount, ImportStatus, ImportSummary, Key, NotASummary, Value,
};
