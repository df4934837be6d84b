//! An event listener on `globalThis` that is removed when dropped.

use wasm_bindgen::prelude::*;

use super::js;

pub struct Listener {
    target: web_sys::EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(JsValue)>,
}

impl Listener {
    /// Listens for `kind` on `globalThis`; `None` where it is not an event target.
    pub fn on_global(kind: &'static str, f: impl FnMut(JsValue) + 'static) -> Option<Listener> {
        let target: web_sys::EventTarget = js::global().dyn_into().ok()?;
        let callback = Closure::<dyn FnMut(JsValue)>::new(f);
        target
            .add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref())
            .ok()?;
        Some(Listener {
            target,
            kind,
            callback,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
