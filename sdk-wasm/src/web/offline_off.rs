//! The offline buffer when the `offline` feature is off: there is never one (the exporter's
//! `offline` is always `None`), so the type is empty and its calls compile to nothing.

use crate::export::offline::Record;

pub enum OfflineBuffer {}

/// How the exporter holds the buffer: the empty type itself, so that `Option<Shared>` is
/// known to be `None` and the buffer's branches compile away.
pub type Shared = OfflineBuffer;

impl OfflineBuffer {
    pub fn stop(&self) {
        match *self {}
    }
    pub async fn put(&self, _: Record) -> u64 {
        match *self {}
    }
    pub fn buffered(&self) {
        match *self {}
    }
    pub fn drain(&self) {
        match *self {}
    }
}

/// Without the buffer, being offline changes nothing: the request fails and is retried.
pub fn is_online() -> bool {
    true
}
