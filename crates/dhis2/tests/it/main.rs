//! The dhis2 crate's tests: payloads (golden JSON, every refusal named), import summaries as
//! DHIS2 writes them, and the client against a real HTTP server on 127.0.0.1 that checks the
//! exact request and answers as DHIS2 does.

mod client;
mod payload;
mod server;
mod summary;
