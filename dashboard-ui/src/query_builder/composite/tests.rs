use super::*;
use crate::query_builder::vocab::*;
use crate::url_state::{encode_query, parse_query, Query as UrlQuery};

/// `encodeURIComponent`: keeps `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
fn encode_uri_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `URLSearchParams` serialisation (application/x-www-form-urlencoded):
/// keeps `A-Z a-z 0-9 * - . _`, space as `+`.
fn form_urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What SigNoz v0.39's Traces explorer puts in the URL for "p99 of
/// durationNano by http.route where hasError = false and
/// deployment.environment = local", built from the v0.39 source:
/// `QueryBuilderSearch` items (`id` = 8 chars of a uuid, the key as
/// autocomplete returned it, op through `getOperatorValue`, values as typed
/// text), `initialQueryBuilderFormValues` for the rest, and
/// `redirectWithQueryBuilderData`'s
/// `urlQuery.set('compositeQuery', encodeURIComponent(JSON.stringify(query)))`
/// (so the JSON is percent-encoded twice in the address bar), plus
/// `panelTypes` as `JSON.stringify("graph")`.
const SIGNOZ_QUERY: &str = r##"{"queryType":"builder","builder":{"queryData":[{"dataSource":"traces","queryName":"A","aggregateOperator":"p99","aggregateAttribute":{"key":"durationNano","dataType":"float64","type":"tag","isColumn":true,"isJSON":false,"id":"durationNano--float64--tag--true"},"filters":{"items":[{"id":"8b6d2f1a","key":{"key":"hasError","dataType":"bool","type":"tag","isColumn":true,"isJSON":false,"id":"hasError--bool--tag--true"},"op":"=","value":"false"},{"id":"c3f0e9aa","key":{"key":"deployment.environment","dataType":"string","type":"resource","isColumn":false,"isJSON":false,"id":"deployment.environment--string--resource--false"},"op":"=","value":"local"},{"id":"0f1e2d3c","key":{"key":"http.route","dataType":"string","type":"tag","isColumn":false,"isJSON":false,"id":"http.route--string--tag--false"},"op":"in","value":["/api/cart","/api/checkout"]}],"op":"AND"},"expression":"A","disabled":false,"having":[{"columnName":"p99(durationNano)","op":">","value":[1000000]}],"stepInterval":60,"limit":10,"orderBy":[{"columnName":"#SIGNOZ_VALUE","order":"desc"}],"groupBy":[{"key":"http.route","dataType":"string","type":"tag","isColumn":false,"isJSON":false,"id":"http.route--string--tag--false"}],"legend":"{{http.route}}","reduceTo":"avg","timeAggregation":"","spaceAggregation":"","functions":[]}],"queryFormulas":[{"queryName":"F1","expression":"A / 1000000","disabled":false,"legend":"ms","limit":null,"having":[],"orderBy":[]}]},"promql":[{"name":"A","query":"","legend":"","disabled":false}],"clickhouse_sql":[{"name":"A","legend":"","disabled":false,"query":""}],"id":"b7ad4e0c-6f1e-4c43-9a58-2f0e5c1d7a11"}"##;

fn signoz_url() -> String {
    let cq = form_urlencode(&encode_uri_component(SIGNOZ_QUERY));
    format!(
        "?compositeQuery={cq}&panelTypes={}&viewName=%22%22",
        form_urlencode("\"graph\"")
    )
}

#[test]
fn signoz_url_opens_here() {
    let params = parse_query(&signoz_url());
    let q = Query::from_url_param(&params["compositeQuery"]).unwrap();
    assert_eq!(
        panel_type_from_param(params.get("panelTypes").map(String::as_str), "list"),
        "graph"
    );
    let a = &q.builder.query_data[0];
    assert_eq!(
        (a.data_source.as_str(), a.aggregate_operator.as_str()),
        ("traces", "p99")
    );
    assert_eq!(a.aggregate_attribute.key, "durationNano");
    assert_eq!(a.filters.items.len(), 3);
    assert_eq!(a.filters.items[1].key.as_ref().unwrap().kind, "resource");
    assert_eq!(
        a.filters.items[2].value,
        json!(["/api/cart", "/api/checkout"])
    );
    assert_eq!(a.group_by[0].key, "http.route");
    assert_eq!(
        (a.limit, a.reduce_to.as_str(), a.legend.as_str()),
        (Some(10), "avg", "{{http.route}}")
    );
    assert_eq!(a.order_by[0].column_name, ORDER_BY_VALUE);
    assert_eq!(q.builder.query_formulas[0].expression, "A / 1000000");
    // Unknown fields (v4 metric fields, formula limit/having) ride along in `extra`.
    assert_eq!(a.extra["functions"], json!([]));
    assert_eq!(q.builder.query_formulas[0].extra["limit"], Value::Null);
    // Lossless: what we write back equals what SigNoz wrote.
    let back: Value = serde_json::to_value(&q).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(SIGNOZ_QUERY).unwrap());
}

#[test]
fn our_url_opens_in_signoz_shape() {
    let q: Query = serde_json::from_str(SIGNOZ_QUERY).unwrap();
    let mut params = UrlQuery::new();
    params.insert("compositeQuery".into(), q.to_url_param());
    params.insert("panelTypes".into(), panel_type_param("table"));
    let url = encode_query(&params);
    // SigNoz reads it with URLSearchParams.get + decodeURIComponent + JSON.parse:
    // mimic that with our decoders (both are standard percent-decoding).
    let once = parse_query(&url);
    let twice = crate::url_state::decode_component(&once["compositeQuery"]);
    assert_eq!(
        serde_json::from_str::<Value>(&twice).unwrap(),
        serde_json::from_str::<Value>(SIGNOZ_QUERY).unwrap()
    );
    assert_eq!(once["panelTypes"], "\"table\"");
    assert_eq!(Query::from_url_param(&once["compositeQuery"]).unwrap(), q);
}

#[test]
fn plain_json_param_and_garbage() {
    assert!(Query::from_url_param(SIGNOZ_QUERY).is_ok());
    assert!(Query::from_url_param("%7Bnot json").is_err());
    assert!(Query::from_url_param("").is_err());
    // A minimal query fills SigNoz's defaults.
    let q = Query::from_url_param(r#"{"builder":{"queryData":[{"dataSource":"logs"}]}}"#).unwrap();
    assert_eq!(q.query_type, "builder");
    assert_eq!(q.builder.query_data[0].step_interval, 60);
    assert_eq!(q.builder.query_data[0].filters.op, "AND");
    assert_eq!(panel_type_from_param(Some("\"nonsense\""), "list"), "list");
    assert_eq!(panel_type_from_param(None, "list"), "list");
}

/// A query over every operator for a key of each type, round-tripped through
/// the URL, for every data source and panel type.
#[test]
fn every_operator_data_source_and_panel_round_trips() {
    let keys = [
        AttributeKey::new("http.route", "string", "tag", false),
        AttributeKey::new("deployment.environment", "string", "resource", false),
        AttributeKey::trace_column("durationNano"),
        AttributeKey::new("http.status_code", "int64", "tag", false),
        AttributeKey::trace_column("hasError"),
        AttributeKey::new("anything", "", "", false),
    ];
    let mut covered = std::collections::BTreeSet::new();
    for ds in DATA_SOURCES {
        for (n, agg) in aggregate_operators(ds).into_iter().enumerate() {
            let mut q = Query::initial(ds, query_id(n as u64));
            let a = &mut q.builder.query_data[0];
            a.aggregate_operator = agg.into();
            if needs_attribute(ds, agg) {
                a.aggregate_attribute = AttributeKey::trace_column("durationNano");
            }
            for k in &keys {
                for op in ops_for_type(&k.data_type) {
                    covered.insert(op);
                    let text = if k.data_type == "bool" {
                        "true"
                    } else {
                        "7, 8"
                    };
                    a.filters.items.push(FilterItem {
                        id: format!("{}", a.filters.items.len()),
                        key: Some(k.clone()),
                        op: op.into(),
                        value: parse_filter_value(text, &k.data_type, op),
                        extra: Map::new(),
                    });
                }
            }
            a.filters.op = if n % 2 == 0 {
                "AND".into()
            } else {
                "OR".into()
            };
            a.group_by = keys[..2].to_vec();
            a.having = vec![Having {
                column_name: format!("{agg}(durationNano)"),
                op: "IN".into(),
                value: json!([1, 2]),
                extra: Map::new(),
            }];
            a.order_by = vec![OrderBy {
                column_name: ORDER_BY_VALUE.into(),
                order: "asc".into(),
                extra: Map::new(),
            }];
            a.limit = Some(5);
            a.legend = "{{http.route}} in {{deployment.environment}}".into();
            a.step_interval = 300;
            q.add_query().unwrap();
            q.builder.query_data[1].disabled = true;
            q.add_formula().unwrap();
            q.builder.query_formulas[0].expression = "sqrt(A) + log10(B) * 2".into();
            let url = encode_query(
                &[("compositeQuery".to_string(), q.to_url_param())]
                    .into_iter()
                    .collect(),
            );
            let back = Query::from_url_param(&parse_query(&url)["compositeQuery"]).unwrap();
            assert_eq!(back, q, "{ds} {agg}");
            for panel in PANEL_TYPES {
                let cq = q.composite_query(panel);
                assert_eq!(cq["panelType"], panel);
                let again = Query::from_composite_query(&cq, q.id.clone()).unwrap();
                assert_eq!(again.builder, q.builder, "{ds} {agg} {panel}");
            }
        }
    }
    let all: std::collections::BTreeSet<&str> = FILTER_OPS.iter().map(|(_, a)| *a).collect();
    assert_eq!(covered, all, "every v0.39 filter operator is exercised");
}

#[test]
fn operator_vocabulary_matches_v039() {
    assert_eq!(aggregate_operators("traces").len(), 21);
    assert_eq!(aggregate_operators("logs"), aggregate_operators("traces"));
    let m = aggregate_operators("metrics");
    assert_eq!(m.len(), 30);
    assert_eq!(
        &m[16..21],
        &["rate", "sum_rate", "avg_rate", "max_rate", "min_rate"]
    );
    assert_eq!(m.last(), Some(&"hist_quantile_99"));
    assert_eq!(ops_for_type("bool"), vec!["=", "!=", "exists", "nexists"]);
    assert_eq!(ops_for_type("string").len(), 12);
    assert_eq!(ops_for_type("float64"), ops_for_type("int64"));
    assert_eq!(op_label("nin"), "NOT_IN");
    assert_eq!(op_value("NOT_REGEX"), "nregex");
    assert_eq!(aggregate_label("p99"), "P99");
    assert_eq!(aggregate_label("rate_sum"), "Rate_sum");
    assert_eq!(aggregate_label("count_distinct"), "Count Distinct");
    assert!(!needs_attribute("traces", "rate") && needs_attribute("metrics", "rate"));
    assert_eq!(
        parse_filter_value("a, b,", "string", "in"),
        json!(["a", "b"])
    );
    assert_eq!(parse_filter_value("1.5", "float64", "="), json!(1.5));
    assert_eq!(parse_filter_value("200", "int64", ">="), json!(200));
    assert_eq!(parse_filter_value("false", "bool", "="), json!(false));
    assert_eq!(parse_filter_value("x", "string", "exists"), json!(""));
    assert_eq!(filter_value_text(&json!(["a", 2])), "a, 2");
}

#[test]
fn query_and_formula_names() {
    let mut q = Query::initial("traces", "x".into());
    for _ in 0..25 {
        q.add_query().unwrap();
    }
    assert_eq!(q.builder.query_data.last().unwrap().query_name, "Z");
    assert!(q.add_query().is_none());
    q.builder.query_data.remove(1);
    assert_eq!(q.add_query().as_deref(), Some("B"));
    for i in 1..=20 {
        assert_eq!(q.add_formula(), Some(format!("F{i}")));
    }
    assert!(q.add_formula().is_none());
    assert_ne!(query_id(1), query_id(2));
    assert_eq!(query_id(1).len(), 36);
}

#[test]
fn explorer_requests() {
    let q: Query = serde_json::from_str(SIGNOZ_QUERY).unwrap();
    let graph = explorer_request(&q, "graph", 1000, 2000, 60, None);
    let cq = &graph["compositeQuery"];
    assert_eq!(cq["builderQueries"]["A"]["aggregateOperator"], "p99");
    assert_eq!(cq["builderQueries"]["F1"]["expression"], "A / 1000000");
    assert_eq!(
        cq["builderQueries"]["A"]["filters"]["items"][1]["key"]["type"],
        "resource"
    );
    assert_eq!(graph["start"], 1000);
    let opts = ListOptions {
        page_size: 50,
        offset: 100,
        order_by: ("durationNano".into(), "desc".into()),
        select_columns: vec![AttributeKey::trace_column("serviceName")],
    };
    let list = explorer_request(&q, "list", 1000, 2000, 60, Some(&opts));
    let a = &list["compositeQuery"]["builderQueries"]["A"];
    assert_eq!(
        list["compositeQuery"]["builderQueries"]
            .as_object()
            .unwrap()
            .len(),
        1,
        "formulas are dropped"
    );
    assert_eq!(a["aggregateOperator"], "noop");
    assert_eq!(a["groupBy"], json!([]));
    assert_eq!(
        (
            a["limit"].as_u64(),
            a["offset"].as_u64(),
            a["pageSize"].as_u64()
        ),
        (Some(50), Some(100), Some(50))
    );
    assert_eq!(
        a["orderBy"][0],
        json!({"columnName": "durationNano", "order": "desc"})
    );
    assert_eq!(a["selectColumns"][0]["key"], "serviceName");
    // Filters are kept.
    assert_eq!(a["filters"]["items"].as_array().unwrap().len(), 3);
}

#[test]
fn saved_view_and_rule_shapes_load() {
    // A rule's condition.compositeQuery as SigNoz stores it (contract 6.5 with 6.4's query).
    let cq = json!({"queryType":"builder","panelType":"graph","builderQueries":{"C":{"queryName":"C","expression":"C","dataSource":"traces","aggregateOperator":"p99",
        "aggregateAttribute":{"key":"durationNano","dataType":"float64","type":"tag","isColumn":true,"isJSON":false},
        "filters":{"op":"AND","items":[{"key":{"key":"serviceName","dataType":"string","type":"tag","isColumn":true,"isJSON":false},"op":"=","value":"checkout"}]},
        "groupBy":[],"having":[],"orderBy":[],"stepInterval":60,"limit":null,"disabled":false,"reduceTo":"sum","legend":"p99"}},"unit":"ns"});
    let q = Query::from_composite_query(&cq, "id".into()).unwrap();
    assert_eq!(q.builder.query_data[0].query_name, "C");
    assert_eq!(q.unit.as_deref(), Some("ns"));
    let back = q.composite_query("graph");
    assert_eq!(back, cq);
    // PromQL queries keep their text.
    let prom = json!({"queryType":"promql","panelType":"graph","promQueries":{"A":{"query":"up","disabled":false,"legend":""}}});
    let q = Query::from_composite_query(&prom, "id".into()).unwrap();
    assert_eq!(
        q.composite_query("graph")["promQueries"]["A"]["query"],
        "up"
    );
}

#[test]
fn widget_is_signoz_shaped() {
    let q: Query = serde_json::from_str(SIGNOZ_QUERY).unwrap();
    let w = widget("w1", "p99 by route", "graph", &q);
    assert_eq!(w["panelTypes"], "graph");
    assert_eq!(w["query"]["queryType"], "builder");
    assert_eq!(
        w["query"]["builder"]["queryData"][0]["aggregateOperator"],
        "p99"
    );
    assert_eq!(w["query"]["builder"]["queryFormulas"][0]["queryName"], "F1");
}

#[test]
fn typed_keys_adopt_autocomplete_types() {
    let mut b = BuilderQuery::new("A", "traces");
    b.filters.items.push(FilterItem {
        key: Some(AttributeKey::new(
            "deployment.environment",
            "",
            "tag",
            false,
        )),
        op: "=".into(),
        value: json!("local"),
        ..Default::default()
    });
    b.filters.items.push(FilterItem {
        key: Some(AttributeKey::new("http.route", "string", "tag", false)),
        op: "=".into(),
        value: json!("/x"),
        ..Default::default()
    });
    b.group_by
        .push(AttributeKey::new("host.name", "", "", false));
    b.filters.items.push(FilterItem {
        key: Some(AttributeKey::new("hasError", "", "", false)),
        op: "=".into(),
        value: json!("false"),
        ..Default::default()
    });
    b.aggregate_attribute = AttributeKey::new("durationNano", "", "", false);
    let suggestions = vec![
        AttributeKey::new("deployment.environment", "string", "resource", false),
        AttributeKey::new("host.name", "string", "resource", false),
        AttributeKey::new("http.route", "int64", "resource", false),
        AttributeKey::trace_column("durationNano"),
        AttributeKey::trace_column("hasError"),
    ];
    b.adopt_suggestions(&suggestions, false);
    assert_eq!(
        b.filters.items[2].value,
        json!(false),
        "value read again as the adopted bool type"
    );
    assert_eq!(b.filters.items[0].key.as_ref().unwrap().kind, "resource");
    assert_eq!(
        b.filters.items[1].key.as_ref().unwrap().data_type,
        "string",
        "typed keys stay"
    );
    assert_eq!(b.group_by[0].kind, "resource");
    assert_eq!(
        b.aggregate_attribute.data_type, "",
        "aggregate only on request"
    );
    b.adopt_suggestions(&suggestions, true);
    assert!(b.aggregate_attribute.is_column);
    assert_eq!(
        b.aggregate_attribute.extra["id"],
        "durationNano--float64--tag--true"
    );
}
