//! The `localStorage` side of `export::stash`: bodies the page could not send before it went
//! away are appended under one key, and the next `init` on the origin takes them. Storage that
//! is missing, blocked (a `SecurityError` on access) or full never throws into the page: what
//! cannot be kept is counted as dropped.

use crate::export::stash::{Entry, Stash, KEY, MAX_CHARS};

fn storage() -> Option<super::js::Storage> {
    super::js::Storage::open("localStorage")
}

/// Appends `entries` (oldest first) within the size bound, dropping the oldest stashed bodies
/// when over it or over the storage quota. Returns the spans dropped.
pub fn save(entries: Vec<Entry>) -> u64 {
    let Some(st) = storage() else {
        return entries.iter().map(|e| e.spans).sum();
    };
    let mut stash = st
        .get_item(KEY)
        .map(|t| Stash::parse(&t))
        .unwrap_or_default();
    entries.into_iter().for_each(|e| stash.push(e));
    let mut dropped = stash.bound(MAX_CHARS);
    loop {
        if stash.is_empty() {
            st.remove_item(KEY);
            return dropped;
        }
        if st.set_item(KEY, &stash.to_text()) {
            return dropped;
        }
        // Over the quota: the oldest body goes.
        dropped += stash.drop_oldest().map_or(0, |e| e.spans);
    }
}

/// Takes the stashed bodies out of storage, oldest first.
pub fn take() -> Vec<Entry> {
    let Some(st) = storage() else {
        return Vec::new();
    };
    let Some(text) = st.get_item(KEY) else {
        return Vec::new();
    };
    st.remove_item(KEY);
    Stash::parse(&text).into_entries()
}
