// Containment of every call from the wrapper into the wasm core: nothing the core throws
// reaches the app. A wasm trap (WebAssembly.RuntimeError) leaves the core's state unknown, so
// after one the SDK is a no-op; the reason and the count are in stats().
import { warn } from './noop.js';

export class Guard {
  /** Why the SDK is a no-op ('' while it runs). */
  disabledReason = '';
  /** Calls that threw inside the SDK (bad arguments, or the core failing), contained. */
  apiErrors = 0;

  /** `f()`, or `fallback` when it throws or the SDK is off. */
  run<T>(f: () => T, fallback: T): T {
    if (this.disabledReason) return fallback;
    try {
      return f();
    } catch (e) {
      this.fail(e);
      return fallback;
    }
  }

  fail(e: unknown): void {
    this.apiErrors++;
    if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) this.disable(`wasm trap: ${e.message}`);
  }

  disable(reason: string): void {
    if (this.disabledReason) return;
    this.disabledReason = reason;
    warn(reason);
  }
}

/** A span or instrument name as the core takes it: a string, whatever the app passed. */
export const text = (v: unknown): string => (typeof v === 'string' ? v : anyText(v));

/** `String(v)`, or '' for a value that refuses (a throwing `toString`, a revoked Proxy). */
function anyText(v: unknown): string {
  try {
    return String(v ?? '');
  } catch {
    return '';
  }
}

/** An optional string (a version, a status message). */
export const optText = (v: unknown): string | undefined => (v == null ? undefined : text(v));
