// OTLP metrics from the real OpenTelemetry JS SDK (@opentelemetry/sdk-metrics, serialised
// by @opentelemetry/otlp-transformer's protobuf serializer, both pinned by
// examples/web/api/package-lock.json): hostmetrics-receiver-like names for two hosts, a
// Spring Boot (Micrometer) JVM service, and a Flask request histogram. The SDK stamps
// points with the collection time; each collection is shifted back to one minute of the
// last `minutes`, so the store holds a history that rate() and irate() can use.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const require = createRequire(join(ROOT, 'examples/web/api/package.json'));
const { MeterProvider, MetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ProtobufMetricsSerializer } = require('@opentelemetry/otlp-transformer');

class ManualReader extends MetricReader {
  constructor() { super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE }); }
  async onForceFlush() {}
  async onShutdown() {}
}

const shift = (hr, ms) => {
  const ns = BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1]) - BigInt(Math.round(ms)) * 1_000_000n;
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
};

function retime(resourceMetrics, backMs) {
  for (const sm of resourceMetrics.scopeMetrics) {
    for (const m of sm.metrics) {
      for (const p of m.dataPoints) {
        p.endTime = shift(p.endTime, backMs);
        p.startTime = shift(p.startTime, backMs + 1000);
      }
    }
  }
  return resourceMetrics;
}

/** One provider per resource; `record(meter)` returns a function called once per minute. */
function source(attrs, setup, perMinute = 1) {
  const reader = new ManualReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes(attrs), readers: [reader] });
  const tick = setup(provider.getMeter('dashboards-e2e'));
  return { reader, tick, provider, perMinute };
}

function host(name, seed) {
  return source({ 'host.name': name, 'service.name': 'hostmetrics', 'os.type': 'linux' }, (m) => {
    const cpu = m.createCounter('system.cpu.time', { unit: 's' });
    const mem = m.createUpDownCounter('system.memory.usage', { unit: 'By' });
    const fs = m.createUpDownCounter('system.filesystem.usage', { unit: 'By' });
    const inodes = m.createUpDownCounter('system.filesystem.inodes.usage', { unit: '{inodes}' });
    const net = m.createCounter('system.network.io', { unit: 'By' });
    const diskIo = m.createCounter('system.disk.io', { unit: 'By' });
    const diskOps = m.createCounter('system.disk.operations', { unit: '{operations}' });
    const weighted = m.createCounter('system.disk.weighted_io_time', { unit: 's' });
    const loads = ['1m', '5m', '15m'].map((w) => [w, m.createGauge(`system.cpu.load_average.${w}`, { unit: '{thread}' })]);
    const up = m.createGauge('up');
    let first = true;
    return (i) => {
      for (const cpuN of ['cpu0', 'cpu1']) {
        for (const [state, share] of [['user', 0.3], ['system', 0.1], ['idle', 0.55], ['wait', 0.05]]) {
          cpu.add(60 * share * (1 + 0.1 * Math.sin(i + seed)), { cpu: cpuN, state });
        }
      }
      if (first) {
        for (const [state, v] of [['used', 3e9], ['free', 4e9], ['cached', 1e9], ['buffered', 2e8]]) mem.add(v * seed, { state });
        for (const [state, v] of [['used', 4e10], ['free', 6e10], ['reserved', 1e9]]) {
          fs.add(v, { device: '/dev/sda1', mountpoint: '/', type: 'ext4', mode: 'rw', state });
          inodes.add(v / 1e4, { device: '/dev/sda1', mountpoint: '/', type: 'ext4', mode: 'rw', state });
        }
        first = false;
      }
      mem.add(1e6 * Math.sin(i), { state: 'used' });
      for (const direction of ['receive', 'transmit']) net.add(1e6 * (1 + (i % 3)), { device: 'eth0', direction });
      for (const direction of ['read', 'write']) {
        diskIo.add(5e5 * (1 + (i % 4)), { device: 'sda', direction });
        diskOps.add(100 + i, { device: 'sda', direction });
      }
      weighted.add(0.5 + (i % 2), { device: 'sda' });
      for (const [w, g] of loads) g.record(0.5 + 0.1 * seed + 0.05 * (i % 5), {});
      // One collector reports `up` (SigNoz's value panel takes one series).
      if (name === 'web-1') up.record(1, { job_name: 'otel-collector', instance: name });
    };
  });
}

function jvm(service) {
  return source({ 'service.name': service, 'host.name': 'web-1' }, (m) => {
    const gauges = {};
    const g = (name) => (gauges[name] ||= m.createGauge(name));
    const gcPause = m.createHistogram('jvm.gc.pause', { unit: 's' });
    const allocated = m.createCounter('jvm.gc.memory.allocated', { unit: 'By' });
    const promoted = m.createCounter('jvm.gc.memory.promoted', { unit: 'By' });
    const pools = [['heap', 'PS Eden Space', 3e8], ['heap', 'PS Old Gen', 6e8], ['heap', 'PS Survivor Space', 2e7],
      ['nonheap', 'Metaspace', 8e7], ['nonheap', 'Compressed Class Space', 1e7], ['nonheap', 'Code Cache', 3e7]];
    return (i) => {
      for (const [area, id, size] of pools) {
        const a = { area, id };
        g('jvm.memory.used').record(size * (0.5 + 0.2 * Math.sin(i)), a);
        g('jvm.memory.committed').record(size * 0.9, a);
        g('jvm.memory.max').record(size, a);
      }
      g('process.uptime').record(3600 + i * 60, {});
      g('process.start.time').record(1.7e9, {});
      g('jvm.classes.loaded').record(12000 + i, {});
      g('jvm.classes.unloaded').record(i, {});
      g('system.cpu.usage').record(0.4 + 0.01 * i, {});
      g('process.cpu.usage').record(0.2 + 0.01 * (i % 7), {});
      g('system.load.average.1m').record(1.2, {});
      g('system.cpu.count').record(4, {});
      for (const [n, v] of [['live', 40], ['daemon', 30], ['peak', 45]]) g(`jvm.threads.${n}`).record(v + (i % 3), {});
      for (const state of ['runnable', 'waiting', 'timed-waiting']) g('jvm.threads.states').record(10 + (i % 4), { state });
      g('process.files.open').record(120 + i, {});
      g('process.files.max').record(65536, {});
      for (let k = 0; k < 5; k++) gcPause.record(0.002 * (k + 1), { action: 'end of minor GC', cause: 'Allocation Failure' });
      allocated.add(5e7, {});
      promoted.add(1e6, {});
    };
  });
}

function flask() {
  return source({ 'service.name': 'flask-app' }, (m) => {
    const h = m.createHistogram('flask_http_request_duration_seconds', { unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] } });
    return (i) => {
      for (let k = 0; k < 30; k++) h.record(0.003 * (1 + ((k + i) % 20)), { status: k % 10 === 0 ? '500' : '200', method: 'GET', path: '/' });
    };
  }, 4); // scraped every 15 s: its dashboard takes rate() over [30s]
}

/** Posts `minutes` one-minute collections ending now to `otlp` (`http://host:port`):
 * hosts web-1 and db-1 (plus `extraHosts` more, host-N), the JVM service and Flask. */
export async function seedMetrics(otlp, { minutes = 30, extraHosts = 0 } = {}) {
  const sources = [host('web-1', 1), host('db-1', 2), jvm('orders-jvm'), flask()];
  for (let h = 0; h < extraHosts; h++) sources.push(host(`host-${h}`, 1 + (h % 3)));
  const serializer = ProtobufMetricsSerializer;
  let points = 0;
  for (let i = 0; i < minutes; i++) {
    // One request per minute: encoded ExportMetricsServiceRequests concatenate into one
    // (its only field is the repeated resource_metrics).
    const parts = [];
    for (const s of sources) {
      for (let k = 0; k < s.perMinute; k++) {
        s.tick(i);
        const { resourceMetrics } = await s.reader.collect();
        retime(resourceMetrics, (minutes - 1 - i) * 60_000 + ((s.perMinute - 1 - k) * 60_000) / s.perMinute);
        for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) points += m.dataPoints.length;
        parts.push(serializer.serializeRequest(resourceMetrics));
      }
    }
    const body = Buffer.concat(parts);
    const r = await fetch(`${otlp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    if (!r.ok) throw new Error(`metrics export: HTTP ${r.status} ${await r.text()}`);
  }
  for (const s of sources) await s.provider.shutdown();
  return points;
}
