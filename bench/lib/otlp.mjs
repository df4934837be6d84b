// Decodes OTLP/HTTP trace export bodies (protobuf or JSON, optionally gzip/br
// compressed) into the little the bench needs per span: its name, the string
// values of its attributes, its trace and span ids (hex) and its resource's
// service.name. Only the fields on the paths
// ExportTraceServiceRequest.resource_spans(1) -> {resource(1) -> attributes(1),
// ScopeSpans.scope_spans(2) -> Span.spans(2) -> {trace_id(1), span_id(2), name(5),
// attributes(9) -> KeyValue{key(1), value(2) -> string(1)}}} are read; everything
// else is skipped by wire type, so unknown or newer fields never break the count.
import zlib from 'node:zlib';

export function decompress(body, contentEncoding) {
  const enc = (contentEncoding || 'identity').toLowerCase();
  if (enc === 'identity') return body;
  if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(body);
  if (enc === 'br') return zlib.brotliDecompressSync(body);
  if (enc === 'deflate') return zlib.inflateSync(body);
  throw new Error(`unsupported Content-Encoding: ${contentEncoding}`);
}

// One protobuf field at a time: {field, wire, value} where value is a number
// (varint, fixed32), a Buffer (fixed64, length-delimited).
function* fields(buf) {
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
    } else if (wire === 5) { value = buf.readUInt32LE(pos); pos += 4; }
    else throw new Error(`protobuf: unsupported wire type ${wire} (field ${field})`);
    if (pos > buf.length) throw new Error('protobuf: truncated field');
    yield { field, wire, value };
  }
}

const sub = (buf, wanted) => [...fields(buf)].filter((f) => f.field === wanted && f.wire === 2).map((f) => f.value);

// KeyValue -> [key, string value or undefined].
function protoKeyValue(buf) {
  let key = '';
  let value;
  for (const f of fields(buf)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) key = f.value.toString('utf8');
    else if (f.field === 2) for (const v of fields(f.value)) if (v.field === 1 && v.wire === 2) value = v.value.toString('utf8');
  }
  return [key, value];
}

function protoSpan(buf, service) {
  const span = { name: '', strings: [], traceId: '', spanId: '', service };
  for (const f of fields(buf)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) span.traceId = f.value.toString('hex');
    else if (f.field === 2) span.spanId = f.value.toString('hex');
    else if (f.field === 5) span.name = f.value.toString('utf8');
    else if (f.field === 9) {
      const [, value] = protoKeyValue(f.value);
      if (value !== undefined) span.strings.push(value);
    }
  }
  return span;
}

function protoService(resourceSpans) {
  for (const resource of sub(resourceSpans, 1)) {
    for (const kv of sub(resource, 1)) {
      const [key, value] = protoKeyValue(kv);
      if (key === 'service.name') return value ?? '';
    }
  }
  return '';
}

export function decodeProtobufSpans(buf) {
  const spans = [];
  for (const rs of sub(buf, 1)) {
    const service = protoService(rs);
    for (const ss of sub(rs, 2)) for (const s of sub(ss, 2)) spans.push(protoSpan(s, service));
  }
  return spans;
}

// OTLP/JSON ids are hex; some encoders send base64 (the protobuf JSON mapping of bytes).
function jsonId(v, bytes) {
  if (typeof v !== 'string') return '';
  if (v.length === bytes * 2 && /^[0-9a-f]+$/i.test(v)) return v.toLowerCase();
  return Buffer.from(v, 'base64').toString('hex');
}

export function decodeJsonSpans(buf) {
  const doc = JSON.parse(buf.toString('utf8'));
  const spans = [];
  for (const rs of doc.resourceSpans ?? []) {
    const service = (rs.resource?.attributes ?? []).find((a) => a?.key === 'service.name')?.value?.stringValue ?? '';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const strings = (s.attributes ?? []).map((a) => a?.value?.stringValue).filter((v) => typeof v === 'string');
        spans.push({ name: s.name ?? '', strings, traceId: jsonId(s.traceId, 16), spanId: jsonId(s.spanId, 8), service });
      }
    }
  }
  return spans;
}

// Returns {encoding, spans} for a trace export, or throws with a clear message.
export function decodeTraceExport(rawBody, headers) {
  const body = decompress(rawBody, headers['content-encoding']);
  const type = (headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return { encoding: 'protobuf', body, spans: decodeProtobufSpans(body) };
  if (type === 'application/json') return { encoding: 'json', body, spans: decodeJsonSpans(body) };
  throw new Error(`unsupported Content-Type for a trace export: ${headers['content-type']}`);
}
