//! The web layer through the real router, on SQLite by default and on PostgreSQL when
//! `TANDEM_TEST_DATABASE_URL` is set.

mod api;
mod authz;
mod facility_matching;
mod field;
mod indicators;
mod matching;
mod pages;
mod preferences;
mod research;
mod security;
mod sessions;
mod support;
mod tidy;
