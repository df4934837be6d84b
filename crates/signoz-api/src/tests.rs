//! The exact JSON the server writes with these types, and what the dashboard reads back.

use super::*;
use serde_json::{json, Value};

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn envelope_and_error_shapes() {
    assert_eq!(
        serde_json::to_string(&Envelope::<Value>::success(None)).unwrap(),
        r#"{"status":"success"}"#
    );
    assert_eq!(
        to_value(&Envelope::success(Some(json!([1])))),
        json!({"status": "success", "data": [1]})
    );
    let mut e = ErrorReply::new("bad_data", "error in query A: x");
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"status":"error","errorType":"bad_data","error":"error in query A: x"}"#
    );
    e.data = Some(json!({"A": "x"}));
    assert_eq!(to_value(&e)["data"], json!({"A": "x"}));
    assert_eq!(
        serde_json::to_string(&RawErrorReply::new(404, "Error/Exception not found")).unwrap(),
        r#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"Error/Exception not found"}]}"#
    );
    let back: RawErrorReply = serde_json::from_str(r#"{"errors":null}"#).unwrap();
    assert!(back.errors.is_empty());
}

#[test]
fn service_rows_keep_signoz_number_types() {
    let item = services::ServiceItem {
        service_name: "checkout".into(),
        num_calls: 3,
        ..Default::default()
    };
    let v = to_value(&item);
    // num4XX is an integer, fourXXRate a float (what v0.39 sends).
    assert_eq!(v["num4XX"], json!(0));
    assert_eq!(v["fourXXRate"], json!(0.0));
    assert_eq!(v["numCalls"], json!(3));
    assert_eq!(v.as_object().unwrap().len(), 9);
    let edge = to_value(&services::DependencyEdge::default());
    for k in [
        "parent",
        "child",
        "callCount",
        "callRate",
        "errorRate",
        "p99",
        "p95",
        "p90",
        "p75",
        "p50",
    ] {
        assert!(edge.get(k).is_some(), "{k}");
    }
}

#[test]
fn series_values_are_go_float_text_both_ways() {
    use query_range::{Point, QueryResult, Series};
    let s = Series {
        labels: [("service".to_string(), "a".to_string())].into(),
        labels_array: Some(vec![[("service".to_string(), "a".to_string())].into()]),
        values: [2.0, 0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e21]
            .iter()
            .enumerate()
            .map(|(i, &value)| Point {
                timestamp: i as i64 * 60_000,
                value,
            })
            .collect(),
    };
    let r = QueryResult {
        query_name: "A".into(),
        series: Some(vec![s]),
        list: None,
    };
    let v = to_value(&r);
    let texts: Vec<&str> = v["series"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["2", "0.5", "NaN", "+Inf", "-Inf", "1000000000000000000000"]
    );
    assert_eq!(v["list"], Value::Null);
    assert_eq!(v["series"][0]["labelsArray"], json!([{"service": "a"}]));
    let back: QueryResult = serde_json::from_value(v).unwrap();
    assert!(back.series()[0].values[2].value.is_nan());
    assert_eq!(back.series()[0].values[5].value, 1e21);
    // `series: null` (traces with no match) and `[]` (metrics) both read as no series.
    let none: QueryResult =
        serde_json::from_str(r#"{"queryName":"A","series":null,"list":null}"#).unwrap();
    assert!(none.series().is_empty() && none.list().is_empty());
    assert_eq!(to_value(&none)["series"], Value::Null);
}

#[test]
fn query_range_request_reads_signoz_fields() {
    use query_range::{DataSource, QueryRangeParams};
    let p: QueryRangeParams = serde_json::from_value(json!({"start": 1, "end": 2, "step": 60, "unknown": 1,
        "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {
            "queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count",
            "aggregateAttribute": {"key": "durationNano", "dataType": "float64", "type": "tag", "isColumn": true, "isJSON": false},
            "filters": {"op": "AND", "items": [{"key": {"key": "serviceName"}, "op": "=", "value": "a"}]},
            "stepInterval": 60, "limit": null}}}}))
    .unwrap();
    let q = &p.composite_query.as_ref().unwrap().builder_queries["A"];
    assert_eq!(q.data_source, DataSource::Traces);
    assert!(q.aggregate_attribute.is_column);
    assert!(!q.is_formula());
    let back = to_value(&p);
    assert_eq!(
        back["compositeQuery"]["builderQueries"]["A"]["dataSource"],
        "traces"
    );
    assert_eq!(
        back["compositeQuery"]["builderQueries"]["A"]["aggregateAttribute"]["isJSON"],
        false
    );
    let other: DataSource = serde_json::from_value(json!("events")).unwrap();
    assert_eq!(other.as_str(), "events");
}

#[test]
fn autocomplete_and_users_shapes() {
    let vals = autocomplete::AttributeValues {
        number_attribute_values: vec![200.0, f64::NAN],
        ..Default::default()
    };
    let v = to_value(&vals);
    assert_eq!(v["numberAttributeValues"], json!([200.0, null]));
    assert_eq!(v["stringAttributeValues"], json!([]));
    let back: autocomplete::AttributeValues = serde_json::from_value(v).unwrap();
    assert!(back.number_attribute_values[1].is_nan());
    let keys: autocomplete::AttributeKeys =
        serde_json::from_str(r#"{"attributeKeys":null}"#).unwrap();
    assert!(keys.attribute_keys.is_empty());

    let u = to_value(&users::UserPayload::default());
    assert_eq!(u["flags"], Value::Null);
    assert!(u.get("profilePictureURL").is_some());
    let inv = to_value(&users::Invitation::default());
    assert!(inv.get("precheck").is_none());
    assert_eq!(to_value(&users::Message::new("ok")), json!({"data": "ok"}));
    assert_eq!(
        to_value(&users::UserRole::default()),
        json!({"user_id": "", "group_name": ""})
    );
}

#[test]
fn exception_shapes() {
    let d = to_value(&exceptions::ErrorDetail::default());
    for k in [
        "errorId",
        "exceptionEscaped",
        "spanID",
        "traceID",
        "groupID",
    ] {
        assert!(d.get(k).is_some(), "{k}");
    }
    let np = to_value(&exceptions::NextPrevErrors::default());
    for k in [
        "nextErrorID",
        "nextTimestamp",
        "prevErrorID",
        "prevTimestamp",
        "groupID",
    ] {
        assert!(np.get(k).is_some(), "{k}");
    }
}

#[test]
fn prometheus_shapes() {
    use prometheus::{InstantSample, PromData, PromResult, RangeSeries, Sample, StringSample};
    let m = PromData::from(PromResult::Matrix(vec![RangeSeries {
        metric: [("__name__".to_string(), "up".to_string())].into(),
        values: vec![Sample(1707901200.0, 1.0), Sample(1707901200.5, f64::NAN)],
    }]));
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"resultType":"matrix","result":[{"metric":{"__name__":"up"},"values":[[1707901200.0,"1"],[1707901200.5,"NaN"]]}]}"#
    );
    let v = to_value(&PromData::from(PromResult::Vector(vec![InstantSample {
        metric: Default::default(),
        value: Sample(1.5, 2.0),
    }])));
    assert_eq!(
        v,
        json!({"resultType": "vector", "result": [{"metric": {}, "value": [1.5, "2"]}]})
    );
    let s = to_value(&PromData::from(PromResult::String(StringSample(
        1.0,
        "x".into(),
    ))));
    assert_eq!(s, json!({"resultType": "string", "result": [1.0, "x"]}));
    let back: Sample = serde_json::from_value(json!([1.0, "+Inf"])).unwrap();
    assert_eq!(back.1, f64::INFINITY);
}

#[test]
fn settings_shapes() {
    use settings::{ApdexSettings, MetricMeta, TtlReply};
    let ttl = TtlReply {
        signal: "traces".into(),
        ttl_hours: 168,
        move_ttl_hours: -1,
        expected_ttl_hours: 168,
        expected_move_ttl_hours: -1,
        status: "success".into(),
    };
    assert_eq!(
        to_value(&ttl),
        json!({"traces_ttl_duration_hrs": 168, "traces_move_ttl_duration_hrs": -1,
            "expected_traces_ttl_duration_hrs": 168, "expected_traces_move_ttl_duration_hrs": -1,
            "status": "success"})
    );
    // Go's nil slice: no buckets is `null`, not `[]`.
    assert_eq!(
        to_value(&MetricMeta {
            delta: false,
            le: None
        }),
        json!({"delta": false, "le": null})
    );
    let a: ApdexSettings = serde_json::from_value(
        json!({"serviceName": "web", "threshold": 0.3, "excludeStatusCodes": "404"}),
    )
    .unwrap();
    assert_eq!(to_value(&a)["excludeStatusCodes"], "404");
}

#[test]
fn legacy_trace_replies_keep_go_names_and_omitempty() {
    let empty = legacy_traces::FilteredSpans::default();
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"spans":null,"totalSpans":0}"#
    );
    let row = legacy_traces::FilteredSpan {
        http_method: "GET".into(),
        rpc_method: "Charge".into(),
        duration_nano: 5,
        ..Default::default()
    };
    let v = to_value(&row);
    assert_eq!(v["HttpMethod"], "GET");
    assert_eq!(v["RPCMethod"], "Charge");
    assert_eq!(v["durationNano"], 5);
    let back: legacy_traces::FilteredSpans =
        serde_json::from_value(json!({"spans": [v], "totalSpans": 1})).unwrap();
    assert_eq!(back.spans, [row]);

    let mut items = std::collections::BTreeMap::new();
    items.insert(
        60_000_000_000,
        legacy_traces::SpanAggregateItem {
            timestamp: 60_000_000_000,
            value: 0.0,
            group_by: [("a".to_string(), 2.0)].into(),
        },
    );
    assert_eq!(
        to_value(&legacy_traces::SpanAggregates { items }),
        json!({"items": {"60000000000": {"timestamp": 60000000000i64, "groupBy": {"a": 2.0}}}})
    );
    assert_eq!(to_value(&settings::DiskItem::default()), json!({}));
}

#[test]
fn logs_v1_shapes() {
    use logs_v1::*;
    let mut agg = LogsAggregate::default();
    agg.items.insert(
        60,
        LogsAggregateItem {
            timestamp: 60,
            value: Some(2.0),
            group_by: None,
        },
    );
    agg.items.insert(
        120,
        LogsAggregateItem {
            timestamp: 120,
            value: None,
            group_by: Some([("web".to_string(), 1.0)].into()),
        },
    );
    // Map keys are int64 in Go, so JSON object keys are decimal strings; omitempty fields go.
    assert_eq!(
        serde_json::to_string(&agg).unwrap(),
        r#"{"items":{"60":{"timestamp":60,"value":2.0},"120":{"timestamp":120,"groupBy":{"web":1.0}}}}"#
    );
    let log = to_value(&LogsResults {
        results: vec![SignozLog::default()],
    });
    let keys: Vec<&str> = log["results"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "timestamp",
        "id",
        "trace_id",
        "span_id",
        "trace_flags",
        "severity_text",
        "severity_number",
        "body",
        "resources_string",
        "attributes_string",
        "attributes_int",
        "attributes_float",
        "attributes_bool",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
    let f: UpdateField = serde_json::from_value(
        json!({"name": "a", "dataType": "String", "type": "attributes", "selected": true}),
    )
    .unwrap();
    assert_eq!(
        to_value(&f),
        json!({"name": "a", "dataType": "String", "type": "attributes", "selected": true, "index": "", "indexGranularity": 0})
    );
}
