// The no-op SDK: what initTelemetry resolves to when the wasm core cannot run (no window, no
// WebAssembly, CSP, a .wasm or core chunk that fails to load), and what the wrappers hand out
// after a trap. Every method works and records nothing. No runtime imports: npm/build.sh copies
// this module to off.js, the no-op for when the core's chunk itself did not load.
import type {
  Counter, Gauge, Histogram, Meter, MeterProvider, ObservableCounter, ObservableGauge, ObservableUpDownCounter, Span,
  SpanContext, Tracer, TracerProvider, UpDownCounter,
} from '@opentelemetry/api';
import type { Telemetry, TelemetryStats } from './telemetry.js';

/** A span that only carries a context (a remote parent, for example). */
export class ContextOnlySpan implements Span {
  constructor(private readonly ctx: SpanContext) {}
  spanContext(): SpanContext { return this.ctx; }
  setAttribute(): this { return this; }
  setAttributes(): this { return this; }
  addEvent(): this { return this; }
  addLink(): this { return this; }
  addLinks(): this { return this; }
  setStatus(): this { return this; }
  updateName(): this { return this; }
  end(): void {}
  isRecording(): boolean { return false; }
  recordException(): void {}
}

export const NOOP_SPAN: Span = new ContextOnlySpan({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });

/** Runs `startActiveSpan`'s callback (its last argument) with `span`. */
export function runActive(span: Span, rest: unknown[]): unknown {
  const fn = rest[rest.length - 1];
  return typeof fn === 'function' ? fn(span) : undefined;
}

export const NOOP_TRACER = {
  startSpan: () => NOOP_SPAN,
  startActiveSpan: (_name: string, ...rest: unknown[]) => runActive(NOOP_SPAN, rest),
} as Tracer;

/** Every synchronous instrument kind at once. */
export type AnyInstrument = Counter & UpDownCounter & Histogram & Gauge;

/** A counter, up-down counter, histogram, gauge and observable at once. */
export const NOOP_INSTRUMENT = {
  add() {},
  record() {},
  addCallback() {},
  removeCallback() {},
} as AnyInstrument & ObservableGauge & ObservableCounter & ObservableUpDownCounter;

export const NOOP_METER: Meter = {
  createCounter: () => NOOP_INSTRUMENT,
  createUpDownCounter: () => NOOP_INSTRUMENT,
  createHistogram: () => NOOP_INSTRUMENT,
  createGauge: () => NOOP_INSTRUMENT,
  createObservableGauge: () => NOOP_INSTRUMENT,
  createObservableCounter: () => NOOP_INSTRUMENT,
  createObservableUpDownCounter: () => NOOP_INSTRUMENT,
  addBatchObservableCallback() {},
  removeBatchObservableCallback() {},
} as unknown as Meter;

const STAT_NAMES = [
  'spansEnded', 'spansExported', 'spansDropped', 'spansFailed', 'exportRequests', 'exportRetries',
  'exportFailures', 'metricExports', 'metricExportFailures', 'logsEmitted', 'logsExported', 'logsDropped',
  'logsFailed', 'logsStashed', 'logsResent', 'logsStashDropped', 'errorsDropped', 'spansStashed',
  'spansResent', 'spansStashDropped', 'offlineBuffered', 'offlineSent', 'offlineDropped', 'queueLength',
  'exportsInFlight', 'metricCallbackErrors', 'scrubHookErrors', 'apiErrors',
] as const;

/** Every counter at 0, and why the SDK is off. */
export const zeroStats = (disabledReason: string): TelemetryStats =>
  Object.assign(Object.fromEntries(STAT_NAMES.map((k) => [k, 0])), { disabledReason }) as unknown as TelemetryStats;

/** The one console line the SDK writes when it turns itself off. */
export function warn(reason: string): void {
  try {
    console.warn(`otel-wasm: telemetry is off: ${reason}`);
  } catch {
    /* no console */
  }
}

/** initTelemetry's answer where the core cannot run: the no-op handle, with the one console
 *  line (`quiet`: none, for server-side rendering, which is expected). */
export function offTelemetry(reason: string, quiet?: boolean): Telemetry {
  if (!quiet) warn(reason);
  return noopTelemetry(reason);
}

export function noopTelemetry(reason: string): Telemetry {
  const tracerProvider: TracerProvider = { getTracer: () => NOOP_TRACER };
  const meterProvider: MeterProvider = { getMeter: () => NOOP_METER };
  return {
    tracerProvider,
    meterProvider,
    getTracer: () => NOOP_TRACER,
    getMeter: () => NOOP_METER,
    getActiveSpan: () => undefined,
    forceFlush: async () => {},
    shutdown: async () => {},
    stats: () => zeroStats(reason),
    emitLog() {},
    setUser() {},
    setAttributes() {},
    pause() {},
    resume() {},
    // @opentelemetry/api keeps its own no-op globals.
    register: async () => {},
  };
}
