// Decodes OTLP/HTTP trace export bodies (protobuf or JSON, optionally gzip/br
// compressed) into the little the bench needs per span: its name and the string
// values of its attributes. Only the fields on the path
// ExportTraceServiceRequest.resource_spans(1) -> ScopeSpans.scope_spans(2) ->
// Span.spans(2) -> {name(5), attributes(9) -> KeyValue{key(1), value(2) -> string(1)}}
// are read; everything else is skipped by wire type, so unknown or newer fields
// never break the count.
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

function protoSpan(buf) {
  const span = { name: '', strings: [] };
  for (const f of fields(buf)) {
    if (f.wire !== 2) continue;
    if (f.field === 5) span.name = f.value.toString('utf8');
    else if (f.field === 9) {
      for (const kv of fields(f.value)) {
        if (kv.field !== 2 || kv.wire !== 2) continue;
        for (const v of fields(kv.value)) if (v.field === 1 && v.wire === 2) span.strings.push(v.value.toString('utf8'));
      }
    }
  }
  return span;
}

export function decodeProtobufSpans(buf) {
  const spans = [];
  for (const rs of sub(buf, 1)) for (const ss of sub(rs, 2)) for (const s of sub(ss, 2)) spans.push(protoSpan(s));
  return spans;
}

export function decodeJsonSpans(buf) {
  const doc = JSON.parse(buf.toString('utf8'));
  const spans = [];
  for (const rs of doc.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const strings = (s.attributes ?? []).map((a) => a?.value?.stringValue).filter((v) => typeof v === 'string');
        spans.push({ name: s.name ?? '', strings });
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
