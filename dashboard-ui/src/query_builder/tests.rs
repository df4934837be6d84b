use super::*;
use crate::url_state::{LogFilters, TraceFilters};

#[test]
fn span_list_matches_contract_6_3() {
    let f = TraceFilters {
        service: "checkout".into(),
        status: "error".into(),
        ..Default::default()
    };
    let v = traces_explorer(&f, 1707901200000, 1707904800000, 20);
    assert_eq!(v["start"], 1707901200000i64);
    let cq = &v["compositeQuery"];
    assert_eq!(cq["queryType"], "builder");
    assert_eq!(cq["panelType"], "list");
    let a = &cq["builderQueries"]["A"];
    assert_eq!(a["dataSource"], "traces");
    assert_eq!(a["aggregateOperator"], "noop");
    assert_eq!(a["filters"]["op"], "AND");
    let items = a["filters"]["items"].as_array().unwrap();
    assert_eq!(
        items[0]["key"],
        serde_json::json!({"key":"serviceName","dataType":"string","type":"tag","isColumn":true,"isJSON":false})
    );
    assert_eq!(items[0]["op"], "=");
    assert_eq!(items[0]["value"], "checkout");
    assert_eq!(items[1]["key"]["key"], "hasError");
    assert_eq!(items[1]["value"], true);
    assert_eq!(a["orderBy"][0]["columnName"], "timestamp");
    assert!(
        !a["selectColumns"].as_array().unwrap().is_empty(),
        "list panels need selectColumns"
    );
    assert_eq!(
        (a["limit"].as_u64(), a["offset"].as_u64()),
        (Some(20), Some(0))
    );
    assert!(a["stepInterval"].as_i64().unwrap() > 0);
}

#[test]
fn trace_view_durations_attrs_and_paging() {
    let f = TraceFilters {
        min_ms: Some(1.5),
        max_ms: Some(10.0),
        attrs: vec![("http.route".into(), "/cart".into())],
        view_traces: true,
        page: 2,
        ..Default::default()
    };
    let v = traces_explorer(&f, 0, 1, 50);
    assert_eq!(v["compositeQuery"]["panelType"], "trace");
    let a = &v["compositeQuery"]["builderQueries"]["A"];
    let items = a["filters"]["items"].as_array().unwrap();
    assert_eq!(
        (items[0]["op"].as_str(), items[0]["value"].as_i64()),
        (Some(">="), Some(1_500_000))
    );
    assert_eq!(
        (items[1]["op"].as_str(), items[1]["value"].as_i64()),
        (Some("<="), Some(10_000_000))
    );
    assert_eq!(items[2]["key"]["key"], "http.route");
    assert_eq!(items[2]["key"]["isColumn"], false);
    assert_eq!(a["offset"], 100);
}

#[test]
fn service_overview_queries() {
    let v = service_overview("checkout", &["GET /cart".to_string()], &[], 0, 3_600_000, 0);
    let qs = v["compositeQuery"]["builderQueries"].as_object().unwrap();
    assert_eq!(qs.len(), 5);
    assert_eq!(qs["C"]["aggregateOperator"], "p99");
    assert_eq!(qs["C"]["aggregateAttribute"]["key"], "durationNano");
    assert_eq!(qs["C"]["filters"]["items"][1]["op"], "in");
    assert_eq!(qs["C"]["filters"]["items"][1]["value"][0], "GET /cart");
    assert_eq!(qs["E"]["filters"]["items"][2]["key"]["key"], "hasError");
    // A step of 0 would crash SigNoz (contract §7): never sent.
    assert_eq!(qs["A"]["stepInterval"], 60);
    assert_eq!(v["step"], 60);
    // No top-level operations: no name filter at all.
    let v = service_overview("x", &[], &[], 0, 1, 60);
    assert_eq!(
        v["compositeQuery"]["builderQueries"]["A"]["filters"]["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn logs_list_query() {
    let f = LogFilters {
        service: "web".into(),
        body: "timeout".into(),
        severity: "ERROR".into(),
        page: 1,
        ..Default::default()
    };
    let v = logs_list(&f, 0, 1, 100);
    let a = &v["compositeQuery"]["builderQueries"]["A"];
    assert_eq!(a["dataSource"], "logs");
    assert_eq!(v["compositeQuery"]["panelType"], "list");
    let items = a["filters"]["items"].as_array().unwrap();
    assert_eq!(items[0]["key"]["type"], "resource");
    assert_eq!(items[2]["op"], "contains");
    assert_eq!(a["offset"], 100);
}

#[test]
fn panels_and_rules_round_trip() {
    let p = PanelQuery {
        data_source: "traces".into(),
        aggregate: "p99".into(),
        attribute: "durationNano".into(),
        service: "checkout".into(),
        group_by: "serviceName".into(),
    };
    let v = panel_query(&p, "bar", 0, 1, 60);
    assert_eq!(v["compositeQuery"]["panelType"], "graph");
    assert_eq!(
        v["compositeQuery"]["builderQueries"]["A"]["groupBy"][0]["key"],
        "serviceName"
    );
    assert_eq!(
        panel_query(&p, "value", 0, 1, 60)["compositeQuery"]["panelType"],
        "value"
    );
    let rule = threshold_rule("slow", &p, "1", 500.0, "warning", false);
    assert_eq!(rule["ruleType"], "threshold_rule");
    assert_eq!(rule["condition"]["op"], "1");
    assert_eq!(rule["condition"]["selectedQueryName"], "A");
    assert_eq!(
        panel_query_from_composite(&rule["condition"]["compositeQuery"]),
        p
    );
    let count = PanelQuery::default();
    assert_eq!(
        panel_query(&count, "graph", 0, 1, 60)["compositeQuery"]["builderQueries"]["A"]
            ["aggregateAttribute"]["key"],
        ""
    );
}

#[test]
fn rum_queries_are_tables_over_traces() {
    let qs = rum_queries(0, 3_600_000);
    assert_eq!(qs.len(), 7);
    let (name, v) = &qs[0];
    assert_eq!(*name, "pageLoads");
    assert_eq!(v["compositeQuery"]["panelType"], "table");
    assert_eq!(
        v["compositeQuery"]["builderQueries"]["A"]["aggregateOperator"],
        "p75"
    );
    assert_eq!(
        v["compositeQuery"]["builderQueries"]["A"]["filters"]["items"][0]["value"],
        "documentLoad"
    );
}

#[test]
fn rum_vitals_and_errors_are_log_queries_on_contract_names() {
    let qs: std::collections::BTreeMap<_, _> = rum_queries(0, 3_600_000).into_iter().collect();
    let v = &qs["vitals"]["compositeQuery"]["builderQueries"];
    assert_eq!(v["A"]["dataSource"], "logs");
    assert_eq!(v["A"]["aggregateAttribute"]["key"], "web_vital.value");
    assert_eq!(v["A"]["aggregateAttribute"]["dataType"], "float64");
    assert_eq!(v["A"]["filters"]["items"][0]["key"]["key"], "event.name");
    assert_eq!(v["A"]["filters"]["items"][0]["value"], "browser.web_vital");
    assert_eq!(v["D"]["groupBy"].as_array().unwrap().len(), 3);
    let e = &qs["errorCounts"]["compositeQuery"]["builderQueries"]["A"];
    assert_eq!(e["groupBy"][0]["key"], "exception.message");
    assert_eq!(e["filters"]["items"][0]["value"], "browser.error");
    assert_eq!(qs["recentErrors"]["compositeQuery"]["panelType"], "list");
    let s = &qs["sessions"]["compositeQuery"]["builderQueries"];
    assert_eq!(s["A"]["aggregateOperator"], "count_distinct");
    assert_eq!(s["A"]["aggregateAttribute"]["key"], "session.id");
    assert_eq!(
        s["A"]["aggregateAttribute"]["type"], "resource",
        "sent on the resource"
    );
    assert_eq!(s["A"]["filters"]["items"][0]["key"]["type"], "resource");
    assert_eq!(s["B"]["filters"]["items"][0]["value"], "routeChange");
}
