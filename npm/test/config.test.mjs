// The JS-only config checks (unknown keys, patterns, hooks, the service name) and the reading of the core's
// errors (node --test; pure code, runs on the built dist/config.js). The core's own checks
// (types, ranges, URLs, defaults) are tested in sdk-wasm: native tests (src/config.rs) and
// the browser test `bad_config_throws_a_clear_error`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, coreError } from '../dist/config.js';

const fieldOf = (cfg) => {
  try {
    checkConfig(cfg);
  } catch (e) {
    assert.equal(e.name, 'TelemetryConfigError');
    assert.match(e.message, /^invalid config: /);
    return e.field;
  }
  assert.fail('no error');
};

test('a full config in the public names passes as it is', () => {
  const hook = () => {};
  const cfg = {
    serviceName: 's', environment: 'prod', otlpEndpoint: '/otel', samplingRatio: 0.25,
    batch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2000, maxQueueSize: 10, maxExportBatchSize: 5, maxConcurrentExports: 2 },
    requestTimeoutMillis: 500, maxRetries: 1, flushOnPageHide: false,
    metricExportIntervalMillis: 0, propagateTraceHeaderCorsUrls: [/x/], ignoreUrls: ['http://a/b'],
    session: { storage: 'none', inactivityTimeoutMs: 1000 }, offline: { maxBytes: 4096, maxAgeMs: 60000 },
    redactQueryParams: ['q'], scrubAttributes: (k, v) => v, webVitals: false, captureConsole: true,
    instrumentations: {
      documentLoad: { applyCustomAttributesOnSpan: { documentLoad: hook, resourceFetch: hook } },
      fetch: { requestHook: hook }, xhr: { enabled: false },
      userInteraction: { eventNames: ['click'], maxDurationMs: 2000 }, navigation: false,
    },
  };
  const copy = { ...cfg };
  assert.equal(checkConfig(cfg), undefined);
  assert.deepEqual(cfg, copy, 'the core gets the object unchanged');
  checkConfig({ serviceName: 's', sampler: { ratio: 0.1, parentBased: false }, offline: false, session: false, instrumentations: false });
});

test('the service name is checked here too (a page without the core still learns it is missing)', () => {
  assert.equal(fieldOf({}), 'serviceName');
  assert.equal(fieldOf({ serviceName: ' ' }), 'serviceName');
  assert.equal(fieldOf({ serviceName: 7 }), 'serviceName');
});

test('unknown keys name their path, at every level', () => {
  assert.equal(fieldOf(null), 'config');
  assert.equal(fieldOf({ serviceName: 's', servceVersion: '1' }), 'servceVersion');
  assert.equal(fieldOf({ serviceName: 's', endpoint: '/otel' }), 'endpoint', 'the old core name is not a key');
  assert.equal(fieldOf({ serviceName: 's', toString: 1 }), 'toString');
  assert.equal(fieldOf({ serviceName: 's', batch: { delay: 1 } }), 'batch.delay');
  assert.equal(fieldOf({ serviceName: 's', sampler: { rate: 1 } }), 'sampler.rate');
  assert.equal(fieldOf({ serviceName: 's', offline: { maxAge: 1 } }), 'offline.maxAge');
  assert.equal(fieldOf({ serviceName: 's', session: { store: 'none' } }), 'session.store');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { clicks: {} } }), 'instrumentations.clicks');
});

test('patterns, hooks and the instrumentations\' options', () => {
  assert.equal(fieldOf({ serviceName: 's', propagateTraceHeaderCorsUrls: /x/ }), 'propagateTraceHeaderCorsUrls');
  assert.equal(fieldOf({ serviceName: 's', ignoreUrls: [/x/, 3] }), 'ignoreUrls[1]');
  assert.equal(fieldOf({ serviceName: 's', scrubAttributes: {} }), 'scrubAttributes');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: true }), 'instrumentations');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { fetch: 'yes' } }), 'instrumentations.fetch');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { fetch: { requestHook: 1 } } }), 'instrumentations.fetch.requestHook');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { userInteraction: { eventNames: 'click' } } }), 'instrumentations.userInteraction.eventNames');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { userInteraction: { maxDurationMs: '5000' } } }), 'instrumentations.userInteraction.maxDurationMs');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { fetch: { ignoreNetworkEvents: 'no' } } }), 'instrumentations.fetch.ignoreNetworkEvents');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { xhr: { enabled: 0 } } }), 'instrumentations.xhr.enabled');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { documentLoad: { applyCustomAttributesOnSpan: { documentLoad: 1 } } } }), 'instrumentations.documentLoad.applyCustomAttributesOnSpan.documentLoad');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { xhr: { applyCustomAttributesOnSpan: {} } } }), 'instrumentations.xhr.applyCustomAttributesOnSpan');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { navigation: { routeTemplate: '/x' } } }), 'instrumentations.navigation.routeTemplate');
});

test('type checks are the core\'s: a wrong type passes here', () => {
  for (const cfg of [{ serviceName: 's', batch: { maxQueueSize: '1' } }, { serviceName: 's', offline: 'yes' }, { serviceName: 's', headers: { k: 1 } }]) {
    checkConfig(cfg);
  }
});

test('the core\'s errors become TelemetryConfigError with the path it names', () => {
  const e = coreError(new Error('invalid config: batch.scheduledDelayMillis: must be a whole number from 0 to 3600000'));
  assert.equal(e.name, 'TelemetryConfigError');
  assert.equal(e.field, 'batch.scheduledDelayMillis');
  assert.equal(e.message, 'invalid config: batch.scheduledDelayMillis: must be a whole number from 0 to 3600000');
  assert.equal(coreError(new Error('invalid config: otlpEndpoint: is not an http(s) URL')).field, 'otlpEndpoint');
  assert.equal(coreError(new Error('invalid config: offline.maxBytes: must be a number')).field, 'offline.maxBytes');
  assert.equal(coreError(new Error('invalid config: sampler: give sampler or samplingRatio, not both')).field, 'sampler');
  assert.equal(coreError(new Error('boom')).message, 'boom');
  assert.equal(coreError('text').message, 'text');
});
