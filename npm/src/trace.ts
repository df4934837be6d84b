// @opentelemetry/api's Tracer and Span over the wasm core's tracer and span. Every call into
// the core goes through the Guard: bad arguments and core failures never reach the app.
import type {
  Attributes, AttributeValue, Context, Exception, Link, Span, SpanContext, SpanOptions, SpanStatus,
  TimeInput, Tracer, TracerProvider,
} from '@opentelemetry/api';
import type { Sdk, Span as CoreSpan, Tracer as CoreTracer } from './wasm/sdk_wasm.js';
import { contextWithSpan, spanFromContext, StackContextManager, W3CTraceState } from './context.js';
import { Guard, optText, text } from './guard.js';
import { NOOP_SPAN, NOOP_TRACER, runActive } from './noop.js';

/** A span context in the core's text form (`SpanContext::to_text` in sdk-wasm): trace id and
 *  span id in hex, the flags as two hex digits, `1` when remote, then the trace state. */
export function parseSpanContext(t: string): SpanContext {
  return {
    traceId: t.slice(0, 32),
    spanId: t.slice(32, 48),
    traceFlags: parseInt(t.slice(48, 50), 16),
    isRemote: t[50] === '1',
    traceState: t.length > 51 ? W3CTraceState.parse(t.slice(51)) : undefined,
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => (i | 0x100).toString(16).slice(1));
function hex(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += HEX[b[i]];
  return s;
}

/** A span context in the form `Span.end()` returns (`SpanContext::to_bytes` in sdk-wasm):
 *  trace id and span id as bytes, the flags byte, 1 when remote, then the trace state. */
export function spanContextFromBytes(b: Uint8Array): SpanContext {
  return {
    traceId: hex(b, 0, 16),
    spanId: hex(b, 16, 24),
    traceFlags: b[24],
    isRemote: b[25] === 1,
    traceState: b.length > 26 ? W3CTraceState.parse(new TextDecoder().decode(b.subarray(26))) : undefined,
  };
}

/** The text form {@link parseSpanContext} reads, for the core to take in. */
export function coreSpanContext(sc: SpanContext): string {
  return sc.traceId + sc.spanId + ((sc.traceFlags & 0xff) | 0x100).toString(16).slice(1) + (sc.isRemote ? '1' : '0') + (sc.traceState?.serialize() ?? '');
}

export class WasmSpan implements Span {
  private ctx?: SpanContext;
  /** The core span until `end()`, which frees its wasm memory at once (not at GC); calls
   *  after that are no-ops, as on any ended span. */
  private core: CoreSpan | undefined;
  /** The context the core gave back at `end()`, which spent it: read on demand. */
  private ended?: Uint8Array;
  constructor(core: CoreSpan, private readonly guard: Guard) {
    this.core = core;
  }

  /** Calls the core span, if not ended, contained. */
  private call(f: (core: CoreSpan) => void): this {
    const core = this.core;
    if (core) this.guard.run(() => f(core), undefined);
    return this;
  }

  spanContext(): SpanContext {
    if (!this.ctx) {
      const core = this.core;
      const t = core && this.guard.run(() => core.spanContext(), undefined);
      this.ctx = t ? parseSpanContext(t) : this.ended ? spanContextFromBytes(this.ended) : NOOP_SPAN.spanContext();
    }
    return this.ctx;
  }
  setAttribute(key: string, value: AttributeValue): this {
    return this.call((c) => c.setAttribute(text(key), value));
  }
  setAttributes(attributes: Attributes): this {
    return this.call((c) => c.setAttributes(attributes));
  }
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    return this.call((c) => {
      // Same overloads as @opentelemetry/api: (name, time) or (name, attributes, time).
      const isTime = typeof attributesOrTime === 'number' || Array.isArray(attributesOrTime) || attributesOrTime instanceof Date;
      c.addEvent(text(name), isTime ? undefined : attributesOrTime, isTime ? attributesOrTime : time);
    });
  }
  addLink(link: Link): this {
    return this.call((c) => c.addLink(coreSpanContext(link.context), link.attributes));
  }
  addLinks(links: Link[]): this {
    return this.call(() => {
      for (const l of links) this.addLink(l);
    });
  }
  setStatus(status: SpanStatus): this {
    return this.call((c) => c.setStatus(Number(status.code) >>> 0, optText(status.message)));
  }
  updateName(name: string): this {
    return this.call((c) => c.updateName(text(name)));
  }
  end(endTime?: TimeInput): void {
    const core = this.core;
    if (!core) return;
    this.core = undefined;
    this.ended = this.guard.run(() => core.end(endTime), undefined);
  }
  isRecording(): boolean {
    const core = this.core;
    return !!core && this.guard.run(() => core.isRecording(), false);
  }
  recordException(exception: Exception, time?: TimeInput): void {
    this.call((c) => c.recordException(exception, time));
  }
}

export class WasmTracer implements Tracer {
  constructor(private readonly core: CoreTracer, private readonly sdk: Sdk, private readonly contexts: StackContextManager, private readonly guard: Guard) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    return this.guard.run(() => {
      const o = options ?? {};
      // Parent: the span of the given (or active) JS context; without one, the
      // auto-instrumentations' current context (e.g. the click whose handler is running).
      // `root: true` starts a new trace.
      const js = o.root ? undefined : spanFromContext(ctx ?? this.contexts.active())?.spanContext();
      const parent: string | undefined = js ? coreSpanContext(js) : o.root ? undefined : this.sdk.activeSpanContext();
      // No options object for the core to read when there is nothing in it (the common case).
      const core = this.core.startSpan(
        text(name),
        parent === undefined && o.kind === undefined && o.attributes === undefined && o.links === undefined && o.startTime === undefined
          ? undefined
          : {
              kind: o.kind,
              attributes: o.attributes,
              links: o.links?.map((l) => ({ context: coreSpanContext(l.context), attributes: l.attributes })),
              startTime: o.startTime,
              parent,
            },
      );
      return new WasmSpan(core, this.guard);
    }, NOOP_SPAN);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest[rest.length - 1] as (span: Span) => ReturnType<F>;
    const options = (rest.length >= 2 ? rest[0] : undefined) as SpanOptions | undefined;
    const parentCtx = ((rest.length >= 3 ? rest[1] : undefined) as Context | undefined) ?? this.contexts.active();
    const span = this.startSpan(name, options, parentCtx);
    if (span === NOOP_SPAN || typeof fn !== 'function') return runActive(span, rest) as ReturnType<F>;
    return this.contexts.with(contextWithSpan(parentCtx, span), fn, undefined, span) as ReturnType<F>;
  }
}

/** Tracers by name and version, so the same scope gives the same tracer. */
export class WasmTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, Tracer>();
  constructor(private readonly sdk: Sdk, private readonly contexts: StackContextManager, private readonly guard: Guard) {}

  getTracer(name: string, version?: string): Tracer {
    const n = text(name);
    const v = optText(version);
    const key = `${n}@${v ?? ''}`;
    let t = this.tracers.get(key);
    if (!t) {
      t = this.guard.run(() => new WasmTracer(this.sdk.tracer(n, v), this.sdk, this.contexts, this.guard), NOOP_TRACER);
      if (t !== NOOP_TRACER) this.tracers.set(key, t);
    }
    return t;
  }
}
