//! `/get-started` (v0.39's onboarding): pick what to monitor (APM, logs,
//! infrastructure metrics, browser RUM), follow the steps that send OTLP to
//! this server, then "verify data": the page polls the API until the first
//! data arrives (`/api/v1/services`, `/api/v1/logs`, the metric names).

use crate::app::api;
use crate::app::state::now_ms;
use leptos::leptos_dom::helpers::set_interval_with_handle;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

const MODULES: [(&str, &str, &str); 4] = [
    (
        "apm",
        "APM (traces)",
        "Traces and RED metrics from your services",
    ),
    ("logs", "Logs", "Application and system logs"),
    (
        "infra",
        "Infrastructure metrics",
        "Host and container metrics through the OpenTelemetry Collector",
    ),
    (
        "browser",
        "Browser RUM",
        "Page loads, fetches and interactions from the browser (otel-wasm)",
    ),
];

const LANGUAGES: [(&str, &str); 4] = [
    ("node", "Node.js"),
    ("python", "Python"),
    ("java", "Java"),
    ("go", "Go"),
];

/// The OTLP/HTTP receiver listens on its own port (4318 unless configured otherwise).
fn default_endpoint() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!(
                "{}//{}:4318",
                l.protocol().ok()?,
                l.hostname().ok()?
            ))
        })
        .unwrap_or_else(|| "http://localhost:4318".into())
}

/// `(title, text, code)` steps for one module and language.
fn steps(
    module: &str,
    lang: &str,
    ep: &str,
    svc: &str,
) -> Vec<(&'static str, &'static str, String)> {
    let logs = module == "logs";
    match (module, lang) {
        ("infra", _) => vec![
            ("Install the OpenTelemetry Collector (contrib)", "Download otelcol-contrib for your platform from the opentelemetry-collector-releases GitHub releases, or run its container image.",
                "docker run --rm -v $PWD/config.yaml:/etc/otelcol-contrib/config.yaml otel/opentelemetry-collector-contrib".into()),
            ("Configure the host metrics receiver", "Scrape CPU, memory, disk, filesystem, network and load every 30 s and send them over OTLP/HTTP to this server.",
                format!("receivers:\n  hostmetrics:\n    collection_interval: 30s\n    scrapers: {{ cpu: {{}}, memory: {{}}, disk: {{}}, filesystem: {{}}, network: {{}}, load: {{}} }}\nprocessors:\n  resourcedetection:\n    detectors: [env, system]\n  batch: {{}}\nexporters:\n  otlphttp:\n    endpoint: {ep}\nservice:\n  pipelines:\n    metrics:\n      receivers: [hostmetrics]\n      processors: [resourcedetection, batch]\n      exporters: [otlphttp]")),
            ("Start the collector", "The metrics show up in the query builder's metric names and on dashboards.",
                "otelcol-contrib --config config.yaml".into()),
        ],
        ("browser", _) => vec![
            ("Install otel-wasm", "Build the package tarball from this project (npm/build.sh) and install it with the OpenTelemetry API.",
                "npm install /path/to/otel-wasm/npm/otel-wasm-0.1.0.tgz @opentelemetry/api".into()),
            ("Start it in your app", "Document load, fetch, XHR and user interactions are recorded from this call on; /v1/traces and /v1/metrics are appended to the endpoint.",
                format!("import * as api from '@opentelemetry/api';\nimport {{ initTelemetry }} from 'otel-wasm';\n\nexport const telemetry = await initTelemetry({{\n  serviceName: '{svc}',\n  otlpEndpoint: '{ep}',\n}});\nawait telemetry.register(api);")),
            ("Allow the WebAssembly and the collector", "The SDK compiles WebAssembly and posts to the OTLP origin; without these it stays off and never breaks the page.",
                format!("Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' {ep}")),
        ],
        (_, "python") => vec![
            ("Install the distro and exporter", "", "pip install opentelemetry-distro opentelemetry-exporter-otlp\nopentelemetry-bootstrap -a install".into()),
            ("Run your app with the instrumentation", "This server receives OTLP over HTTP, so set the protocol explicitly.",
                format!("OTEL_SERVICE_NAME={svc} \\\nOTEL_EXPORTER_OTLP_ENDPOINT={ep} \\\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \\\nOTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp{} \\\nopentelemetry-instrument python app.py",
                    if logs { " OTEL_LOGS_EXPORTER=otlp \\\nOTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true" } else { "" })),
        ],
        (_, "java") => vec![
            ("Download the Java agent", "", "curl -LO https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar".into()),
            ("Run your app with the agent", "The agent instruments common frameworks and sends traces, metrics and logs.",
                format!("OTEL_SERVICE_NAME={svc} \\\nOTEL_EXPORTER_OTLP_ENDPOINT={ep} \\\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf{} \\\njava -javaagent:opentelemetry-javaagent.jar -jar app.jar",
                    if logs { " \\\nOTEL_LOGS_EXPORTER=otlp" } else { "" })),
        ],
        (_, "go") => vec![
            ("Add the SDK and the OTLP/HTTP exporter", "", format!("go get go.opentelemetry.io/otel go.opentelemetry.io/otel/sdk \\\n  go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp{}",
                if logs { " \\\n  go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp go.opentelemetry.io/otel/sdk/log" } else { "" })),
            ("Set up the tracer provider at start-up", "The exporter and the resource read the OTEL_* variables below.",
                "exp, err := otlptracehttp.New(ctx)\nif err != nil { log.Fatal(err) }\ntp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))\ndefer tp.Shutdown(ctx)\notel.SetTracerProvider(tp)".into()),
            ("Run with the endpoint", "", format!("OTEL_SERVICE_NAME={svc} OTEL_EXPORTER_OTLP_ENDPOINT={ep} go run .")),
        ],
        _ => vec![
            ("Install the auto-instrumentations", "", "npm install @opentelemetry/api @opentelemetry/auto-instrumentations-node".into()),
            ("Run your app with them", "Traces and metrics go to this server over OTLP/HTTP.",
                format!("OTEL_SERVICE_NAME={svc} \\\nOTEL_EXPORTER_OTLP_ENDPOINT={ep} \\\nOTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp{} \\\nnode --require @opentelemetry/auto-instrumentations-node/register app.js",
                    if logs { " OTEL_LOGS_EXPORTER=otlp" } else { "" })),
        ],
    }
}

/// One check for data of `module`; `Ok(Some(text))` once some has arrived.
async fn probe(module: &str, since_ms: i64) -> Result<Option<String>, String> {
    match module {
        "logs" => {
            let n = api::latest_log_count().await.map_err(|e| e.message)?;
            Ok((n > 0).then(|| "Logs are arriving.".to_string()))
        }
        "infra" => {
            let keys = api::aggregate_attributes("metrics", "noop", "")
                .await
                .map_err(|e| e.message)?;
            Ok((!keys.is_empty()).then(|| {
                let names: Vec<_> = keys.iter().take(5).map(|k| k.key.as_str()).collect();
                format!(
                    "{} metrics received, e.g. {}.",
                    keys.len(),
                    names.join(", ")
                )
            }))
        }
        _ => {
            let list = api::services(since_ms, now_ms(), &serde_json::json!([]))
                .await
                .map_err(|e| e.message)?;
            Ok((!list.is_empty()).then(|| {
                let names: Vec<_> = list.iter().map(|s| s.service_name.as_str()).collect();
                format!("Data received from {}.", names.join(", "))
            }))
        }
    }
}

#[component]
pub fn GetStartedPage() -> impl IntoView {
    let module = RwSignal::new("apm");
    let lang = RwSignal::new("node");
    let endpoint = RwSignal::new(default_endpoint());
    let service = RwSignal::new("my-service".to_string());
    let status = RwSignal::new(None::<Result<String, String>>);
    let checks = RwSignal::new(0u32);
    // Data from the last hour counts: the user may have started sending before opening the page.
    let since = now_ms() - 3_600_000;
    let poll = move || {
        let m = module.get_untracked();
        spawn_local(async move {
            let r = probe(m, since).await;
            if module.get_untracked() != m {
                return;
            }
            checks.update(|c| *c += 1);
            match r {
                Ok(Some(t)) => status.set(Some(Ok(t))),
                Ok(None) => {
                    if !matches!(status.get_untracked(), Some(Ok(_))) {
                        status.set(None)
                    }
                }
                Err(e) => status.set(Some(Err(e))),
            }
        });
    };
    Effect::new(move |_| {
        module.track();
        status.set(None);
        checks.set(0);
        poll();
    });
    if let Ok(h) = set_interval_with_handle(
        move || {
            if !matches!(status.get_untracked(), Some(Ok(_))) {
                poll()
            }
        },
        Duration::from_secs(5),
    ) {
        on_cleanup(move || h.clear());
    }
    let module_tabs = MODULES
        .map(|(id, label, hint)| {
            view! {
                <button role="tab" aria-selected=move || (module.get() == id).to_string()
                    title=hint on:click=move |_| module.set(id)>{label}</button>
            }
        })
        .collect_view();
    let lang_tabs = move || {
        matches!(module.get(), "apm" | "logs").then(|| {
            view! {
                <div class="tabs" role="tablist" aria-label="Language">
                    {LANGUAGES.map(|(id, label)| view! {
                        <button role="tab" aria-selected=move || (lang.get() == id).to_string()
                            on:click=move |_| lang.set(id)>{label}</button>
                    }).collect_view()}
                </div>
            }
        })
    };
    let step_list = move || {
        let list = steps(module.get(), lang.get(), &endpoint.get(), &service.get());
        view! {
            <ol class="steps">
                {list.into_iter().map(|(title, text, code)| view! {
                    <li>
                        <h3>{title}</h3>
                        {(!text.is_empty()).then(|| view! { <p class="hint">{text}</p> })}
                        <pre class="json">{code}</pre>
                    </li>
                }).collect_view()}
            </ol>
        }
    };
    view! {
        <section class="get-started">
            <div class="toolbar"><h1>"Get started"</h1></div>
            <p class="hint">"Send OpenTelemetry data (OTLP over HTTP) to this server, then wait here for it to arrive."</p>
            <div class="tabs" role="tablist" aria-label="Module">{module_tabs}</div>
            {lang_tabs}
            <div class="toolbar">
                <label>"OTLP endpoint"<input type="text" prop:value=move || endpoint.get()
                    on:input=move |ev| endpoint.set(event_target_value(&ev))/></label>
                <label>"Service name"<input type="text" prop:value=move || service.get()
                    on:input=move |ev| service.set(event_target_value(&ev))/></label>
            </div>
            {step_list}
            <h2>"Verify data"</h2>
            <div class="verify" role="status" aria-label="Verify data">
                {move || match status.get() {
                    Some(Ok(t)) => view! { <p class="ok">"✓ " {t}</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="error" role="alert">{e}</div> }.into_any(),
                    None => view! {
                        <p class="hint">{move || format!("Waiting for data… (checked {} times, every 5 s)", checks.get())}</p>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}
