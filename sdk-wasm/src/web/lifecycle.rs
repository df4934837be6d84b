//! Flush when the page is hidden: `visibilitychange` to hidden, and `pagehide` (Safari's
//! reliable signal). Never `unload`/`beforeunload`: they disable the back/forward cache.

use wasm_bindgen::prelude::*;

use super::js;

pub struct PageHideListener {
    document: Option<web_sys::EventTarget>,
    window: web_sys::EventTarget,
    on_visibility: Closure<dyn FnMut()>,
    on_pagehide: Closure<dyn FnMut()>,
}

impl PageHideListener {
    /// Installs the listeners; `None` outside a page (e.g. in a worker without `document`).
    pub fn new(on_hide: impl Fn() + 'static) -> Option<Self> {
        // Once per hide: a navigation fires both `pagehide` and `visibilitychange` (in either
        // order); becoming visible again (or a back/forward-cache restore) re-arms it.
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let f = fired.clone();
        let on_hide = std::rc::Rc::new(move || {
            if !f.replace(true) {
                on_hide();
            }
        });
        let window: web_sys::EventTarget = js::global().dyn_into().ok()?;
        let document = js::global_get("document")
            .dyn_into::<web_sys::Document>()
            .ok();
        let doc = document.clone();
        let h = on_hide.clone();
        let on_visibility = Closure::<dyn FnMut()>::new(move || {
            if doc.is_some() && js::document_hidden() {
                h()
            } else {
                fired.set(false)
            }
        });
        let on_pagehide = Closure::<dyn FnMut()>::new(move || on_hide());
        let document: Option<web_sys::EventTarget> = document.map(Into::into);
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                on_visibility.as_ref().unchecked_ref(),
            );
        }
        let _ = window
            .add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
        Some(PageHideListener {
            document,
            window,
            on_visibility,
            on_pagehide,
        })
    }
}

impl Drop for PageHideListener {
    fn drop(&mut self) {
        if let Some(d) = &self.document {
            let _ = d.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visibility.as_ref().unchecked_ref(),
            );
        }
        let _ = self.window.remove_event_listener_with_callback(
            "pagehide",
            self.on_pagehide.as_ref().unchecked_ref(),
        );
    }
}
