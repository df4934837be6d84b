//! User hooks: the span object they receive (`hook_span.js`, backed by [`on_hook`]) and the
//! one way to call them.

use super::state::with_state;
use crate::instrument::span::hex;
use crate::web::js::{get, set};
use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/instrument/web/hook_span.js")]
extern "C" {
    #[wasm_bindgen(js_name = hookSpan)]
    fn new_hook_span(handle: u32, op: &JsValue) -> JsValue;
}

/// What a hook's span does to the span under `handle` (`hook_span.js`): `op` 0 sets the
/// attribute `a` to `b` (a value that is not an attribute value is ignored), 1 renames it
/// to `a`, 2 returns its `{traceId, spanId, traceFlags}`, 3 whether it is still open. Once
/// the span ended: nothing, an empty context, false.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_hook"))]
pub fn on_hook(handle: u32, op: u8, a: JsValue, b: JsValue) -> JsValue {
    let value = (op == 0)
        .then(|| crate::web::rum::attribute_value(&b))
        .flatten();
    let done = with_state(|s| {
        let span = s.spans.get_mut(&handle)?;
        Some(match op {
            0 => {
                if let (Some(k), Some(v)) = (a.as_string(), value) {
                    span.set(k, v);
                }
                JsValue::UNDEFINED
            }
            1 => {
                if let Some(name) = a.as_string() {
                    span.name = name;
                }
                JsValue::UNDEFINED
            }
            2 => {
                let context = js_sys::Object::new();
                set(&context, "traceId", &hex(&span.trace_id).into());
                set(&context, "spanId", &hex(&span.span_id).into());
                set(&context, "traceFlags", &(span.sampled as u8).into());
                context.into()
            }
            _ => JsValue::TRUE,
        })
    })
    .flatten();
    done.unwrap_or_else(|| match op {
        2 => js_sys::Object::new().into(),
        _ => JsValue::FALSE,
    })
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

/// The span object a hook receives for the span under `handle`.
pub(super) fn hook_span(handle: u32) -> JsValue {
    new_hook_span(handle, &get(&wasm_bindgen::exports(), "__cb_hook"))
}
