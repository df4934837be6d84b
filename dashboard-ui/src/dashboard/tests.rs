use super::*;
use crate::query_builder::composite::{BuilderQuery, Query};
use serde_json::json;

/// SigNoz's published dashboards of early 2024 (tests/fixtures/signoz-dashboards/README.md).
const FIXTURES: [(&str, &str); 6] = [
    (
        "jvm",
        include_str!("../../../tests/fixtures/signoz-dashboards/JVM-Metrics.json"),
    ),
    (
        "flask",
        include_str!("../../../tests/fixtures/signoz-dashboards/flask-monitoring.json"),
    ),
    (
        "host",
        include_str!("../../../tests/fixtures/signoz-dashboards/hostmetrics-with-variable.json"),
    ),
    (
        "ops-ch",
        include_str!("../../../tests/fixtures/signoz-dashboards/key-operations-chquery.json"),
    ),
    (
        "ops-promql",
        include_str!("../../../tests/fixtures/signoz-dashboards/key-operations-promql.json"),
    ),
    (
        "ops-builder",
        include_str!("../../../tests/fixtures/signoz-dashboards/key-operations-querybuilder.json"),
    ),
];

fn fixture(name: &str) -> Value {
    let text = FIXTURES.iter().find(|(n, _)| *n == name).unwrap().1;
    serde_json::from_str(text).unwrap()
}

#[test]
fn every_published_dashboard_round_trips_unchanged() {
    for (name, text) in FIXTURES {
        let v: Value = serde_json::from_str(text).unwrap();
        let spec = DashboardSpec::from_value(&v);
        assert_eq!(spec.to_value(), v, "{name}");
        // Export → import is the same JSON.
        let again = import_json(&export_json(&spec)).unwrap();
        assert_eq!(again.to_value(), v, "{name} via export/import");
    }
}

#[test]
fn widgets_read_as_signoz_wrote_them() {
    let spec = DashboardSpec::from_value(&fixture("jvm"));
    assert_eq!(spec.widgets.len(), 23);
    let heap = spec
        .widgets
        .iter()
        .find(|w| w.title() == "Heap Used ")
        .unwrap();
    assert_eq!(heap.panel_type(), "value");
    assert_eq!(heap.unit(), "percent");
    assert_eq!(heap.query.query_type, "builder");
    assert_eq!(heap.query.builder.query_data.len(), 2);
    assert_eq!(heap.query.builder.query_formulas[0].expression, "A*100/B");
    assert_eq!(
        drawn_queries(&heap.query),
        vec![("F1".to_string(), String::new())]
    );
    let vars = spec.variables();
    assert_eq!(vars.len(), 2);
    let svc = &spec
        .variables()
        .iter()
        .find(|(k, _)| k == "serviceName")
        .unwrap()
        .1;
    assert!(svc.multi());
    assert_eq!(svc.sort.as_deref(), Some("ASC"));
    let host = DashboardSpec::from_value(&fixture("host"));
    let mem = &host.widgets[0];
    assert_eq!(mem.query.query_type, "promql");
    assert_eq!(
        drawn_queries(&mem.query),
        vec![("A".to_string(), "{{state}}".to_string())]
    );
    assert_eq!(host.placed().len(), 24);
}

#[test]
fn an_edited_widget_keeps_the_fields_it_did_not_change() {
    let v = fixture("flask");
    let mut spec = DashboardSpec::from_value(&v);
    spec.widgets[0].title = Some("RPS".into());
    spec.widgets[0].query.builder.query_data[0].legend = "{{status}}".into();
    spec.set_place(&spec.widgets[1].id.clone(), 6, 0, 6, 4);
    let out = spec.to_value();
    assert_eq!(out["widgets"][0]["title"], "RPS");
    assert_eq!(
        out["widgets"][0]["query"]["builder"]["queryData"][0]["legend"],
        "{{status}}"
    );
    // Everything else of the widget is as it came.
    for k in [
        "queryData",
        "timePreferance",
        "nullZeroValues",
        "opacity",
        "thresholds",
        "description",
    ] {
        assert_eq!(out["widgets"][0][k], v["widgets"][0][k], "{k}");
    }
    let id = v["widgets"][1]["id"].as_str().unwrap();
    let l = out["layout"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["i"] == id)
        .unwrap();
    assert_eq!((l["x"].clone(), l["h"].clone()), (json!(6), json!(4)));
    // react-grid-layout's own keys survive a move.
    let before = v["layout"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["i"] == id)
        .unwrap();
    assert_eq!(l["static"], before["static"]);
}

#[test]
fn widget_request_carries_queries_formulas_and_variables() {
    let mut spec = DashboardSpec::from_value(&fixture("ops-builder"));
    spec.variable_mut("service_name")
        .unwrap()
        .select(vec!["checkout".into()]);
    let vars = spec.variables_payload();
    assert_eq!(vars, json!({"service_name": "checkout"}));
    let calls = spec
        .widgets
        .iter()
        .find(|w| w.title() == "Number of Calls")
        .unwrap();
    let body = widget_request(calls, 1_000, 61_000, 60, &vars);
    let cq = &body["compositeQuery"];
    assert_eq!(cq["queryType"], "builder");
    assert_eq!(cq["panelType"], "graph");
    assert_eq!(cq["builderQueries"]["A"]["aggregateOperator"], "sum_rate");
    assert_eq!(cq["builderQueries"]["F1"]["expression"], "A * 5 * 60");
    assert_eq!(body["variables"]["service_name"], "checkout");

    let p = DashboardSpec::from_value(&fixture("ops-promql"));
    let body = widget_request(&p.widgets[0], 0, 3_600_000, 60, &json!({}));
    assert_eq!(body["compositeQuery"]["queryType"], "promql");
    assert!(body["compositeQuery"]["promQueries"]["A"]["query"]
        .as_str()
        .unwrap()
        .contains("histogram_quantile"));

    let ch = DashboardSpec::from_value(&fixture("ops-ch"));
    let body = widget_request(&ch.widgets[0], 0, 3_600_000, 60, &json!({}));
    assert!(body["compositeQuery"]["chQueries"]["A"]["query"]
        .as_str()
        .unwrap()
        .contains("quantile(0.5)"));
}

#[test]
fn variables_select_and_default_as_v039_does() {
    let mut v = Variable::from_value(
        &json!({"type": "CUSTOM", "customValue": "b, a,c,a", "multiSelect": true, "showALLOption": true, "sort": "ASC"}),
    );
    let opts = v.options(&[]);
    assert_eq!(opts, vec!["a", "b", "c"]);
    v.default_selection(&opts);
    assert_eq!(v.payload(), json!(["a", "b", "c"]));
    assert_eq!(v.all_selected, Some(true));
    v.select(vec!["b".into()]);
    assert_eq!(v.payload(), json!(["b"]));
    let mut single =
        Variable::from_value(&json!({"type": "QUERY", "selectedValue": "", "sort": "DESC"}));
    let opts = single.options(&["h1".into(), "h2".into()]);
    single.default_selection(&opts);
    assert_eq!(single.payload(), json!("h2"));
    let mut text = Variable::from_value(&json!({"type": "TEXTBOX", "textboxValue": "eu-1"}));
    text.default_selection(&[]);
    assert_eq!(text.payload(), json!("eu-1"));
}

#[test]
fn our_query_panels_migrate_to_builder_queries() {
    let data = json!({"title": "Old", "widgets": [{"id": "w1", "title": "errors", "panelTypes": "bar",
        "query": {"queryType": "builder", "promql": [], "clickhouse_sql": [], "builder": {"queryData": [], "queryFormulas": []}, "id": "w1"},
        "ourQuery": {"data_source": "traces", "aggregate": "p99", "attribute": "durationNano", "service": "cart", "group_by": "name"}}],
        "layout": [{"i": "w1", "x": 0, "y": 0, "w": 6, "h": 3}]});
    let spec = DashboardSpec::from_value(&data);
    let w = &spec.widgets[0];
    assert_eq!(w.panel_type(), "graph");
    let b: &BuilderQuery = &w.query.builder.query_data[0];
    assert_eq!(
        (b.data_source.as_str(), b.aggregate_operator.as_str()),
        ("traces", "p99")
    );
    assert_eq!(b.aggregate_attribute.key, "durationNano");
    assert_eq!(b.filters.items[0].value, json!("cart"));
    assert_eq!(b.group_by[0].key, "name");
    let out = spec.to_value();
    assert!(out["widgets"][0].get("ourQuery").is_none());
    assert_eq!(
        out["widgets"][0]["query"]["builder"]["queryData"][0]["aggregateOperator"],
        "p99"
    );
}

#[test]
fn widgets_are_added_cloned_and_removed_with_their_layout() {
    let mut spec = DashboardSpec::from_value(&json!({"title": "t", "widgets": [], "layout": []}));
    spec.upsert_widget(Widget::new(
        "a",
        "graph",
        Query::initial("metrics", "a".into()),
    ));
    spec.upsert_widget(Widget::new(
        "b",
        "value",
        Query::initial("metrics", "b".into()),
    ));
    assert_eq!(spec.layout.as_ref().unwrap()[1].y, 3);
    assert!(spec.clone_widget("b", "c"));
    assert_eq!(spec.widgets[2].panel_type(), "value");
    assert_eq!(spec.layout.as_ref().unwrap()[2].y, 6);
    spec.remove_widget("a");
    assert_eq!(spec.widgets.len(), 2);
    assert!(spec.layout.as_ref().unwrap().iter().all(|l| l.i != "a"));
    // Places are clamped to the 12 columns.
    spec.set_place("b", 10, -2, 6, 0);
    let b = spec
        .layout
        .as_ref()
        .unwrap()
        .iter()
        .find(|l| l.i == "b")
        .unwrap();
    assert_eq!((b.x, b.y, b.w, b.h), (6, 0, 6, 1));
}

#[test]
fn import_accepts_data_or_a_whole_dashboard_and_refuses_the_rest() {
    assert_eq!(import_json(r#"{"title":"x"}"#).unwrap().title, "x");
    assert_eq!(
        import_json(r#"{"id":1,"uuid":"u","data":{"title":"y"}}"#)
            .unwrap()
            .title,
        "y"
    );
    assert!(import_json("[1]").unwrap_err().contains("object"));
    assert!(import_json("{").unwrap_err().contains("not JSON"));
    assert!(import_json(r#"{"description":"no title"}"#)
        .unwrap_err()
        .contains("title"));
}

#[test]
fn search_tags_thresholds_units_and_stacking() {
    let spec =
        DashboardSpec::from_value(&json!({"title": "Host metrics", "tags": ["infra", "hosts"]}));
    assert!(matches_filter(&spec, "host", &[]));
    assert!(matches_filter(&spec, "INFRA", &["hosts".into()]));
    assert!(!matches_filter(&spec, "jvm", &[]));
    assert!(!matches_filter(&spec, "", &["jvm".into()]));
    let t = Threshold::from_value(
        &json!({"thresholdValue": 80, "thresholdOperator": ">", "thresholdColor": "Red"}),
    );
    assert!(t.matches(81.0) && !t.matches(80.0));
    assert_eq!(t.to_value()["thresholdValue"], json!(80));
    let s = stack(&[
        vec![(1.0, 1.0), (2.0, f64::NAN)],
        vec![(1.0, 2.0), (2.0, 3.0)],
    ]);
    assert_eq!(s[1], vec![(1.0, 3.0), (2.0, 3.0)]);
    assert_eq!(unit_format("bytes")(2048.0), "2 KiB");
    assert_eq!(unit_format("percentunit")(0.5), "50%");
}

#[test]
fn alert_link_carries_the_panel_query() {
    let spec = DashboardSpec::from_value(&fixture("ops-promql"));
    let link = alert_link(&spec.widgets[0]);
    assert!(link.starts_with("/alerts/new?compositeQuery="));
    assert!(link.contains("panelTypes=%22graph%22"));
}
