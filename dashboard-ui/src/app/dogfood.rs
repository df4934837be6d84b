//! Dogfood: the dashboard traces its own API calls with our SDK's Rust API
//! (`sdk-wasm`, linked without its JS surface). Off unless
//! `<meta name="otel-endpoint">` in index.html names an OTLP/HTTP endpoint
//! (nginx fills it from `DASHBOARD_OTEL_ENDPOINT`; empty = off). One CLIENT
//! span per `api::send`, with `traceparent` on the same-origin request.

use sdk_wasm::attributes::{KeyValue, Scope};
use sdk_wasm::config::RawConfig;
use sdk_wasm::trace::{SdkSpan, SdkTracer, SpanKind, SpanOptions, Status};
use std::cell::OnceCell;
use std::rc::Rc;

/// The service name the dashboard reports itself as.
pub const SERVICE_NAME: &str = "otel-wasm-dashboard";

thread_local! {
    /// `None` when the switch is off or the SDK could not start.
    static TRACER: OnceCell<Option<(Rc<sdk_wasm::web::Sdk>, SdkTracer)>> = const { OnceCell::new() };
}

fn meta_endpoint() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector("meta[name=otel-endpoint]")
        .ok()??
        .get_attribute("content")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn start_sdk() -> Option<(Rc<sdk_wasm::web::Sdk>, SdkTracer)> {
    let endpoint = meta_endpoint()?;
    let document_url = web_sys::window()?.location().href().ok()?;
    let cfg = RawConfig {
        service_version: Some(env!("CARGO_PKG_VERSION").into()),
        otlp_endpoint: Some(endpoint),
        ..RawConfig::new(SERVICE_NAME)
    };
    let cfg = match cfg.validate(&document_url) {
        Ok(c) => c,
        Err(e) => {
            web_sys::console::warn_1(&format!("dogfood tracing off: {}", e.message()).into());
            return None;
        }
    };
    let sdk = sdk_wasm::web::Sdk::start(cfg, Vec::new(), None).ok()?;
    let tracer = sdk.provider.tracer_with_scope(Scope::new("dashboard-ui"));
    Some((sdk, tracer))
}

/// A traced API call; ends when [`CallSpan::finish`] is called (or dropped).
pub struct CallSpan(SdkSpan);

/// Starts the CLIENT span of one API call and gives the `traceparent` to send;
/// `None` when dogfood tracing is off.
pub fn start_call(method: &str, url: &str) -> Option<(CallSpan, String)> {
    TRACER.with(|t| {
        let (_, tracer) = t.get_or_init(start_sdk).as_ref()?;
        let full = web_sys::Url::new_with_base(url, &web_sys::window()?.location().href().ok()?)
            .ok()?
            .href();
        let path = web_sys::Url::new(&full).ok()?.pathname();
        let mut o = SpanOptions::new(format!("{method} {path}"));
        o.kind = SpanKind::Client;
        o.attributes = vec![
            KeyValue::new("http.request.method", method.to_string()),
            KeyValue::new("url.full", full),
        ];
        let span = tracer.start_span(o);
        let traceparent = sdk_wasm::propagation::traceparent::format(span.span_context());
        Some((CallSpan(span), traceparent))
    })
}

impl CallSpan {
    /// Records the outcome: the status code, or the network error.
    pub fn finish(mut self, outcome: Result<u16, &str>) {
        match outcome {
            Ok(status) => {
                self.0
                    .set_attribute(KeyValue::new("http.response.status_code", status as i64));
                if status >= 400 {
                    self.0.set_status(Status::error(format!("HTTP {status}")));
                }
            }
            Err(e) => {
                self.0.set_attribute(KeyValue::new("error.type", "network"));
                self.0.set_status(Status::error(e.to_string()));
            }
        }
        self.0.end();
    }
}
