//! tandem's web layer: server-rendered pages for people, a JSON API for programs and devices,
//! sessions and access control. Built on axum; pages are askama templates, text goes through
//! Fluent ([`i18n`]), the API is described by utoipa ([`api::ApiDoc`]).

pub mod api;
pub mod auth;
pub mod charts;
pub mod dhis2;
pub mod engines;
pub mod error;
pub mod extract;
pub mod facility_matching;
pub mod field;
pub mod i18n;
pub mod pages;
pub mod preferences;
pub mod proposals;
pub mod reports;
pub mod research;
pub mod router;
pub mod scheduling;
pub mod scope;

use std::sync::Arc;

pub use error::AppError;
pub use router::{app, route_list};

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: store::Db,
    /// Session and throttling settings.
    pub auth: Arc<auth::AuthConfig>,
    /// Translations.
    pub i18n: Arc<i18n::I18n>,
    /// The programs' indicator engines (dashboards and reports read these, not the rows).
    pub engines: Arc<engines::Engines>,
}

impl AppState {
    /// State over `db` with `auth` settings.
    pub fn new(db: store::Db, auth: auth::AuthConfig) -> Result<Self, i18n::LocaleError> {
        Ok(Self {
            db,
            auth: Arc::new(auth),
            i18n: Arc::new(i18n::I18n::load()?),
            engines: Arc::new(engines::Engines::default()),
        })
    }
}
