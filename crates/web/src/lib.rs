//! tandem's web layer: server-rendered pages for people, a JSON API for programs and devices,
//! sessions and access control. Built on axum; pages are askama templates, text goes through
//! Fluent ([`i18n`]), the API is described by utoipa ([`api::ApiDoc`]).

pub mod api;
pub mod auth;
pub mod charts;
pub mod download;
pub mod error;
pub mod extract;
pub mod pages;
pub mod router;
pub mod trace;

use std::sync::Arc;

pub use error::AppError;
pub use router::{app, route_list};

/// Shared by every handler: the application and the web's own settings.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The use cases' context: database, indicator engines, translations.
    pub app: app::App,
    /// Session and throttling settings.
    pub auth: Arc<auth::AuthConfig>,
}

impl AppState {
    /// State over `db` with `auth` settings.
    pub fn new(db: store::Db, auth: auth::AuthConfig) -> Result<Self, app::i18n::LocaleError> {
        Ok(Self {
            app: app::App::new(db)?,
            auth: Arc::new(auth),
        })
    }
}
