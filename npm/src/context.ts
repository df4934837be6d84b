// Context for @opentelemetry/api without importing it at runtime: an immutable context, a
// synchronous context manager (the active context follows `with()` calls, like OpenTelemetry
// JS's default StackContextManager), and a W3C trace-context propagator. `register()` installs
// the manager and propagator as @opentelemetry/api's globals.
import type { Context, ContextManager, Span, SpanContext, TextMapGetter, TextMapPropagator, TextMapSetter, TraceState } from '@opentelemetry/api';
import { ContextOnlySpan } from './noop.js';

/** @opentelemetry/api keys its context values with `Symbol.for(description)`. */
export const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');

class ImmutableContext implements Context {
  constructor(private readonly values: Map<symbol, unknown> = new Map()) {}
  getValue(key: symbol): unknown {
    return this.values.get(key);
  }
  setValue(key: symbol, value: unknown): Context {
    const next = new Map(this.values);
    next.set(key, value);
    return new ImmutableContext(next);
  }
  deleteValue(key: symbol): Context {
    const next = new Map(this.values);
    next.delete(key);
    return new ImmutableContext(next);
  }
}

export const ROOT_CONTEXT: Context = new ImmutableContext();

export const spanFromContext = (ctx: Context): Span | undefined => ctx.getValue(SPAN_KEY) as Span | undefined;
export const contextWithSpan = (ctx: Context, span: Span): Context => ctx.setValue(SPAN_KEY, span);

/** Lets another context carrier follow a span made current here: the wasm core's
 *  auto-instrumentations, whose context also survives `await`s. */
export interface ContextBridge {
  /** Makes the span context current there; returns a token for `exit` (undefined: nothing
   *  to undo). */
  enter(spanContext: SpanContext): number | undefined;
  exit(token: number): void;
}

export class StackContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;
  constructor(private readonly bridge?: ContextBridge) {}

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = ctx ?? ROOT_CONTEXT;
    const span = spanFromContext(this.current);
    const bridge = this.bridge;
    const token = span && span !== spanFromContext(previous) && bridge ? bridge.enter(span.spanContext()) : undefined;
    let result: ReturnType<F> | undefined;
    try {
      result = fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
      if (token !== undefined) bridge!.exit(token);
    }
    // The auto-instrumentations' context follows the callback's awaits, so an async callback
    // leaves its span current there until it settles; the caller's context must be current
    // again for the code that awaits it. The caller gets a promise that settles the same
    // way, right after that restore (and an unhandled rejection stays unhandled).
    const then = token !== undefined && result !== null && typeof result === 'object' ? (result as { then?: unknown }).then : undefined;
    if (typeof then !== 'function') return result as ReturnType<F>;
    return then.call(
      result,
      (v: unknown) => {
        bridge!.exit(token!);
        return v;
      },
      (e: unknown) => {
        bridge!.exit(token!);
        throw e;
      },
    ) as ReturnType<F>;
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as unknown as (...a: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}

/** W3C `tracestate` as the immutable list @opentelemetry/api expects. */
export class W3CTraceState implements TraceState {
  private constructor(private readonly entries: Array<[string, string]>) {}

  static parse(text: string | undefined): W3CTraceState {
    const entries: Array<[string, string]> = [];
    for (const member of (text ?? '').split(',')) {
      const eq = member.indexOf('=');
      if (eq > 0) entries.push([member.slice(0, eq).trim(), member.slice(eq + 1).trim()]);
    }
    return new W3CTraceState(entries.slice(0, 32));
  }

  get(key: string): string | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
  set(key: string, value: string): TraceState {
    const rest = this.entries.filter(([k]) => k !== key);
    return new W3CTraceState([[key, value] as [string, string], ...rest].slice(0, 32));
  }
  unset(key: string): TraceState {
    return new W3CTraceState(this.entries.filter(([k]) => k !== key));
  }
  serialize(): string {
    return this.entries.map(([k, v]) => `${k}=${v}`).join(',');
  }
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const isZero = (hex: string) => /^0+$/.test(hex);

/** traceparent / tracestate, per the W3C Trace Context spec (version 00; later versions read
 *  leniently as the spec asks). */
export class W3CTraceContextPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = spanFromContext(ctx)?.spanContext();
    if (!sc || isZero(sc.traceId) || isZero(sc.spanId)) return;
    setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`);
    const ts = sc.traceState?.serialize();
    if (ts) setter.set(carrier, 'tracestate', ts);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    const m = TRACEPARENT.exec((first(getter.get(carrier, 'traceparent')) ?? '').trim());
    if (!m || m[1] === 'ff' || (m[1] === '00' && m[5]) || isZero(m[2]) || isZero(m[3])) return ctx;
    const ts = getter.get(carrier, 'tracestate');
    const sc: SpanContext = {
      traceId: m[2],
      spanId: m[3],
      traceFlags: parseInt(m[4], 16) & 1,
      isRemote: true,
      traceState: W3CTraceState.parse(Array.isArray(ts) ? ts.join(',') : ts),
    };
    return contextWithSpan(ctx, new ContextOnlySpan(sc));
  }

  fields(): string[] {
    return ['traceparent', 'tracestate'];
  }
}
