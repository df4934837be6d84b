// The handle initTelemetry resolves to, over the started wasm core (loaded lazily: see init.ts).
// Every call into the core is contained: a trap turns the handle into a no-op.
import type * as OtelApi from '@opentelemetry/api';
import type { Meter, MeterProvider, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import type * as Core from './wasm/sdk_wasm.js';
import { coreError, TelemetryConfigError, type AttributeValue, type TelemetryConfig } from './config.js';
import { spanFromContext, StackContextManager, W3CTraceContextPropagator } from './context.js';
import { Guard, optText } from './guard.js';
import type * as Metrics from './metrics.js';
import { NOOP_METER, noopTelemetry, warn, zeroStats } from './noop.js';
import { coreSpanContext, WasmTracerProvider } from './trace.js';
import { fastPath } from './wasm/snippets/sdk-wasm/src/instrument/web/fast.js';
import { loadNow } from './wasm/snippets/sdk-wasm/src/instrument/web/shim.js';

/** Drop and error counters. */
export interface TelemetryStats {
  /** Spans ended (sampled). */
  spansEnded: number;
  /** Spans the collector accepted. */
  spansExported: number;
  /** Spans dropped because the queue was full. */
  spansDropped: number;
  /** Spans lost to failed exports (after retries). */
  spansFailed: number;
  exportRequests: number;
  exportRetries: number;
  exportFailures: number;
  metricExports: number;
  metricExportFailures: number;
  /** Log records emitted, accepted by the collector, dropped (queue full), lost to failed exports. */
  logsEmitted: number;
  logsExported: number;
  logsDropped: number;
  logsFailed: number;
  /** Log records stashed in localStorage at page hide, sent by a later page, lost. */
  logsStashed: number;
  logsResent: number;
  logsStashDropped: number;
  /** Errors not logged: over the rate limit, or a duplicate of a recent one. */
  errorsDropped: number;
  /** Spans stashed in localStorage at page hide (did not fit a keepalive request). */
  spansStashed: number;
  /** Stashed spans sent by a later page. */
  spansResent: number;
  /** Stashed spans lost (size bound, quota, no storage). */
  spansStashDropped: number;
  /** Export batches (any signal) put in the offline buffer. */
  offlineBuffered: number;
  /** Buffered batches the collector acknowledged later. */
  offlineSent: number;
  /** Buffered batches dropped unsent (byte or age bound, or refused when resent). */
  offlineDropped: number;
  /** Spans waiting for export now. */
  queueLength: number;
  exportsInFlight: number;
  /** Observable-instrument callbacks that threw. */
  metricCallbackErrors: number;
  /** scrubAttributes calls that threw (each dropped its attribute). */
  scrubHookErrors: number;
  /** Calls from the app that threw inside the SDK (bad arguments, or a core failure),
   *  contained: the app never sees them. */
  apiErrors: number;
  /** Why the SDK is a no-op ('' while it runs): 'no window (server-side rendering)',
   *  'WebAssembly unavailable', 'wasm load failed: …' (a CSP without 'wasm-unsafe-eval', a
   *  .wasm that did not load), 'wasm trap: …' (the core failed; it stopped). */
  disabledReason: string;
}

export interface Telemetry {
  /** A tracer satisfying @opentelemetry/api's `Tracer`. Same name and version, same tracer. */
  getTracer(name: string, version?: string): Tracer;
  /** A meter satisfying @opentelemetry/api's `Meter`. */
  getMeter(name: string, version?: string): Meter;
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** The span active in the current synchronous context, if any. */
  getActiveSpan(): Span | undefined;
  /** Exports everything queued (spans and metrics) and waits for it. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops; a later initTelemetry starts a new SDK. */
  shutdown(): Promise<void>;
  /** Drop and error counters. */
  stats(): TelemetryStats;
  /** Emits one OTLP log record (batched to `/v1/logs`), in the active span's trace. */
  emitLog(record: LogRecordInput): void;
  /** `user.id`, `user.email`, `user.name` on every later span and log record; `null` clears. */
  setUser(user: UserInput | null): void;
  /** Attributes on every later span and log record; a `null`/`undefined` value removes one. */
  setAttributes(attributes: Record<string, string | number | boolean | null | undefined>): void;
  /** Consent withdrawn: nothing is recorded for export, nothing written to storage (the queue
   *  is dropped) until `resume()`. */
  pause(): void;
  /** Consent given: records and exports again (with `requireConsent`, the first call starts it). */
  resume(): void;
  /** Installs our tracer provider, meter provider, context manager and W3C propagator as
   *  @opentelemetry/api's globals, so code using `trace.getTracer()` / `metrics.getMeter()` is
   *  exported by us. Pass the api module to do it synchronously; without it the module is
   *  imported (it is a peer dependency). Never rejects: a global another SDK registered first
   *  is kept, with a console warning. */
  register(api?: typeof OtelApi): Promise<void>;
}

/** The user for `setUser`. */
export interface UserInput {
  id: string;
  email?: string;
  name?: string;
}

/** A log record for `emitLog`. */
export interface LogRecordInput {
  body?: string | number;
  /** OTLP SeverityNumber: 9 INFO, 13 WARN, 17 ERROR… Default 0 (unspecified). */
  severityNumber?: number;
  severityText?: string;
  /** Sets the record's `event_name` and the `event.name` attribute. */
  eventName?: string;
  attributes?: Record<string, AttributeValue>;
  /** Epoch ms, `performance.now()` ms, `[s, ns]` or a Date. Default now. */
  timestamp?: number | [number, number] | Date;
  /** Instrumentation scope name. Default 'otel-wasm'. */
  scope?: string;
}

/** What the tracing-only flavour (`otel-wasm/tracing`) leaves out: a call or config for it
 *  does nothing, with one console line per part. */
function missing(part: string): void {
  const said = (missing as { said?: Set<string> }).said ??= new Set();
  if (said.has(part)) return;
  said.add(part);
  try {
    console.warn(`otel-wasm: ${part} not in this build (otel-wasm/tracing); import 'otel-wasm' for them`);
  } catch {
    /* no console */
  }
}

/** The parts of a flavour beyond tracing: the full build passes the metrics wrapper (the
 *  tracing build leaves it out of its chunk). */
export interface Parts {
  metrics?: Pick<typeof Metrics, 'ObservableRegistry' | 'WasmMeterProvider'>;
}

/** Starts the core (it takes over the loader's hooks and replays what they recorded) and builds
 *  the handle over it. `init` is either flavour's glue's; the tracing one's `Sdk` has no
 *  `meter` or `emitLog`. Named parts, not module namespaces: a bundler builds a namespace
 *  object (and its helper chunk, then imported by the loader too) for each one passed. */
export function start(init: typeof Core.init, config: TelemetryConfig, release: () => void, parts: Parts = {}): Telemetry {
  let sdk: Core.Sdk;
  try {
    // The requests' fast path (sdk-wasm/src/instrument/web/fast.js) goes with the core.
    sdk = init(config, fastPath);
  } catch (e) {
    const error = coreError(e);
    if (error instanceof TelemetryConfigError) throw error;
    const reason = `wasm trap: ${error.message}`;
    warn(reason);
    release();
    return noopTelemetry(reason);
  }
  const guard = new Guard();
  // A span made current from JS is current for the auto-instrumentations too, so requests
  // made inside `startActiveSpan` (also after its awaits) are its children.
  const contexts = new StackContextManager({
    enter: (sc) => guard.run(() => sdk.enterContext(coreSpanContext(sc)), undefined),
    exit: (token) => guard.run(() => sdk.exitContext(token), undefined),
  });
  const m = typeof sdk.meter === 'function' ? parts.metrics : undefined;
  const hasLogs = typeof sdk.emitLog === 'function';
  if (!m || !hasLogs) {
    const c = config as unknown as Record<string, unknown>;
    if (['webVitals', 'errors', 'longTasks', 'captureConsole'].some((k) => c[k] === true)) missing('web vitals, errors, long tasks and console capture are');
    if (c.offline) missing('the offline buffer is');
    if (c.encoding === 'json') missing('the OTLP/JSON encoder (exports are protobuf) is');
  }
  const registry = m ? new m.ObservableRegistry() : { collect: async () => {}, callbackErrors: 0 };
  const tracerProvider = new WasmTracerProvider(sdk, contexts, guard);
  const meterProvider: MeterProvider = m
    ? new m.WasmMeterProvider(sdk, registry as Metrics.ObservableRegistry, guard)
    : { getMeter: () => (missing('metrics are'), NOOP_METER) };
  // Observable instruments are sampled on the metric export period (and on every flush).
  const interval = config.metricExportIntervalMillis ?? 30000;
  const timer = m && interval > 0 ? setInterval(() => void registry.collect(), interval) : undefined;
  let stopped: Promise<void> | undefined;
  /** Awaits a core promise, contained. */
  const settle = async (f: () => Promise<unknown>) => {
    try {
      await guard.run(f, undefined);
    } catch (e) {
      guard.fail(e);
    }
  };

  let registered = false;
  const install = (api: typeof OtelApi) => {
    if (registered) return;
    const refused = [
      api.trace.setGlobalTracerProvider(tracerProvider) || 'tracer provider',
      api.metrics.setGlobalMeterProvider(meterProvider) || 'meter provider',
      api.context.setGlobalContextManager(contexts) || 'context manager',
      api.propagation.setGlobalPropagator(new W3CTraceContextPropagator()) || 'propagator',
    ].filter((r) => r !== true);
    // Another SDK registered first; @opentelemetry/api keeps the first registration.
    if (refused.length) console.warn(`otel-wasm: register(): @opentelemetry/api already has a global ${refused.join(', ')}; kept it`);
    registered = true;
  };

  return {
    tracerProvider,
    meterProvider,
    getTracer: (name, version) => tracerProvider.getTracer(name, version),
    getMeter: (name, version) => meterProvider.getMeter(name, version),
    getActiveSpan: () => spanFromContext(contexts.active()),
    async forceFlush() {
      loadNow(); // a document load put off to idle time
      await registry.collect();
      await settle(() => sdk.forceFlush());
    },
    shutdown() {
      stopped ??= (async () => {
        clearInterval(timer);
        loadNow();
        await registry.collect();
        await settle(() => sdk.shutdown());
        release();
      })();
      return stopped;
    },
    stats: () => ({
      ...guard.run(() => sdk.stats() as TelemetryStats, zeroStats('')),
      metricCallbackErrors: registry.callbackErrors,
      apiErrors: guard.apiErrors,
      disabledReason: guard.disabledReason,
    }),
    emitLog: (record) =>
      hasLogs
        ? guard.run(() => sdk.emitLog(optText(record?.scope) ?? 'otel-wasm', undefined, record ?? {}), undefined)
        : missing('logs are'),
    setUser: (user) => guard.run(() => sdk.setUser(user ?? null), undefined),
    setAttributes: (attributes) => guard.run(() => sdk.setAttributes(attributes ?? {}), undefined),
    pause: () => guard.run(() => sdk.pause(), undefined),
    resume: () => guard.run(() => sdk.resume(), undefined),
    async register(api) {
      try {
        install(api ?? (await import('@opentelemetry/api')));
      } catch (e) {
        // No @opentelemetry/api to import: the handle's own tracer and meter still work.
        console.warn(`otel-wasm: register(): ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
