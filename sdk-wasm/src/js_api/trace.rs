//! The `Tracer` and `Span` classes (the TypeScript wrapper makes them
//! @opentelemetry/api's).

use std::rc::Rc;

use crate::attributes::KeyValue;
use crate::trace::{SpanKind, Status};
use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::values::{attributes, js_number_string, span_context_from_js, time_ns};
use crate::trace::{Link, SdkSpan, SdkTracer, SpanOptions};
use crate::web::js::get;
use crate::web::rum::attribute_value;
use crate::web::Sdk as Running;

#[wasm_bindgen]
pub struct Tracer(SdkTracer, Rc<Running>);

impl Tracer {
    pub(super) fn new(tracer: SdkTracer, sdk: Rc<Running>) -> Tracer {
        Tracer(tracer, sdk)
    }
}

#[wasm_bindgen]
impl Tracer {
    #[wasm_bindgen(js_name = startSpan)]
    pub fn start_span(&self, name: String, options: JsValue) -> Span {
        let mut o = SpanOptions::new(name);
        // The wrapper passes no options object when it has nothing in it (the common case).
        if !options.is_undefined() {
            read_options(&mut o, &options, &self.1);
        }
        Span {
            span: self.0.start_span(o),
            sdk: self.1.clone(),
        }
    }
}

/// @opentelemetry/api's `SpanOptions`, with the parent and the links' contexts as text.
fn read_options(o: &mut SpanOptions, options: &JsValue, sdk: &Running) {
    o.kind = match get(options, "kind").as_f64().map(|k| k as u32) {
        Some(1) => SpanKind::Server,
        Some(2) => SpanKind::Client,
        Some(3) => SpanKind::Producer,
        Some(4) => SpanKind::Consumer,
        _ => SpanKind::Internal,
    };
    o.attributes = attributes(&get(options, "attributes"));
    o.start_ns = time_ns(sdk, &get(options, "startTime"));
    o.parent = span_context_from_js(&get(options, "parent"));
    let links = get(options, "links");
    if Array::is_array(&links) {
        o.links = Array::from(&links)
            .iter()
            .filter_map(|l| {
                Some(Link::new(
                    span_context_from_js(&get(&l, "context"))?,
                    attributes(&get(&l, "attributes")),
                    0,
                ))
            })
            .collect();
    }
}

#[wasm_bindgen]
pub struct Span {
    span: SdkSpan,
    sdk: Rc<Running>,
}

#[wasm_bindgen]
impl Span {
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(&mut self, key: String, value: JsValue) {
        if let Some(v) = attribute_value(&value) {
            self.span.set_attribute(KeyValue::new(key, v));
        }
    }

    #[wasm_bindgen(js_name = setAttributes)]
    pub fn set_attributes(&mut self, attrs: JsValue) {
        for kv in attributes(&attrs) {
            self.span.set_attribute(kv);
        }
    }

    #[wasm_bindgen(js_name = addEvent)]
    pub fn add_event(&mut self, name: String, attrs: JsValue, time: JsValue) {
        let t = time_ns(&self.sdk, &time).unwrap_or_else(|| self.sdk.provider.now_ns());
        self.span.add_event_at(name, t, attributes(&attrs));
    }

    #[wasm_bindgen(js_name = addLink)]
    pub fn add_link(&mut self, span_context: JsValue, attrs: JsValue) {
        if let Some(cx) = span_context_from_js(&span_context) {
            self.span.add_link(cx, attributes(&attrs));
        }
    }

    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(&mut self, code: u32, message: Option<String>) {
        self.span.set_status(match code {
            1 => Status::Ok,
            2 => Status::error(message.unwrap_or_default()),
            _ => Status::Unset,
        });
    }

    #[wasm_bindgen(js_name = updateName)]
    pub fn update_name(&mut self, name: String) {
        self.span.update_name(name);
    }

    /// Ends the span and spends the JS object (its wasm memory is freed now, not at GC);
    /// returns its context as [`SpanContext::to_bytes`](crate::trace::SpanContext::to_bytes),
    /// to stay readable after the end (a `Uint8Array` made by one import: less glue than a
    /// returned `Vec`, same CPU).
    pub fn end(mut self, time: JsValue) -> js_sys::Uint8Array {
        let t = time_ns(&self.sdk, &time).unwrap_or_else(|| self.sdk.provider.now_ns());
        self.span.end_at(t);
        js_sys::Uint8Array::new_from_slice(&self.span.span_context().to_bytes())
    }

    #[wasm_bindgen(js_name = isRecording)]
    pub fn is_recording(&self) -> bool {
        self.span.is_recording()
    }

    /// `exception` is a string or an Error-like `{ name, message, stack, code }`.
    #[wasm_bindgen(js_name = recordException)]
    pub fn record_exception(&mut self, exception: JsValue, time: JsValue) {
        let t = time_ns(&self.sdk, &time).unwrap_or_else(|| self.sdk.provider.now_ns());
        let (ty, msg, stack) = match exception.as_string() {
            Some(s) => (None, Some(s), None),
            None => {
                let code = get(&exception, "code");
                let ty = get(&exception, "name")
                    .as_string()
                    .or_else(|| code.as_string())
                    .or_else(|| code.as_f64().map(js_number_string));
                (
                    ty,
                    get(&exception, "message").as_string(),
                    get(&exception, "stack").as_string(),
                )
            }
        };
        self.span.record_exception_at(ty, msg, stack, t);
    }

    /// [`SpanContext::to_text`](crate::trace::SpanContext::to_text).
    #[wasm_bindgen(js_name = spanContext)]
    pub fn span_context(&self) -> JsValue {
        // A JS string made here, not a returned `String`: less glue per method.
        JsValue::from_str(&self.span.span_context().to_text())
    }
}

impl Drop for Span {
    /// A JS span collected without `end()` is not exported (as in OpenTelemetry JS).
    fn drop(&mut self) {
        self.span.discard();
    }
}
