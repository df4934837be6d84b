//! SigNoz's span-metric names answered from stored spans, so the v0.39 service page (DB and
//! external call tabs, latency, rates) runs unchanged without a span-metrics pipeline.
//!
//! Metrics and their SigNoz labels (`signozspanmetrics` processor):
//! - `signoz_calls_total`, `signoz_latency_count|_sum|_bucket`: every span;
//! - `signoz_db_latency_count|_sum`: spans other than SERVER with a `db.system` attribute;
//! - `signoz_external_call_latency_count|_sum`: CLIENT spans with a remote address.
//!
//! Labels: `service_name`, `operation`, `span_kind` (`SPAN_KIND_*`), `status_code`
//! (`STATUS_CODE_*`), `db_system`, `db_name`, `address`, `http_method`, `http_url`,
//! `http_status_code`, `le` (ms, on `_bucket`), and `resource_<key>` for each resource
//! attribute (`resource_deployment_environment`). Any other label is looked up as a span or
//! resource attribute of the same name. `_sum` and `le` are in milliseconds, as SigNoz's are.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::model::{quantile_of, AttributeKey, BuilderQuery, DataSource, FilterItem, FilterSet};
use super::series::SeriesSet;
use super::table::{self, span_column, Table};
use super::QueryError;
use crate::store::filter::ValueKind;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Family {
    Calls,
    Latency,
    Db,
    External,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Part {
    Count,
    Sum,
    Bucket,
}

fn parse_name(name: &str) -> Option<(Family, Part)> {
    if name == "signoz_calls_total" {
        return Some((Family::Calls, Part::Count));
    }
    let (family, rest) = [
        ("signoz_latency", Family::Latency),
        ("signoz_db_latency", Family::Db),
        ("signoz_external_call_latency", Family::External),
    ]
    .iter()
    .find_map(|(base, f)| name.strip_prefix(base).map(|r| (*f, r)))?;
    let part = match rest {
        "_count" => Part::Count,
        "_sum" => Part::Sum,
        "_bucket" if family == Family::Latency => Part::Bucket,
        _ => return None,
    };
    Some((family, part))
}

/// Every span-metric name, for metric autocomplete.
pub const NAMES: &[&str] = &[
    "signoz_calls_total",
    "signoz_db_latency_count",
    "signoz_db_latency_sum",
    "signoz_external_call_latency_count",
    "signoz_external_call_latency_sum",
    "signoz_latency_bucket",
    "signoz_latency_count",
    "signoz_latency_sum",
];

/// Whether `name` is a span metric this module answers.
pub fn is_span_metric(name: &str) -> bool {
    parse_name(name).is_some()
}

const SPAN_KIND: &str = "CASE kind WHEN 1 THEN 'SPAN_KIND_INTERNAL' WHEN 2 THEN 'SPAN_KIND_SERVER' \
    WHEN 3 THEN 'SPAN_KIND_CLIENT' WHEN 4 THEN 'SPAN_KIND_PRODUCER' WHEN 5 THEN 'SPAN_KIND_CONSUMER' \
    ELSE 'SPAN_KIND_UNSPECIFIED' END";
const STATUS_CODE: &str =
    "CASE status_code WHEN 1 THEN 'STATUS_CODE_OK' WHEN 2 THEN 'STATUS_CODE_ERROR' \
    ELSE 'STATUS_CODE_UNSET' END";
/// The `address` label of external calls, in the spanmetrics processor's order: RPC
/// `service/method`; `http.host`; a peer name or address with its port (old and new semantic
/// conventions); the host of `http.url`/`url.full`; `peer.service`.
pub const ADDRESS: &str = "CASE WHEN json_extract(attrs, '$.\"rpc.system\"') IS NOT NULL \
    AND COALESCE(json_extract(attrs, '$.\"rpc.service\"'), json_extract(attrs, '$.\"rpc.method\"')) IS NOT NULL \
    THEN COALESCE(json_extract(attrs, '$.\"rpc.service\"'), '') || COALESCE('/' || json_extract(attrs, '$.\"rpc.method\"'), '') \
    ELSE COALESCE(json_extract(attrs, '$.\"http.host\"'), \
    json_extract(attrs, '$.\"net.peer.name\"') || COALESCE(':' || json_extract(attrs, '$.\"net.peer.port\"'), ''), \
    json_extract(attrs, '$.\"server.address\"') || COALESCE(':' || json_extract(attrs, '$.\"server.port\"'), ''), \
    json_extract(attrs, '$.\"net.peer.ip\"') || COALESCE(':' || json_extract(attrs, '$.\"net.peer.port\"'), ''), \
    json_extract(attrs, '$.\"net.sock.peer.addr\"') || COALESCE(':' || json_extract(attrs, '$.\"net.sock.peer.port\"'), ''), \
    json_extract(attrs, '$.\"network.peer.address\"') || COALESCE(':' || json_extract(attrs, '$.\"network.peer.port\"'), ''), \
    url_host(COALESCE(json_extract(attrs, '$.\"http.url\"'), json_extract(attrs, '$.\"url.full\"'))), \
    json_extract(attrs, '$.\"peer.service\"')) END";
/// 1 when the attributes hold a key `ADDRESS` reads: a cheap text test that spares parsing the
/// JSON of client spans that can have no address.
pub const MAY_HAVE_ADDRESS: &str = "(instr(attrs, 'http.host') > 0 OR instr(attrs, 'peer.') > 0 \
    OR instr(attrs, 'server.address') > 0 OR instr(attrs, 'url') > 0 OR instr(attrs, 'rpc.') > 0)";

/// `http_status_code`: the old attribute, else the stable one; text, as a label is.
pub const HTTP_STATUS_CODE: &str = "CAST(COALESCE(json_extract(attrs, '$.\"http.status_code\"'), \
    json_extract(attrs, '$.\"http.response.status_code\"')) AS TEXT)";

/// Span columns plus the derived span-metric labels (fixed SQL, never user text).
fn column(key: &str) -> Option<(&'static str, ValueKind)> {
    match key {
        "__span_kind" => Some((SPAN_KIND, ValueKind::Text)),
        "__status_code" => Some((STATUS_CODE, ValueKind::Text)),
        "__address" => Some((ADDRESS, ValueKind::Text)),
        "__may_have_address" => Some((MAY_HAVE_ADDRESS, ValueKind::Number)),
        "__http_status_code" => Some((HTTP_STATUS_CODE, ValueKind::Text)),
        other => span_column(other),
    }
}

const SPANS: Table = Table {
    name: "spans",
    column,
};

fn col(key: &str) -> AttributeKey {
    AttributeKey {
        key: key.into(),
        is_column: true,
        kind: "tag".into(),
        ..Default::default()
    }
}

fn attr(key: &str, scope: &str) -> AttributeKey {
    AttributeKey {
        key: key.into(),
        kind: scope.into(),
        ..Default::default()
    }
}

/// The span key behind a span-metric label.
fn span_key(c: &Connection, label: &str) -> Result<AttributeKey, QueryError> {
    Ok(match label {
        "service_name" => col("serviceName"),
        "operation" => col("name"),
        "span_kind" => col("__span_kind"),
        "status_code" => col("__status_code"),
        "address" => col("__address"),
        "db_system" => attr("db.system", "tag"),
        "db_name" => attr("db.name", "tag"),
        "http_method" => attr("http.method", "tag"),
        "http_url" => attr("http.url", "tag"),
        "http_status_code" => col("__http_status_code"),
        l => match l.strip_prefix("resource_") {
            Some(_) => {
                let mut st = c.prepare_cached(
                    "SELECT key FROM attr_keys WHERE source = 'traces' AND type = 'resource'",
                )?;
                let keys = st
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                let key = keys
                    .into_iter()
                    .find(|k| crate::api::metric_tags::resource_label(k) == l)
                    .unwrap_or_else(|| l.to_string());
                attr(&key, "resource")
            }
            None => attr(l, ""),
        },
    })
}

fn is_rate(op: &str) -> bool {
    op.contains("rate")
}

/// Runs a metrics builder query on a span-metric name over the spans table.
pub fn graph(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
    whole_range: bool,
) -> Result<SeriesSet, QueryError> {
    let (family, part) = parse_name(&q.aggregate_attribute.key).ok_or("not a span metric")?;
    let op = q.aggregate_operator.as_str();
    let duration = AttributeKey {
        key: "durationNano".into(),
        data_type: "float64".into(),
        is_column: true,
        kind: "tag".into(),
        ..Default::default()
    };
    let (span_op, attribute, scale) = match part {
        Part::Count if is_rate(op) => ("rate".to_string(), AttributeKey::default(), 1.0),
        Part::Count => ("count".to_string(), AttributeKey::default(), 1.0),
        Part::Sum if is_rate(op) => ("sum_rate".to_string(), duration, 1e-6),
        Part::Sum => ("sum".to_string(), duration, 1e-6),
        Part::Bucket => match quantile_of(op).filter(|_| op.starts_with("hist_quantile")) {
            Some(qv) => (
                format!("p{:02}", (qv * 100.0).round() as u32),
                duration,
                1e-6,
            ),
            None if is_rate(op) => ("rate".to_string(), AttributeKey::default(), 1.0),
            None => ("count".to_string(), AttributeKey::default(), 1.0),
        },
    };
    let mut items = Vec::new();
    for item in q.filters.iter().flat_map(|f| f.items.iter()) {
        if item.key.key == "le" {
            // A bucket bound: spans at or under it (cumulative buckets), in ms.
            let le = match &item.value {
                Value::Array(a) => a.first().cloned().unwrap_or(Value::Null),
                v => v.clone(),
            };
            let ms = le
                .as_f64()
                .or_else(|| le.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| format!("le must be a number, got {le}"))?;
            if ms == f64::INFINITY {
                // `+Inf` (v0.39's Apdex past the last bound): every span.
                continue;
            }
            items.push(FilterItem {
                key: col("durationNano"),
                op: "<=".into(),
                value: json!(ms * 1e6),
            });
            continue;
        }
        items.push(FilterItem {
            key: span_key(c, &item.key.key)?,
            op: item.op.clone(),
            value: item.value.clone(),
        });
    }
    if q.filters
        .as_ref()
        .is_some_and(|f| f.op.eq_ignore_ascii_case("or") && f.items.len() > 1)
    {
        return Err("OR filters are not supported on span metrics".into());
    }
    let family_filters = match family {
        Family::Calls | Family::Latency => vec![],
        // As the processor: any kind but SERVER with a `db.system`.
        Family::Db => vec![
            FilterItem {
                key: attr("db.system", "tag"),
                op: "exists".into(),
                value: Value::Null,
            },
            FilterItem {
                key: col("kind"),
                op: "!=".into(),
                value: json!(2),
            },
        ],
        Family::External => vec![
            FilterItem {
                key: col("kind"),
                op: "=".into(),
                value: json!(3),
            },
            FilterItem {
                key: col("__may_have_address"),
                op: "=".into(),
                value: json!(1),
            },
            FilterItem {
                key: col("__address"),
                op: "exists".into(),
                value: Value::Null,
            },
        ],
    };
    let groups: Vec<&AttributeKey> = q.group_by.iter().filter(|g| g.key != "le").collect();
    let mut sq = BuilderQuery {
        query_name: q.query_name.clone(),
        expression: q.query_name.clone(),
        data_source: DataSource::Traces,
        aggregate_operator: span_op,
        aggregate_attribute: attribute,
        group_by: groups
            .iter()
            .map(|g| span_key(c, &g.key))
            .collect::<Result<_, _>>()?,
        step_interval: q.step_interval,
        ..Default::default()
    };
    items.extend(family_filters);
    sq.filters = Some(FilterSet {
        op: "AND".into(),
        items,
    });
    let mut out = table::aggregate(c, &SPANS, &sq, start_ns, end_ns, whole_range)?;
    let names: Vec<String> = groups.iter().map(|g| g.key.clone()).collect();
    let series = std::mem::take(&mut out.series);
    for (labels, points) in series {
        let labels = labels
            .into_iter()
            .zip(&names)
            .map(|((_, v), name)| (name.clone(), v))
            .collect();
        out.series.insert(
            labels,
            points.into_iter().map(|(t, v)| (t, v * scale)).collect(),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            parse_name("signoz_calls_total"),
            Some((Family::Calls, Part::Count))
        );
        assert_eq!(
            parse_name("signoz_latency_bucket"),
            Some((Family::Latency, Part::Bucket))
        );
        assert_eq!(
            parse_name("signoz_external_call_latency_sum"),
            Some((Family::External, Part::Sum))
        );
        assert_eq!(parse_name("signoz_db_latency_bucket"), None);
        assert_eq!(parse_name("signoz_latency"), None);
    }
}
