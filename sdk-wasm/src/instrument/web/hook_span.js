// The span user hooks receive (`requestHook`, `applyCustomAttributesOnSpan`,
// `shouldPreventSpanCreation`): enough of @opentelemetry/api's `Span` to add attributes and
// rename it. A plain object whose methods call the core's `__cb_hook` (`op`) with the span's
// handle, instead of a wasm-bindgen class (its glue, a finalizer, five exports); calls after
// the span ended do nothing there.
export function hookSpan(h, op) {
  const span = {
    setAttribute: (key, value) => (op(h, 0, key, value), span),
    setAttributes: (attributes) => {
      if (attributes) for (const key of Object.keys(attributes)) op(h, 0, key, attributes[key]);
      return span;
    },
    updateName: (name) => (op(h, 1, name), span),
    spanContext: () => op(h, 2),
    isRecording: () => op(h, 3),
  };
  return span;
}
