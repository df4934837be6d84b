//! A JS `RegExp` as a CORS URL pattern: it matches anywhere in the URL.

use super::local::LocalOnly;
use crate::propagation::cors::UrlMatcher;

pub struct JsRegExp(pub LocalOnly<js_sys::RegExp>);

impl UrlMatcher for JsRegExp {
    fn is_match(&self, url: &str) -> bool {
        // A /g or /y RegExp keeps state between test() calls; start from the beginning.
        self.0.set_last_index(0);
        self.0.test(url)
    }
}
