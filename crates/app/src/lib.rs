//! tandem's application layer: the use cases that pages, the API, the command line and
//! background jobs share, one module per capability. A use case takes the acting
//! [`store::Actor`] and, where access matters, the viewer ([`domain::access::Viewer`]); it never
//! sees an HTTP request. Its failures are one [`Error`], which each adapter maps once (the web
//! layer to a status code, the command line to a message).
//!
//! Invariant: every write that changes what a program's indicator engine holds is logged by the
//! store in its own transaction (`store::engine_changes`), so no adapter or process can forget
//! it; the use cases here catch this process's [`engines::Engines`] up right after their own
//! writes, and `engines::follow` applies everyone else's.

pub mod accounts;
pub mod dhis2;
pub mod engines;
mod error;
pub mod facility_matching;
pub mod field;
pub mod i18n;
pub mod indicators;
pub mod org_units;
pub mod preferences;
pub mod proposals;
pub mod reports;
pub mod research;
pub mod scheduling;
pub mod scope;

use std::sync::Arc;

pub use error::{Error, Source};

/// What every use case may reach: the database, the programs' indicator engines and the
/// translations. Cheap to clone; one per process, shared by the server and its jobs.
#[derive(Debug, Clone)]
pub struct App {
    /// The database.
    pub db: store::Db,
    /// The programs' indicator engines (dashboards and reports read these, not the rows).
    pub engines: Arc<engines::Engines>,
    /// Translations.
    pub i18n: Arc<i18n::I18n>,
}

impl App {
    /// The application over `db`, with the embedded translations and no engine built yet.
    pub fn new(db: store::Db) -> Result<Self, i18n::LocaleError> {
        Ok(Self {
            db,
            engines: Arc::new(engines::Engines::default()),
            i18n: Arc::new(i18n::I18n::load()?),
        })
    }

    /// Builds every program's indicator engine, logging each; a failure leaves that program
    /// to build its engine on first use.
    pub async fn warm_engines(self) {
        let programs = match self.db.programs().await {
            Ok(programs) => programs,
            Err(error) => {
                tracing::warn!(%error, "listing programs for the indicator engines failed");
                return;
            }
        };
        for program in programs {
            let built = self
                .engines
                .read(&self.db, program.id, |engine| Ok(engine.len()))
                .await;
            match built {
                Ok(facts) => {
                    tracing::info!(program = %program.code, facts, "indicator engine built")
                }
                Err(error) => {
                    tracing::warn!(program = %program.code, error = %error.chain(), "indicator engine not built")
                }
            }
        }
    }
}
