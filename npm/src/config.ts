// The public config of initTelemetry: types and documented defaults, and the checks that only
// JS can make (unknown keys, RegExps, hooks). The wasm core reads this same object: it applies
// the defaults and checks the types, ranges, URLs and names, with errors naming the field path
// (sdk-wasm/src/config.rs).

import { TelemetryConfigError } from './config-error.js';
import { text } from './guard.js';

export { TelemetryConfigError };

/** A URL pattern: a RegExp matches anywhere in the absolute URL; a string must equal it. */
export type UrlPattern = RegExp | string;

/** Attribute values as in @opentelemetry/api. */
export type AttributeValue = string | number | boolean | Array<string | null | undefined> | Array<number | null | undefined> | Array<boolean | null | undefined>;

/** The span an instrumentation hook gets: enough of @opentelemetry/api's `Span` to add
 *  attributes and rename it. Calls after the span ended do nothing. */
export interface InstrumentationSpan {
  setAttribute(key: string, value: AttributeValue): InstrumentationSpan;
  setAttributes(attributes: Record<string, AttributeValue>): InstrumentationSpan;
  updateName(name: string): InstrumentationSpan;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
  isRecording(): boolean;
}

/** Options shared by every instrumentation; `false` instead of an object turns one off.
 *  Hooks that throw are contained and counted; the page's own call always proceeds. */
export interface InstrumentationOptions {
  /** Default true. */
  enabled?: boolean;
  /** Skip the resource-timing span events. Default false. */
  ignoreNetworkEvents?: boolean;
  [option: string]: unknown;
}

export interface HttpInstrumentationOptions extends InstrumentationOptions {
  /** Adds attributes when the request's span ends (fetch: span, request, result; XHR: span, xhr). */
  applyCustomAttributesOnSpan?: (span: InstrumentationSpan, ...request: any[]) => void;
}

export interface FetchInstrumentationOptions extends HttpInstrumentationOptions {
  /** Runs before the request is sent (may set attributes). */
  requestHook?: (span: InstrumentationSpan, request: any) => void;
}

export interface DocumentLoadOptions extends InstrumentationOptions {
  /** Skip the firstPaint / firstContentfulPaint events. Default false. */
  ignorePerformancePaintEvents?: boolean;
  /** Attribute hooks, one per span: an object, not a function (as in OpenTelemetry JS). */
  applyCustomAttributesOnSpan?: {
    documentLoad?: (span: InstrumentationSpan) => void;
    documentFetch?: (span: InstrumentationSpan) => void;
    resourceFetch?: (span: InstrumentationSpan, resource: PerformanceResourceTiming) => void;
  };
}

export interface UserInteractionOptions extends InstrumentationOptions {
  /** DOM events that start an interaction span. Default ['click']. */
  eventNames?: string[];
  /** Return true to drop the span of this event. */
  shouldPreventSpanCreation?: (eventType: string, element: Element, span: InstrumentationSpan) => boolean | void;
}

export interface NavigationOptions extends InstrumentationOptions {
  /** Maps a page URL (absolute string) to its route template, e.g. '/users/:id'; return
   *  undefined (or throw: contained and counted) to use the URL's path. */
  routeTemplate?: (url: string) => string | undefined;
}

export interface SessionOptions {
  /** Where the session record lives ('otel-wasm:session'); tabs of the origin share it.
   *  'none' keeps it in memory: a new session per page load. Default 'localStorage'. */
  storage?: 'localStorage' | 'sessionStorage' | 'none';
  /** A new session starts after this long without activity (user input, spans the app
   *  starts, interactions, route changes). Default 900000 (15 min). */
  inactivityTimeoutMs?: number;
  /** ... or after this long in total. Default 14400000 (4 h). */
  maxDurationMs?: number;
}

/** Which signal an attribute belongs to, for `scrubAttributes`. */
export type TelemetrySignal = 'traces' | 'metrics' | 'logs';

export interface InstrumentationsConfig {
  /** documentLoad / documentFetch / resourceFetch spans. Default on. */
  documentLoad?: false | DocumentLoadOptions;
  /** window.fetch CLIENT spans and trace headers. Default on. */
  fetch?: false | FetchInstrumentationOptions;
  /** XMLHttpRequest CLIENT spans and trace headers. Default on. */
  xhr?: false | HttpInstrumentationOptions;
  /** One span per user interaction (click by default). Default on. */
  userInteraction?: false | UserInteractionOptions;
  /** SPA navigation: `routeChange` spans for pushState / replaceState / popstate /
   *  hashchange, and `page.route` on every span. Default on. */
  navigation?: false | NavigationOptions;
}

export interface BatchConfig {
  /** Spans kept while waiting for export; more are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** Spans per export request; a full batch is exported at once. Default 512. */
  maxExportBatchSize?: number;
  /** Longest wait before a partial batch is exported. Default 5000. */
  scheduledDelayMillis?: number;
  /** Time limit of one export, retries included. Default 30000. */
  exportTimeoutMillis?: number;
  /** Export requests in flight at once; spans are dropped (and counted) only when all are
   *  busy and the queue is full. Default 30. */
  maxConcurrentExports?: number;
}

/** Bounds of the offline buffer (IndexedDB database `otel-wasm`, store `batches`). */
export interface OfflineConfig {
  /** Total bytes of buffered export bodies; the oldest batches are dropped first. Default 5 MiB (5242880). */
  maxBytes?: number;
  /** Buffered batches older than this are dropped unsent. Default 86400000 (24 h). */
  maxAgeMs?: number;
}

export interface TelemetryConfig {
  /** `service.name`. Required. */
  serviceName: string;
  /** `service.version`. Default: not set. */
  serviceVersion?: string;
  /** `deployment.environment.name` and `deployment.environment` (the key SigNoz filters
   *  on). Default: not set. */
  environment?: string;
  /** OTLP/HTTP base URL, absolute or relative to the page; `/v1/traces` and `/v1/metrics`
   *  are appended. Default 'http://localhost:4318'. */
  otlpEndpoint?: string;
  /** Full traces URL; overrides otlpEndpoint for spans. */
  tracesEndpoint?: string;
  /** Full metrics URL; overrides otlpEndpoint for metrics. */
  metricsEndpoint?: string;
  /** Extra HTTP headers on every export request (e.g. an ingestion key). Default none. */
  headers?: Record<string, string>;
  /** Wire format. Default 'protobuf'. */
  encoding?: 'protobuf' | 'json';
  /** Request body compression (CompressionStream). Default 'none'. */
  compression?: 'gzip' | 'none';
  /** Cross-origin URLs that may receive `traceparent`/`tracestate`. Same-origin requests
   *  always do; anything else gets no header (and so no CORS preflight). Default []. */
  propagateTraceHeaderCorsUrls?: UrlPattern[];
  /** URLs the fetch/XHR instrumentations leave alone (no span, no header). Default []. */
  ignoreUrls?: UrlPattern[];
  /** Span batching. */
  batch?: BatchConfig;
  /** Time limit of one export request (aborted after it, then retried). Default 10000. */
  requestTimeoutMillis?: number;
  /** Retries of an export request that failed with a network error or 429/502/503/504
   *  (backoff 1 s × 1.5 up to 5 s, ±20 % jitter; `Retry-After` wins). Default 5. */
  maxRetries?: number;
  /** Export what is pending once per page hide (`visibilitychange` → hidden or `pagehide`,
   *  whichever comes first), with `keepalive`. Default true. */
  flushOnPageHide?: boolean;
  /** Fraction of new traces recorded (parent-based: children follow their parent). Default 1.
   *  Shorthand for `sampler: { ratio }`; give one or the other. */
  samplingRatio?: number;
  /** Which traces are recorded: 'always_on' (default), 'always_off', their parent-based
   *  forms ('parentbased_always_on', 'parentbased_always_off': a span with a parent follows
   *  the parent's decision), or `{ ratio, parentBased }`: that fraction of traces, decided
   *  per session when sessions are on (parentBased defaults to true). */
  sampler?: 'always_on' | 'always_off' | 'parentbased_always_on' | 'parentbased_always_off' | { ratio: number; parentBased?: boolean };
  /** Temporality of exported counters and histograms. Default 'cumulative'. */
  metricsTemporality?: 'cumulative' | 'delta';
  /** Metric export period in ms; 0 exports only on flush and page hide. Default 30000. */
  metricExportIntervalMillis?: number;
  /** Extra resource attributes. Default none. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Per-instrumentation toggles and hooks; `false` turns them all off. Default: all on. */
  instrumentations?: false | InstrumentationsConfig;
  /** `session.id` on span and log batches (a resource attribute, once per batch) and on
   *  metric points; sampling is decided per session. `false` turns sessions off. Default on (localStorage, 15 min idle, 4 h). */
  session?: false | SessionOptions;
  /** More query (and fragment) parameter names whose values are recorded as 'REDACTED' in
   *  the URL attributes the SDK records (url.full, http.url, code.filepath, ...);
   *  case-insensitive. Added to the default list, which always applies (email, token,
   *  access_token, password, secret, key, api_key, auth, code, sig, session, ...: see the
   *  README). */
  redactQueryParams?: string[];
  /** String attribute values (and each string of an array value) longer than this many
   *  characters are truncated, on every signal. Default 4096. */
  attributeValueLengthLimit?: number;
  /** Runs before export on every span, span event, metric point and log attribute; returns
   *  the value to keep, or undefined to drop it. A throw drops the attribute (fail closed)
   *  and is counted in stats().scrubHookErrors. */
  scrubAttributes?: (key: string, value: AttributeValue, signal: TelemetrySignal) => AttributeValue | undefined;
  /** Full logs URL; overrides otlpEndpoint for log records (`/v1/logs`). */
  logsEndpoint?: string;
  /** LCP, INP, CLS, FCP and TTFB, reported once per page view at page hide as
   *  `browser.web_vital` log records and `browser.web_vital.*` histograms. Default on. */
  webVitals?: boolean;
  /** Uncaught errors and unhandled rejections as `browser.error` log records (and an
   *  `exception` event on the active span), rate-limited and deduplicated. Default on. */
  errors?: boolean;
  /** `longtask` and `long-animation-frame` spans where the browser reports them. Default on. */
  longTasks?: boolean;
  /** `console.error` and `console.warn` calls as `browser.console` log records (severity
   *  ERROR / WARN, the arguments joined as the body); the console still prints them.
   *  Default off. */
  captureConsole?: boolean;
  /** Start paused (consent not given): nothing recorded for export and nothing written to
   *  storage (no session record, no stash, no offline buffer) until `resume()`. Default false. */
  requireConsent?: boolean;
  /** Keys of `setAttributes`/`setUser` attributes (e.g. 'user.id') also sent as W3C
   *  `baggage` with the trace headers (same-origin and propagateTraceHeaderCorsUrls requests
   *  only). Default none. */
  baggageKeys?: string[];
  /** Offline buffer: exports that find the collector unreachable (network error, or
   *  429/502/503/504 after the retries) or the browser offline (`navigator.onLine` false)
   *  are kept in IndexedDB (memory if unavailable) and sent when it is back: on `online`,
   *  after the next successful export, at the next page's init, and on a backoff timer.
   *  `false` turns it off. Default on (`true`: the default bounds). */
  offline?: boolean | OfflineConfig;
}

// The keys each object may have (the compiler checks TOP_LEVEL against TelemetryConfig).
const TOP_LEVEL = {
  serviceName: 1, serviceVersion: 1, environment: 1, otlpEndpoint: 1, tracesEndpoint: 1, metricsEndpoint: 1,
  logsEndpoint: 1, headers: 1, encoding: 1, compression: 1, propagateTraceHeaderCorsUrls: 1, ignoreUrls: 1,
  batch: 1, requestTimeoutMillis: 1, maxRetries: 1, flushOnPageHide: 1, samplingRatio: 1, sampler: 1,
  metricsTemporality: 1, metricExportIntervalMillis: 1, resourceAttributes: 1, instrumentations: 1,
  session: 1, redactQueryParams: 1, attributeValueLengthLimit: 1, scrubAttributes: 1, webVitals: 1,
  errors: 1, longTasks: 1, captureConsole: 1, requireConsent: 1, baggageKeys: 1, offline: 1,
} satisfies Record<keyof TelemetryConfig, 1>;
const NESTED: Record<string, Record<string, 1>> = {
  batch: { maxQueueSize: 1, maxExportBatchSize: 1, scheduledDelayMillis: 1, exportTimeoutMillis: 1, maxConcurrentExports: 1 } satisfies Record<keyof BatchConfig, 1>,
  session: { storage: 1, inactivityTimeoutMs: 1, maxDurationMs: 1 } satisfies Record<keyof SessionOptions, 1>,
  offline: { maxBytes: 1, maxAgeMs: 1 } satisfies Record<keyof OfflineConfig, 1>,
  sampler: { ratio: 1, parentBased: 1 },
  instrumentations: { documentLoad: 1, fetch: 1, xhr: 1, userInteraction: 1, navigation: 1 } satisfies Record<keyof InstrumentationsConfig, 1>,
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp);

function checkKeys(obj: Record<string, unknown>, allowed: Record<string, 1>, prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (allowed[k] !== 1) throw new TelemetryConfigError(prefix + k, 'unknown field');
  }
}

function checkPatterns(v: unknown, field: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) throw new TelemetryConfigError(field, 'must be an array of RegExps and strings');
  v.forEach((p, i) => {
    if (!(p instanceof RegExp) && typeof p !== 'string') {
      throw new TelemetryConfigError(`${field}[${i}]`, 'must be a RegExp or a string');
    }
  });
}

function checkInstrumentations(v: unknown): void {
  if (v === undefined || v === false) return;
  if (!isPlainObject(v)) throw new TelemetryConfigError('instrumentations', 'must be false or an object');
  for (const [name, opts] of Object.entries(v)) {
    const field = `instrumentations.${name}`;
    if (opts === undefined || opts === false || opts === true) continue;
    if (!isPlainObject(opts)) throw new TelemetryConfigError(field, 'must be false or an options object');
    for (const [k, o] of Object.entries(opts)) {
      if (!(k.endsWith('Hook') || k.startsWith('apply') || k.startsWith('should')) || o === undefined || typeof o === 'function') continue;
      // documentLoad's applyCustomAttributesOnSpan is an object of hooks, one per span kind.
      const hooks = name === 'documentLoad' && isPlainObject(o) ? Object.entries(o) : [['', o] as const];
      for (const [hk, h] of hooks) {
        if (h !== undefined && typeof h !== 'function') throw new TelemetryConfigError(`${field}.${k}${hk ? '.' + hk : ''}`, 'must be a function');
      }
    }
    // The instrumentations' own options are read by the core without a type check (their
    // field paths are per instrumentation): checked here.
    for (const k of ['enabled', 'ignoreNetworkEvents', 'ignorePerformancePaintEvents']) {
      const o = (opts as Record<string, unknown>)[k];
      if (o !== undefined && typeof o !== 'boolean') throw new TelemetryConfigError(`${field}.${k}`, 'must be a boolean');
    }
    const maxMs = (opts as Record<string, unknown>).maxDurationMs;
    if (maxMs !== undefined && !(typeof maxMs === 'number' && Number.isFinite(maxMs) && maxMs > 0)) {
      throw new TelemetryConfigError(`${field}.maxDurationMs`, 'must be a positive number');
    }
    const template = (opts as NavigationOptions).routeTemplate;
    if (template !== undefined && typeof template !== 'function') throw new TelemetryConfigError(`${field}.routeTemplate`, 'must be a function');
    const names = (opts as UserInteractionOptions).eventNames;
    if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === ''))) {
      throw new TelemetryConfigError(`${field}.eventNames`, 'must be an array of event names');
    }
  }
}

/** The checks only JS can make: unknown keys, RegExp and string patterns, functions; and the
 *  required service name. The core checks the rest of the same object when it starts. */
export function checkConfig(config: TelemetryConfig): void {
  try {
    checkFields(config);
  } catch (e) {
    if (e instanceof TelemetryConfigError) throw e;
    // A getter or Proxy trap of the app's that throws.
    throw new TelemetryConfigError('config', 'cannot be read: ' + text(e));
  }
}

function checkFields(config: TelemetryConfig): void {
  if (!isPlainObject(config)) throw new TelemetryConfigError('config', 'must be an object');
  const cfg = config as unknown as Record<string, unknown>;
  checkKeys(cfg, TOP_LEVEL, '');
  // The core checks every field, but a page that never runs it (server-side rendering, no
  // WebAssembly) must still learn that the one required field is missing.
  if (typeof cfg.serviceName !== 'string' || cfg.serviceName.trim() === '') {
    throw new TelemetryConfigError('serviceName', 'must be a non-empty string');
  }
  for (const [k, allowed] of Object.entries(NESTED)) {
    if (isPlainObject(cfg[k])) checkKeys(cfg[k], allowed, k + '.');
  }
  checkPatterns(config.propagateTraceHeaderCorsUrls, 'propagateTraceHeaderCorsUrls');
  checkPatterns(config.ignoreUrls, 'ignoreUrls');
  checkInstrumentations(config.instrumentations);
  if (config.scrubAttributes !== undefined && typeof config.scrubAttributes !== 'function') {
    throw new TelemetryConfigError('scrubAttributes', 'must be a function');
  }
}

/** The core's config error ("invalid config: <field path>: <reason>") as a
 *  TelemetryConfigError; any other error as it is. */
export function coreError(e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^invalid config: ([^:]+): (.*)$/s.exec(msg);
  if (!m) return e instanceof Error ? e : new Error(msg);
  return new TelemetryConfigError(m[1], m[2]);
}
