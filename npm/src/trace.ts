// @opentelemetry/api's Tracer and Span over the wasm core's tracer and span.
import type {
  Attributes, AttributeValue, Context, Exception, Link, Span, SpanContext, SpanOptions, SpanStatus,
  TimeInput, Tracer, TracerProvider,
} from '@opentelemetry/api';
import type { Sdk, Span as CoreSpan, Tracer as CoreTracer } from './wasm/sdk_wasm.js';
import { contextWithSpan, spanFromContext, StackContextManager, W3CTraceState } from './context.js';

interface CoreSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

/** The core takes a span context with `traceState` as text. */
function toCoreSpanContext(sc: SpanContext): CoreSpanContext {
  return { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags, isRemote: sc.isRemote, traceState: sc.traceState?.serialize() };
}

export class WasmSpan implements Span {
  private ctx?: SpanContext;
  /** The core span until `end()`, which frees its wasm memory at once (not at GC); calls
   *  after that are no-ops, as on any ended span. */
  private core: CoreSpan | undefined;
  constructor(core: CoreSpan) {
    this.core = core;
  }

  spanContext(): SpanContext {
    if (!this.ctx) {
      const c = this.core!.spanContext() as CoreSpanContext;
      this.ctx = { traceId: c.traceId, spanId: c.spanId, traceFlags: c.traceFlags, isRemote: c.isRemote, traceState: c.traceState ? W3CTraceState.parse(c.traceState) : undefined };
    }
    return this.ctx;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.core?.setAttribute(key, value);
    return this;
  }
  setAttributes(attributes: Attributes): this {
    this.core?.setAttributes(attributes);
    return this;
  }
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    // Same overloads as @opentelemetry/api: (name, time) or (name, attributes, time).
    const isTime = typeof attributesOrTime === 'number' || Array.isArray(attributesOrTime) || attributesOrTime instanceof Date;
    this.core?.addEvent(name, isTime ? undefined : attributesOrTime, isTime ? attributesOrTime : time);
    return this;
  }
  addLink(link: Link): this {
    this.core?.addLink(toCoreSpanContext(link.context), link.attributes);
    return this;
  }
  addLinks(links: Link[]): this {
    for (const l of links) this.addLink(l);
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.core?.setStatus(status.code, status.message);
    return this;
  }
  updateName(name: string): this {
    this.core?.updateName(name);
    return this;
  }
  end(endTime?: TimeInput): void {
    const core = this.core;
    if (!core) return;
    this.spanContext(); // kept: it stays readable after the end
    this.core = undefined;
    core.end(endTime);
    core.free();
  }
  isRecording(): boolean {
    return this.core?.isRecording() ?? false;
  }
  recordException(exception: Exception, time?: TimeInput): void {
    this.core?.recordException(exception, time);
  }
}

export class WasmTracer implements Tracer {
  constructor(private readonly core: CoreTracer, private readonly sdk: Sdk, private readonly contexts: StackContextManager) {}

  startSpan(name: string, options: SpanOptions = {}, ctx?: Context): Span {
    // Parent: the span of the given (or active) JS context; without one, the
    // auto-instrumentations' current context (e.g. the click whose handler is running).
    // `root: true` starts a new trace.
    const parent = options.root
      ? undefined
      : spanFromContext(ctx ?? this.contexts.active())?.spanContext() ?? (this.sdk.activeSpanContext() as SpanContext | undefined);
    const core = this.core.startSpan(name, {
      kind: options.kind,
      attributes: options.attributes,
      links: options.links?.map((l) => ({ context: toCoreSpanContext(l.context), attributes: l.attributes })),
      startTime: options.startTime,
      parent: parent && toCoreSpanContext(parent),
    });
    return new WasmSpan(core);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest[rest.length - 1] as (span: Span) => ReturnType<F>;
    const options = (rest.length >= 2 ? rest[0] : undefined) as SpanOptions | undefined;
    const parentCtx = (rest.length >= 3 ? rest[1] : undefined) as Context | undefined ?? this.contexts.active();
    const span = this.startSpan(name, options, parentCtx);
    return this.contexts.with(contextWithSpan(parentCtx, span), fn, undefined, span) as ReturnType<F>;
  }
}

/** Tracers by name and version, so the same scope gives the same tracer. */
export class WasmTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, WasmTracer>();
  constructor(private readonly sdk: Sdk, private readonly contexts: StackContextManager) {}

  getTracer(name: string, version?: string): Tracer {
    const key = `${name}@${version ?? ''}`;
    let t = this.tracers.get(key);
    if (!t) this.tracers.set(key, (t = new WasmTracer(this.sdk.tracer(name, version), this.sdk, this.contexts)));
    return t;
  }
}
