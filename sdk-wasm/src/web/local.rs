//! `Send + Sync` for browser handles on the single-threaded wasm target.
//!
//! The `opentelemetry` API wants spans, processors and clocks to be `Send + Sync`, but
//! `JsValue`s are not. Without the `atomics` target feature, wasm32-unknown-unknown has
//! exactly one thread, so nothing can ever be sent or shared across threads; the wrapper
//! refuses to compile with `atomics` enabled, where that argument would not hold.

#[cfg(target_feature = "atomics")]
compile_error!("sdk-wasm's browser glue assumes a single-threaded wasm target");

pub struct LocalOnly<T>(pub T);

// SAFETY: see the module comment: there is only one thread on this target.
unsafe impl<T> Send for LocalOnly<T> {}
unsafe impl<T> Sync for LocalOnly<T> {}

impl<T> std::ops::Deref for LocalOnly<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
