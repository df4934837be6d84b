// The one OTLP/HTTP body decoder of the tests, the receiver and the bench: protobuf or JSON,
// plain or gzip/deflate/br. Protobuf is walked field by field and only the fields on these
// paths are read, everything else is skipped by wire type (so newer fields never break it):
//   Export*ServiceRequest.resource_*(1) → resource(1).attributes(1), scope_*(2) →
//   spans(2) {trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9}
//   metrics(2) {name 1, gauge 5 | sum 7 | histogram 9 | exp. histogram 10 | summary 11 → points 1}
//   log_records(2)
import zlib from 'node:zlib';

export const SIGNALS = ['traces', 'metrics', 'logs'];

export function decompress(body, contentEncoding) {
  switch ((contentEncoding || 'identity').toLowerCase()) {
    case 'identity': return body;
    case 'gzip': case 'x-gzip': return zlib.gunzipSync(body);
    case 'deflate': return zlib.inflateSync(body);
    case 'br': return zlib.brotliDecompressSync(body);
    default: throw new Error(`unsupported Content-Encoding: ${contentEncoding}`);
  }
}

/** The fields of one protobuf message, in order: { field, wire, value }; value is a number
 *  (varint, fixed32) or a Buffer (fixed64, length-delimited). */
export function* protoFields(buf) {
  let pos = 0;
  const varint = () => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('protobuf: truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 70) throw new Error('protobuf: varint too long');
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value;
    if (wire === 0) value = varint();
    else if (wire === 1) { value = buf.subarray(pos, pos + 8); pos += 8; }
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new Error('protobuf: length past end of buffer');
      value = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 5) {
      if (pos + 4 > buf.length) throw new Error('protobuf: truncated field');
      value = buf.readUInt32LE(pos);
      pos += 4;
    } else throw new Error(`protobuf: unsupported wire type ${wire} (field ${field})`);
    if (pos > buf.length) throw new Error('protobuf: truncated field');
    yield { field, wire, value };
  }
}

const sub = (buf, wanted) => [...protoFields(buf)].filter((f) => f.field === wanted && f.wire === 2).map((f) => f.value);

// KeyValue → [key, string value or undefined].
function protoKeyValue(buf) {
  let key = '';
  let value;
  for (const f of protoFields(buf)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) key = f.value.toString('utf8');
    else if (f.field === 2) for (const v of protoFields(f.value)) if (v.field === 1 && v.wire === 2) value = v.value.toString('utf8');
  }
  return [key, value];
}

function protoService(resourceItem) {
  for (const resource of sub(resourceItem, 1)) {
    for (const kv of sub(resource, 1)) {
      const [key, value] = protoKeyValue(kv);
      if (key === 'service.name') return value ?? '';
    }
  }
  return '';
}

function protoSpan(buf, service) {
  const span = { name: '', traceId: '', spanId: '', parentSpanId: '', kind: 0, strings: [], service };
  for (const f of protoFields(buf)) {
    if (f.field === 6 && f.wire === 0) span.kind = f.value;
    if (f.wire !== 2) continue;
    if (f.field === 1) span.traceId = f.value.toString('hex');
    else if (f.field === 2) span.spanId = f.value.toString('hex');
    else if (f.field === 4) span.parentSpanId = f.value.toString('hex');
    else if (f.field === 5) span.name = f.value.toString('utf8');
    else if (f.field === 9) {
      const [, value] = protoKeyValue(f.value);
      if (value !== undefined) span.strings.push(value);
    }
  }
  return span;
}

function protoMetric(buf) {
  const name = sub(buf, 1)[0];
  let dataPoints = 0;
  for (const kind of [5, 7, 9, 10, 11]) for (const data of sub(buf, kind)) dataPoints += sub(data, 1).length;
  return { name: name ? name.toString('utf8') : '', dataPoints };
}

function decodeProtobuf(signal, body) {
  const out = { spans: [], metrics: [], logRecords: 0 };
  for (const item of sub(body, 1)) {
    const service = signal === 'traces' ? protoService(item) : '';
    for (const scope of sub(item, 2)) {
      const entries = sub(scope, 2);
      if (signal === 'traces') out.spans.push(...entries.map((s) => protoSpan(s, service)));
      else if (signal === 'metrics') out.metrics.push(...entries.map(protoMetric));
      else out.logRecords += entries.length;
    }
  }
  return out;
}

// OTLP/JSON ids are hex; some encoders send base64 (the protobuf JSON mapping of bytes).
function jsonId(v, bytes) {
  if (typeof v !== 'string' || v === '') return '';
  if (v.length === bytes * 2 && /^[0-9a-f]+$/i.test(v)) return v.toLowerCase();
  return Buffer.from(v, 'base64').toString('hex');
}

const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

function decodeJson(signal, doc) {
  const out = { spans: [], metrics: [], logRecords: 0 };
  if (signal === 'traces') {
    for (const rs of doc.resourceSpans ?? []) {
      const service = (rs.resource?.attributes ?? []).find((a) => a?.key === 'service.name')?.value?.stringValue ?? '';
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) {
        const strings = (s.attributes ?? []).map((a) => a?.value?.stringValue).filter((v) => typeof v === 'string');
        out.spans.push({ name: s.name ?? '', traceId: jsonId(s.traceId, 16), spanId: jsonId(s.spanId, 8),
          parentSpanId: jsonId(s.parentSpanId, 8), kind: s.kind ?? 0, strings, service });
      }
    }
  } else if (signal === 'metrics') {
    for (const rm of doc.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) {
      out.metrics.push({ name: m.name ?? '', dataPoints: METRIC_KINDS.reduce((n, k) => n + (m[k]?.dataPoints?.length ?? 0), 0) });
    }
  } else {
    for (const rl of doc.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) out.logRecords += sl.logRecords?.length ?? 0;
  }
  return out;
}

/** Decodes one export body of `signal` ('traces' | 'metrics' | 'logs'):
 *  { encoding: 'protobuf' | 'json', body (decompressed), doc (JSON only), spans, metrics,
 *  logRecords }. Throws with a clear message on what is not an OTLP body. */
export function decodeExport(signal, rawBody, headers) {
  if (!SIGNALS.includes(signal)) throw new Error(`unknown OTLP signal ${signal}`);
  const body = decompress(rawBody, headers['content-encoding']);
  const type = (headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return { encoding: 'protobuf', body, ...decodeProtobuf(signal, body) };
  if (type === 'application/json') {
    const doc = JSON.parse(body.toString('utf8'));
    return { encoding: 'json', body, doc, ...decodeJson(signal, doc) };
  }
  throw new Error(`unsupported Content-Type for an OTLP export: ${headers['content-type']}`);
}

/** OTLP/JSON attribute list → plain object (`{ key: value }`). */
export function attrs(list = []) {
  const out = {};
  for (const { key, value } of list) out[key] = plain(value);
  return out;
}

function plain(v = {}) {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(plain);
  if ('kvlistValue' in v) return attrs(v.kvlistValue.values);
  return null;
}
