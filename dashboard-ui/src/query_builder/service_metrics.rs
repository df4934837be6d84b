//! The service page's span-metric charts as SigNoz v0.39 builds them
//! (`container/MetricsApplication/MetricsPageQueries`): DB calls, external
//! calls and Apdex, as metrics builder queries on `signoz_*` names with the
//! same filters, group-bys, operators and formulas, so either query-service
//! answers them the same way. Pure: same inputs, same JSON.

use super::composite::{query_id, AttributeKey, FilterItem, Query};
use super::{builder_query, key};
use crate::model::{QueryRangeData, Series};
use crate::resource_filter::ResourceAttr;
use crate::url_state::{encode, encode_query, Query as UrlQuery};
use serde_json::{json, Map, Value};

/// Drawn series: `(legend name, [(ms, value)])`.
pub type NamedSeries = Vec<(String, Vec<(f64, f64)>)>;

/// A chart's request: builder queries and formulas, and the result to draw
/// with its legend.
pub struct ChartQuery {
    pub queries: Vec<Map<String, Value>>,
    /// The query or formula whose series are drawn.
    pub draw: &'static str,
    pub legend: String,
}

fn metric(name: &str) -> Value {
    key(name, "float64", "", true)
}

fn label(name: &str, kind: &str) -> Value {
    key(name, "string", kind, false)
}

fn item(k: Value, op: &str, value: Value) -> Value {
    json!({"id": "", "key": k, "op": op, "value": value})
}

/// The resource filter as metric filter items
/// (`resourceAttributesToTagFilterItems` + `handleNonInQueryRange`).
pub fn resource_items(attrs: &[ResourceAttr]) -> Vec<Value> {
    attrs
        .iter()
        .map(|a| {
            let op = if a.operator.eq_ignore_ascii_case("Not IN") {
                "NIN"
            } else {
                a.operator.as_str()
            };
            json!({"id": a.id, "key": {"key": a.tag_key, "isColumn": false, "type": "", "dataType": ""},
                "op": op, "value": a.tag_value})
        })
        .collect()
}

fn service_in(service: &str, resource: &[Value]) -> Vec<Value> {
    let mut items = vec![item(
        label("service_name", "resource"),
        "IN",
        json!([service]),
    )];
    items.extend(resource.iter().cloned());
    items
}

/// One `sum_rate` metric query (`getQueryBuilderQueries`).
fn rate(
    name: &str,
    metric_name: &str,
    filters: Vec<Value>,
    group_by: Vec<Value>,
    legend: &str,
    step: i64,
    disabled: bool,
) -> Map<String, Value> {
    let mut q = builder_query(
        name,
        "metrics",
        "sum_rate",
        metric(metric_name),
        filters,
        group_by,
        step,
        legend,
    );
    q.insert("disabled".into(), json!(disabled));
    q
}

fn formula(expression: &str, legend: &str) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("queryName".into(), json!("F1"));
    f.insert("expression".into(), json!(expression));
    f.insert("disabled".into(), json!(false));
    f.insert("legend".into(), json!(legend));
    f
}

/// `A/B` of a `_sum` and a `_count` (average duration, ms).
fn average(
    family: &str,
    filters: Vec<Value>,
    group_by: Vec<Value>,
    legend: &str,
    step: i64,
) -> ChartQuery {
    ChartQuery {
        queries: vec![
            rate(
                "A",
                &format!("{family}_sum"),
                filters.clone(),
                group_by.clone(),
                legend,
                step,
                true,
            ),
            rate(
                "B",
                &format!("{family}_count"),
                filters,
                group_by,
                legend,
                step,
                true,
            ),
            formula("A/B", legend),
        ],
        draw: "F1",
        legend: legend.into(),
    }
}

/// "Database Calls RPS" by `db_system` (`databaseCallsRPS`).
pub fn db_calls_rps(service: &str, resource: &[Value], step: i64) -> ChartQuery {
    let legend = "{{db_system}}";
    ChartQuery {
        queries: vec![rate(
            "A",
            "signoz_db_latency_count",
            service_in(service, resource),
            vec![label("db_system", "tag")],
            legend,
            step,
            false,
        )],
        draw: "A",
        legend: legend.into(),
    }
}

/// "Database Calls Avg Duration" (`databaseCallsAvgDuration`).
pub fn db_calls_avg_duration(service: &str, resource: &[Value], step: i64) -> ChartQuery {
    average(
        "signoz_db_latency",
        service_in(service, resource),
        vec![],
        "Average Duration",
        step,
    )
}

fn by_address() -> Vec<Value> {
    vec![label("address", "tag")]
}

/// "External Call Error Percentage" by address (`externalCallErrorPercent`).
pub fn external_error_percent(service: &str, resource: &[Value], step: i64) -> ChartQuery {
    let legend = "{{address}}";
    let mut errors = vec![
        item(label("service_name", "resource"), "IN", json!([service])),
        item(
            key("status_code", "int64", "tag", false),
            "IN",
            json!(["STATUS_CODE_ERROR"]),
        ),
    ];
    errors.extend(resource.iter().cloned());
    ChartQuery {
        queries: vec![
            rate(
                "A",
                "signoz_external_call_latency_count",
                errors,
                by_address(),
                legend,
                step,
                true,
            ),
            rate(
                "B",
                "signoz_external_call_latency_count",
                service_in(service, resource),
                by_address(),
                legend,
                step,
                true,
            ),
            formula("A*100/B", legend),
        ],
        draw: "F1",
        legend: legend.into(),
    }
}

/// "External Call duration" (`externalCallDuration`).
pub fn external_duration(service: &str, resource: &[Value], step: i64) -> ChartQuery {
    average(
        "signoz_external_call_latency",
        service_in(service, resource),
        vec![],
        "Average Duration",
        step,
    )
}

/// "External Call RPS(by Address)" (`externalCallRpsByAddress`).
pub fn external_rps_by_address(service: &str, resource: &[Value], step: i64) -> ChartQuery {
    let legend = "{{address}}";
    ChartQuery {
        queries: vec![rate(
            "A",
            "signoz_external_call_latency_count",
            service_in(service, resource),
            by_address(),
            legend,
            step,
            false,
        )],
        draw: "A",
        legend: legend.into(),
    }
}

/// "External Call duration(by Address)" (`externalCallDurationByAddress`).
pub fn external_duration_by_address(service: &str, resource: &[Value], step: i64) -> ChartQuery {
    average(
        "signoz_external_call_latency",
        service_in(service, resource),
        by_address(),
        "{{address}}",
        step,
    )
}

/// The smallest bucket bound at or above `value`, as text; `+Inf` past the
/// last (`getNearestHighestBucketValue`).
pub fn nearest_bucket(value: f64, buckets: &[f64]) -> String {
    buckets
        .iter()
        .find(|b| **b >= value)
        .map(|b| format!("{b}"))
        .unwrap_or_else(|| "+Inf".into())
}

/// The Apdex chart from the latency histogram (`apDexMetricsQueryBuilderQueries`):
/// satisfied = calls within the threshold (s), tolerating = within 4× it,
/// errors count as frustrated. `le`: the histogram's bounds (ms, from
/// `/metric_meta`); `delta`: its temporality.
pub fn apdex(
    service: &str,
    top_level_ops: &[String],
    threshold_s: f64,
    le: &[f64],
    delta: bool,
    resource: &[Value],
    step: i64,
) -> ChartQuery {
    let svc = || item(label("service_name", "tag"), "=", json!(service));
    let ops = || item(label("operation", "tag"), "IN", json!(top_level_ops));
    let not_error = || {
        item(
            label("status_code", "tag"),
            "!=",
            json!("STATUS_CODE_ERROR"),
        )
    };
    let le_item = |ms: f64| item(label("le", "tag"), "=", json!(nearest_bucket(ms, le)));
    let with_resource = |mut v: Vec<Value>| {
        v.extend(resource.iter().cloned());
        v
    };
    let a = with_resource(vec![svc(), ops()]);
    let b = with_resource(vec![
        not_error(),
        le_item(threshold_s * 1000.0),
        svc(),
        ops(),
    ]);
    let c = with_resource(vec![
        le_item(threshold_s * 1000.0 * 4.0),
        not_error(),
        svc(),
        ops(),
    ]);
    let expression = if delta {
        "(B + C/2)/A"
    } else {
        "((B + C)/2)/A"
    };
    let legend = "Apdex";
    ChartQuery {
        queries: vec![
            rate("A", "signoz_latency_count", a, vec![], legend, step, true),
            rate("B", "signoz_latency_bucket", b, vec![], legend, step, true),
            rate("C", "signoz_latency_bucket", c, vec![], legend, step, true),
            formula(expression, legend),
        ],
        draw: "F1",
        legend: legend.into(),
    }
}

impl ChartQuery {
    /// The `query_range` body for `[start_ms, end_ms]`.
    pub fn request(&self, start_ms: i64, end_ms: i64, step: i64) -> Value {
        super::query_range(start_ms, end_ms, step, "graph", self.queries.clone())
    }

    /// `(legend name, [(ms, value)])` per drawn series, sorted by name.
    pub fn series(&self, data: &QueryRangeData) -> NamedSeries {
        let mut out: NamedSeries = data
            .result
            .iter()
            .filter(|r| r.query_name == self.draw)
            .flat_map(|r| r.series().iter())
            .map(|s: &Series| {
                (
                    super::results::series_name(&self.legend, self.draw, s),
                    s.values
                        .iter()
                        .map(|p| (p.timestamp as f64, p.value))
                        .collect(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Which spans the traces explorer shows for a chart point.
#[derive(Clone, Copy, PartialEq)]
pub enum Calls {
    All,
    Db,
    External,
}

/// The traces explorer's `compositeQuery` for one service's spans of a kind.
pub fn traces_query(service: &str, calls: Calls, seed: u64) -> Query {
    let mut q = Query::initial("traces", query_id(seed));
    let item = |key: AttributeKey, op: &str, value: Value| FilterItem {
        id: query_id(seed ^ key.key.len() as u64),
        key: Some(key),
        op: op.into(),
        value,
        extra: Map::new(),
    };
    let items = &mut q.builder.query_data[0].filters.items;
    items.push(item(
        AttributeKey::trace_column("serviceName"),
        "=",
        json!(service),
    ));
    match calls {
        Calls::All => {}
        Calls::Db => items.push(item(
            AttributeKey::new("db.system", "string", "tag", false),
            "exists",
            Value::Null,
        )),
        Calls::External => items.push(item(AttributeKey::trace_column("kind"), "=", json!(3))),
    }
    q
}

/// `/traces-explorer` over `[t, t + step]` for the service.
pub fn traces_link(service: &str, calls: Calls, t_ms: f64, step_s: i64) -> String {
    let mut u = UrlQuery::new();
    let start = t_ms as i64;
    u.insert(
        "compositeQuery".into(),
        traces_query(service, calls, start as u64).to_url_param(),
    );
    u.insert("start".into(), start.to_string());
    u.insert("end".into(), (start + step_s * 1000).to_string());
    format!("/traces-explorer?{}", encode_query(&u))
}

/// The rule editor link for a chart's builder queries and formulas
/// (`/alerts/new?compositeQuery=…&panelTypes="graph"`, the form a dashboard
/// panel's "Create alert" writes), so the new rule starts from the chart's query.
pub fn alert_link(queries: Vec<Map<String, Value>>) -> String {
    let body = super::query_range(0, 0, 60, "graph", queries);
    match Query::from_composite_query(&body["compositeQuery"], query_id(0)) {
        Ok(q) => format!(
            "/alerts/new?compositeQuery={}&panelTypes={}",
            encode(&q.to_url_param()),
            encode("\"graph\"")
        ),
        Err(_) => "/alerts/new".into(),
    }
}

/// Alert links for the overview's Latency, Rate and Error % charts, from the
/// `service_overview` request: p50/p90/p99 (A–C); calls (D) as `rate`, i.e.
/// ops/s as drawn; and error % as the formula `E*100/D`.
pub fn overview_alert_links(body: &Value) -> [String; 3] {
    let pick = |names: &[&str]| -> Vec<Map<String, Value>> {
        names
            .iter()
            .filter_map(|n| {
                body["compositeQuery"]["builderQueries"][*n]
                    .as_object()
                    .cloned()
            })
            .collect()
    };
    let mut rate = pick(&["D"]);
    for q in &mut rate {
        q.insert("aggregateOperator".into(), json!("rate"));
    }
    let mut errors = pick(&["D", "E"]);
    errors.push(formula("E*100/D", "error %"));
    [
        alert_link(pick(&["A", "B", "C"])),
        alert_link(rate),
        alert_link(errors),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query the rule editor reads from an alert link.
    fn linked_query(link: &str) -> Query {
        let (path, qs) = link.split_once('?').unwrap();
        assert_eq!(path, "/alerts/new");
        let u = crate::url_state::parse_query(qs);
        assert_eq!(u.get("panelTypes").map(String::as_str), Some("\"graph\""));
        Query::from_url_param(&u["compositeQuery"]).unwrap()
    }

    #[test]
    fn chart_alert_link_carries_its_queries() {
        let q = linked_query(&alert_link(db_calls_rps("api", &[], 60).queries));
        let v = q.to_value();
        let data = v["builder"]["queryData"].as_array().unwrap();
        assert_eq!(data[0]["dataSource"], "metrics");
        assert!(v.to_string().contains("\"api\""), "{v}");
        assert_eq!(q.query_type, "builder");
    }

    #[test]
    fn overview_alert_links_split_the_charts() {
        let body = crate::query_builder::service_overview(
            "shop",
            &["GET /".into()],
            &[],
            0,
            3_600_000,
            60,
        );
        let [lat, rate, err] = overview_alert_links(&body);
        let names = |q: &Query| {
            q.builder
                .query_data
                .iter()
                .map(|b| b.query_name.clone())
                .collect::<Vec<_>>()
        };
        let lat = linked_query(&lat);
        assert_eq!(names(&lat), ["A", "B", "C"]);
        assert_eq!(lat.data_source(), "traces");
        let rate = linked_query(&rate);
        assert_eq!(names(&rate), ["D"]);
        assert_eq!(
            rate.to_value()["builder"]["queryData"][0]["aggregateOperator"],
            "rate"
        );
        let err = linked_query(&err);
        assert_eq!(names(&err), ["D", "E"]);
        assert_eq!(err.builder.query_formulas[0].expression, "E*100/D");
        assert!(err.to_value().to_string().contains("\"shop\""));
    }

    fn attr(op: &str) -> ResourceAttr {
        ResourceAttr {
            id: "r1".into(),
            tag_key: "resource_deployment_environment".into(),
            operator: op.into(),
            tag_value: vec!["prod".into()],
        }
    }

    #[test]
    fn resource_filter_becomes_metric_items_with_nin() {
        let items = resource_items(&[attr("IN"), attr("Not IN")]);
        assert_eq!(items[0]["op"], "IN");
        assert_eq!(items[1]["op"], "NIN");
        assert_eq!(items[0]["key"]["key"], "resource_deployment_environment");
        assert_eq!(items[0]["value"], json!(["prod"]));
    }

    #[test]
    fn db_calls_are_v039s_queries() {
        let res = resource_items(&[attr("IN")]);
        let q = db_calls_rps("api", &res, 60);
        let a = &q.queries[0];
        assert_eq!(a["aggregateAttribute"]["key"], "signoz_db_latency_count");
        assert_eq!(a["aggregateOperator"], "sum_rate");
        assert_eq!(a["dataSource"], "metrics");
        assert_eq!(a["groupBy"][0]["key"], "db_system");
        let items = a["filters"]["items"].as_array().unwrap();
        assert_eq!(items[0]["key"]["key"], "service_name");
        assert_eq!(items[0]["key"]["type"], "resource");
        assert_eq!(items[0]["op"], "IN");
        assert_eq!(items[1]["key"]["key"], "resource_deployment_environment");
        let d = db_calls_avg_duration("api", &[], 60);
        assert_eq!(d.draw, "F1");
        assert_eq!(d.queries[2]["expression"], "A/B");
        assert_eq!(d.queries[0]["disabled"], true);
        assert_eq!(
            d.queries[0]["aggregateAttribute"]["key"],
            "signoz_db_latency_sum"
        );
        let body = d.request(0, 3_600_000, 60);
        let bq = &body["compositeQuery"]["builderQueries"];
        assert_eq!(bq["F1"]["expression"], "A/B");
        assert_eq!(
            bq["B"]["aggregateAttribute"]["key"],
            "signoz_db_latency_count"
        );
    }

    #[test]
    fn external_calls_are_v039s_queries() {
        let e = external_error_percent("api", &[], 60);
        assert_eq!(e.queries[2]["expression"], "A*100/B");
        let a_items = e.queries[0]["filters"]["items"].as_array().unwrap();
        assert_eq!(a_items[1]["key"]["key"], "status_code");
        assert_eq!(a_items[1]["value"], json!(["STATUS_CODE_ERROR"]));
        assert_eq!(e.queries[1]["groupBy"][0]["key"], "address");
        assert_eq!(e.legend, "{{address}}");
        let r = external_rps_by_address("api", &[], 60);
        assert_eq!(
            r.queries[0]["aggregateAttribute"]["key"],
            "signoz_external_call_latency_count"
        );
        let d = external_duration_by_address("api", &[], 60);
        assert_eq!(d.queries[0]["groupBy"][0]["key"], "address");
        assert!(external_duration("api", &[], 60).queries[0]["groupBy"]
            .as_array()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn apdex_picks_buckets_and_formula_by_temporality() {
        let le = [0.1, 1.0, 2.0, 6.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0];
        assert_eq!(nearest_bucket(100.0, &le), "100");
        assert_eq!(nearest_bucket(400.0, &le), "500");
        assert_eq!(nearest_bucket(0.05, &le), "0.1");
        assert_eq!(nearest_bucket(5000.0, &le), "+Inf");
        let q = apdex("api", &["GET /".into()], 0.1, &le, false, &[], 60);
        assert_eq!(q.queries[3]["expression"], "((B + C)/2)/A");
        let b = q.queries[1]["filters"]["items"].as_array().unwrap();
        assert_eq!(b[0]["value"], "STATUS_CODE_ERROR");
        assert_eq!(b[0]["op"], "!=");
        assert_eq!(b[1]["key"]["key"], "le");
        assert_eq!(b[1]["value"], "100");
        let c = q.queries[2]["filters"]["items"].as_array().unwrap();
        assert_eq!(c[0]["value"], "500");
        assert_eq!(
            q.queries[0]["filters"]["items"][1]["value"],
            json!(["GET /"])
        );
        let d = apdex("api", &[], 0.5, &le, true, &[], 60);
        assert_eq!(d.queries[3]["expression"], "(B + C/2)/A");
    }

    #[test]
    fn chart_points_open_the_traces_explorer_on_the_service_and_step() {
        let link = traces_link("api", Calls::External, 1_700_000_000_000.0, 60);
        assert!(link.starts_with("/traces-explorer?"), "{link}");
        let q = crate::url_state::parse_query(link.split_once('?').unwrap().1);
        assert_eq!(q["start"], "1700000000000");
        assert_eq!(q["end"], "1700000060000");
        let cq = Query::from_url_param(&q["compositeQuery"]).unwrap();
        let items = &cq.builder.query_data[0].filters.items;
        assert_eq!(items[0].key.as_ref().unwrap().key, "serviceName");
        assert_eq!(items[0].value, json!("api"));
        assert_eq!(items[1].key.as_ref().unwrap().key, "kind");
        assert_eq!(items[1].value, json!(3));
        let db = traces_query("api", Calls::Db, 1);
        assert_eq!(db.builder.query_data[0].filters.items[1].op, "exists");
    }
}
