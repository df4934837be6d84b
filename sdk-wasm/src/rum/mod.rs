//! Real-user monitoring, pure logic: web vitals (`vitals`: LCP, INP, CLS, FCP, TTFB per the
//! published definitions, ratings) and error storm control (`errors`). The browser side
//! (`web::rum_signals` + `web/rum_signals.js`) feeds them performance entries and error
//! events and turns their results into log records, histogram points and spans.

pub mod errors;
pub mod vitals;
