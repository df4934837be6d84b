// The OTLP decoder of the tests and the bench (tests/support/otlp.mjs) against bodies serialized by OpenTelemetry JS's
// own serializers (otlp-transformer), in both encodings, plain and gzip.
import test from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeExport } from '../../tests/support/otlp.mjs';

const decodeTraceExport = (body, headers) => decodeExport('traces', body, headers);

function makeSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc-under-test' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('t');
  for (let i = 0; i < 3; i++) {
    const span = tracer.startSpan(i === 0 ? 'GET' : 'click');
    span.setAttribute('url.full', `http://127.0.0.1:1/api/fetch?i=${i}`);
    span.setAttribute('n', i);
    span.setAttribute('ok', true);
    span.addEvent('fetchStart');
    span.end();
  }
  return exporter.getFinishedSpans();
}

const cases = [
  ['protobuf', ProtobufTraceSerializer, 'application/x-protobuf'],
  ['json', JsonTraceSerializer, 'application/json'],
];

for (const [encoding, serializer, type] of cases) {
  for (const compressed of [false, true]) {
    test(`decodes ${encoding}${compressed ? ' + gzip' : ''}`, () => {
      const spans = makeSpans();
      let body = Buffer.from(serializer.serializeRequest(spans));
      const headers = { 'content-type': type };
      if (compressed) { body = zlib.gzipSync(body); headers['content-encoding'] = 'gzip'; }
      const got = decodeTraceExport(body, headers);
      assert.equal(got.encoding, encoding);
      assert.deepEqual(got.spans.map((s) => s.name), ['GET', 'click', 'click']);
      assert.deepEqual(got.spans.map((s) => s.strings), [0, 1, 2].map((i) => [`http://127.0.0.1:1/api/fetch?i=${i}`]));
      assert.deepEqual(got.spans.map((s) => [s.traceId, s.spanId]), spans.map((s) => [s.spanContext().traceId, s.spanContext().spanId]));
      assert.deepEqual(new Set(got.spans.map((s) => s.service)), new Set(['svc-under-test']));
    });
  }
}

test('rejects what is not an OTLP trace body, with a clear message', () => {
  assert.throws(() => decodeTraceExport(Buffer.from('x'), { 'content-type': 'text/plain' }), /Content-Type/);
  assert.throws(() => decodeTraceExport(Buffer.from([0x0a, 0x05, 0x01]), { 'content-type': 'application/x-protobuf' }), /length past end/);
  assert.throws(() => decodeTraceExport(Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'zstd' }), /Content-Encoding/);
});
