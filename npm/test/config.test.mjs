// The JS-side config checks and the mapping onto the core's config (node --test; pure code,
// runs on the built dist/config.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { renameCoreError, toCoreConfig } from '../dist/config.js';

const fieldOf = (cfg) => {
  try {
    toCoreConfig(cfg);
  } catch (e) {
    assert.match(e.message, /^invalid config: /);
    return e.field;
  }
  assert.fail('no error');
};

test('maps our names onto the core config and drops undefined', () => {
  const core = toCoreConfig({
    serviceName: 's', environment: 'prod', otlpEndpoint: '/otel', samplingRatio: 0.25,
    batch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2000, maxQueueSize: 10, maxExportBatchSize: 5 },
    metricExportIntervalMillis: 0, propagateTraceHeaderCorsUrls: [/x/], ignoreUrls: ['http://a/b'],
  });
  assert.deepEqual(Object.keys(core).sort(), [
    'captureConsole', 'deploymentEnvironment', 'endpoint', 'errors', 'exportTimeoutMs', 'instrumentations', 'longTasks', 'maxExportBatchSize', 'maxQueueSize',
    'metricsIntervalMs', 'offline', 'propagateTraceHeaderCorsUrls', 'sampler', 'samplerRatio', 'scheduledDelayMs', 'serviceName', 'webVitals',
  ]);
  assert.equal(core.sampler, 'parentbased_traceidratio');
  assert.equal(core.samplerRatio, 0.25);
  assert.equal(core.scheduledDelayMs, 100);
  assert.equal(core.endpoint, '/otel');
  assert.deepEqual(core.instrumentations, { ignoreUrls: ['http://a/b'] }, 'instrumentations on by default');
  assert.deepEqual([core.webVitals, core.errors, core.longTasks], [true, true, true], 'RUM features on by default');
  const off = toCoreConfig({ serviceName: 's', webVitals: false, errors: false, longTasks: false, logsEndpoint: '/logs' });
  assert.deepEqual([off.webVitals, off.errors, off.longTasks, off.logsEndpoint], [false, false, false, '/logs']);
  assert.deepEqual(core.offline, {}, 'offline buffer on by default');
});

test('sampler, metricsTemporality and captureConsole reach the core', () => {
  const core = (extra) => toCoreConfig({ serviceName: 's', ...extra });
  assert.deepEqual([core({}).sampler, core({}).captureConsole, core({}).metricsTemporality], [undefined, false, undefined]);
  assert.equal(core({ sampler: 'always_off' }).sampler, 'always_off');
  assert.equal(core({ sampler: 'parentbased_always_on' }).sampler, 'parentbased_always_on');
  assert.deepEqual([core({ sampler: { ratio: 0.1 } }).sampler, core({ sampler: { ratio: 0.1 } }).samplerRatio], ['parentbased_traceidratio', 0.1]);
  assert.equal(core({ sampler: { ratio: 0.1, parentBased: false } }).sampler, 'traceidratio');
  assert.equal(core({ metricsTemporality: 'delta' }).metricsTemporality, 'delta');
  assert.equal(core({ captureConsole: true }).captureConsole, true);
  assert.equal(fieldOf({ serviceName: 's', sampler: 'sometimes' }), 'sampler');
  assert.equal(fieldOf({ serviceName: 's', sampler: { ratio: 2 } }), 'sampler.ratio');
  assert.equal(fieldOf({ serviceName: 's', sampler: { rate: 1 } }), 'sampler.rate');
  assert.equal(fieldOf({ serviceName: 's', sampler: 'always_on', samplingRatio: 1 }), 'sampler');
  assert.equal(fieldOf({ serviceName: 's', captureConsole: 'yes' }), 'captureConsole');
  assert.equal(fieldOf({ serviceName: 's', metricsTemporality: 1 }), 'metricsTemporality');
  assert.equal(renameCoreError(new Error('invalid config: metricsTemporality: must be "cumulative" or "delta"')).field, 'metricsTemporality');
});

test('offline buffer: false turns it off, bounds pass through, bad ones name the field', () => {
  assert.equal(toCoreConfig({ serviceName: 's', offline: false }).offline, false);
  assert.deepEqual(toCoreConfig({ serviceName: 's', offline: { maxBytes: 4096, maxAgeMs: 60000 } }).offline, { maxBytes: 4096, maxAgeMs: 60000 });
  assert.equal(toCoreConfig({ serviceName: 's', offline: true }).offline, true);
  assert.equal(fieldOf({ serviceName: 's', offline: 'yes' }), 'offline');
  assert.equal(fieldOf({ serviceName: 's', offline: { maxBytes: '1' } }), 'offline.maxBytes');
  assert.equal(fieldOf({ serviceName: 's', offline: { maxAge: 1 } }), 'offline.maxAge');
  assert.equal(renameCoreError(new Error('invalid config: offline.maxBytes: must be a whole number from 1024 to 1073741824')).field, 'offline.maxBytes');
  // The core's instrumentation errors name the section once.
  const e = renameCoreError(new Error('invalid config: instrumentations.fetch.requestHook: expected a function'));
  assert.equal(e.name, 'TelemetryConfigError');
  assert.equal(e.field, 'instrumentations.fetch.requestHook');
  assert.equal(renameCoreError(new Error('invalid config: instrumentations: expected an object')).field, 'instrumentations');
  assert.equal(renameCoreError(new Error('invalid config: attributeValueLengthLimit: must be a whole number from 1 to 100000000')).field, 'attributeValueLengthLimit');
});

test('bad config names the field', () => {
  assert.equal(fieldOf(null), 'config');
  assert.equal(fieldOf({}), 'serviceName');
  assert.equal(fieldOf({ serviceName: '  ' }), 'serviceName');
  assert.equal(fieldOf({ serviceName: 's', servceVersion: '1' }), 'servceVersion');
  assert.equal(fieldOf({ serviceName: 's', otlpEndpoint: 4318 }), 'otlpEndpoint');
  assert.equal(fieldOf({ serviceName: 's', logsEndpoint: 1 }), 'logsEndpoint');
  assert.equal(fieldOf({ serviceName: 's', webVitals: 'yes' }), 'webVitals');
  assert.equal(fieldOf({ serviceName: 's', errors: {} }), 'errors');
  assert.equal(fieldOf({ serviceName: 's', samplingRatio: '1' }), 'samplingRatio');
  assert.equal(fieldOf({ serviceName: 's', batch: { maxQueueSize: '1' } }), 'batch.maxQueueSize');
  assert.equal(fieldOf({ serviceName: 's', batch: { delay: 1 } }), 'batch.delay');
  assert.equal(fieldOf({ serviceName: 's', headers: { k: 1 } }), 'headers.k');
  assert.equal(fieldOf({ serviceName: 's', resourceAttributes: { k: {} } }), 'resourceAttributes.k');
  assert.equal(fieldOf({ serviceName: 's', propagateTraceHeaderCorsUrls: /x/ }), 'propagateTraceHeaderCorsUrls');
  assert.equal(fieldOf({ serviceName: 's', ignoreUrls: [/x/, 3] }), 'ignoreUrls[1]');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { clicks: {} } }), 'instrumentations.clicks');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { fetch: 'yes' } }), 'instrumentations.fetch');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { fetch: { requestHook: 1 } } }), 'instrumentations.fetch.requestHook');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { userInteraction: { eventNames: 'click' } } }), 'instrumentations.userInteraction.eventNames');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { userInteraction: { maxDurationMs: '5000' } } }), 'instrumentations.userInteraction.maxDurationMs');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { fetch: { ignoreNetworkEvents: 'no' } } }), 'instrumentations.fetch.ignoreNetworkEvents');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { xhr: { enabled: 0 } } }), 'instrumentations.xhr.enabled');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { documentLoad: { applyCustomAttributesOnSpan: { documentLoad: 1 } } } }), 'instrumentations.documentLoad.applyCustomAttributesOnSpan.documentLoad');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { xhr: { applyCustomAttributesOnSpan: {} } } }), 'instrumentations.xhr.applyCustomAttributesOnSpan');
  assert.equal(fieldOf({ serviceName: 's', instrumentations: { navigation: { routeTemplate: '/x' } } }), 'instrumentations.navigation.routeTemplate');
  assert.equal(fieldOf({ serviceName: 's', session: 'yes' }), 'session');
  assert.equal(fieldOf({ serviceName: 's', session: { store: 'none' } }), 'session.store');
  assert.equal(fieldOf({ serviceName: 's', redactQueryParams: 'token' }), 'redactQueryParams');
  assert.equal(fieldOf({ serviceName: 's', attributeValueLengthLimit: '4k' }), 'attributeValueLengthLimit');
  assert.equal(toCoreConfig({ serviceName: 's', attributeValueLengthLimit: 100 }).attributeValueLengthLimit, 100);
  assert.equal(fieldOf({ serviceName: 's', redactQueryParams: ['token', 1] }), 'redactQueryParams');
  assert.equal(fieldOf({ serviceName: 's', scrubAttributes: {} }), 'scrubAttributes');
});

test('session, redaction and scrubbing pass through to the core', () => {
  const scrub = (k, v) => v;
  const core = toCoreConfig({ serviceName: 's', session: { storage: 'none', inactivityTimeoutMs: 1000 }, redactQueryParams: ['q'], scrubAttributes: scrub });
  assert.deepEqual(core.session, { storage: 'none', inactivityTimeoutMs: 1000 });
  assert.deepEqual(core.redactQueryParams, ['q']);
  assert.equal(core.scrubAttributes, scrub);
  assert.equal(toCoreConfig({ serviceName: 's', session: false }).session, false);
  assert.equal('session' in toCoreConfig({ serviceName: 's' }), false, 'absent: the core default (on)');
});

test('instrumentations may be false or options with hooks', () => {
  const hook = () => {};
  const core = toCoreConfig({ serviceName: 's', instrumentations: {
    documentLoad: false, fetch: { requestHook: hook }, xhr: { enabled: false },
    userInteraction: { eventNames: ['click'], maxDurationMs: 2000 },
  } });
  toCoreConfig({ serviceName: 's', instrumentations: { documentLoad: { applyCustomAttributesOnSpan: { documentLoad: hook, resourceFetch: hook } } } });
  assert.equal(core.instrumentations.documentLoad, false);
  assert.equal(core.instrumentations.fetch.requestHook, hook);
});

test('core errors are renamed to our field names', () => {
  const e = renameCoreError(new Error('invalid config: scheduledDelayMs: must be a whole number from 0 to 3600000'));
  assert.equal(e.field, 'batch.scheduledDelayMillis');
  assert.equal(e.message, 'invalid config: batch.scheduledDelayMillis: must be a whole number from 0 to 3600000');
  assert.equal(renameCoreError(new Error('invalid config: endpoint: is not an http(s) URL')).field, 'otlpEndpoint');
  assert.equal(renameCoreError(new Error('boom')).message, 'boom');
});
