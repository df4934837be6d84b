//! JS timers as a future and as cancellable callbacks.

use wasm_bindgen::prelude::*;

use super::js;

/// A task as a JS promise (resolving to undefined). The crate's one `future_to_promise`:
/// boxed, so its task machinery is compiled once, not once per caller.
pub fn promise(task: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        task.await;
        Ok(JsValue::UNDEFINED)
    })
}

/// Resolves after `ms` milliseconds (a timer of the SDK's, no interaction's work).
pub async fn sleep(ms: f64) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        crate::instrument::web::outside_context(|| js::set_timeout(&resolve, ms));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// A one-shot timer that calls a Rust closure; dropping it cancels it.
pub struct Timeout {
    id: JsValue,
    _cb: Closure<dyn FnMut()>,
}

impl Timeout {
    pub fn new(ms: f64, f: impl FnOnce() + 'static) -> Self {
        let cb = Closure::once(f);
        let id = js::set_timeout(cb.as_ref().unchecked_ref(), ms);
        Timeout { id, _cb: cb }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        js::clear_timeout(&self.id);
    }
}

/// A repeating timer; dropping it cancels it.
pub struct Interval {
    id: JsValue,
    _cb: Closure<dyn FnMut()>,
}

impl Interval {
    pub fn new(ms: f64, f: impl FnMut() + 'static) -> Self {
        let cb = Closure::<dyn FnMut()>::new(f);
        let id = js::set_interval(cb.as_ref().unchecked_ref(), ms);
        Interval { id, _cb: cb }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        js::clear_interval(&self.id);
    }
}
