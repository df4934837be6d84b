//! Component tests in a real browser (wasm-bindgen-test, headless Chrome):
//! API values render as text only, and the trace view keeps its DOM bounded
//! by the viewport for a big trace. These run as unoptimised (debug) wasm, so
//! the big trace here is 20 000 spans; the tree logic is tested natively at
//! 100 000 and the release build is measured at 100 000 by the benchmark.

use super::components::{ChartSeries, ErrorView, TimeChart};
use super::pages::{RuleEditor, TraceView};
use super::role::Me;
use crate::alert_rule::RuleForm;
use crate::model::SpanRow;
use crate::model::UserPayload;
use crate::trace::TraceTree;
use leptos::prelude::*;
use leptos_router::components::Router;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const XSS: &str = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";

fn container(height_px: u32) -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    // The app's real stylesheet: the waterfall's fixed-height scroller comes from it.
    if doc.get_element_by_id("app-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("app-css");
        style.set_text_content(Some(include_str!("../../web/style.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
    let div: web_sys::HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
    div.set_attribute("style", &format!("height:{height_px}px;width:1200px"))
        .unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

async fn sleep_ms(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn xss_fired() -> bool {
    let v = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__xss".into()).unwrap();
    !v.is_undefined()
}

fn row(id: &str, parent: &str, start: f64, name: &str, tag_value: &str, event: &str) -> SpanRow {
    SpanRow(
        start,
        id.into(),
        "t1".into(),
        name.into(),
        name.into(),
        "2".into(),
        "1000000".into(),
        vec![XSS.into(), "plain".into()],
        vec![tag_value.into(), "ok".into()],
        if parent.is_empty() {
            vec![]
        } else {
            vec![format!("{{TraceId=t1, SpanId={parent}, RefType=CHILD_OF}}")]
        },
        if event.is_empty() {
            vec![]
        } else {
            vec![event.into()]
        },
        true,
    )
}

#[wasm_bindgen_test]
async fn api_values_render_as_text_and_never_execute() {
    let event = format!(
        "{{\"name\":{n},\"timeUnixNano\":1,\"attributeMap\":{{\"exception.message\":{n}}},\"isError\":true}}",
        n = serde_json::to_string(XSS).unwrap()
    );
    let tree = Arc::new(TraceTree::from_rows(vec![
        row("root", "", 0.0, XSS, XSS, &event),
        row("child", "root", 0.5, "child", XSS, ""),
    ]));
    let el = container(600);
    let series = vec![ChartSeries {
        name: XSS.into(),
        points: vec![(0.0, 1.0), (60_000.0, 2.0)],
    }];
    let handle = leptos::mount::mount_to(el.clone(), move || {
        view! {
            <ErrorView message=XSS.to_string()/>
            <TimeChart title=XSS.to_string() series=series format=crate::format::compact/>
            <TraceView tree=tree initial_span=Some("root".to_string())/>
        }
    });
    sleep_ms(200).await;
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains(XSS), "the payload is shown literally");
    assert!(
        el.query_selector("img").unwrap().is_none(),
        "no <img> element was created"
    );
    assert!(
        el.query_selector("script").unwrap().is_none(),
        "no <script> element was created"
    );
    assert!(
        el.query_selector(".span-panel").unwrap().is_some(),
        "the span panel (attributes, events) rendered"
    );
    assert!(!xss_fired(), "no injected handler ran");
    drop(handle);
}

#[wasm_bindgen_test]
async fn big_traces_keep_the_dom_bounded() {
    const SPANS: u32 = 20_000;
    let mut rows = Vec::with_capacity(SPANS as usize);
    rows.push(row("s0", "", 0.0, "root", "v", ""));
    for i in 1..SPANS {
        let parent = format!("s{}", (i - 1) / 4);
        rows.push(row(
            &format!("s{i}"),
            &parent,
            i as f64 * 0.01,
            "op",
            "v",
            "",
        ));
    }
    let t0 = js_sys::Date::now();
    let tree = Arc::new(TraceTree::from_rows(rows));
    let el = container(800);
    let handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <TraceView tree=tree initial_span=None/> },
    );
    sleep_ms(100).await;
    let elapsed = js_sys::Date::now() - t0;
    let rendered = el.query_selector_all(".wf-row").unwrap().length();
    assert!(
        rendered > 5 && rendered < 200,
        "{rendered} rows in the DOM for {SPANS} spans"
    );
    let flame_boxes = el.query_selector_all(".fl-box").unwrap().length();
    assert!(flame_boxes < 20_000, "{flame_boxes} flame boxes");

    // Keyboard: ArrowDown moves the cursor; ArrowLeft on the root collapses it.
    let scroller: web_sys::HtmlElement = el
        .query_selector(".wf-scroll")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        scroller.dispatch_event(&ev).unwrap();
    };
    key("ArrowDown");
    sleep_ms(20).await;
    let cursor_rows = el.query_selector_all(".wf-row.cursor").unwrap().length();
    assert_eq!(cursor_rows, 1);
    key("Home");
    key("ArrowLeft");
    sleep_ms(50).await;
    let after = el.query_selector_all(".wf-row").unwrap().length();
    assert_eq!(after, 1, "collapsing the root leaves one row");
    web_sys::console::log_1(
        &format!(
            "{SPANS} spans (debug wasm): tree + first render {elapsed:.0} ms, {rendered} DOM rows"
        )
        .into(),
    );
    drop(handle);
}

fn inputs_with_value(el: &web_sys::HtmlElement, value: &str) -> usize {
    let list = el.query_selector_all("input, textarea").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter(|n| {
            let v = js_sys::Reflect::get(n, &"value".into()).unwrap();
            v.as_string().as_deref() == Some(value)
        })
        .count()
}

fn has_button(el: &web_sys::HtmlElement, text: &str) -> bool {
    let list = el.query_selector_all("button").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .any(|n| n.text_content().as_deref() == Some(text))
}

#[wasm_bindgen_test]
async fn rule_editor_shows_a_signoz_rule_and_no_edit_controls_to_viewers() {
    let rule: serde_json::Value =
        serde_json::from_str(include_str!("../alert_rule/signoz_v039_rule.json")).unwrap();
    for (role, editable) in [("VIEWER", false), ("EDITOR", true)] {
        let el = container(900);
        let (r, f) = (rule.clone(), RuleForm::read(&rule, "q".into()));
        let handle = leptos::mount::mount_to(el.clone(), move || {
            provide_context(Me(RwSignal::new(Some(UserPayload {
                role: role.into(),
                ..Default::default()
            }))));
            view! { <Router><RuleEditor original=r.clone() form=f.clone()/></Router> }
        });
        sleep_ms(200).await;
        assert_eq!(inputs_with_value(&el, "5.5"), 1, "the threshold is shown");
        assert_eq!(
            inputs_with_value(&el, "Checkout error ratio"),
            1,
            "the name is shown"
        );
        let promql = rule["condition"]["compositeQuery"]["promQueries"]["A"]["query"]
            .as_str()
            .unwrap();
        assert_eq!(inputs_with_value(&el, promql), 1, "the PromQL tab is open");
        assert_eq!(has_button(&el, "Save rule"), editable, "{role}");
        assert_eq!(has_button(&el, "Test notification"), editable, "{role}");
        drop(handle);
    }
}
