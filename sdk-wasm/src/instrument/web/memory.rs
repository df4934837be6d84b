//! `MemoryBackend`: finished instrumentation spans kept in memory, for the browser tests
//! (`tests/instrument.rs`). Built only with the cargo feature `testing`, so it does not ship.

use super::backend::Backend;
use crate::ids::{new_span_id, new_trace_id, RandomSource};
use crate::instrument::span::{Kind, Parent, SpanRecord};
use crate::propagation::{headers_for_url, UrlPattern};
use crate::web::js::document_url;
use crate::web::random::WebRandom;
use std::cell::RefCell;
use std::rc::Rc;

/// Finished spans kept in memory, ids as the core makes them, every
/// span sampled; trace headers by the same CORS rule as the core.
#[derive(Clone)]
pub struct MemoryBackend {
    spans: Rc<RefCell<Vec<SpanRecord>>>,
    cors: Rc<Vec<UrlPattern>>,
    random: Rc<WebRandom>,
}

impl MemoryBackend {
    /// `propagate_trace_header_cors_urls`: strings and RegExps, as in `init`.
    pub fn new(propagate_trace_header_cors_urls: &wasm_bindgen::JsValue) -> Result<Self, String> {
        let cors = super::config::patterns(propagate_trace_header_cors_urls);
        Ok(MemoryBackend {
            spans: Rc::default(),
            cors: Rc::new(cors),
            random: Rc::new(WebRandom::new()),
        })
    }

    pub fn take(&self) -> Vec<SpanRecord> {
        std::mem::take(&mut self.spans.borrow_mut())
    }
}

impl Backend for MemoryBackend {
    fn start(
        &self,
        _scope: &'static str,
        _name: &str,
        _kind: Kind,
        parent: Option<Parent>,
        _remote: bool,
        _start_ns: u64,
        given: Option<Parent>,
    ) -> Parent {
        if let Some(g) = given {
            return Parent {
                trace_id: parent.map_or(g.trace_id, |p| p.trace_id),
                ..g
            };
        }
        let r: &dyn RandomSource = &*self.random;
        let (trace_id, span_id) = (new_trace_id(r).to_bytes(), new_span_id(r).to_bytes());
        match parent {
            Some(p) => Parent {
                trace_id: p.trace_id,
                span_id,
                sampled: p.sampled,
            },
            None => Parent {
                trace_id,
                span_id,
                sampled: true,
            },
        }
    }

    fn finish(&self, span: SpanRecord) {
        self.spans.borrow_mut().push(span);
    }

    fn discard(&self, _span: &SpanRecord) {}

    fn headers(&self, url: &str, rec: &SpanRecord) -> Vec<(&'static str, String)> {
        headers_for_url(
            url,
            &document_url(),
            &self.cors,
            &rec.as_parent().span_context(false),
            None,
        )
    }
}
