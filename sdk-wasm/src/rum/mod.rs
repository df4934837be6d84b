//! Real-user-monitoring context, pure logic: sessions (rollover rules, the storage record,
//! per-session sampling key), URL query redaction, and SPA route helpers. The browser half
//! (storage, the current route, the scrub hook) is `web::rum`.

pub mod redact;
pub mod route;
pub mod session;
