//! Real-user monitoring, pure logic:
//! - context: sessions (`session`: rollover rules, the storage record, per-session sampling
//!   key), URL query redaction (`redact`), attribute value length (`limits`) and SPA route helpers (`route`); the browser half
//!   (storage, the current route, the scrub hook) is `web::rum`;
//! - signals: web vitals (`vitals`: LCP, INP, CLS, FCP, TTFB per the published definitions,
//!   ratings) and error storm control (`errors`); the browser side (`web::rum_signals` +
//!   `web/rum_signals.js`) feeds them performance entries and error events and turns their
//!   results into log records, histogram points and spans.

pub mod errors;
pub mod limits;
pub mod redact;
pub mod route;
pub mod session;
pub mod vitals;
