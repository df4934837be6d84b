//! The few browser globals we bind directly (works in windows and workers alike).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(cb: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_name = setInterval)]
    pub fn set_interval(cb: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    pub fn clear_interval(id: &JsValue);

    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    pub static PERFORMANCE: web_sys::Performance;
    #[wasm_bindgen(thread_local_v2, js_name = crypto)]
    pub static CRYPTO: web_sys::Crypto;

    /// `CompressionStream` (web-sys has it only behind its unstable-API flag).
    pub type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    pub fn new(format: &str) -> Result<CompressionStream, JsValue>;

    /// The browser's `URL` (its fields are read with [`get`], no import per getter).
    #[wasm_bindgen(js_name = URL)]
    pub type Url;
    #[wasm_bindgen(constructor, catch, js_class = URL)]
    pub fn new(url: &str, base: &JsValue) -> Result<Url, JsValue>;
}

/// `globalThis`.
pub fn global() -> JsValue {
    js_sys::global().into()
}

/// `globalThis[name]`, or `undefined`.
pub fn global_get(name: &str) -> JsValue {
    js_sys::Reflect::get(&global(), &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets `obj[key] = value`, ignoring failure (only used on plain objects we created).
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), value);
}

/// `obj[key]`, or `undefined`.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// The document's URL (`location.href`), for resolving relative URLs.
pub fn document_url() -> String {
    get(&global_get("location"), "href")
        .as_string()
        .unwrap_or_default()
}

/// Whether the page is hidden (`document.visibilityState`); `false` without a document.
pub fn document_hidden() -> bool {
    get(&global_get("document"), "visibilityState")
        .as_string()
        .is_some_and(|v| v == "hidden")
}

/// `Date.now()` in ms (wall clock, for HTTP dates).
pub fn date_now_ms() -> f64 {
    js_sys::Date::now()
}

/// JavaScript's shortest round-trip number formatting, for OTLP/JSON doubles.
pub fn js_f64(v: f64, out: &mut String) {
    let s: String = js_sys::Number::from(v)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default();
    out.push_str(&s);
}

/// `localStorage` or `sessionStorage`, called through `Reflect` and `Function.call` (imports
/// shared with the rest of the crate, not one web-sys import per method). Storage that is
/// missing or blocked (a `SecurityError` on access) is `None`; a failing call is an `Err`.
pub struct Storage(JsValue);

impl Storage {
    pub fn open(name: &str) -> Option<Storage> {
        let s = js_sys::Reflect::get(&global(), &JsValue::from_str(name)).ok()?;
        s.is_object().then_some(Storage(s))
    }

    fn method(&self, name: &str) -> Result<js_sys::Function, JsValue> {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name))?.dyn_into()
    }

    pub fn get_item(&self, key: &str) -> Option<String> {
        self.method("getItem")
            .and_then(|f| f.call1(&self.0, &JsValue::from_str(key)))
            .ok()?
            .as_string()
    }

    /// `false` when refused (quota, blocked).
    pub fn set_item(&self, key: &str, value: &str) -> bool {
        self.method("setItem")
            .and_then(|f| f.call2(&self.0, &JsValue::from_str(key), &JsValue::from_str(value)))
            .is_ok()
    }

    pub fn remove_item(&self, key: &str) {
        let _ = self
            .method("removeItem")
            .and_then(|f| f.call1(&self.0, &JsValue::from_str(key)));
    }
}

/// The callbacks a JS shim calls, `{ name: this wasm's export "__cb_<name>" }`: raw wasm exports,
/// called directly — no `Closure` each (wasm-bindgen's closure glue in JS and wasm) and no JS
/// adapter spreading the arguments on every call. So their parameters are numbers and
/// `JsValue`s only: a raw export takes a JS value as it comes, a `String` would need the glue.
/// `scripts/minify-wasm-names.mjs` keeps the names with this prefix. The exports exist with
/// the `js-api` feature only (a Rust app linking this crate without it does not carry them).
/// Their comments are `//`, not doc comments, which wasm-bindgen would copy into the JS glue.
pub fn callbacks(names: &[&str]) -> js_sys::Object {
    let exports = wasm_bindgen::exports();
    let r = js_sys::Object::new();
    let mut key = String::new();
    for name in names {
        key.clear();
        key.push_str("__cb_");
        key.push_str(name);
        set(&r, name, &get(&exports, &key));
    }
    r
}

/// A string argument from a JS shim (anything else reads as empty).
pub fn text(v: &JsValue) -> String {
    v.as_string().unwrap_or_default()
}
