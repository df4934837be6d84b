//! Turns an OTLP/HTTP request body into the prost message: content type, gzip, size limit,
//! and OTLP/JSON quirks (64-bit integers as numbers or strings, enum names).

use std::io::Read;

use prost::Message;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Encoding {
    Protobuf,
    Json,
}

#[derive(Debug, PartialEq)]
pub enum DecodeError {
    /// 415
    UnsupportedContentType(String),
    /// 413
    TooLarge(usize),
    /// 413: the body would decode into more memory than allowed.
    TooComplex(String),
    /// 400
    Malformed(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnsupportedContentType(ct) => write!(
                f,
                "unsupported content type {ct:?}: send application/x-protobuf or application/json"
            ),
            DecodeError::TooLarge(limit) => write!(f, "request body is larger than {limit} bytes"),
            DecodeError::TooComplex(m) => f.write_str(m),
            DecodeError::Malformed(m) => f.write_str(m),
        }
    }
}

pub fn encoding_of(content_type: Option<&str>) -> Result<Encoding, DecodeError> {
    let ct = content_type.unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-protobuf" | "application/protobuf" => Ok(Encoding::Protobuf),
        "application/json" => Ok(Encoding::Json),
        _ => Err(DecodeError::UnsupportedContentType(ct.to_string())),
    }
}

/// Undoes `Content-Encoding` (identity or gzip), refusing output above `limit` bytes.
pub fn decompress(
    body: &[u8],
    content_encoding: Option<&str>,
    limit: usize,
) -> Result<Vec<u8>, DecodeError> {
    match content_encoding
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("identity") => Ok(body.to_vec()),
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(body)
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| DecodeError::Malformed(format!("invalid gzip body: {e}")))?;
            if out.len() > limit {
                return Err(DecodeError::TooLarge(limit));
            }
            Ok(out)
        }
        Some(other) => Err(DecodeError::Malformed(format!(
            "unsupported Content-Encoding {other:?}: use gzip or none"
        ))),
    }
}

pub fn decode<T: Message + Default + DeserializeOwned>(
    bytes: &[u8],
    encoding: Encoding,
) -> Result<T, DecodeError> {
    match encoding {
        Encoding::Protobuf => T::decode(bytes)
            .map_err(|e| DecodeError::Malformed(format!("invalid protobuf body: {e}"))),
        Encoding::Json => {
            // Spec-conformant OTLP/JSON (integer enums, no nulls) decodes straight into the
            // typed request, without a `serde_json::Value` tree in between; anything else
            // takes the normalising path below.
            if let Ok(msg) = serde_json::from_slice::<T>(bytes) {
                return Ok(msg);
            }
            let mut v: Value = serde_json::from_slice(bytes)
                .map_err(|e| DecodeError::Malformed(format!("invalid JSON body: {e}")))?;
            if !v.is_object() {
                return Err(DecodeError::Malformed(
                    "invalid OTLP/JSON body: expected a JSON object".into(),
                ));
            }
            if let Value::Object(root) = &mut v {
                // The generated request types have no serde defaults: an empty export is valid
                // OTLP. Unknown fields are ignored, so filling all three roots is harmless.
                for field in ["resourceSpans", "resourceMetrics", "resourceLogs"] {
                    if root.get(field).is_none_or(|f| f.is_null()) {
                        root.insert(field.into(), Value::Array(vec![]));
                    }
                }
            }
            normalize_json(&mut v, None);
            serde_json::from_value(v)
                .map_err(|e| DecodeError::Malformed(format!("invalid OTLP/JSON body: {e}")))
        }
    }
}

/// Fields that protobuf's JSON mapping writes as strings (64-bit integers) but that some
/// senders write as numbers; the generated serde code only accepts strings.
const U64_AS_STRING: &[&str] = &[
    "timeUnixNano",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "observedTimeUnixNano",
    "count",
    "bucketCounts",
    "asInt",
    "intValue",
    "zeroCount",
];

/// Rewrites an OTLP/JSON tree in place so the generated serde code accepts every valid form:
/// numeric 64-bit fields become strings, enum names become their numbers, JSON nulls vanish
/// (protobuf JSON treats null as "field absent").
fn normalize_json(v: &mut Value, key: Option<&str>) {
    match v {
        Value::Object(map) => {
            map.retain(|_, val| !val.is_null());
            if matches!(key, Some("arrayValue" | "kvlistValue")) && !map.contains_key("values") {
                map.insert("values".into(), Value::Array(vec![]));
            }
            for (k, val) in map.iter_mut() {
                normalize_json(val, Some(k.as_str()));
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                normalize_json(item, key);
            }
        }
        Value::Number(n) if key.is_some_and(|k| U64_AS_STRING.contains(&k)) => {
            *v = Value::String(n.to_string());
        }
        Value::String(s) => {
            if let Some(n) = key.and_then(|k| enum_number(k, s)) {
                *v = Value::from(n);
            }
        }
        _ => {}
    }
}

fn enum_number(key: &str, name: &str) -> Option<i64> {
    let names: &[&str] = match key {
        "kind" => &[
            "SPAN_KIND_UNSPECIFIED",
            "SPAN_KIND_INTERNAL",
            "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT",
            "SPAN_KIND_PRODUCER",
            "SPAN_KIND_CONSUMER",
        ],
        "code" => &["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"],
        "aggregationTemporality" => &[
            "AGGREGATION_TEMPORALITY_UNSPECIFIED",
            "AGGREGATION_TEMPORALITY_DELTA",
            "AGGREGATION_TEMPORALITY_CUMULATIVE",
        ],
        "severityNumber" => {
            return name
                .strip_prefix("SEVERITY_NUMBER_")
                .and_then(severity_number);
        }
        _ => return None,
    };
    names.iter().position(|n| *n == name).map(|i| i as i64)
}

fn severity_number(suffix: &str) -> Option<i64> {
    const LEVELS: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    if suffix == "UNSPECIFIED" {
        return Some(0);
    }
    let level = suffix.trim_end_matches(|c: char| c.is_ascii_digit());
    let step: i64 = suffix[level.len()..].parse().unwrap_or(1);
    let base = LEVELS.iter().position(|l| *l == level)? as i64;
    (1..=4).contains(&step).then_some(base * 4 + step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

    #[test]
    fn content_types() {
        assert_eq!(
            encoding_of(Some("application/x-protobuf")),
            Ok(Encoding::Protobuf)
        );
        assert_eq!(
            encoding_of(Some("application/json; charset=utf-8")),
            Ok(Encoding::Json)
        );
        assert!(matches!(
            encoding_of(Some("text/plain")),
            Err(DecodeError::UnsupportedContentType(_))
        ));
        assert!(matches!(
            encoding_of(None),
            Err(DecodeError::UnsupportedContentType(_))
        ));
    }

    #[test]
    fn gzip_limits_apply_after_decompression() {
        use flate2::{write::GzEncoder, Compression};
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&vec![b'a'; 10_000]).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(decompress(&gz, Some("gzip"), 20_000).unwrap().len(), 10_000);
        assert_eq!(
            decompress(&gz, Some("gzip"), 100),
            Err(DecodeError::TooLarge(100))
        );
        assert!(matches!(
            decompress(b"nope", Some("gzip"), 100),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decompress(b"x", Some("br"), 100),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn json_accepts_numbers_strings_and_enum_names() {
        let body = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
          "scopeSpans":[{"scope":null,"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
          "parentSpanId":"","name":"op","kind":"SPAN_KIND_SERVER","startTimeUnixNano":1700000000000000000,
          "endTimeUnixNano":"1700000000500000000","attributes":[{"key":"n","value":{"intValue":3}}],
          "status":{"code":"STATUS_CODE_ERROR"}}]}]}]}"#;
        let req: ExportTraceServiceRequest = decode(body, Encoding::Json).unwrap();
        let span = &req.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.kind, 2);
        assert_eq!(span.start_time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(span.end_time_unix_nano, 1_700_000_000_500_000_000);
        assert_eq!(span.status.as_ref().unwrap().code, 2);
        assert_eq!(span.trace_id.len(), 16);
    }

    #[test]
    fn empty_exports_and_empty_arrays_are_valid() {
        let req: ExportTraceServiceRequest = decode(b"{}", Encoding::Json).unwrap();
        assert!(req.resource_spans.is_empty());
        let body = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"a","value":{"arrayValue":{}}}]}}]}"#;
        let req: ExportTraceServiceRequest = decode(body, Encoding::Json).unwrap();
        assert_eq!(req.resource_spans.len(), 1);
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        let e = decode::<ExportTraceServiceRequest>(b"{", Encoding::Json).unwrap_err();
        assert!(e.to_string().contains("invalid JSON"), "{e}");
        let e = decode::<ExportTraceServiceRequest>(br#"{"resourceSpans":"x"}"#, Encoding::Json)
            .unwrap_err();
        assert!(e.to_string().contains("OTLP/JSON"), "{e}");
        let e = decode::<ExportTraceServiceRequest>(&[0x0a, 0xff, 0x01], Encoding::Protobuf)
            .unwrap_err();
        assert!(e.to_string().contains("protobuf"), "{e}");
    }

    /// Both paths give the same message for conformant input.
    #[test]
    fn typed_and_normalised_json_agree() {
        let body = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
          "scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
          "name":"op","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000500000000,
          "attributes":[{"key":"n","value":{"intValue":"3"}}],
          "status":{"code":2}}]}]}]}"#;
        let direct: ExportTraceServiceRequest = serde_json::from_slice(body).unwrap();
        let mut v: Value = serde_json::from_slice(body).unwrap();
        normalize_json(&mut v, None);
        let normalised: ExportTraceServiceRequest = serde_json::from_value(v).unwrap();
        assert_eq!(direct, normalised);
        assert_eq!(
            decode::<ExportTraceServiceRequest>(body, Encoding::Json).unwrap(),
            direct
        );
    }

    #[test]
    fn severity_names() {
        assert_eq!(
            enum_number("severityNumber", "SEVERITY_NUMBER_INFO"),
            Some(9)
        );
        assert_eq!(
            enum_number("severityNumber", "SEVERITY_NUMBER_ERROR3"),
            Some(19)
        );
        assert_eq!(enum_number("severityNumber", "SEVERITY_NUMBER_BOGUS"), None);
    }
}
