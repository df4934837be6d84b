//! Shaping `query_range` replies for the explorer views: series names from
//! legend templates, the Table view (one row per label set, one column per
//! query), per-series summaries, and CSV / JSON downloads of list rows.

use super::composite::AttributeKey;
use crate::model::{value_text, ListRow, QueryRangeData, Series};
use std::collections::BTreeMap;

/// A series' display name: the legend template with `{{key}}` replaced by
/// label values; without a template, `k=v, …`; without labels, the query name.
pub fn series_name(legend: &str, query_name: &str, s: &Series) -> String {
    if legend.trim().is_empty() {
        return s.label_text(query_name);
    }
    let mut out = String::new();
    let mut rest = legend;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let key = after[..close].trim().trim_start_matches('.');
                out.push_str(s.labels.get(key).map(String::as_str).unwrap_or(""));
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The Table view: label columns (union over all series, sorted), then one
/// value column per query in `order`; one row per distinct label set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub label_columns: Vec<String>,
    pub value_columns: Vec<String>,
    /// `(labels in label_columns order, values in value_columns order)`.
    pub rows: Vec<(Vec<String>, Vec<Option<f64>>)>,
}

/// Builds the table from a `table` (or `value`) panel reply: each series'
/// value is its last finite point (the reply holds one per series).
pub fn table(data: &QueryRangeData, order: &[String]) -> Table {
    let mut label_columns: Vec<String> = data
        .result
        .iter()
        .flat_map(|r| r.series().iter().flat_map(|s| s.labels.keys().cloned()))
        .collect();
    label_columns.sort();
    label_columns.dedup();
    let value_columns: Vec<String> = order
        .iter()
        .filter(|n| {
            data.result
                .iter()
                .any(|r| &r.query_name == *n && !r.series().is_empty())
        })
        .cloned()
        .collect();
    let mut rows: BTreeMap<Vec<String>, Vec<Option<f64>>> = BTreeMap::new();
    for r in &data.result {
        let Some(col) = value_columns.iter().position(|n| *n == r.query_name) else {
            continue;
        };
        for s in r.series() {
            let key: Vec<String> = label_columns
                .iter()
                .map(|c| s.labels.get(c).cloned().unwrap_or_default())
                .collect();
            let v = s
                .values
                .iter()
                .rev()
                .map(|p| p.value)
                .find(|v| v.is_finite());
            rows.entry(key)
                .or_insert_with(|| vec![None; value_columns.len()])[col] = v;
        }
    }
    Table {
        label_columns,
        value_columns,
        rows: rows.into_iter().collect(),
    }
}

/// Count, min, max, average and last of a series' finite points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub points: usize,
    pub min: f64,
    pub max: f64,
    pub avg: f64,
    pub last: f64,
}

pub fn summary(s: &Series) -> Summary {
    let vals: Vec<f64> = s
        .values
        .iter()
        .map(|p| p.value)
        .filter(|v| v.is_finite())
        .collect();
    let n = vals.len();
    Summary {
        points: n,
        min: vals.iter().copied().fold(f64::INFINITY, f64::min),
        max: vals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        avg: if n == 0 {
            f64::NAN
        } else {
            vals.iter().sum::<f64>() / n as f64
        },
        last: vals.last().copied().unwrap_or(f64::NAN),
    }
}

/// Every column of list rows, in first-seen order, map columns flattened
/// (`attributes_string.k` → `k`), as `(column, value text)` per row.
pub fn flat_rows(rows: &[ListRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut cols: Vec<String> = vec!["timestamp".into()];
    let mut flat: Vec<BTreeMap<String, String>> = Vec::new();
    for r in rows {
        let mut m = BTreeMap::new();
        m.insert("timestamp".to_string(), r.timestamp.clone());
        for (k, v) in &r.data {
            match v {
                serde_json::Value::Object(inner) => {
                    for (ik, iv) in inner {
                        m.insert(ik.clone(), value_text(iv));
                    }
                }
                other => {
                    m.insert(k.clone(), value_text(other));
                }
            }
        }
        for k in m.keys() {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
        flat.push(m);
    }
    let table = flat
        .into_iter()
        .map(|m| {
            cols.iter()
                .map(|c| m.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    (cols, table)
}

/// RFC 4180 CSV (fields with `,`, `"`, CR or LF quoted, quotes doubled).
pub fn csv(columns: &[String], rows: &[Vec<String>]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = columns
        .iter()
        .map(|c| field(c))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// List rows as a JSON array of `{timestamp, …data}` objects.
pub fn json_rows(rows: &[ListRow]) -> String {
    let arr: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut m = r.data.clone();
            m.insert("timestamp".into(), serde_json::json!(r.timestamp));
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::to_string_pretty(&arr).unwrap_or_default()
}

/// A log row's fields as builder keys and values, for the detail drawer
/// and filter-in / filter-out: top-level columns (`isColumn`), then
/// attributes (`tag`) and resource attributes (`resource`) typed by the
/// map they came from (`attributes_int64` → int64, …).
pub fn log_fields(row: &ListRow) -> Vec<(AttributeKey, serde_json::Value)> {
    let mut cols = Vec::new();
    let mut maps = Vec::new();
    for (k, v) in &row.data {
        match v {
            serde_json::Value::Object(m) => {
                let (kind, data_type) = match k.as_str() {
                    "resources_string" => ("resource", "string"),
                    "attributes_int64" | "attributes_int" => ("tag", "int64"),
                    "attributes_float64" | "attributes_float" => ("tag", "float64"),
                    "attributes_bool" => ("tag", "bool"),
                    _ => ("tag", "string"),
                };
                for (ik, iv) in m {
                    maps.push((AttributeKey::new(ik, data_type, kind, false), iv.clone()));
                }
            }
            other => {
                let data_type = match other {
                    serde_json::Value::Number(_) => "int64",
                    serde_json::Value::Bool(_) => "bool",
                    _ => "string",
                };
                cols.push((AttributeKey::new(k, data_type, "", true), other.clone()));
            }
        }
    }
    maps.sort_by(|a, b| {
        (a.0.kind.as_str(), a.0.key.as_str()).cmp(&(b.0.kind.as_str(), b.0.key.as_str()))
    });
    cols.extend(maps);
    cols
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: serde_json::Value) -> QueryRangeData {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn legend_templates() {
        let s: Series = serde_json::from_value(
            json!({"labels": {"http.route": "/cart", "env": "local"}, "values": []}),
        )
        .unwrap();
        assert_eq!(
            series_name("{{http.route}} ({{ env }})", "A", &s),
            "/cart (local)"
        );
        assert_eq!(series_name("", "A", &s), "env=local, http.route=/cart");
        assert_eq!(series_name("{{missing}}x{{", "A", &s), "x{{");
        let bare: Series = serde_json::from_value(json!({"labels": {}, "values": []})).unwrap();
        assert_eq!(series_name("", "A", &bare), "A");
    }

    #[test]
    fn table_joins_queries_by_labels() {
        let d = data(json!({"result": [
            {"queryName": "A", "series": [
                {"labels": {"http.route": "/cart"}, "values": [{"timestamp": 1, "value": "200"}]},
                {"labels": {"http.route": "/checkout"}, "values": [{"timestamp": 1, "value": "NaN"}, {"timestamp": 2, "value": "350.5"}]}]},
            {"queryName": "B", "series": [{"labels": {"http.route": "/cart"}, "values": [{"timestamp": 1, "value": "7"}]}]},
            {"queryName": "C", "series": null}
        ]}));
        let t = table(&d, &["A".into(), "B".into(), "C".into()]);
        assert_eq!(t.label_columns, vec!["http.route"]);
        assert_eq!(t.value_columns, vec!["A", "B"]);
        assert_eq!(
            t.rows[0],
            (vec!["/cart".to_string()], vec![Some(200.0), Some(7.0)])
        );
        assert_eq!(
            t.rows[1],
            (vec!["/checkout".to_string()], vec![Some(350.5), None])
        );
    }

    #[test]
    fn summaries_skip_gaps() {
        let s: Series = serde_json::from_value(json!({"labels": {}, "values": [
            {"timestamp": 1, "value": "3"}, {"timestamp": 2, "value": "NaN"}, {"timestamp": 3, "value": "1"}]})).unwrap();
        let m = summary(&s);
        assert_eq!(
            (m.points, m.min, m.max, m.avg, m.last),
            (2, 1.0, 3.0, 2.0, 1.0)
        );
    }

    #[test]
    fn log_fields_are_typed_by_their_map() {
        let row: ListRow = serde_json::from_value(json!({"timestamp": "t", "data": {
            "body": "hi", "severity_number": 9,
            "attributes_string": {"http.route": "/cart"}, "attributes_int64": {"n": 3},
            "resources_string": {"deployment.environment": "local"}}}))
        .unwrap();
        let f = log_fields(&row);
        let find = |k: &str| f.iter().find(|(a, _)| a.key == k).unwrap().0.clone();
        assert!(find("body").is_column && find("body").kind.is_empty());
        assert_eq!(find("severity_number").data_type, "int64");
        assert_eq!(
            (
                find("http.route").kind.as_str(),
                find("http.route").data_type.as_str()
            ),
            ("tag", "string")
        );
        assert_eq!(find("n").data_type, "int64");
        assert_eq!(find("deployment.environment").kind, "resource");
    }

    #[test]
    fn downloads() {
        let d = data(json!({"result": [{"queryName": "A", "list": [
            {"timestamp": "2024-02-14T10:00:00Z", "data": {"body": "a \"b\", c", "attributes_string": {"k": "v"}}},
            {"timestamp": "2024-02-14T10:00:01Z", "data": {"body": "line\nbreak", "severity_text": "WARN"}}]}]}));
        let rows = &d.result[0].list();
        let (cols, table) = flat_rows(rows);
        assert_eq!(cols, vec!["timestamp", "body", "k", "severity_text"]);
        let text = csv(&cols, &table);
        assert_eq!(
            text,
            "timestamp,body,k,severity_text\r\n2024-02-14T10:00:00Z,\"a \"\"b\"\", c\",v,\r\n2024-02-14T10:00:01Z,\"line\nbreak\",,WARN\r\n"
        );
        let j: serde_json::Value = serde_json::from_str(&json_rows(rows)).unwrap();
        assert_eq!(j[0]["attributes_string"]["k"], "v");
        assert_eq!(j[1]["timestamp"], "2024-02-14T10:00:01Z");
    }
}
