// The span user hooks receive (`requestHook`, `applyCustomAttributesOnSpan`,
// `shouldPreventSpanCreation`): enough of @opentelemetry/api's `Span` to add attributes and
// rename it. A plain object whose methods call the core's `__cb_hook` (`op`) with the span's
// handle, instead of a wasm-bindgen class (its glue, a finalizer, five exports); calls after
// the span ended do nothing there. A hook may keep the span and call it later, outside the
// SDK's own try/catch: nothing here throws.
export function hookSpan(h, op) {
  const call = (kind, a, b) => {
    try {
      return op(h, kind, a, b);
    } catch (_) {
      return undefined;
    }
  };
  const span = {
    setAttribute: (key, value) => (call(0, key, value), span),
    setAttributes: (attributes) => {
      try {
        if (attributes && typeof attributes === 'object') {
          for (const key of Object.keys(attributes)) call(0, key, attributes[key]);
        }
      } catch (_) {
        // a throwing getter or proxy: the attributes read so far are set
      }
      return span;
    },
    updateName: (name) => (call(1, name), span),
    spanContext: () => call(2) || {},
    isRecording: () => call(3) === true,
  };
  return span;
}
