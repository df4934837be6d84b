//! Browser tests: the SDK in headless Chrome and Firefox, exporting over real HTTP to
//! tests/support/receiver.mjs on 127.0.0.1 (started by scripts/test.d/20-sdk-browser.sh,
//! which passes its URL as SDK_TEST_RECEIVER at compile time). The test page and the
//! receiver have different origins, so every export is a CORS request with a preflight.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, JSON};
use sdk_wasm::js_api::{init, Sdk};
use sdk_wasm::trace::SpanContext;
use sdk_wasm::web::timers::sleep;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function installFetchSpy() {
  const real = globalThis.fetch;
  const calls = [];
  globalThis.fetch = function (input, init) {
    const body = init && init.body;
    calls.push({ url: String(input), keepalive: !!(init && init.keepalive), bytes: body ? body.byteLength : 0 });
    return real.call(this, input, init);
  };
  return { calls, restore() { globalThis.fetch = real; } };
}
export function stashText() {
  return localStorage.getItem('sdk-wasm:unsent');
}
export function dispatch(target, type) {
  (target === 'document' ? document : window).dispatchEvent(new Event(type));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = installFetchSpy)]
    fn install_fetch_spy() -> JsValue;
    fn dispatch(target: &str, event: &str);
    #[wasm_bindgen(js_name = stashText)]
    fn stash_text() -> Option<String>;
}

// Compiles without the variable, so `cargo check` and clippy work; running without it fails
// with the instructions below.
#[allow(clippy::option_env_unwrap)]
fn receiver() -> &'static str {
    option_env!("SDK_TEST_RECEIVER").expect("build with SDK_TEST_RECEIVER=http://127.0.0.1:<port> (see scripts/test.d/20-sdk-browser.sh)")
}

/// A unique test id, so tests sharing one receiver never see each other's data.
fn test_id(name: &str) -> String {
    let mut b = [0u8; 4];
    b.iter_mut()
        .for_each(|x| *x = (js_sys::Math::random() * 256.0) as u8);
    let mut s = String::from(name);
    s.push('-');
    sdk_wasm::propagation::traceparent::push_hex(&mut s, &b);
    s
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn num(v: &JsValue, k: &str) -> f64 {
    get(v, k)
        .as_f64()
        .unwrap_or_else(|| panic!("{k} is not a number"))
}

fn config(extra: &str, id: &str, behaviour: &str) -> JsValue {
    let endpoint = format!("{}/t/{id}{behaviour}", receiver());
    JSON::parse(&format!(
        // The exporter alone: instrumentations, RUM features and the offline buffer (on by
        // default) off; `extra` may turn them on (a later key wins).
        r#"{{"serviceName":"browser-test","otlpEndpoint":"{endpoint}","instrumentations":false,"webVitals":false,"errors":false,"longTasks":false,"offline":false{extra}}}"#
    ))
    .unwrap()
}

fn start(extra: &str, id: &str, behaviour: &str) -> Sdk {
    init(config(extra, id, behaviour), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("init")
}

async fn fetch_json(url: &str) -> JsValue {
    let fetch: js_sys::Function = Reflect::get(&js_sys::global(), &"fetch".into())
        .unwrap()
        .into();
    let resp = JsFuture::from(
        fetch
            .call1(&JsValue::UNDEFINED, &url.into())
            .unwrap()
            .dyn_into::<js_sys::Promise>()
            .unwrap(),
    )
    .await
    .unwrap();
    let text = JsFuture::from(
        resp.dyn_into::<web_sys::Response>()
            .unwrap()
            .text()
            .unwrap(),
    )
    .await
    .unwrap();
    JSON::parse(&text.as_string().unwrap()).unwrap()
}

async fn received(id: &str) -> JsValue {
    fetch_json(&format!("{}/t/{id}/_received", receiver())).await
}

/// Polls the receiver until `done` holds (or 15 s pass) and returns the last summary.
async fn received_until(id: &str, done: impl Fn(&JsValue) -> bool) -> JsValue {
    for _ in 0..150 {
        let r = received(id).await;
        if done(&r) {
            return r;
        }
        sleep(100.0).await;
    }
    received(id).await
}

fn make_spans(sdk: &Sdk, n: usize, prefix: &str) {
    let tracer = sdk.tracer("browser-test".into(), Some("1.0".into()));
    let attrs = JSON::parse(r#"{"s":"v","n":3,"f":1.5,"b":true,"a":["x","y"]}"#).unwrap();
    let options = Object::new();
    Reflect::set(&options, &"attributes".into(), &attrs).unwrap();
    for i in 0..n {
        let mut span = tracer.start_span(format!("{prefix}{i}"), options.clone().into());
        span.add_event("evt".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
        span.end(JsValue::UNDEFINED);
    }
}

#[wasm_bindgen_test]
async fn spans_arrive_after_flush_in_both_encodings() {
    for encoding in ["protobuf", "json"] {
        let id = test_id(encoding);
        let sdk = start(&format!(r#","encoding":"{encoding}""#), &id, "");
        make_spans(&sdk, 3, "flush-");
        JsFuture::from(sdk.force_flush()).await.unwrap();
        let r = received(&id).await;
        assert_eq!(num(&r, "spans"), 3.0, "{encoding}");
        let req = js_sys::Array::from(&get(&r, "requests"))
            .iter()
            .find(|x| get(x, "method") == "POST")
            .unwrap();
        assert!(
            get(&req, "error").is_null(),
            "{encoding}: receiver could not decode"
        );
        let names = js_sys::Array::from(&get(&req, "spanNames"));
        assert_eq!(names.get(0).as_string().unwrap(), "flush-0");
        let ct = get(&req, "contentType").as_string().unwrap();
        assert_eq!(
            ct,
            if encoding == "json" {
                "application/json"
            } else {
                "application/x-protobuf"
            }
        );
        let stats = sdk.stats();
        assert_eq!(num(&stats, "spansExported"), 3.0);
        assert_eq!(num(&stats, "spansDropped"), 0.0);
        JsFuture::from(sdk.shutdown()).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn pagehide_sends_with_keepalive() {
    let id = test_id("pagehide");
    // The spy goes in before init: the SDK captures fetch at init and uses only that.
    let spy = install_fetch_spy();
    let sdk = start(r#","batch":{"scheduledDelayMillis":600000}"#, &id, "");
    make_spans(&sdk, 5, "hide-");
    assert_eq!(
        js_sys::Array::from(&get(&spy, "calls")).length(),
        0,
        "nothing sent before the page hides"
    );
    dispatch("window", "pagehide");
    let calls = js_sys::Array::from(&get(&spy, "calls"));
    let restore: js_sys::Function = get(&spy, "restore").into();
    restore.call0(&spy).unwrap();
    assert_eq!(
        calls.length(),
        1,
        "one export, started synchronously in the pagehide handler"
    );
    let call = calls.get(0);
    assert!(get(&call, "url")
        .as_string()
        .unwrap()
        .ends_with("/v1/traces"));
    assert_eq!(get(&call, "keepalive"), JsValue::TRUE);
    let r = received_until(&id, |r| num(r, "spans") >= 5.0).await;
    assert_eq!(num(&r, "spans"), 5.0);
    assert!(sdk.is_exporter_url(&format!("{}/t/{id}/v1/traces", receiver())));
    assert!(!sdk.is_exporter_url(&format!("{}/t/{id}/api", receiver())));
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

/// Spans shaped like the fetch instrumentation's (~500 B each as protobuf).
fn make_fetch_spans(sdk: &Sdk, n: usize) {
    let tracer = sdk.tracer(
        "@sdk-wasm/instrumentation-fetch".into(),
        Some("0.1.0".into()),
    );
    let events = [
        "fetchStart",
        "domainLookupStart",
        "domainLookupEnd",
        "connectStart",
        "connectEnd",
        "requestStart",
        "responseStart",
        "responseEnd",
    ];
    for i in 0..n {
        let options = JSON::parse(&format!(
            r#"{{"kind":2,"attributes":{{"http.request.method":"GET","url.full":"https://api.example.com/items/{i}?page=2","server.address":"api.example.com","server.port":443,"http.response.status_code":200,"http.response.body.size":1834}}}}"#
        ))
        .unwrap();
        let mut span = tracer.start_span("GET".into(), options);
        for e in events {
            span.add_event(e.into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
        }
        span.end(JsValue::UNDEFINED);
    }
}

/// The benchmark's case: a burst of 200 fetch spans (~100 KB), then the page goes away.
/// Every request is a keepalive request and all of them together stay within the budget
/// (≤ 60 KiB, < 9 pending); what did not fit waits in localStorage, and the next `init`
/// on the origin delivers it.
#[wasm_bindgen_test]
async fn pagehide_burst_goes_in_keepalive_chunks_and_the_rest_reaches_the_next_init() {
    burst_then_hide("", "burst-hide").await;
}

/// The same with gzip: the batch being compressed when the page hides (CompressionStream is
/// async, the page would be gone before it finishes) and the rest go uncompressed at once,
/// with keepalive, or to the stash; none is sent twice.
#[wasm_bindgen_test]
async fn pagehide_burst_with_gzip_loses_nothing() {
    burst_then_hide(r#","compression":"gzip""#, "burst-hide-gzip").await;
}

async fn burst_then_hide(extra: &str, name: &str) {
    assert_eq!(stash_text(), None, "no stash left by other tests");
    let id = test_id(name);
    let gzip = !extra.is_empty();
    let spy = install_fetch_spy();
    // Sessions off; 200 fetch spans are ~100 KB: the budget arithmetic below.
    let sdk = start(
        &(r#","batch":{"scheduledDelayMillis":600000},"session":false"#.to_string() + extra),
        &id,
        "",
    );
    make_fetch_spans(&sdk, 200);
    let calls_now = || js_sys::Array::from(&get(&spy, "calls")).length();
    assert_eq!(
        calls_now(),
        0,
        "~56 KiB queued fills a batch, which leaves from a task of its own"
    );
    if gzip {
        // The batch is being compressed (asynchronously).
        sleep(0.0).await;
        assert_eq!(
            calls_now(),
            0,
            "a full batch is being compressed: no request yet"
        );
    }
    let before_hide = calls_now();
    dispatch("window", "pagehide");
    if gzip {
        assert!(
            js_sys::Array::from(&get(&spy, "calls")).length() >= 1,
            "the batch being compressed left at page hide"
        );
    }
    let calls = js_sys::Array::from(&get(&spy, "calls"));
    assert!(
        calls.length() > before_hide,
        "and a chunk fills what is left of the budget"
    );
    let restore: js_sys::Function = get(&spy, "restore").into();
    restore.call0(&spy).unwrap();
    let mut total = 0.0;
    for c in calls.iter() {
        assert_eq!(
            get(&c, "keepalive"),
            JsValue::TRUE,
            "every request outlives the page"
        );
        total += num(&c, "bytes");
    }
    assert!(
        total <= 60.0 * 1024.0,
        "all pending keepalive bodies within the budget: {total}"
    );
    assert!(calls.length() < 9);
    let stats = sdk.stats();
    let stashed = num(&stats, "spansStashed");
    let sizes: Vec<String> = calls.iter().map(|c| num(&c, "bytes").to_string()).collect();
    assert!(
        stashed > 0.0,
        "the rest is stashed: {:?} {:?}",
        sizes,
        JSON::stringify(&stats).unwrap()
    );
    assert_eq!(num(&stats, "spansStashDropped"), 0.0);
    assert!(stash_text().is_some());
    web_sys::console::log_1(&format!("200 fetch spans, page hidden: keepalive bodies [{}] B = {total} B, {stashed} spans stashed", sizes.join(", ")).into());
    let sent = 200.0 - stashed;
    let r = received_until(&id, |r| num(r, "spans") >= sent).await;
    assert_eq!(num(&r, "spans"), sent, "the keepalive chunks arrive");
    JsFuture::from(sdk.shutdown()).await.unwrap();

    // The next page (same endpoint) sends the stash, to the endpoint it was made for, just
    // after its init (which leaves storage alone). (An entry for any other
    // endpoint is dropped: tests/rum/api.test.mjs.)
    let next = start("", &id, "");
    assert!(stash_text().is_some(), "not read in init");
    let r = received_until(&id, |r| num(r, "spans") >= 200.0).await;
    assert_eq!(stash_text(), None, "taken out of storage");
    assert_eq!(num(&r, "spans"), 200.0, "nothing lost");
    let posts = js_sys::Array::from(&get(&r, "requests"))
        .iter()
        .filter(|x| get(x, "method") == "POST")
        .collect::<Vec<_>>();
    assert!(
        posts.iter().all(|p| get(p, "error").is_null()),
        "every body decodes"
    );
    JsFuture::from(next.force_flush()).await.unwrap();
    assert_eq!(num(&next.stats(), "spansResent"), stashed);
    JsFuture::from(next.shutdown()).await.unwrap();
    sleep(300.0).await;
    assert_eq!(num(&received(&id).await, "spans"), 200.0, "none twice");
    if gzip {
        assert_eq!(
            num(&sdk.stats(), "spansExported") + stashed,
            200.0,
            "each span counted once"
        );
    }
}

#[wasm_bindgen_test]
async fn visibility_hidden_is_ignored_while_visible() {
    // A visibilitychange while the page is still visible must not flush.
    let id = test_id("visible");
    let sdk = start(r#","batch":{"scheduledDelayMillis":600000}"#, &id, "");
    make_spans(&sdk, 2, "vis-");
    dispatch("document", "visibilitychange");
    sleep(300.0).await;
    assert_eq!(num(&received(&id).await, "exports"), 0.0);
    JsFuture::from(sdk.shutdown()).await.unwrap();
    assert_eq!(num(&received(&id).await, "spans"), 2.0, "shutdown flushes");
}

#[wasm_bindgen_test]
async fn retries_after_503_then_succeeds() {
    let id = test_id("retry");
    // Retry-After: 0 skips the 1 s backoff; the policy itself is tested natively.
    let sdk = start("", &id, "/503once/retryafter0");
    make_spans(&sdk, 4, "retry-");
    JsFuture::from(sdk.force_flush()).await.unwrap();
    let r = received(&id).await;
    let posts: Vec<JsValue> = js_sys::Array::from(&get(&r, "requests"))
        .iter()
        .filter(|x| get(x, "method") == "POST")
        .collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(num(&posts[0], "status"), 503.0);
    assert_eq!(num(&posts[1], "status"), 200.0);
    assert_eq!(num(&r, "spans"), 4.0);
    let stats = sdk.stats();
    assert_eq!(num(&stats, "exportRetries"), 1.0);
    assert_eq!(num(&stats, "exportFailures"), 0.0);
    assert_eq!(num(&stats, "spansExported"), 4.0);
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_failed_export_is_counted_not_retried_on_400() {
    let id = test_id("fail");
    let sdk = start("", &id, "/400always");
    make_spans(&sdk, 2, "fail-");
    JsFuture::from(sdk.force_flush()).await.unwrap();
    let stats = sdk.stats();
    assert_eq!(num(&stats, "exportFailures"), 1.0);
    assert_eq!(num(&stats, "spansFailed"), 2.0);
    assert_eq!(num(&stats, "exportRetries"), 0.0);
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

#[wasm_bindgen_test]
async fn overflow_drops_are_counted() {
    let id = test_id("overflow");
    // One export slot, held for 500 ms by the receiver: 10 go out, 10 wait, 20 are dropped.
    let sdk = start(
        r#","batch":{"maxQueueSize":10,"maxExportBatchSize":10,"maxConcurrentExports":1}"#,
        &id,
        "/delay500",
    );
    make_spans(&sdk, 40, "o-");
    let stats = sdk.stats();
    assert_eq!(num(&stats, "spansDropped"), 20.0);
    assert_eq!(num(&stats, "queueLength"), 10.0);
    JsFuture::from(sdk.force_flush()).await.unwrap();
    assert_eq!(num(&received(&id).await, "spans"), 20.0);
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_burst_of_5000_spans_loses_none() {
    let id = test_id("burst");
    let sdk = start("", &id, "");
    make_spans(&sdk, 5000, "b");
    assert_eq!(num(&sdk.stats(), "spansDropped"), 0.0);
    let requests = || num(&sdk.stats(), "exportRequests");
    assert_eq!(requests(), 0.0, "the app's calls started no request");
    for _ in 0..40 {
        if requests() >= 9.0 {
            break;
        }
        sleep(50.0).await;
    }
    assert!(
        requests() >= 9.0,
        "the full batches left from tasks of their own"
    );
    JsFuture::from(sdk.force_flush()).await.unwrap();
    assert!(!sdk_wasm::web::is_exporting());
    let r = received(&id).await;
    assert_eq!(num(&r, "spans"), 5000.0);
    let bytes: f64 = js_sys::Array::from(&get(&r, "requests"))
        .iter()
        .filter(|x| get(x, "method") == "POST")
        .map(|x| num(&x, "bodySize"))
        .sum();
    web_sys::console::log_1(&format!("protobuf body bytes per span: {:.1}", bytes / 5000.0).into());
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

#[wasm_bindgen_test]
async fn gzip_bodies_arrive_decodable() {
    let id = test_id("gzip");
    let sdk = start(r#","compression":"gzip""#, &id, "");
    make_spans(&sdk, 50, "gz-");
    JsFuture::from(sdk.force_flush()).await.unwrap();
    let r = received(&id).await;
    assert_eq!(num(&r, "spans"), 50.0);
    let req = js_sys::Array::from(&get(&r, "requests"))
        .iter()
        .find(|x| get(x, "method") == "POST")
        .unwrap();
    assert_eq!(get(&req, "contentEncoding").as_string().unwrap(), "gzip");
    assert!(
        num(&req, "bodySize") < num(&req, "decodedSize"),
        "compressed"
    );
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

#[wasm_bindgen_test]
async fn metrics_are_exported() {
    let id = test_id("metrics");
    let sdk = start(r#","metricExportIntervalMillis":0"#, &id, "");
    let meter = sdk.meter("browser-test".into(), None);
    let counter = meter.create_counter("clicks".into(), JsValue::UNDEFINED);
    let hist = meter.create_histogram(
        "latency".into(),
        JSON::parse(r#"{"unit":"ms","advice":{"explicitBucketBoundaries":[10,100]}}"#).unwrap(),
    );
    let gauge = meter.create_gauge("memory".into(), JsValue::UNDEFINED);
    let updown = meter.create_up_down_counter("open".into(), JsValue::UNDEFINED);
    counter.add(2.0, JSON::parse(r#"{"button":"buy"}"#).unwrap());
    hist.record(42.0, JsValue::UNDEFINED);
    gauge.record(7.5, JsValue::UNDEFINED);
    updown.add(-1.0, JsValue::UNDEFINED);
    JsFuture::from(sdk.force_flush()).await.unwrap();
    let r = received(&id).await;
    assert_eq!(num(&r, "metrics"), 4.0);
    assert_eq!(num(&r, "dataPoints"), 4.0);
    assert_eq!(num(&sdk.stats(), "metricExports"), 1.0);
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

/// A navigation fires `pagehide` and `visibilitychange` (hidden): metrics go once, with gzip
/// too (uncompressed, keepalive, started in the handler); becoming visible re-arms it.
#[wasm_bindgen_test]
async fn metrics_go_once_per_page_hide_even_with_gzip() {
    let id = test_id("metrics-hide");
    let spy = install_fetch_spy();
    let sdk = start(
        r#","metricExportIntervalMillis":0,"compression":"gzip""#,
        &id,
        "",
    );
    let counter = sdk
        .meter("browser-test".into(), None)
        .create_counter("clicks".into(), JsValue::UNDEFINED);
    counter.add(1.0, JsValue::UNDEFINED);
    dispatch("window", "pagehide");
    counter.add(1.0, JsValue::UNDEFINED);
    dispatch("window", "pagehide"); // the second signal of the same hide
    let calls = js_sys::Array::from(&get(&spy, "calls"));
    let restore: js_sys::Function = get(&spy, "restore").into();
    restore.call0(&spy).unwrap();
    assert_eq!(
        calls.length(),
        1,
        "one metrics export, started in the handler"
    );
    assert_eq!(get(&calls.get(0), "keepalive"), JsValue::TRUE);
    let r = received_until(&id, |r| num(r, "metrics") >= 1.0).await;
    assert!(
        js_sys::Array::from(&get(&r, "requests"))
            .iter()
            .all(|x| get(&x, "contentEncoding")
                .as_string()
                .unwrap_or_default()
                .is_empty()),
        "sent uncompressed"
    );
    dispatch("document", "visibilitychange"); // visible again
    dispatch("window", "pagehide");
    let metric_posts = |r: &JsValue| {
        js_sys::Array::from(&get(r, "requests"))
            .iter()
            .filter(|x| get(x, "signal") == "metrics" && get(x, "method") == "POST")
            .count()
    };
    let r = received_until(&id, |r| metric_posts(r) >= 2).await;
    sleep(200.0).await;
    assert_eq!(metric_posts(&r), 2, "the next hide exports again");
    assert_eq!(metric_posts(&received(&id).await), 2, "and only once");
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

#[wasm_bindgen_test]
fn bad_config_throws_a_clear_error() {
    let cases = [
        (
            r#"{"serviceName":""}"#,
            "invalid config: serviceName: must be a non-empty string",
        ),
        (
            r#"{"serviceName":"s","otlpEndpoint":"not a url"}"#,
            "invalid config: otlpEndpoint: is not a URL (contains a space)",
        ),
        (
            r#"{"serviceName":"s","encoding":"xml"}"#,
            "invalid config: encoding: must be \"protobuf\" or \"json\"",
        ),
        (
            r#"{"serviceName":"s","batch":{"maxQueueSize":0.5}}"#,
            "invalid config: batch.maxQueueSize: must be a whole number from 1 to 1000000",
        ),
        // A value of the wrong type names its field path.
        (
            r#"{"serviceName":42}"#,
            "invalid config: serviceName: must be a string",
        ),
        (
            r#"{"serviceName":"s","batch":{"maxQueueSize":"many"}}"#,
            "invalid config: batch.maxQueueSize: must be a number",
        ),
        (
            r#"{"serviceName":"s","batch":5}"#,
            "invalid config: batch: must be an object",
        ),
        (
            r#"{"serviceName":"s","offline":{"maxBytes":"1"}}"#,
            "invalid config: offline.maxBytes: must be a number",
        ),
        (
            r#"{"serviceName":"s","offline":"yes"}"#,
            "invalid config: offline: must be a boolean or an object",
        ),
        (
            r#"{"serviceName":"s","session":{"storage":1}}"#,
            "invalid config: session.storage: must be a string",
        ),
        (
            r#"{"serviceName":"s","webVitals":"no"}"#,
            "invalid config: webVitals: must be a boolean",
        ),
        (
            r#"{"serviceName":"s","headers":{"a":1}}"#,
            "invalid config: headers: values must be strings",
        ),
        (
            r#"{"serviceName":"s","baggageKeys":["a",1]}"#,
            "invalid config: baggageKeys: must be an array of strings",
        ),
        (
            r#"{"serviceName":"s","sampler":{"ratio":"half"}}"#,
            "invalid config: sampler.ratio: must be a number",
        ),
        (
            r#"{"serviceName":"s","sampler":{"parentBased":true}}"#,
            "invalid config: sampler.ratio: must be a number from 0 to 1",
        ),
        (
            r#"{"serviceName":"s","sampler":"always_off","samplingRatio":1}"#,
            "invalid config: sampler: give sampler or samplingRatio, not both",
        ),
        (
            r#"{"serviceName":"s","attributeValueLengthLimit":0}"#,
            "invalid config: attributeValueLengthLimit: must be a whole number from 1 to 100000000",
        ),
    ];
    for (json, message) in cases {
        let err = init(JSON::parse(json).unwrap(), JsValue::UNDEFINED)
            .err()
            .map(JsValue::from)
            .expect("must fail");
        assert!(err.is_instance_of::<js_sys::Error>(), "a JS Error");
        let got = get(&err, "message").as_string().unwrap();
        assert!(
            got.starts_with(message),
            "{got:?} should start with {message:?}"
        );
    }
    let err = init(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .err()
        .map(JsValue::from)
        .expect("must fail");
    assert_eq!(
        get(&err, "message").as_string().unwrap(),
        "invalid config: config: must be an object"
    );
}

#[wasm_bindgen_test]
async fn spans_have_ids_times_and_parents() {
    let sdk = init(config("", &test_id("ids"), ""), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .unwrap();
    let tracer = sdk.tracer("t".into(), None);
    let parent = tracer.start_span("parent".into(), JsValue::UNDEFINED);
    // The span context as text: trace id, span id, flags (hex), remote, trace state.
    let ptext = parent.span_context().as_string().unwrap();
    assert_eq!(ptext.len(), 51);
    assert_ne!(&ptext[..32], "0".repeat(32));
    assert_eq!(&ptext[48..], "010", "sampled, local, no trace state");
    let pcx = JsValue::from_str(&ptext);
    let options = Object::new();
    Reflect::set(&options, &"parent".into(), &pcx).unwrap();
    let child = tracer.start_span("child".into(), options.into());
    let ctext = child.span_context().as_string().unwrap();
    assert_eq!(ctext[..32], ptext[..32]);
    assert_ne!(ctext[32..48], ptext[32..48]);
    assert!(child.is_recording());
    // Same-origin URLs get headers; other origins only when configured.
    let h = sdk.propagation_headers("/api/items", pcx.clone());
    let tp = get(&h, "traceparent").as_string().unwrap();
    assert!(tp.starts_with("00-") && tp.ends_with("-01"));
    assert!(get(
        &sdk.propagation_headers("https://elsewhere.example/x", pcx),
        "traceparent"
    )
    .is_undefined());
    // `end` spends the span and gives its context back, as bytes.
    let bytes = |text: &str| SpanContext::from_text(text).unwrap().to_bytes();
    assert_eq!(child.end(JsValue::UNDEFINED).to_vec(), bytes(&ctext));
    assert_eq!(parent.end(JsValue::UNDEFINED).to_vec(), bytes(&ptext));
    JsFuture::from(sdk.shutdown()).await.unwrap();
}

/// In the browser `cors::resolve` is the browser's own `URL`: the cases the native resolver
/// is tested with, read back the same.
#[wasm_bindgen_test]
fn urls_resolve_like_the_native_resolver() {
    use sdk_wasm::propagation::cors::{resolve, should_inject};
    const DOC: &str = "https://shop.example/app/cart/index.html?x=1";
    let href = |u: &str| resolve(u, DOC).unwrap().href;
    assert_eq!(href("../api/./x"), "https://shop.example/app/api/x");
    assert_eq!(href("//CDN.example:8443/a"), "https://cdn.example:8443/a");
    assert_eq!(href("HTTP://User:pw@Api.Example:80"), "http://api.example/");
    assert_eq!(href("  /trim\t"), "https://shop.example/trim");
    assert_eq!(href("data:text/plain,hi"), "data:text/plain,hi");
    assert_eq!(
        resolve("https://a.example/x", "").unwrap().href,
        "https://a.example/x"
    );
    let o = |u: &str| resolve(u, DOC).and_then(|r| r.origin);
    assert_eq!(o("http://a.example").unwrap().port, 80);
    assert_eq!(o("http://[::1]").unwrap().host, "[::1]");
    assert_eq!(o("https://A.example:443/x"), o("https://a.example/y"));
    assert!(o("blob:https://a.example/uuid").is_none());
    assert!(o("http://a.example:99999/").is_none(), "invalid port");
    for u in [
        "/api",
        "../api",
        "//shop.example/api",
        "HTTPS://SHOP.EXAMPLE:443/api",
        "#y",
    ] {
        assert!(should_inject(u, DOC, &[]), "{u}");
    }
    for u in [
        "http://shop.example/api",
        "https://shop.example:8443/api",
        "data:,x",
        "mailto:a@b",
    ] {
        assert!(!should_inject(u, DOC, &[]), "{u}");
    }
}

/// In the browser a `Retry-After` date is read by `Date.parse`.
#[wasm_bindgen_test]
fn retry_after_dates_parse_in_the_browser() {
    use sdk_wasm::export::parse_retry_after;
    // Sun, 06 Nov 1994 08:49:37 GMT
    let now = 784_111_777_000.0;
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
        Some(10_000.0)
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(0.0)
    );
    assert_eq!(parse_retry_after("120", now), Some(120_000.0));
    assert_eq!(parse_retry_after("soon", now), None);
}
