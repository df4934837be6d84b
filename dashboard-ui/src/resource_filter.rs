//! The resource-attribute filter of Services, service detail and service
//! map, as SigNoz v0.39 keeps it (`hooks/useResourceAttribute`): in the URL
//! as `resourceAttribute=<base64(JSON [{id, tagKey, operator, tagValue}])>`
//! with span-metric key names (`resource_deployment_environment`), sent to
//! `/services`, `/service/top_operations` and `/dependency_graph` as `tags`.

use crate::model::value_text;
use serde_json::{json, Value};

/// `IResourceAttribute`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceAttr {
    pub id: String,
    /// Metric-style key, `resource_deployment_environment`.
    pub tag_key: String,
    /// "IN" or "Not IN".
    pub operator: String,
    pub tag_value: Vec<String>,
}

impl ResourceAttr {
    fn from_value(v: &Value) -> ResourceAttr {
        ResourceAttr {
            id: value_text(&v["id"]),
            tag_key: value_text(&v["tagKey"]),
            operator: value_text(&v["operator"]),
            tag_value: v["tagValue"]
                .as_array()
                .map(|a| a.iter().map(value_text).collect())
                .unwrap_or_default(),
        }
    }

    fn to_value(&self) -> Value {
        json!({"id": self.id, "tagKey": self.tag_key, "operator": self.operator, "tagValue": self.tag_value})
    }
}

/// `resource_x_y` → `x.y` (`convertMetricKeyToTrace`); keys already dotted stay.
pub fn metric_key_to_trace(key: &str) -> String {
    match key.strip_prefix("resource_") {
        Some(rest) => rest.replace('_', "."),
        None if key.contains('.') => key.to_string(),
        None => key
            .split_once('_')
            .map(|(_, r)| r.replace('_', "."))
            .unwrap_or_default(),
    }
}

/// `x.y` → `resource_x_y` (`convertTraceKeyToMetric`).
pub fn trace_key_to_metric(key: &str) -> String {
    format!("resource_{}", key.replace('.', "_"))
}

/// The `tags` of `/services`, `/service/top_operations`, `/dependency_graph`.
pub fn tags(attrs: &[ResourceAttr]) -> Value {
    Value::Array(
        attrs
            .iter()
            .map(|a| {
                json!({
                    "Key": metric_key_to_trace(&a.tag_key),
                    "Operator": if a.operator.eq_ignore_ascii_case("Not IN") { "NotIn" } else { "In" },
                    "StringValues": a.tag_value,
                    "NumberValues": [],
                    "BoolValues": [],
                    "TagType": "ResourceAttribute",
                })
            })
            .collect(),
    )
}

/// Reads the `resourceAttribute` parameter; anything unreadable is no filter.
pub fn from_param(param: &str) -> Vec<ResourceAttr> {
    let v: Option<Value> =
        base64_decode(param.trim()).and_then(|b| serde_json::from_slice(&b).ok());
    v.as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().map(ResourceAttr::from_value).collect())
        .unwrap_or_default()
}

pub fn to_param(attrs: &[ResourceAttr]) -> String {
    if attrs.is_empty() {
        return String::new();
    }
    let list = Value::Array(attrs.iter().map(ResourceAttr::to_value).collect());
    base64_encode(list.to_string().as_bytes())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what js-base64's `encode` writes for UTF-8 text).
/// Hand-written: a crate for 20 lines would add to the first-load size.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard or URL-safe base64, padding optional; None on other characters.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for ch in s.bytes().filter(|b| *b != b'=') {
        let v = u32::from(match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a' + 26,
            b'0'..=b'9' => ch - b'0' + 52,
            b'+' | b'-' | b' ' => 62, // ' ': a '+' that went through form decoding
            b'/' | b'_' => 63,
            _ => return None,
        });
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "ünï ✓"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).unwrap(),
                s.as_bytes(),
                "{s}"
            );
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert!(base64_decode("a*b").is_none());
    }

    #[test]
    fn signoz_param_and_tags() {
        // btoa('[{"id":"1","tagKey":"resource_deployment_environment","operator":"IN","tagValue":["local"]}]')
        let param = "W3siaWQiOiIxIiwidGFnS2V5IjoicmVzb3VyY2VfZGVwbG95bWVudF9lbnZpcm9ubWVudCIsIm9wZXJhdG9yIjoiSU4iLCJ0YWdWYWx1ZSI6WyJsb2NhbCJdfV0=";
        let attrs = from_param(param);
        assert_eq!(attrs.len(), 1);
        assert_eq!(from_param(&to_param(&attrs)), attrs);
        assert_eq!(
            tags(&attrs),
            json!([{"Key": "deployment.environment", "Operator": "In", "StringValues": ["local"], "NumberValues": [], "BoolValues": [], "TagType": "ResourceAttribute"}])
        );
        let not_in = ResourceAttr {
            operator: "Not IN".into(),
            tag_key: "resource_host_name".into(),
            ..Default::default()
        };
        assert_eq!(tags(&[not_in])[0]["Operator"], "NotIn");
        assert!(from_param("garbage!").is_empty());
        assert_eq!(to_param(&[]), "");
        assert_eq!(metric_key_to_trace("resource_k8s_pod_name"), "k8s.pod.name");
        assert_eq!(metric_key_to_trace("host.name"), "host.name");
        assert_eq!(
            trace_key_to_metric("deployment.environment"),
            "resource_deployment_environment"
        );
    }
}
