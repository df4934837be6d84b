//! Auto-instrumentations: document load, fetch, XMLHttpRequest and user
//! interactions (issue 3). Pure logic lives in the sibling modules and is
//! tested natively; `web` is the browser glue.

pub mod context;
pub mod document_load;
pub mod held;
pub mod interaction;
pub mod navigation;
pub mod semconv;
pub mod span;
pub mod table;
pub mod timing;
pub mod xpath;

#[cfg(target_arch = "wasm32")]
pub mod web;
