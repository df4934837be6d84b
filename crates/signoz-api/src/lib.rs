//! The SigNoz query-service v0.39 API as serde types: what the server (`server/`) writes and
//! the dashboard (`dashboard-ui/`) reads, declared once (docs/signoz-api.md lists the routes).
//!
//! Serialization is exact: field names, `null` versus a missing key and number types are
//! what SigNoz sends. Deserialization is lenient where real servers differ (`null` for `[]`,
//! numbers sent as strings), so one odd field never loses a page.
//!
//! Free-form payloads (attribute maps, list rows, rule and dashboard bodies) stay
//! `serde_json::Value`: they are stored and returned as they came.

pub mod alerts;
pub mod autocomplete;
pub mod channels;
pub mod dashboards;
pub mod de;
pub mod envelope;
pub mod exceptions;
pub mod legacy_traces;
pub mod logs_v1;
pub mod prometheus;
pub mod query_range;
pub mod services;
pub mod settings;
pub mod traces;
pub mod users;
pub mod variables;

pub use de::{parse_float, value_text};
pub use envelope::{error_message, Envelope, ErrorReply, RawErrorItem, RawErrorReply};

#[cfg(test)]
mod tests;
