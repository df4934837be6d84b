//! Parsing of the contract's §6 examples and §9 edge cases.
use super::*;

const TRACE_6_2: &str = r#"[{"columns":["__time","SpanId","TraceId","ServiceName","Name","Kind","DurationNano","TagsKeys","TagsValues","References","Events","HasError"],
  "events":[
   [1707903000123,"aa11bb22cc33dd44","7f3c2a1b9d8e4f60a1b2c3d4e5f60718","frontend","GET /cart","2","45000000",
    ["http.method","http.status_code"],["GET","200"],
    ["{TraceId=7f3c2a1b9d8e4f60a1b2c3d4e5f60718, SpanId=, RefType=CHILD_OF}"],[],false],
   [1707903000130,"ee55ff6677889900","7f3c2a1b9d8e4f60a1b2c3d4e5f60718","checkout","SELECT cart","3","12000000",
    ["db.system"],["postgresql"],
    ["{TraceId=7f3c2a1b9d8e4f60a1b2c3d4e5f60718, SpanId=aa11bb22cc33dd44, RefType=CHILD_OF}"],
    ["{\"name\":\"exception\",\"timeUnixNano\":1707903000135000000,\"attributeMap\":{\"exception.type\":\"Timeout\"},\"isError\":true}"],true]]}]"#;

#[test]
fn services_6_1() {
    let body = r#"[{"serviceName":"checkout","p99":812000000.5,"avgDuration":95400000.1,"numCalls":5400,"callRate":1.5,"numErrors":27,"errorRate":0.5,"num4XX":3,"fourXXRate":0.055}]"#;
    let s: Vec<ServiceItem> = serde_json::from_str(body).unwrap();
    assert_eq!(s[0].service_name, "checkout");
    assert_eq!(s[0].num_calls, 5400);
    assert_eq!(s[0].error_rate, 0.5);
    assert_eq!(s[0].p99, 812000000.5);
}

#[test]
fn trace_detail_6_2() {
    let r: Vec<SearchSpansResult> = serde_json::from_str(TRACE_6_2).unwrap();
    assert_eq!(r[0].columns.len(), 12);
    let row = &r[0].events[1];
    assert_eq!(row.1, "ee55ff6677889900");
    assert_eq!(row.5, "3");
    assert_eq!(row.6, "12000000");
    assert!(row.11);
    // An unknown trace is `events: []`, and a null events list is tolerated.
    let empty: Vec<SearchSpansResult> =
        serde_json::from_str(r#"[{"columns":[],"events":[]}]"#).unwrap();
    assert!(empty[0].events.is_empty());
    let null: Vec<SearchSpansResult> =
        serde_json::from_str(r#"[{"columns":[],"events":null}]"#).unwrap();
    assert!(null[0].events.is_empty());
}

#[test]
fn span_row_tolerates_numeric_kind_and_duration() {
    let row: SpanRow =
        serde_json::from_str(r#"[1.5,"a","t","s","n",2,45000000,null,null,null,null,false]"#)
            .unwrap();
    assert_eq!(row.5, "2");
    assert_eq!(row.6, "45000000");
    assert!(row.7.is_empty());
}

#[test]
fn query_range_list_6_3() {
    let body = r#"{"status":"success","data":{"resultType":"","result":[{"queryName":"A","series":null,"list":[
      {"timestamp":"2024-02-14T10:10:00.13Z","data":{"spanID":"ee55ff6677889900","traceID":"7f3c2a1b9d8e4f60a1b2c3d4e5f60718","serviceName":"checkout","name":"SELECT cart","durationNano":12000000}}]}]}}"#;
    let env: Envelope<QueryRangeData> = serde_json::from_str(body).unwrap();
    let data = env.data.unwrap();
    assert!(data.result[0].series().is_empty());
    let row = &data.result[0].list()[0];
    assert_eq!(row.text("serviceName"), "checkout");
    assert_eq!(row.number("durationNano"), 12_000_000.0);
    assert_eq!(row.text("missing"), "");
}

#[test]
fn query_range_series_6_4_and_9() {
    let body = r#"{"status":"success","data":{"resultType":"","result":[{"queryName":"C","list":null,"series":[
      {"labels":{},"labelsArray":null,"values":[{"timestamp":1707901200000,"value":"812000000"},{"timestamp":1707901260000,"value":"790500000.5"},
        {"timestamp":1707901320000,"value":"NaN"},{"timestamp":1707901380000,"value":"+Inf"},{"timestamp":1707901440000,"value":"-Inf"}]}]},
      {"queryName":"D","series":[],"list":null}]}}"#;
    let env: Envelope<QueryRangeData> = serde_json::from_str(body).unwrap();
    let data = env.data.unwrap();
    let v = &data.result[0].series()[0].values;
    assert_eq!(v[1].value, 790500000.5);
    assert!(v[2].value.is_nan());
    assert_eq!(v[3].value, f64::INFINITY);
    assert_eq!(v[4].value, f64::NEG_INFINITY);
    assert_eq!(data.result[0].series()[0].label_text("p99"), "p99");
    assert!(data.result[1].series().is_empty());
}

#[test]
fn rules_6_5_and_dashboards_6_6() {
    let rules = r#"{"status":"success","data":{"rules":[{"id":"1","state":"firing","alert":"High p99 checkout","alertType":"TRACES_BASED_ALERT",
      "ruleType":"threshold_rule","evalWindow":"5m0s","frequency":"1m0s","condition":{"op":"1","target":500},
      "labels":{"severity":"warning"},"annotations":{"summary":"High latency"},"disabled":false,"createAt":"2024-02-14T09:00:00Z","updateBy":null}]}}"#;
    let env: Envelope<RulesList> = serde_json::from_str(rules).unwrap();
    let r = &env.data.unwrap().rules[0];
    assert_eq!((r.id.as_str(), r.state.as_str()), ("1", "firing"));
    assert_eq!(r.labels["severity"], "warning");

    let dash = r#"{"status":"success","data":[{"id":1,"uuid":"0b8e","created_at":"2024-02-14T08:00:00.123Z","created_by":"a","updated_at":"x","updated_by":"a","isLocked":0,
      "data":{"title":"Checkout overview","description":"Latency","tags":["checkout"],"layout":[{"i":"w1"}],"variables":{},
      "widgets":[{"id":"w1","title":"p99","panelTypes":"graph"}]}}]}"#;
    let env: Envelope<Vec<Dashboard>> = serde_json::from_str(dash).unwrap();
    let d = &env.data.unwrap()[0];
    assert_eq!(d.data.title, "Checkout overview");
    assert_eq!(d.is_locked, Some(0));
    // Unknown fields survive a round trip.
    let back = serde_json::to_value(&d.data).unwrap();
    assert_eq!(back["layout"][0]["i"], "w1");
    // The create reply carries isLocked: null (contract §9).
    let created: Dashboard =
        serde_json::from_str(r#"{"id":2,"uuid":"u","isLocked":null,"data":{"title":"t"}}"#)
            .unwrap();
    assert_eq!(created.is_locked, None);
}

#[test]
fn auth_shapes() {
    let v: Version =
        serde_json::from_str(r#"{"version":"v0.39.0","ee":"Y","setupCompleted":false}"#).unwrap();
    assert!(!v.setup_completed);
    let l: LoginResponse = serde_json::from_str(
        r#"{"accessJwt":"a","accessJwtExpiry":1,"refreshJwt":"r","refreshJwtExpiry":2,"userId":"u"}"#,
    )
    .unwrap();
    assert_eq!(l.refresh_jwt, "r");
    let u: UserPayload = serde_json::from_str(
        r#"{"id":"u","name":"Ann","email":"a@x","createdAt":1,"profilePictureURL":"","orgId":"o","groupId":"g","role":"ADMIN","organization":"Org","flags":null}"#,
    )
    .unwrap();
    assert_eq!(u.flags, None);
    // Register reply: no data.
    let env: Envelope<Value> = serde_json::from_str(r#"{"status":"success"}"#).unwrap();
    assert!(env.data.is_none());
}

#[test]
fn error_bodies_in_every_shape() {
    assert_eq!(
        error_message(
            401,
            r#"{"status":"error","errorType":"unauthorized","error":"failed to parse jwt token"}"#
        ),
        "failed to parse jwt token"
    );
    assert_eq!(
        error_message(400, "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":400,\"msg\":\"bad\"}]}\n"),
        "bad"
    );
    assert_eq!(
        error_message(502, "<html>Bad Gateway</html>"),
        "HTTP 502: <html>Bad Gateway</html>"
    );
    assert_eq!(error_message(500, ""), "HTTP 500");
}

#[test]
fn errors_and_alerts() {
    let e: Vec<ErrorGroup> = serde_json::from_str(
        r#"[{"exceptionType":"TypeError","exceptionMessage":"x is undefined","exceptionCount":3,"lastSeen":"2024-02-14T10:00:00Z","firstSeen":"2024-02-14T09:00:00Z","serviceName":"web","groupID":"g1"}]"#,
    )
    .unwrap();
    assert_eq!(e[0].group_id, "g1");
    let d: ErrorDetail = serde_json::from_str(
        r#"{"errorId":"e","exceptionType":"T","exceptionStacktrace":"at f","exceptionEscaped":"false","exceptionMessage":"m","timestamp":"t","spanID":"s","traceID":"tr","serviceName":"web","groupID":"g1"}"#,
    )
    .unwrap();
    assert_eq!(d.trace_id, "tr");
    let as_string = Value::String(r#"{"status":"success","data":[{"labels":{"alertname":"A"},"annotations":{},"startsAt":"t","status":{"state":"active"}}]}"#.into());
    assert_eq!(
        parse_triggered_alerts(&as_string).unwrap()[0].labels["alertname"],
        "A"
    );
    assert!(parse_triggered_alerts(&Value::String(String::new()))
        .unwrap()
        .is_empty());
    assert!(parse_triggered_alerts(&Value::String("not json".into())).is_err());
}
