// @opentelemetry/api's Meter over the wasm core's meter. Synchronous instruments are the
// core's own; observable (asynchronous) instruments run their callbacks here, on the
// wrapper's own timer (every metricExportIntervalMillis) and on forceFlush/shutdown, and
// record into a core instrument of the matching kind.
import type {
  BatchObservableCallback, Counter, Gauge, Histogram, Meter, MeterProvider, MetricAttributes, MetricOptions,
  Observable, ObservableCallback, ObservableCounter, ObservableGauge, ObservableResult, ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';
import type { Instrument, Meter as CoreMeter, Sdk } from './wasm/sdk_wasm.js';
import { Guard, optText, text } from './guard.js';
import { NOOP_INSTRUMENT, NOOP_METER, type AnyInstrument } from './noop.js';

/** A core instrument behind the Guard; values are numbers (a BigInt is converted), anything
 *  else is dropped. */
class SafeInstrument implements Counter, UpDownCounter, Histogram, Gauge {
  constructor(private readonly core: Instrument, private readonly guard: Guard) {}
  add(value: number, attributes?: MetricAttributes): void {
    this.record(value, attributes);
  }
  record(value: number, attributes?: MetricAttributes): void {
    this.guard.run(() => {
      const v = typeof value === 'number' ? value : Number(value);
      if (Number.isFinite(v)) this.core.record(v, attributes);
    }, undefined);
  }
}

const attributesKey = (a: MetricAttributes = {}) => JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]]));

/** One observable instrument: its callbacks, and (for sums) the last total per attribute set,
 *  because the core's counters take increments. */
class WasmObservable implements ObservableGauge, ObservableCounter, ObservableUpDownCounter {
  readonly callbacks = new Set<ObservableCallback>();
  private readonly totals = new Map<string, number>();
  constructor(private readonly target: AnyInstrument, private readonly cumulative: boolean) {}

  addCallback(cb: ObservableCallback): void {
    this.callbacks.add(cb);
  }
  removeCallback(cb: ObservableCallback): void {
    this.callbacks.delete(cb);
  }
  /** Records one observation. */
  observe(value: number, attributes?: MetricAttributes): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (!this.cumulative) {
      this.target.record(value, attributes);
      return;
    }
    const key = attributesKey(attributes);
    const delta = value - (this.totals.get(key) ?? 0);
    this.totals.set(key, value);
    if (delta !== 0) this.target.add(delta, attributes);
  }
}

/** Every observable of one SDK instance, collected before each export. */
export class ObservableRegistry {
  private readonly observables = new Set<WasmObservable>();
  private readonly batches = new Map<BatchObservableCallback, Set<Observable>>();
  /** Callback throws, contained so that one bad callback cannot stop the others. */
  callbackErrors = 0;

  add(o: WasmObservable): void {
    this.observables.add(o);
  }
  addBatch(cb: BatchObservableCallback, observables: Observable[]): void {
    const set = this.batches.get(cb) ?? new Set();
    for (const o of observables) set.add(o);
    this.batches.set(cb, set);
  }
  removeBatch(cb: BatchObservableCallback, observables: Observable[]): void {
    const set = this.batches.get(cb);
    for (const o of observables) set?.delete(o);
    if (set && set.size === 0) this.batches.delete(cb);
  }

  /** Runs every callback (sync, or async with a time limit) and records what they observe. */
  async collect(timeoutMillis = 1000): Promise<void> {
    const pending: Array<Promise<unknown>> = [];
    const run = (f: () => void | Promise<void>) => {
      try {
        const r = f();
        if (r && typeof (r as Promise<void>).then === 'function') pending.push((r as Promise<void>).catch(() => this.callbackErrors++));
      } catch {
        this.callbackErrors++;
      }
    };
    for (const o of this.observables) {
      const result: ObservableResult = { observe: (v, a) => o.observe(v, a) };
      for (const cb of o.callbacks) run(() => cb(result));
    }
    for (const [cb, set] of this.batches) {
      run(() => cb({ observe: (o, v, a) => (set.has(o) ? (o as WasmObservable).observe(v, a) : undefined) }));
    }
    if (pending.length) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(pending), new Promise((r) => (timer = setTimeout(r, timeoutMillis)))]);
      clearTimeout(timer);
    }
  }
}

export class WasmMeter implements Meter {
  constructor(private readonly core: CoreMeter, private readonly registry: ObservableRegistry, private readonly guard: Guard) {}

  /** A core instrument of one kind, or the no-op one if the core fails. */
  private make(create: (name: string, options: unknown) => Instrument, name: string, options?: MetricOptions): AnyInstrument {
    return this.guard.run<AnyInstrument>(() => new SafeInstrument(create.call(this.core, text(name), options), this.guard), NOOP_INSTRUMENT);
  }
  createCounter(name: string, options?: MetricOptions): Counter {
    return this.make(this.core.createCounter, name, options);
  }
  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return this.make(this.core.createUpDownCounter, name, options);
  }
  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.make(this.core.createHistogram, name, options);
  }
  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.make(this.core.createGauge, name, options);
  }
  createObservableGauge(name: string, options?: MetricOptions): ObservableGauge {
    return this.observable(this.make(this.core.createGauge, name, options), false);
  }
  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter {
    return this.observable(this.make(this.core.createCounter, name, options), true);
  }
  createObservableUpDownCounter(name: string, options?: MetricOptions): ObservableUpDownCounter {
    return this.observable(this.make(this.core.createUpDownCounter, name, options), true);
  }
  addBatchObservableCallback(cb: BatchObservableCallback, observables: Observable[]): void {
    this.guard.run(() => this.registry.addBatch(cb, observables), undefined);
  }
  removeBatchObservableCallback(cb: BatchObservableCallback, observables: Observable[]): void {
    this.guard.run(() => this.registry.removeBatch(cb, observables), undefined);
  }

  private observable(target: AnyInstrument, cumulative: boolean): WasmObservable | typeof NOOP_INSTRUMENT {
    if (target === NOOP_INSTRUMENT) return NOOP_INSTRUMENT;
    const o = new WasmObservable(target, cumulative);
    this.registry.add(o);
    return o;
  }
}

export class WasmMeterProvider implements MeterProvider {
  private readonly meters = new Map<string, Meter>();
  constructor(private readonly sdk: Sdk, private readonly registry: ObservableRegistry, private readonly guard: Guard) {}

  getMeter(name: string, version?: string): Meter {
    const n = text(name);
    const v = optText(version);
    const key = `${n}@${v ?? ''}`;
    let m = this.meters.get(key);
    if (!m) {
      m = this.guard.run(() => new WasmMeter(this.sdk.meter(n, v), this.registry, this.guard), NOOP_METER);
      if (m !== NOOP_METER) this.meters.set(key, m);
    }
    return m;
  }
}
