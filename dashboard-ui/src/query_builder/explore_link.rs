//! "Show in explorer" links: the explorer of a data source filtered on one attribute value,
//! over a time window, as a SigNoz `compositeQuery` URL (so the link also opens in SigNoz).

use super::composite::{query_id, AttributeKey, FilterItem, Query};
use crate::url_state::{encode_query, Query as UrlQuery};
use serde_json::{json, Map, Value};

/// The typed filter value and its SigNoz data type for a value shown as text: whole numbers
/// as `int64`, decimals as `float64`, `true`/`false` as `bool`, else `string`.
fn typed(value: &str) -> (Value, &'static str) {
    if let Ok(i) = value.parse::<i64>() {
        return (json!(i), "int64");
    }
    if let Ok(f) = value.parse::<f64>() {
        if f.is_finite() {
            return (json!(f), "float64");
        }
    }
    match value {
        "true" => (json!(true), "bool"),
        "false" => (json!(false), "bool"),
        _ => (json!(value), "string"),
    }
}

/// `/traces-explorer` (source `traces`) or `/logs/logs-explorer` (`logs`) with the filter
/// `key = value` (`resource` picks the attribute kind) over `[start_ms, end_ms]`.
pub fn explorer_filter_link(
    source: &str,
    key: &str,
    value: &str,
    resource: bool,
    start_ms: i64,
    end_ms: i64,
) -> String {
    let seed = start_ms.unsigned_abs() ^ key.len() as u64;
    let mut q = Query::initial(source, query_id(seed));
    let (v, data_type) = typed(value);
    let kind = if resource { "resource" } else { "tag" };
    q.builder.query_data[0].filters.items.push(FilterItem {
        id: query_id(seed.rotate_left(7)),
        key: Some(AttributeKey::new(key, data_type, kind, false)),
        op: "=".into(),
        value: v,
        extra: Map::new(),
    });
    let mut u = UrlQuery::new();
    u.insert("compositeQuery".into(), q.to_url_param());
    u.insert("start".into(), start_ms.to_string());
    u.insert("end".into(), end_ms.max(start_ms + 1).to_string());
    let path = if source == "logs" {
        "/logs/logs-explorer"
    } else {
        "/traces-explorer"
    };
    format!("{path}?{}", encode_query(&u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url_state::parse_query;

    #[test]
    fn link_carries_one_typed_filter_and_the_window() {
        let link = explorer_filter_link("traces", "http.status_code", "503", false, 1_000, 61_000);
        let (path, qs) = link.split_once('?').unwrap();
        assert_eq!(path, "/traces-explorer");
        let u = parse_query(qs);
        assert_eq!(u.get("start").map(String::as_str), Some("1000"));
        assert_eq!(u.get("end").map(String::as_str), Some("61000"));
        let q = Query::from_url_param(&u["compositeQuery"]).unwrap();
        let items = &q.builder.query_data[0].filters.items;
        assert_eq!(items.len(), 1);
        let k = items[0].key.as_ref().unwrap();
        assert_eq!(
            (k.key.as_str(), k.data_type.as_str(), k.kind.as_str()),
            ("http.status_code", "int64", "tag")
        );
        assert_eq!(items[0].value, json!(503));
        assert_eq!(q.builder.query_data[0].data_source, "traces");
    }

    #[test]
    fn resource_and_text_values() {
        let link = explorer_filter_link("logs", "host.name", "web-1", true, 5, 5);
        let (path, qs) = link.split_once('?').unwrap();
        assert_eq!(path, "/logs/logs-explorer");
        let u = parse_query(qs);
        let q = Query::from_url_param(&u["compositeQuery"]).unwrap();
        let item = &q.builder.query_data[0].filters.items[0];
        assert_eq!(item.key.as_ref().unwrap().kind, "resource");
        assert_eq!(item.value, json!("web-1"));
        assert_eq!(u.get("end").map(String::as_str), Some("6"));
        assert_eq!(typed("true").1, "bool");
        assert_eq!(typed("1.5").1, "float64");
    }
}
