//! User hooks: the `InstrumentationSpan` class they receive and the one way to call them.

use super::state::with_state;
use crate::instrument::span::hex;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The span handed to user hooks: enough of the OpenTelemetry Span interface
/// to add attributes and rename. Calls after the span ended do nothing.
#[wasm_bindgen(js_name = InstrumentationSpan)]
pub struct HookSpan {
    handle: u32,
}

#[wasm_bindgen(js_class = InstrumentationSpan)]
impl HookSpan {
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(&self, key: &str, value: JsValue) -> HookSpan {
        if let Some(v) = crate::web::rum::attribute_value(&value) {
            with_state(|s| {
                s.spans
                    .get_mut(&self.handle)
                    .map(|span| span.set(key.to_string(), v))
            });
        }
        HookSpan {
            handle: self.handle,
        }
    }

    #[wasm_bindgen(js_name = setAttributes)]
    pub fn set_attributes(&self, attributes: JsValue) -> HookSpan {
        if let Ok(pairs) = js_sys::Object::entries(attributes.unchecked_ref()).dyn_into::<Array>() {
            for pair in pairs.iter() {
                let pair = Array::from(&pair);
                if let Some(k) = pair.get(0).as_string() {
                    self.set_attribute(&k, pair.get(1));
                }
            }
        }
        HookSpan {
            handle: self.handle,
        }
    }

    #[wasm_bindgen(js_name = updateName)]
    pub fn update_name(&self, name: &str) -> HookSpan {
        with_state(|s| {
            s.spans
                .get_mut(&self.handle)
                .map(|span| span.name = name.to_string())
        });
        HookSpan {
            handle: self.handle,
        }
    }

    /// `{traceId, spanId, traceFlags}` as hex, like `Span.spanContext()`.
    #[wasm_bindgen(js_name = spanContext)]
    pub fn span_context(&self) -> JsValue {
        let o = js_sys::Object::new();
        with_state(|s| {
            if let Some(span) = s.spans.get(&self.handle) {
                let _ = Reflect::set(&o, &"traceId".into(), &hex(&span.trace_id).into());
                let _ = Reflect::set(&o, &"spanId".into(), &hex(&span.span_id).into());
                let _ = Reflect::set(&o, &"traceFlags".into(), &(span.sampled as u8).into());
            }
        });
        o.into()
    }

    #[wasm_bindgen(js_name = isRecording)]
    pub fn is_recording(&self) -> bool {
        with_state(|s| s.spans.contains_key(&self.handle)).unwrap_or(false)
    }
}

/// Calls a user hook; a throw is counted, never propagated. Returns its result.
pub(super) fn call_hook(hook: &Function, args: &[&JsValue]) -> JsValue {
    let this = JsValue::UNDEFINED;
    let result = match args {
        [a] => hook.call1(&this, a),
        [a, b] => hook.call2(&this, a, b),
        [a, b, c] => hook.call3(&this, a, b, c),
        _ => hook.call0(&this),
    };
    result.unwrap_or_else(|_| {
        with_state(|s| s.stats.hook_errors += 1);
        JsValue::UNDEFINED
    })
}

pub(super) fn hook_span(handle: u32) -> JsValue {
    HookSpan { handle }.into()
}
