//! Auto-instrumentations in real browsers (Chrome and Firefox via
//! `scripts/test.d/25-sdk-instrument.sh`) against a real HTTP fixture on
//! loopback (`tests/support/http-fixture.mjs` at the repository root). The page under test is
//! wasm-bindgen-test-runner's own page on 127.0.0.1:<runner port>, so the
//! fixture is cross-origin twice over: `http://127.0.0.1:<p>` (ALLOWED: listed
//! in propagateTraceHeaderCorsUrls) and `http://localhost:<p>` (OTHER: not
//! listed). What the page does lives in this crate's `tests/support/scenarios.js`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Promise, Reflect};
use sdk_wasm::attributes::Array;
use sdk_wasm::instrument::span::{hex, Kind, SpanRecord, Value};
use sdk_wasm::instrument::web::{self, MemoryBackend};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/support/scenarios.js")]
extern "C" {
    fn received(base: &str, id: &str) -> Promise;
    fn sleep(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = nextTask)]
    fn next_task() -> Promise;
    fn config(allowed: &str, extra: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = fetchText)]
    fn fetch_text(url: &str, init: JsValue) -> Promise;
    #[wasm_bindgen(js_name = fetchShapes)]
    fn fetch_shapes(base: &str, id: &str) -> Promise;
    #[wasm_bindgen(js_name = fetchWithTraceparent)]
    fn fetch_with_traceparent(url: &str, tp: &str) -> Promise;
    #[wasm_bindgen(js_name = responseShape)]
    fn response_shape(url: &str, init: JsValue) -> Promise;
    #[wasm_bindgen(js_name = fetchError)]
    fn fetch_error(url: &str, init: JsValue) -> Promise;
    #[wasm_bindgen(js_name = fetchThrowingInput)]
    fn fetch_throwing_input() -> Promise;
    #[wasm_bindgen(js_name = fetchAborted)]
    fn fetch_aborted(url: &str) -> Promise;
    #[wasm_bindgen(js_name = compileStreaming)]
    fn compile_streaming(url: &str) -> Promise;
    #[wasm_bindgen(js_name = readStream)]
    fn read_stream(url: &str, chunks: u32) -> Promise;
    #[wasm_bindgen(js_name = fetchThenLeave)]
    fn fetch_then_leave(url: &str) -> Promise;
    #[wasm_bindgen(js_name = exporterLike)]
    fn exporter_like(url: &str) -> Promise;
    fn xhr(method: &str, url: &str, opts: JsValue) -> Promise;
    #[wasm_bindgen(js_name = xhrReused)]
    fn xhr_reused(url: &str) -> Promise;
    #[wasm_bindgen(js_name = clickWithAsyncWork)]
    fn click_with_async_work(base: &str, id: &str) -> Promise;
    #[wasm_bindgen(js_name = twoClicks)]
    fn two_clicks(base: &str, id: &str) -> Promise;
    #[wasm_bindgen(js_name = clickOn)]
    fn click_on(which: &str);
    #[wasm_bindgen(js_name = clickNavigates)]
    fn click_navigates(path: &str, how: &str) -> Promise;
    #[wasm_bindgen(js_name = addEarlyListener)]
    fn add_early_listener(url: &str);
    #[wasm_bindgen(js_name = clickEarly)]
    fn click_early() -> Promise;
    #[wasm_bindgen(js_name = clickTextNode)]
    fn click_text_node();
    #[wasm_bindgen(js_name = makeFetchReadOnly)]
    fn make_fetch_read_only() -> JsValue;
    fn restore(undo: &JsValue);
    #[wasm_bindgen(js_name = fetchIsNative)]
    fn fetch_is_native() -> bool;
    #[wasm_bindgen(js_name = addMetaTraceparent)]
    fn add_meta_traceparent(tp: &str) -> JsValue;
    #[wasm_bindgen(js_name = resetDocumentLoadFlag)]
    fn reset_document_load_flag();
    #[wasm_bindgen(js_name = installFetchStub)]
    fn install_fetch_stub() -> JsValue;
    #[wasm_bindgen(js_name = installXhrStub)]
    fn install_xhr_stub() -> JsValue;
    #[wasm_bindgen(js_name = timePerCall)]
    fn time_per_call(kind: &str, url: &str, n: u32) -> Promise;
}

const PORT: &str = env!("INSTR_FIXTURE_PORT");

thread_local! {
    /// Chrome and Firefox runs share one fixture: each run has its own paths.
    static RUN: String = format!("/r/{}", (js_sys::Math::random() * 1e9) as u64);
}

fn allowed() -> String {
    RUN.with(|r| format!("http://127.0.0.1:{PORT}{r}"))
}
fn other() -> String {
    RUN.with(|r| format!("http://localhost:{PORT}{r}"))
}

async fn wait(p: Promise) -> JsValue {
    JsFuture::from(p).await.expect("scenario rejected")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn func(args: &str, body: &str) -> JsValue {
    js_sys::Function::new_with_args(args, body).into()
}

/// Installs with `config(ALLOWED, extra)`; returns the span buffer.
fn setup(extra: JsValue) -> MemoryBackend {
    setup_with(config(&allowed(), extra))
}

thread_local! {
    /// The installation `setup` made (dropping it uninstalls).
    static INSTALLED: std::cell::RefCell<Option<web::Installed>> = const { std::cell::RefCell::new(None) };
}

fn install(cfg: &JsValue, sink: &MemoryBackend) {
    let installed = web::install(
        cfg,
        &get(cfg, "ignoreUrls"),
        Box::new(sink.clone()),
        &JsValue::UNDEFINED,
    )
    .expect("install");
    INSTALLED.with(|i| *i.borrow_mut() = Some(installed));
}

/// Restores everything patched, handing held spans on.
fn uninstall() {
    let installed = INSTALLED.with(|i| i.borrow_mut().take());
    drop(installed);
}

fn setup_with(cfg: JsValue) -> MemoryBackend {
    let sink = MemoryBackend::new(&get(&cfg, "propagateTraceHeaderCorsUrls")).expect("patterns");
    install(&cfg, &sink);
    sink
}

/// Uninstalls (handing held spans on) and returns every finished span.
fn teardown(sink: &MemoryBackend) -> Vec<SpanRecord> {
    uninstall();
    sink.take()
}

/// Requests the fixture recorded for test `id` (OPTIONS = preflights).
async fn requests(id: &str) -> Vec<JsValue> {
    let r = wait(received(&allowed(), id)).await;
    js_sys::Array::from(&get(&r, "requests")).iter().collect()
}

fn header(req: &JsValue, name: &str) -> Option<String> {
    get(&get(req, "headers"), name).as_string()
}

fn path(req: &JsValue) -> String {
    get(req, "path").as_string().unwrap()
}

fn method(req: &JsValue) -> String {
    get(req, "method").as_string().unwrap()
}

fn str_attr(s: &SpanRecord, key: &str) -> String {
    match s.get(key) {
        Some(Value::String(v)) => v.as_str().to_string(),
        other => panic!("{key} = {other:?} on {}", s.name),
    }
}

fn int_attr(s: &SpanRecord, key: &str) -> i64 {
    match s.get(key) {
        Some(Value::I64(v)) => *v,
        other => panic!("{key} = {other:?} on {}", s.name),
    }
}

fn by_url<'a>(spans: &'a [SpanRecord], suffix: &str) -> &'a SpanRecord {
    let found: Vec<_> = spans
        .iter()
        .filter(
            |s| matches!(s.get("url.full"), Some(Value::String(u)) if u.as_str().ends_with(suffix)),
        )
        .collect();
    assert_eq!(
        found.len(),
        1,
        "spans for {suffix}: {:?}",
        spans.iter().map(|s| s.get("url.full")).collect::<Vec<_>>()
    );
    found[0]
}

fn event_names(s: &SpanRecord) -> Vec<&str> {
    s.events.iter().map(|e| e.name).collect()
}

fn stats(key: &str) -> f64 {
    get(&web::stats(), key).as_f64().unwrap()
}

fn traceparent_of(s: &SpanRecord) -> String {
    format!("00-{}-{}-01", hex(&s.trace_id), hex(&s.span_id))
}

// ============================================================ fetch

#[wasm_bindgen_test]
async fn fetch_get_makes_one_client_span_with_stable_semconv() {
    let sink = setup(JsValue::UNDEFINED);
    let url = format!("{}/t/f-get/status/200", allowed());
    let out = wait(fetch_text(&url, JsValue::UNDEFINED)).await;
    assert_eq!(get(&out, "text").as_string().unwrap(), "status 200");
    // Resource timing arrives after the response: give it time, then hand on.
    wait(sleep(300)).await;
    let spans = teardown(&sink);
    assert_eq!(spans.len(), 1, "{spans:?}");
    let s = &spans[0];
    assert_eq!((s.name.as_str(), s.kind), ("GET", Kind::Client));
    assert_eq!(s.parent_span_id, None);
    assert_eq!(str_attr(s, "http.request.method"), "GET");
    assert_eq!(str_attr(s, "url.full"), url);
    assert_eq!(int_attr(s, "http.response.status_code"), 200);
    assert_eq!(str_attr(s, "server.address"), "127.0.0.1");
    assert_eq!(int_attr(s, "server.port").to_string(), PORT);
    assert_eq!(s.attributes.len(), 5, "{:?}", s.attributes);
    assert!(s.error.is_none());
    let names = event_names(s);
    assert_eq!(names.first(), Some(&"fetchStart"), "{names:?}");
    assert_eq!(names.last(), Some(&"responseEnd"), "{names:?}");
    for n in ["requestStart", "responseStart"] {
        assert!(names.contains(&n), "{names:?}");
    }
    assert!(s.end_ns >= s.start_ns);
    // The header went to the allowed origin and names this span.
    let reqs = requests("f-get").await;
    let get_req = reqs.iter().find(|r| method(r) == "GET").unwrap();
    assert_eq!(header(get_req, "traceparent"), Some(traceparent_of(s)));
}

#[wasm_bindgen_test]
async fn fetch_keeps_every_call_shape_and_custom_headers() {
    let sink = setup(JsValue::UNDEFINED);
    let texts = wait(fetch_shapes(&allowed(), "f-shapes")).await;
    assert_eq!(js_sys::Array::from(&texts).length(), 7);
    let spans = teardown(&sink);
    assert_eq!(spans.len(), 7);
    let reqs = requests("f-shapes").await;
    for n in 1..=7 {
        let p = format!("/t/f-shapes/shape{n}");
        let r = reqs
            .iter()
            .find(|r| path(r) == p && method(r) != "OPTIONS")
            .unwrap_or_else(|| panic!("{p}"));
        assert_eq!(
            header(r, "x-custom").as_deref(),
            Some(n.to_string().as_str()),
            "{p}"
        );
        let span = by_url(&spans, &p);
        assert_eq!(header(r, "traceparent"), Some(traceparent_of(span)), "{p}");
    }
    let post = reqs
        .iter()
        .find(|r| path(r) == "/t/f-shapes/shape6" && method(r) == "POST");
    assert!(post.is_some(), "Request with a body keeps its method");
    assert_eq!(
        str_attr(by_url(&spans, "/shape6"), "http.request.method"),
        "POST"
    );
}

#[wasm_bindgen_test]
async fn fetch_does_not_replace_an_existing_traceparent() {
    let sink = setup(JsValue::UNDEFINED);
    let mine = "00-11111111111111111111111111111111-2222222222222222-01";
    wait(fetch_with_traceparent(
        &format!("{}/t/f-own-tp/x", allowed()),
        mine,
    ))
    .await;
    teardown(&sink);
    let reqs = requests("f-own-tp").await;
    let r = reqs.iter().find(|r| method(r) == "GET").unwrap();
    assert_eq!(header(r, "traceparent").as_deref(), Some(mine));
}

#[wasm_bindgen_test]
async fn cross_origin_not_allowed_gets_no_header_and_no_preflight() {
    let sink = setup(JsValue::UNDEFINED);
    wait(fetch_text(
        &format!("{}/t/f-cors/other", other()),
        JsValue::UNDEFINED,
    ))
    .await;
    wait(fetch_text(
        &format!("{}/t/f-cors/allowed", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    let spans = teardown(&sink);
    assert_eq!(spans.len(), 2);
    let other_span = by_url(&spans, "/other");
    assert_eq!(str_attr(other_span, "server.address"), "localhost");
    let reqs = requests("f-cors").await;
    let to_other: Vec<_> = reqs
        .iter()
        .filter(|r| path(r) == "/t/f-cors/other")
        .collect();
    assert_eq!(to_other.len(), 1, "no preflight for the origin not allowed");
    assert_eq!(method(to_other[0]), "GET");
    assert_eq!(header(to_other[0], "traceparent"), None);
    // The allowed origin gets the header, which makes the browser preflight.
    let to_allowed: Vec<String> = reqs
        .iter()
        .filter(|r| path(r) == "/t/f-cors/allowed")
        .map(method)
        .collect();
    assert_eq!(to_allowed, ["OPTIONS", "GET"]);
    let pre = reqs.iter().find(|r| method(r) == "OPTIONS").unwrap();
    assert_eq!(
        header(pre, "access-control-request-headers").as_deref(),
        Some("traceparent")
    );
}

#[wasm_bindgen_test]
async fn cors_urls_accept_exact_strings() {
    let exact = format!("{}/t/f-exact/this", other());
    let cfg = config(
        "",
        obj(&[("propagateTraceHeaderCorsUrls", JsValue::from_str(&exact))]),
    );
    let sink = setup_with(cfg);
    wait(fetch_text(&exact, JsValue::UNDEFINED)).await;
    wait(fetch_text(
        &format!("{exact}?not-exact"),
        JsValue::UNDEFINED,
    ))
    .await;
    teardown(&sink);
    let reqs = requests("f-exact").await;
    let gets: Vec<_> = reqs.iter().filter(|r| method(r) == "GET").collect();
    assert_eq!(header(gets[0], "traceparent").map(|t| t.len()), Some(55));
    assert_eq!(header(gets[1], "traceparent"), None);
}

#[wasm_bindgen_test]
async fn fetch_status_codes_and_methods() {
    let sink = setup(JsValue::UNDEFINED);
    for code in [204, 205, 304, 404, 500] {
        wait(response_shape(
            &format!("{}/t/f-status/status/{code}", allowed()),
            JsValue::UNDEFINED,
        ))
        .await;
    }
    let query = obj(&[("method", "QUERY".into())]);
    wait(response_shape(
        &format!("{}/t/f-status/query", allowed()),
        query,
    ))
    .await;
    let purge = obj(&[("method", "PURGE".into())]);
    wait(response_shape(
        &format!("{}/t/f-status/purge", allowed()),
        purge,
    ))
    .await;
    let spans = teardown(&sink);
    for code in [204, 205, 304] {
        let s = by_url(&spans, &format!("/status/{code}"));
        assert_eq!(int_attr(s, "http.response.status_code"), code);
        assert!(s.error.is_none() && s.get("error.type").is_none());
    }
    for code in [404, 500] {
        let s = by_url(&spans, &format!("/status/{code}"));
        assert_eq!(str_attr(s, "error.type"), code.to_string());
        assert_eq!(s.error.as_deref(), Some(code.to_string().as_str()));
        assert_eq!(s.attributes.len(), 6);
    }
    assert_eq!(by_url(&spans, "/query").name, "QUERY");
    let p = by_url(&spans, "/purge");
    assert_eq!(p.name, "_OTHER");
    assert_eq!(str_attr(p, "http.request.method_original"), "PURGE");
}

#[wasm_bindgen_test]
async fn fetch_network_error_and_abort_reject_as_before() {
    let sink = setup(JsValue::UNDEFINED);
    let err = wait(fetch_error(
        &format!("{}/t/f-err/reset", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(err.as_string().unwrap(), "TypeError");
    let aborted = wait(fetch_aborted(&format!("{}/t/f-err/slow/2000", allowed()))).await;
    assert_eq!(aborted.as_string().unwrap(), "AbortError");
    // A synchronous throw (bad URL scheme) is still the page's.
    let bad = wait(fetch_error("http://[bad", JsValue::UNDEFINED)).await;
    assert_eq!(bad.as_string().unwrap(), "TypeError");
    let spans = teardown(&sink);
    let e = by_url(&spans, "/reset");
    assert_eq!(str_attr(e, "error.type"), "error");
    assert!(e.error.is_some() && e.get("http.response.status_code").is_none());
    let a = by_url(&spans, "/slow/2000");
    assert_eq!(str_attr(a, "error.type"), "AbortError");
    assert!(a.error.is_some());
}

#[wasm_bindgen_test]
async fn a_throw_inside_the_sdk_is_contained_and_counted() {
    let without = wait(fetch_throwing_input()).await.as_string().unwrap();
    let sink = setup(JsValue::UNDEFINED);
    let before = stats("internalErrors");
    let with_sdk = wait(fetch_throwing_input()).await.as_string().unwrap();
    assert_eq!(with_sdk, without, "the page sees exactly its own error");
    assert_eq!(stats("internalErrors") - before, 1.0);
    assert!(teardown(&sink).is_empty());
}

#[wasm_bindgen_test]
async fn fetch_response_is_untouched() {
    let sink = setup(JsValue::UNDEFINED);
    let r = wait(response_shape(
        &format!("{}/t/f-resp/redirect", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(get(&r, "redirected").as_bool().unwrap());
    assert!(get(&r, "url")
        .as_string()
        .unwrap()
        .ends_with("/t/f-resp/status/200"));
    assert_eq!(get(&r, "type").as_string().unwrap(), "cors");
    let j = wait(response_shape(
        &format!("{}/t/f-resp/json", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(!get(&j, "bodyUsed").as_bool().unwrap() && !get(&j, "locked").as_bool().unwrap());
    assert_eq!(
        get(&j, "contentType").as_string().unwrap(),
        "application/json"
    );
    assert!(get(&get(&j, "json"), "ok").as_bool().unwrap());
    assert_eq!(get(&j, "cloneText").as_string().unwrap(), r#"{"ok":true}"#);
    // An opaque (no-cors) request ends exactly as it does without the SDK.
    let no_cors = || obj(&[("mode", "no-cors".into())]);
    let opaque_url = format!("{}/t/f-resp/script", other());
    let with_sdk = wait(fetch_error(&opaque_url, no_cors()))
        .await
        .as_string()
        .unwrap();
    uninstall();
    let without = wait(fetch_error(&opaque_url, no_cors()))
        .await
        .as_string()
        .unwrap();
    assert_eq!(with_sdk, without);
    let cfg = config(&allowed(), JsValue::UNDEFINED);
    install(&cfg, &sink);
    assert!(
        wait(compile_streaming(&format!("{}/t/f-resp/wasm", allowed())))
            .await
            .as_bool()
            .unwrap()
    );
    let spans = teardown(&sink);
    let opaque = by_url(&spans, "/script");
    if with_sdk.starts_with("resolved") {
        assert!(opaque.get("http.response.status_code").is_none() && opaque.error.is_none());
    }
    assert_eq!(
        int_attr(by_url(&spans, "/redirect"), "http.response.status_code"),
        200
    );
    assert_eq!(
        int_attr(by_url(&spans, "/wasm"), "http.response.status_code"),
        200
    );
}

#[wasm_bindgen_test]
async fn endless_stream_span_ends_at_headers_and_body_is_not_held() {
    let sink = setup(JsValue::UNDEFINED);
    let url = format!("{}/t/f-stream/stream", allowed());
    let r = wait(read_stream(&url, 20)).await;
    let before = get(&r, "before");
    assert!(!get(&before, "bodyUsed").as_bool().unwrap());
    assert!(
        !get(&before, "locked").as_bool().unwrap(),
        "we never tee or read the body"
    );
    assert!(get(&r, "bytes").as_f64().unwrap() > 0.0);
    // The span ended at the headers, while the body was still streaming.
    let spans = teardown(&sink);
    assert_eq!(
        int_attr(by_url(&spans, "/stream"), "http.response.status_code"),
        200
    );
    // Cancelling the reader closes the connection: nothing of ours keeps the
    // stream (and its buffered chunks) alive. (js #4888)
    for _ in 0..100 {
        let rec = wait(received(&allowed(), "f-stream")).await;
        if get(&rec, "streamsOpen").as_f64() == Some(0.0) {
            return;
        }
        wait(sleep(20)).await;
    }
    panic!("stream still open at the server");
}

/// The SDK core with instrumentations on, exporting OTLP/JSON to the fixture
/// under test id `id`.
fn init_core(id: &str) -> sdk_wasm::js_api::Sdk {
    init_core_with(id, &[])
}

fn init_core_with(id: &str, extra: &[(&str, JsValue)]) -> sdk_wasm::js_api::Sdk {
    let instr = obj(&[("documentLoad", JsValue::FALSE)]);
    let cfg = obj(&[
        ("serviceName", "instr-test".into()),
        (
            "otlpEndpoint",
            JsValue::from_str(&format!("{}/t/{id}", allowed())),
        ),
        ("encoding", "json".into()),
        ("batch", obj(&[("scheduledDelayMillis", 60000.into())])),
        ("metricExportIntervalMillis", 0.into()),
        (
            "propagateTraceHeaderCorsUrls",
            js_sys::RegExp::new(&format!("^{}", allowed().replace('.', "\\.")), "").into(),
        ),
        (
            "ignoreUrls",
            js_sys::Array::of1(&js_sys::RegExp::new("/_received$", "")).into(),
        ),
        ("instrumentations", instr),
        // Only the instrumentations' spans (the RUM features and the offline buffer are on
        // by default).
        ("webVitals", JsValue::FALSE),
        ("errors", JsValue::FALSE),
        ("longTasks", JsValue::FALSE),
        ("offline", JsValue::FALSE),
    ]);
    for (k, v) in extra {
        Reflect::set(&cfg, &JsValue::from_str(k), v).unwrap();
    }
    sdk_wasm::js_api::init(cfg, JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("init")
}

async fn shutdown_core(sdk: sdk_wasm::js_api::Sdk) {
    // Shutdown restores what the instrumentations patched.
    wait(sdk.shutdown()).await;
}

/// Export bodies (OTLP/JSON) the fixture received for test `id`.
async fn exports(id: &str) -> Vec<String> {
    requests(id)
        .await
        .iter()
        .filter(|r| path(r).ends_with("/v1/traces") && method(r) == "POST")
        .map(|r| get(r, "body").as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn fetch_span_is_not_lost_when_the_page_leaves_right_after() {
    let sdk = init_core("f-leave");
    let status = wait(fetch_then_leave(&format!("{}/t/f-leave/app", allowed()))).await;
    assert_eq!(status.as_f64(), Some(200.0));
    // pagehide exported the span at once (keepalive), though its resource
    // timing had not been matched yet (js #4683 loses it to a 300 ms timer).
    let mut found = false;
    for _ in 0..100 {
        if exports("f-leave")
            .await
            .iter()
            .any(|b| b.contains("/t/f-leave/app"))
        {
            found = true;
            break;
        }
        wait(sleep(20)).await;
    }
    let st = sdk.stats();
    let dbg = format!(
        "ended {:?} requests {:?} exported {:?} failed {:?} queue {:?}",
        get(&st, "spansEnded"),
        get(&st, "exportRequests"),
        get(&st, "spansExported"),
        get(&st, "exportFailures"),
        get(&st, "queueLength")
    );
    shutdown_core(sdk).await;
    assert!(found, "the fetch span reached the collector: {dbg}");
}

#[wasm_bindgen_test]
async fn shutdown_gives_the_page_its_own_fetch_back() {
    let global = js_sys::global();
    let page_fetch = Reflect::get(&global, &"fetch".into()).unwrap();
    let sdk = init_core("f-shutdown");
    let patched = Reflect::get(&global, &"fetch".into()).unwrap();
    assert!(!js_sys::Object::is(&patched, &page_fetch), "installed");
    shutdown_core(sdk).await;
    let after = Reflect::get(&global, &"fetch".into()).unwrap();
    assert!(js_sys::Object::is(&after, &page_fetch), "restored");
    // A request after shutdown carries no trace header.
    wait(fetch_text(
        &format!("{}/t/f-shutdown/app", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    let reqs = requests("f-shutdown").await;
    let app: Vec<_> = reqs.iter().filter(|r| path(r).ends_with("/app")).collect();
    assert_eq!(app.len(), 1);
    assert!(header(app[0], "traceparent").is_none());
}

#[wasm_bindgen_test]
async fn exporter_requests_are_never_traced_even_after_await() {
    let sdk = init_core("f-export");
    let exporter = format!("{}/t/f-export/v1/traces", allowed());
    // The page posting to the collector URL after awaits, also inside an
    // interaction's context (js #6339: suppression lost after await).
    wait(exporter_like(&exporter)).await;
    click_on("first");
    wait(exporter_like(&exporter)).await;
    wait(fetch_text(
        &format!("{}/t/f-export/app", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    wait(next_task()).await;
    wait(sdk.force_flush()).await;
    wait(sdk.force_flush()).await;
    let bodies = exports("f-export").await;
    shutdown_core(sdk).await;
    let all = bodies.join("\n");
    assert!(
        all.contains("/t/f-export/app"),
        "the app's request is traced"
    );
    assert!(all.contains("\"click\""), "the click is traced");
    assert!(
        !all.contains("v1/traces"),
        "no span for any collector request"
    );
    let reqs = requests("f-export").await;
    let to_collector: Vec<_> = reqs
        .iter()
        .filter(|r| path(r).ends_with("/v1/traces") && method(r) == "POST")
        .collect();
    assert!(to_collector.len() >= 3);
    assert!(
        to_collector
            .iter()
            .all(|r| header(r, "traceparent").is_none()),
        "no trace header to the collector"
    );
    let app = reqs
        .iter()
        .find(|r| path(r).ends_with("/app") && method(r) == "GET")
        .unwrap();
    assert!(
        header(app, "traceparent").is_some(),
        "the core's CORS rule allows the fixture"
    );
}

#[wasm_bindgen_test]
async fn ignore_urls_give_no_span_and_no_header() {
    let ignored = format!("{}/t/f-ignore/exact", allowed());
    let patterns = js_sys::Array::of2(
        &JsValue::from_str(&ignored),
        &js_sys::RegExp::new("/by-regex", ""),
    );
    let sink = setup(obj(&[("ignoreUrls", patterns.into())]));
    for p in ["exact", "by-regex/1", "kept"] {
        wait(fetch_text(
            &format!("{}/t/f-ignore/{p}", allowed()),
            JsValue::UNDEFINED,
        ))
        .await;
    }
    let spans = teardown(&sink);
    assert_eq!(spans.len(), 1);
    by_url(&spans, "/kept");
    let reqs = requests("f-ignore").await;
    for r in reqs.iter().filter(|r| method(r) == "GET") {
        assert_eq!(
            header(r, "traceparent").is_some(),
            path(r).ends_with("/kept"),
            "{}",
            path(r)
        );
    }
}

#[wasm_bindgen_test]
async fn fetch_hooks_add_attributes_and_headers_and_throwing_hooks_are_contained() {
    let hooks = obj(&[(
        "fetch",
        obj(&[
            (
                "requestHook",
                func("span, req", "span.setAttribute('hook.request', 'yes'); if (req && req.headers) req.headers['x-hooked'] = '1';"),
            ),
            (
                "applyCustomAttributesOnSpan",
                func(
                    "span, req, res",
                    "if (res.url.includes('boom')) throw new Error('hook'); \
                     span.setAttribute('hook.status', res.status); \
                     span.setAttributes({ 'hook.many': 'a', 'hook.list': ['x', 'y'], 'hook.bad': {} }) \
                       .updateName('renamed ' + span.isRecording()).updateName(7) \
                       .setAttribute('hook.trace', span.spanContext().traceId); \
                     globalThis.keptHookSpan = span;",
                ),
            ),
        ]),
    )]);
    let sink = setup(hooks);
    let before = stats("hookErrors");
    let init = obj(&[("headers", obj(&[("x-a", "1".into())]))]);
    wait(fetch_text(&format!("{}/t/f-hooks/ok", allowed()), init)).await;
    let out = wait(fetch_text(
        &format!("{}/t/f-hooks/boom", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(
        get(&out, "status").as_f64(),
        Some(200.0),
        "a throwing hook does not break the request"
    );
    assert_eq!(stats("hookErrors") - before, 1.0);
    let spans = teardown(&sink);
    let ok = by_url(&spans, "/ok");
    assert_eq!(str_attr(ok, "hook.request"), "yes");
    assert_eq!(int_attr(ok, "hook.status"), 200);
    assert_eq!(str_attr(ok, "hook.many"), "a");
    assert_eq!(
        ok.get("hook.list"),
        Some(&Value::Array(Array::String(vec!["x".into(), "y".into()])))
    );
    assert!(ok.get("hook.bad").is_none(), "not an attribute value");
    assert_eq!(
        ok.name, "renamed true",
        "a name that is not a string is ignored"
    );
    assert_eq!(str_attr(ok, "hook.trace"), hex(&ok.trace_id));
    // A span the hook kept, called after it ended (and after uninstall): no effect, no throw.
    let late = func(
        "",
        "const s = globalThis.keptHookSpan; \
         return s.setAttribute('late', 1).setAttributes(null).updateName('late').isRecording();",
    );
    let late = late
        .unchecked_ref::<js_sys::Function>()
        .call0(&JsValue::UNDEFINED);
    assert_eq!(late.ok(), Some(JsValue::FALSE));
    assert!(by_url(&spans, "/boom").get("hook.status").is_none());
    let reqs = requests("f-hooks").await;
    let r = reqs
        .iter()
        .find(|r| path(r).ends_with("/ok") && method(r) == "GET")
        .unwrap();
    assert_eq!(header(r, "x-hooked").as_deref(), Some("1"));
    assert!(header(r, "traceparent").is_some());
}

#[wasm_bindgen_test]
async fn disabled_fetch_is_not_wrapped_and_read_only_fetch_is_left_alone() {
    let sink = setup(obj(&[("fetch", JsValue::FALSE)]));
    assert!(fetch_is_native());
    wait(fetch_text(
        &format!("{}/t/f-off/x", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(teardown(&sink).is_empty());
    let undo = make_fetch_read_only();
    let sink = setup(JsValue::UNDEFINED);
    assert!(fetch_is_native(), "non-writable fetch stays as it is");
    teardown(&sink);
    restore(&undo);
    let sink = setup(JsValue::UNDEFINED);
    assert!(!fetch_is_native(), "installing again wraps it");
    teardown(&sink);
    assert!(fetch_is_native(), "uninstall restores it");
}

#[wasm_bindgen_test]
async fn ignore_network_events_gives_no_timing_events() {
    let off = obj(&[("ignoreNetworkEvents", JsValue::TRUE)]);
    let sink = setup(obj(&[("fetch", off.clone()), ("xhr", off)]));
    wait(fetch_text(
        &format!("{}/t/f-noev/f", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    wait(xhr(
        "GET",
        &format!("{}/t/f-noev/x", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    wait(sleep(300)).await;
    let spans = teardown(&sink);
    assert!(by_url(&spans, "/f").events.is_empty());
    assert_eq!(
        event_names(by_url(&spans, "/x")),
        ["open", "send", "loaded"]
    );
}

// ============================================================ XHR

fn xhr_opts(pairs: &[(&str, JsValue)]) -> JsValue {
    obj(pairs)
}

#[wasm_bindgen_test]
async fn xhr_get_and_post_async_and_sync() {
    let sink = setup(JsValue::UNDEFINED);
    for (m, sync) in [
        ("GET", false),
        ("POST", false),
        ("GET", true),
        ("POST", true),
    ] {
        let url = format!("{}/t/x-basic/{m}-{sync}", allowed());
        let seen = wait(xhr(
            m,
            &url,
            xhr_opts(&[("sync", sync.into()), ("body", "b".into())]),
        ))
        .await;
        assert_eq!(get(&seen, "status").as_f64(), Some(200.0), "{m} {sync}");
        assert_eq!(get(&seen, "text").as_string().unwrap(), "ok");
        assert_eq!(
            get(&seen, "listeners").as_f64(),
            Some(2.0),
            "every listener still runs"
        );
        assert_eq!(get(&seen, "onload").as_f64(), Some(1.0));
        let states = js_sys::Array::from(&get(&seen, "readyStates"));
        assert!(
            states.includes(&JsValue::from(4), 0),
            "onreadystatechange still runs"
        );
    }
    wait(sleep(300)).await;
    let spans = teardown(&sink);
    assert_eq!(spans.len(), 4);
    for (m, sync) in [
        ("GET", false),
        ("POST", false),
        ("GET", true),
        ("POST", true),
    ] {
        let s = by_url(&spans, &format!("/{m}-{sync}"));
        assert_eq!((s.name.as_str(), s.kind), (m, Kind::Client));
        assert_eq!(s.attributes.len(), 5, "{:?}", s.attributes);
        assert_eq!(int_attr(s, "http.response.status_code"), 200);
        let names = event_names(s);
        assert_eq!(&names[..2], ["open", "send"], "{names:?}");
        assert!(names.contains(&"loaded"), "{names:?}");
        if !sync {
            assert!(
                names.contains(&"responseEnd") && names.contains(&"fetchStart"),
                "{names:?}"
            );
        }
    }
    let reqs = requests("x-basic").await;
    for r in reqs.iter().filter(|r| method(r) != "OPTIONS") {
        assert_eq!(header(r, "x-custom").as_deref(), Some("xhr"));
        let tp = header(r, "traceparent").expect("header set before send");
        let s = by_url(&spans, &path(r));
        assert_eq!(tp, traceparent_of(s));
    }
}

#[wasm_bindgen_test]
async fn disabled_xhr_is_not_patched_and_records_nothing() {
    let sink = setup(obj(&[("xhr", obj(&[("enabled", JsValue::FALSE)]))]));
    let seen = wait(xhr(
        "GET",
        &format!("{}/t/x-off/x", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(get(&seen, "status").as_f64(), Some(200.0));
    assert!(teardown(&sink).is_empty());
    let reqs = requests("x-off").await;
    assert!(reqs.iter().all(|r| header(r, "traceparent").is_none()));
}

#[wasm_bindgen_test]
async fn xhr_failures() {
    let sink = setup(obj(&[(
        "xhr",
        obj(&[(
            "applyCustomAttributesOnSpan",
            func("span, xhr", "span.setAttribute('hook.ran', true)"),
        )]),
    )]));
    let seen = wait(xhr(
        "GET",
        &format!("{}/t/x-fail/status/400", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(get(&seen, "status").as_f64(), Some(400.0));
    let seen = wait(xhr(
        "GET",
        &format!("{}/t/x-fail/reset", allowed()),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(get(&seen, "event").as_string().unwrap(), "error");
    let opts = xhr_opts(&[("abortAfter", 20.into())]);
    let seen = wait(xhr(
        "GET",
        &format!("{}/t/x-fail/slow/2000", allowed()),
        opts,
    ))
    .await;
    assert_eq!(get(&seen, "event").as_string().unwrap(), "abort");
    let opts = xhr_opts(&[("timeout", 30.into())]);
    let seen = wait(xhr(
        "GET",
        &format!("{}/t/x-fail/slow/1500", allowed()),
        opts,
    ))
    .await;
    assert_eq!(get(&seen, "event").as_string().unwrap(), "timeout");
    let spans = teardown(&sink);
    let s400 = by_url(&spans, "/status/400");
    assert_eq!(
        (
            int_attr(s400, "http.response.status_code"),
            str_attr(s400, "error.type")
        ),
        (400, "400".into())
    );
    assert!(
        event_names(s400).contains(&"error"),
        "{:?}",
        event_names(s400)
    );
    let net = by_url(&spans, "/reset");
    assert_eq!(str_attr(net, "error.type"), "error");
    assert!(net.error.is_some() && net.get("http.response.status_code").is_none());
    assert_eq!(event_names(net), ["open", "send", "error"]);
    let ab = by_url(&spans, "/slow/2000");
    assert!(ab.error.is_none() && ab.get("error.type").is_none());
    assert_eq!(event_names(ab), ["open", "send", "abort"]);
    let to = by_url(&spans, "/slow/1500");
    assert_eq!(str_attr(to, "error.type"), "timeout");
    assert_eq!(event_names(to), ["open", "send", "timeout"]);
    assert!(
        spans
            .iter()
            .all(|s| s.get("hook.ran") == Some(&Value::Bool(true))),
        "hook runs for every outcome"
    );
}

#[wasm_bindgen_test]
async fn xhr_cors_rule_own_header_reuse_and_relative_urls() {
    let ignore = js_sys::Array::of2(
        &js_sys::RegExp::new("/_received$", ""),
        &js_sys::RegExp::new("127\\.0\\.0\\.1:\\d+/ignored", ""),
    );
    let sink = setup(obj(&[("ignoreUrls", ignore.into())]));
    // A simple request (no custom header): only a trace header could preflight it.
    wait(xhr(
        "GET",
        &format!("{}/t/x-cors/other", other()),
        xhr_opts(&[("simple", true.into())]),
    ))
    .await;
    let mine = "00-11111111111111111111111111111111-2222222222222222-01";
    wait(xhr(
        "GET",
        &format!("{}/t/x-cors/own", allowed()),
        xhr_opts(&[("traceparent", mine.into())]),
    ))
    .await;
    wait(xhr_reused(&format!("{}/t/x-cors/reused", allowed()))).await;
    // Relative to the page: an absolute url.full, and a domain regex matches it.
    let seen = wait(xhr("GET", "/relative-does-not-exist", JsValue::UNDEFINED)).await;
    assert_eq!(get(&seen, "status").as_f64(), Some(404.0));
    let seen = wait(xhr("GET", "/ignored", JsValue::UNDEFINED)).await;
    assert_eq!(get(&seen, "status").as_f64(), Some(404.0));
    let page_origin = web_sys::window().unwrap().location().origin().unwrap();
    // The resource entry of a relative URL is found (unmocked.test.ts).
    wait(sleep(300)).await;
    let spans = teardown(&sink);
    let rel = by_url(&spans, "/relative-does-not-exist");
    assert!(
        event_names(rel).contains(&"responseEnd"),
        "{:?}",
        event_names(rel)
    );
    assert_eq!(
        str_attr(rel, "url.full"),
        format!("{page_origin}/relative-does-not-exist")
    );
    assert!(
        page_origin.starts_with("http://127.0.0.1:"),
        "{page_origin}"
    );
    assert!(
        spans
            .iter()
            .all(|s| !str_attr(s, "url.full").ends_with("/ignored")),
        "relative URL matched by a domain regex"
    );
    assert_eq!(
        spans
            .iter()
            .filter(|s| str_attr(s, "url.full").contains("/reused?n="))
            .count(),
        2
    );
    let reqs = requests("x-cors").await;
    let to_other: Vec<_> = reqs
        .iter()
        .filter(|r| path(r) == "/t/x-cors/other")
        .collect();
    assert_eq!(to_other.len(), 1, "no preflight");
    assert_eq!(header(to_other[0], "traceparent"), None);
    let own = reqs
        .iter()
        .find(|r| path(r) == "/t/x-cors/own" && method(r) == "GET")
        .unwrap();
    assert_eq!(header(own, "traceparent").as_deref(), Some(mine));
    let reused: Vec<_> = reqs
        .iter()
        .filter(|r| path(r).contains("/reused") && method(r) == "GET")
        .collect();
    assert_eq!(reused.len(), 2);
    assert_ne!(
        header(reused[0], "traceparent"),
        header(reused[1], "traceparent")
    );
}

// ============================================================ interactions

fn interactions(spans: &[SpanRecord]) -> Vec<&SpanRecord> {
    spans
        .iter()
        .filter(|s| s.get("event_type").is_some())
        .collect()
}

#[wasm_bindgen_test]
async fn one_span_per_click_with_target_attributes() {
    let sink = setup(JsValue::UNDEFINED);
    click_on("first");
    click_on("id");
    click_on("nested");
    click_on("disabled");
    click_text_node();
    wait(next_task()).await;
    let spans = teardown(&sink);
    let clicks = interactions(&spans);
    assert_eq!(
        clicks.len(),
        3,
        "no span for disabled targets or non-elements; mousedown not configured"
    );
    let first = clicks[0];
    assert_eq!((first.name.as_str(), first.kind), ("click", Kind::Internal));
    assert_eq!(str_attr(first, "event_type"), "click");
    assert_eq!(str_attr(first, "target_element"), "BUTTON");
    assert!(
        str_attr(first, "target_xpath").ends_with("/section/button[1]"),
        "{}",
        str_attr(first, "target_xpath")
    );
    assert_eq!(
        str_attr(first, "url.full"),
        web_sys::window().unwrap().location().href().unwrap()
    );
    assert_eq!(str_attr(clicks[1], "target_xpath"), r#"//*[@id="go"]"#);
    assert!(str_attr(clicks[2], "target_xpath").ends_with("/section/div/span"));
    assert!(clicks.iter().all(|c| c.end_ns >= c.start_ns));
}

#[wasm_bindgen_test]
async fn configured_event_names_and_prevent_hook() {
    let ui = obj(&[(
        "userInteraction",
        obj(&[
            ("eventNames", js_sys::Array::of2(&"click".into(), &"mousedown".into()).into()),
            (
                "shouldPreventSpanCreation",
                func("type, el, span", "if (el.id === 'go') return true; if (el.tagName === 'SPAN') throw new Error('x'); span.setAttribute('checked', type);"),
            ),
        ]),
    )]);
    let sink = setup(ui);
    let errors = stats("hookErrors");
    click_on("first");
    click_on("id");
    click_on("nested");
    wait(next_task()).await;
    assert_eq!(
        stats("hookErrors") - errors,
        2.0,
        "a throwing hook is counted (click and mousedown)"
    );
    let spans = teardown(&sink);
    let clicks = interactions(&spans);
    // Any order: a click waits for its dead-click verdict unless a sign of life (here, what
    // earlier tests left running) came first, so a mousedown may be exported before it.
    let mut names: Vec<_> = clicks.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["click", "click", "mousedown", "mousedown"],
        "#go prevented"
    );
    // The hook set `checked` on the first button's two spans (it threw for the span's).
    let checked: Vec<_> = clicks
        .iter()
        .filter(|s| s.get("checked").is_some())
        .map(|s| (str_attr(s, "checked"), s.name.clone()))
        .collect();
    assert_eq!(checked.len(), 2);
    assert!(checked.iter().all(|(c, name)| c == name), "{checked:?}");
}

#[wasm_bindgen_test]
async fn requests_started_in_every_async_way_are_children_of_the_click() {
    let sink = setup(JsValue::UNDEFINED);
    wait(click_with_async_work(&allowed(), "ui-async")).await;
    wait(sleep(50)).await;
    let spans = teardown(&sink);
    let clicks = interactions(&spans);
    assert_eq!(clicks.len(), 1, "one span for three listeners");
    let click = clicks[0];
    let names = [
        "sync",
        "slow/30",
        "after-await",
        "after-timer-await",
        "in-then",
        "in-timeout",
        "in-raf",
        "json",
        "after-json",
        "in-microtask",
        "xhr",
        "after-xhr",
    ];
    for n in names {
        let s = by_url(&spans, &format!("/t/ui-async/{n}"));
        assert_eq!(s.trace_id, click.trace_id, "{n} in the click's trace");
        assert_eq!(
            s.parent_span_id,
            Some(click.span_id),
            "{n} is a child of the click"
        );
        assert!(
            s.end_ns <= click.end_ns,
            "{n}: the click ends after its requests"
        );
    }
    // The headers carried the click's trace.
    let reqs = requests("ui-async").await;
    for r in reqs.iter().filter(|r| method(r) == "GET") {
        let tp = header(r, "traceparent").unwrap();
        assert!(tp.contains(&hex(&click.trace_id)), "{}", path(r));
    }
}

#[wasm_bindgen_test]
async fn two_clicks_close_together_keep_their_own_requests() {
    let sink = setup(JsValue::UNDEFINED);
    wait(two_clicks(&allowed(), "ui-two")).await;
    let spans = teardown(&sink);
    let clicks = interactions(&spans);
    assert_eq!(clicks.len(), 2);
    let by_xpath = |suffix: &str| {
        *clicks
            .iter()
            .find(|c| str_attr(c, "target_xpath").ends_with(suffix))
            .unwrap()
    };
    let (a, b) = (by_xpath("/button[1]"), by_xpath(r#""go"]"#));
    for (n, parent) in [("a1", a), ("a2", a), ("b1", b), ("b2", b)] {
        let s = by_url(&spans, &format!("/t/ui-two/{n}"));
        assert_eq!(s.parent_span_id, Some(parent.span_id), "{n}");
    }
}

#[wasm_bindgen_test]
async fn url_change_during_a_click_renames_it_navigation() {
    let sink = setup(JsValue::UNDEFINED);
    wait(click_navigates("/spa/page?x=1#h", "push")).await;
    wait(click_navigates("#later", "hash")).await;
    let spans = teardown(&sink);
    let clicks = interactions(&spans);
    assert_eq!(clicks.len(), 2);
    assert_eq!(clicks[0].name, "Navigation: /spa/page?x=1#h");
    assert!(
        clicks[1].name.starts_with("Navigation: /") && clicks[1].name.ends_with("#later"),
        "{}",
        clicks[1].name
    );
}

#[wasm_bindgen_test]
async fn listeners_added_before_the_sdk_are_covered() {
    add_early_listener(&format!("{}/t/ui-early/x", allowed()));
    let sink = setup(JsValue::UNDEFINED);
    wait(click_early()).await;
    let spans = teardown(&sink);
    let clicks = interactions(&spans);
    assert_eq!(clicks.len(), 1);
    assert_eq!(
        by_url(&spans, "/t/ui-early/x").parent_span_id,
        Some(clicks[0].span_id)
    );
}

#[wasm_bindgen_test]
async fn interaction_duration_is_capped() {
    let sink = setup(obj(&[(
        "userInteraction",
        obj(&[("maxDurationMs", 50.into())]),
    )]));
    click_on("first");
    // Work that never ends inside the click's context.
    let _ = fetch_text(
        &format!("{}/t/ui-cap/slow/1500", allowed()),
        JsValue::UNDEFINED,
    );
    wait(sleep(200)).await;
    let clicks: Vec<SpanRecord> = sink
        .take()
        .into_iter()
        .filter(|s| s.get("event_type").is_some())
        .collect();
    assert_eq!(
        clicks.len(),
        1,
        "ended by the cap while its request is pending"
    );
    let ms = (clicks[0].end_ns - clicks[0].start_ns) as f64 / 1e6;
    assert!((40.0..1000.0).contains(&ms), "{ms} ms");
    teardown(&sink);
}

// ============================================================ document load

#[wasm_bindgen_test]
async fn document_load_spans_after_load_with_meta_traceparent_once_per_page() {
    reset_document_load_flag();
    let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let remove = add_meta_traceparent(tp);
    let hooks = obj(&[(
        "documentLoad",
        obj(&[(
            "applyCustomAttributesOnSpan",
            obj(&[
                (
                    "documentLoad",
                    func("span", "span.setAttribute('hook.load', 1)"),
                ),
                (
                    "resourceFetch",
                    func(
                        "span, entry",
                        "span.setAttribute('hook.initiator', entry.initiatorType)",
                    ),
                ),
            ]),
        )]),
    )]);
    // The page finished loading long ago: spans come from performance entries.
    let sink = setup_with(config(&allowed(), hooks));
    let mut spans = Vec::new();
    for _ in 0..100 {
        spans.extend(sink.take());
        if !spans.is_empty() {
            break;
        }
        wait(sleep(10)).await;
    }
    restore(&remove);
    let load = spans
        .iter()
        .find(|s| s.name == "documentLoad")
        .expect("documentLoad");
    assert_eq!(
        spans.last().map(|s| s.name.as_str()),
        Some("documentLoad"),
        "children first"
    );
    assert_eq!(hex(&load.trace_id), "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(
        load.parent_span_id.map(|p| hex(&p)).as_deref(),
        Some("b7ad6b7169203331")
    );
    assert_eq!(int_attr(load, "hook.load"), 1);
    assert!(load.get("user_agent.original").is_some());
    let names = event_names(load);
    assert_eq!(names[0], "fetchStart");
    for n in [
        "domInteractive",
        "domContentLoadedEventStart",
        "domContentLoadedEventEnd",
        "domComplete",
        "loadEventStart",
        "loadEventEnd",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let fetch = spans
        .iter()
        .find(|s| s.name == "documentFetch")
        .expect("documentFetch");
    assert_eq!(fetch.parent_span_id, Some(load.span_id));
    assert_eq!(fetch.trace_id, load.trace_id);
    assert!(event_names(fetch).contains(&"responseEnd"));
    let resources: Vec<_> = spans.iter().filter(|s| s.name == "resourceFetch").collect();
    assert!(
        !resources.is_empty(),
        "the runner page loads scripts and wasm"
    );
    for r in &resources {
        assert_eq!(r.parent_span_id, Some(load.span_id));
        assert!(str_attr(r, "url.full").starts_with("http"));
        assert!(r.get("hook.initiator").is_some());
    }
    assert!(load.start_ns <= fetch.start_ns && fetch.end_ns <= load.end_ns);
    teardown(&sink);
    // Once per page: a second SDK start does not report the load again.
    let sink = setup_with(config(&allowed(), JsValue::UNDEFINED));
    wait(sleep(50)).await;
    assert!(teardown(&sink).iter().all(|s| s.name != "documentLoad"));
}

// ============================================================ overhead

/// Rough main-thread overhead per fetch, XHR and click with the SDK core and
/// all instrumentations on (run with `--nocapture` to see the OVERHEAD line;
/// meaningful in a `--release` build). fetch and XMLHttpRequest are replaced
/// by network-free stubs (installed before the SDK, which wraps them as it
/// would the real ones) so only our work is timed; without resource-timing
/// entries the request spans go to the core when their wait times out or
/// at shutdown. Clicks include the macrotask where their spans end. Rounds
/// with and without the SDK alternate; medians of 5.
#[wasm_bindgen_test]
async fn overhead_per_call_is_measured() {
    let url = format!("{}/t/perf/x", other());
    let mut line = String::new();
    for (kind, n) in [("fetch", 500u32), ("xhr", 500), ("click", 5000)] {
        let stub = match kind {
            "fetch" => Some(install_fetch_stub()),
            "xhr" => Some(install_xhr_stub()),
            _ => None,
        };
        let (mut base, mut with) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            wait(time_per_call(kind, &url, 20)).await;
            base.push(
                get(&wait(time_per_call(kind, &url, n)).await, "totalMs")
                    .as_f64()
                    .unwrap(),
            );
            let sdk = init_core_with(
                "perf",
                &[(
                    "batch",
                    obj(&[
                        ("scheduledDelayMillis", 60000.into()),
                        ("maxQueueSize", 100000.into()),
                        ("maxExportBatchSize", 100000.into()),
                        ("maxConcurrentExports", 1000.into()),
                    ]),
                )],
            );
            wait(time_per_call(kind, &url, 20)).await;
            with.push(
                get(&wait(time_per_call(kind, &url, n)).await, "totalMs")
                    .as_f64()
                    .unwrap(),
            );
            shutdown_core(sdk).await;
        }
        if let Some(undo) = stub {
            restore(&undo);
        }
        base.sort_by(f64::total_cmp);
        with.sort_by(f64::total_cmp);
        let (b, w) = (base[2] * 1000.0 / n as f64, with[2] * 1000.0 / n as f64);
        line.push_str(&format!(
            "{kind}: {:.1} us added per call ({w:.1} vs {b:.1}); ",
            w - b
        ));
    }
    console_log!("OVERHEAD {line}");
}
