use super::*;

/// A rule as SigNoz v0.39 returns it: PromQL active, two builder queries and
/// a formula kept beside it, channels, labels, audit fields.
const SIGNOZ_RULE: &str = include_str!("signoz_v039_rule.json");

fn signoz_rule() -> Value {
    serde_json::from_str(SIGNOZ_RULE).unwrap()
}

fn serialized(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn signoz_rule_is_editable() {
    assert_eq!(unsupported(&signoz_rule()), None);
    let f = RuleForm::read(&signoz_rule(), "q".into());
    assert_eq!(f.name, "Checkout error ratio");
    assert_eq!(f.query.query_type, "promql");
    assert_eq!(f.target, "5.5");
    assert_eq!(f.match_type, "3");
    assert_eq!(f.severity, "critical");
    assert_eq!(
        f.labels,
        vec![
            ("env".into(), "prod".into()),
            ("team".into(), "payments".into())
        ]
    );
    assert_eq!(f.channels, vec!["payments-slack", "oncall-pagerduty"]);
    assert_eq!(f.query.builder.query_data.len(), 2);
    assert_eq!(f.query.builder.query_formulas.len(), 1);
}

#[test]
fn saving_unchanged_keeps_the_rule_identical() {
    let orig = signoz_rule();
    let f = RuleForm::read(&orig, "q".into());
    assert_eq!(serialized(&f.apply(&orig).unwrap()), serialized(&orig));
}

#[test]
fn changing_the_threshold_keeps_every_other_field_byte_identical() {
    let orig = signoz_rule();
    let mut f = RuleForm::read(&orig, "q".into());
    f.target = "7.25".into();
    let saved = f.apply(&orig).unwrap();
    let (o, s) = (orig.as_object().unwrap(), saved.as_object().unwrap());
    assert_eq!(
        o.keys().collect::<Vec<_>>(),
        s.keys().collect::<Vec<_>>(),
        "no field added or lost"
    );
    for (k, v) in o {
        if k != "condition" {
            assert_eq!(serialized(v), serialized(&s[k]), "field {k}");
        }
    }
    let (oc, sc) = (
        o["condition"].as_object().unwrap(),
        s["condition"].as_object().unwrap(),
    );
    assert_eq!(oc.keys().collect::<Vec<_>>(), sc.keys().collect::<Vec<_>>());
    for (k, v) in oc {
        if k != "target" {
            assert_eq!(serialized(v), serialized(&sc[k]), "condition.{k}");
        }
    }
    assert_eq!(sc["target"], json!(7.25));
}

#[test]
fn editing_labels_and_channels_touches_only_those() {
    let orig = signoz_rule();
    let mut f = RuleForm::read(&orig, "q".into());
    f.labels.push(("region".into(), "eu".into()));
    f.channels.pop();
    let saved = f.apply(&orig).unwrap();
    assert_eq!(
        saved["labels"],
        json!({"severity":"critical","team":"payments","env":"prod","region":"eu"})
    );
    assert_eq!(saved["preferredChannels"], json!(["payments-slack"]));
    assert_eq!(saved["condition"], orig["condition"]);
    assert_eq!(saved["annotations"], orig["annotations"]);
}

#[test]
fn editing_the_query_keeps_the_other_query_tabs() {
    let orig = signoz_rule();
    let mut f = RuleForm::read(&orig, "q".into());
    f.query.query_type = "builder".into();
    let saved = f.apply(&orig).unwrap();
    let cq = &saved["condition"]["compositeQuery"];
    assert_eq!(cq["queryType"], "builder");
    assert_eq!(saved["ruleType"], "threshold_rule");
    assert_eq!(
        cq["chQueries"],
        orig["condition"]["compositeQuery"]["chQueries"]
    );
    assert_eq!(cq["builderQueries"]["F1"]["expression"], "A*100/B");
    assert_eq!(cq["unit"], "percent");
}

#[test]
fn a_new_rule_has_every_field_signoz_expects() {
    let mut f = RuleForm::new("TRACES_BASED_ALERT", "q".into());
    f.name = "High p99".into();
    f.target = "500".into();
    f.labels = vec![("team".into(), "web".into())];
    let r = f.apply(&Value::Null).unwrap();
    assert_eq!(r["alertType"], "TRACES_BASED_ALERT");
    assert_eq!(r["ruleType"], "threshold_rule");
    assert_eq!(r["evalWindow"], "5m0s");
    assert_eq!(r["frequency"], "1m0s");
    assert_eq!(r["condition"]["target"], json!(500.0));
    assert_eq!(r["condition"]["matchType"], "1");
    assert_eq!(
        r["condition"]["compositeQuery"]["builderQueries"]["A"]["dataSource"],
        "traces"
    );
    assert_eq!(r["labels"], json!({"severity":"warning","team":"web"}));
    assert_eq!(r["preferredChannels"], json!([]));
    let r = with_source(r, "http://localhost:8080/", "12");
    assert_eq!(r["source"], "http://localhost:8080/alerts/edit?ruleId=12");
}

#[test]
fn a_url_source_is_kept() {
    let r = with_source(signoz_rule(), "http://here", "7");
    assert_eq!(r["source"], "http://signoz.example.com:3301/alerts/new");
    let r = with_source(json!({"source":"dashboard-ui"}), "http://here", "7");
    assert_eq!(r["source"], "http://here/alerts/edit?ruleId=7");
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let mut f = RuleForm::new("LOGS_BASED_ALERT", "q".into());
    assert!(f.apply(&Value::Null).unwrap_err().contains("name"));
    f.name = "x".into();
    f.target = "lots".into();
    assert!(f.apply(&Value::Null).unwrap_err().contains("number"));
}

#[test]
fn rules_the_editor_cannot_express_are_named() {
    let mut r = signoz_rule();
    r["ruleType"] = json!("anomaly_rule");
    assert!(unsupported(&r).unwrap().contains("anomaly_rule"));
    let mut r = signoz_rule();
    r["condition"]["matchType"] = json!("7");
    assert!(unsupported(&r).is_some());
    let mut r = signoz_rule();
    r["labels"]["n"] = json!(3);
    assert!(unsupported(&r).is_some());
    assert!(unsupported(&json!({"alert":"x"})).is_some());
    assert!(unsupported(&json!([1])).is_some());
}

#[test]
fn condition_text_names_the_query() {
    assert!(condition_text(&signoz_rule()).starts_with("PromQL sum(rate("));
    assert!(condition_text(&signoz_rule()).ends_with("above 5.5percent on average"));
}

#[test]
fn postable_drops_only_the_servers_fields() {
    let p = postable(signoz_rule());
    for k in [
        "id", "state", "createAt", "createBy", "updateAt", "updateBy",
    ] {
        assert!(p.get(k).is_none(), "{k}");
    }
    assert_eq!(p["version"], "v4");
    assert_eq!(p["preferredChannels"], signoz_rule()["preferredChannels"]);
}

#[test]
fn a_chart_rule_checks_the_drawn_query() {
    use crate::query_builder::service_metrics as sm;
    let q = |queries| {
        let body = crate::query_builder::query_range(0, 0, 60, "graph", queries);
        Query::from_composite_query(&body["compositeQuery"], "x".into()).unwrap()
    };
    // A/B drawn as F1; a lone D; p50 first of A–C.
    assert_eq!(
        drawn_query(&q(sm::db_calls_avg_duration("api", &[], 60).queries)),
        "F1"
    );
    let overview = crate::query_builder::service_overview("api", &[], &[], 0, 1, 60);
    let d = overview["compositeQuery"]["builderQueries"]["D"]
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(drawn_query(&q(vec![d])), "D");
    let a = overview["compositeQuery"]["builderQueries"]["A"]
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(drawn_query(&q(vec![a])), "A");
}
