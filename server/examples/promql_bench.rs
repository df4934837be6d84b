//! Benchmark (not a test): SigNoz's published host-metrics dashboard (24 PromQL panels) over
//! 24 h of hostmetrics-like OTLP metrics, about 1 000 000 points, on a real server over HTTP.
//! Times the whole dashboard (all panels requested at once, as a browser does) and each panel.
//!
//!   cargo run --release -p server --example promql_bench [-- --hosts 5 --step 60]

mod support;
use support::{arg, kv};

use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use serde_json::{json, Value};

/// The PromQL of each panel of SigNoz/dashboards `hostmetrics/hostmetrics-with-variable.json`
/// (early 2024), quoted as data.
const PANELS: &[&[&str]] = &[
    &[r#"system_memory_usage{host_name="{{.hostname}}",state=~"buffered|cached|free|used"}"#],
    &[r#"avg by(state) (irate(system_cpu_time{host_name="{{.hostname}}",state!="idle"}[5m]))"#],
    &[
        r#"system_filesystem_usage{host_name="{{.hostname}}",state="used",device!~"/dev/loop.*", device!~"tmpfs|nsfs"}"#,
    ],
    &[
        r#"system_filesystem_usage{host_name="{{.hostname}}",state="free",device!~"/dev/loop.*", device!~"tmpfs | nsfs"}"#,
    ],
    &[r#"avg by(state) (irate(system_cpu_time{host_name="{{.hostname}}",state="idle"}[5m]))"#],
    &[r#"avg by(direction) (irate(system_network_io{host_name="{{.hostname}}"}[5m]))"#],
    &[r#"irate(system_network_io{host_name="{{.hostname}}"}[5m])"#],
    &[
        r#"irate(system_disk_io{host_name="{{.hostname}}",device!~"loop.*", device!~"tmpfs | nsfs"}[5m])"#,
    ],
    &[
        r#"avg by(direction) (irate(system_disk_io{host_name="{{.hostname}}",device!~"loop.*", device!~"tmpfs|nsfs"}[5m]))"#,
    ],
    &[
        r#"system_cpu_load_average_1m{host_name="{{.hostname}}"}"#,
        r#"system_cpu_load_average_5m{host_name="{{.hostname}}"}"#,
        r#"system_cpu_load_average_15m{host_name="{{.hostname}}"}"#,
    ],
    &[
        r#"system_filesystem_usage{host_name="{{.hostname}}",device!~"/dev/loop.*", device!~"tmpfs | nsfs"}"#,
    ],
    &[
        r#"sum by(state) (system_filesystem_usage{host_name="{{.hostname}}",device!~"/dev/loop.*", device!~"tmpfs | nsfs"})"#,
    ],
    &[
        r#"avg by(direction) (irate(system_disk_operations{host_name="{{.hostname}}",device!~"loop.*",device!~"tmpfs|nsfs"}[5m]))"#,
    ],
    &[r#"up{job_name=~"otel-collector*"}"#],
    &[
        r#"irate(system_disk_weighted_io_time{host_name="{{.hostname}}",device!~"loop.*", device!~"tmpfs|nsfs"}[5m])"#,
    ],
    &[
        r#"sum by(host_name) (system_filesystem_usage{host_name="{{.hostname}}",state="used",device!~"/dev/loop.*", device!~"tmpfs|nsfs"}) / sum by(host_name) (system_filesystem_usage{host_name="{{.hostname}}",device!~"/dev/loop.*", device!~"tmpfs|nsfs"})"#,
    ],
    &[
        r#"sum by(host_name) (system_memory_usage{host_name="{{.hostname}}",state="used"}) / sum by(host_name) (system_memory_usage{host_name="{{.hostname}}"})"#,
    ],
    &[
        r#"1 - (avg by(host_name) (irate(system_cpu_time{host_name="{{.hostname}}",state="idle"}[5m])))"#,
    ],
    &[
        r#"avg by(host_name) (irate(system_disk_io{host_name="{{.hostname}}",direction="read",device!~"loop.*", device!~"tmpfs|nsfs"}[5m]))"#,
    ],
    &[
        r#"avg by(host_name) (irate(system_disk_io{host_name="{{.hostname}}", direction="write", device!~"loop.*", device!~"tmpfs|nsfs"}[5m]))"#,
    ],
    &[
        r#"sum by(host_name, state) (system_filesystem_inodes_usage{host_name="{{.hostname}}",device!~"/dev/loop.*",device!~"tmpfs|nsfs"})"#,
        "",
    ],
    &[
        r#"system_filesystem_inodes_usage{host_name="{{.hostname}}",device!~"/dev/loop.*",device!~"tmpfs|nsfs"}"#,
    ],
    &[
        r#"sum by(host_name) (system_filesystem_inodes_usage{host_name="{{.hostname}}",state="used",device!~"/dev/loop.*",device!~"tmpfs|nsfs"}) / sum by(host_name) (system_filesystem_inodes_usage{host_name="{{.hostname}}",device!~"/dev/loop.*",device!~"tmpfs|nsfs"})"#,
    ],
    &[
        r#"irate(system_disk_operations{host_name="{{.hostname}}",device!~"loop.*",device!~"tmpfs|nsfs"}[5m])"#,
    ],
];

struct Family {
    name: &'static str,
    counter: bool,
    /// Attribute sets of this metric's series on one host.
    attrs: Vec<Vec<(&'static str, String)>>,
}

fn families() -> Vec<Family> {
    let cross = |a: (&'static str, &[&str]),
                 b: (&'static str, &[&str])|
     -> Vec<Vec<(&'static str, String)>> {
        let mut out = Vec::new();
        for x in a.1 {
            for y in b.1 {
                out.push(vec![(a.0, x.to_string()), (b.0, y.to_string())]);
            }
        }
        out
    };
    let one = |k: &'static str, vs: &[&str]| -> Vec<Vec<(&'static str, String)>> {
        vs.iter().map(|v| vec![(k, v.to_string())]).collect()
    };
    let cpus: Vec<String> = (0..8).map(|i| format!("cpu{i}")).collect();
    let cpus: Vec<&str> = cpus.iter().map(String::as_str).collect();
    let states = [
        "user",
        "system",
        "idle",
        "interrupt",
        "nice",
        "softirq",
        "steal",
        "wait",
    ];
    let disks = ["sda", "sdb", "loop0", "nvme0n1"];
    let fs = [
        "/dev/sda1",
        "/dev/sdb1",
        "/dev/loop0",
        "tmpfs",
        "/dev/nvme0n1p1",
    ];
    let dir = ["read", "write"];
    vec![
        Family {
            name: "system.cpu.time",
            counter: true,
            attrs: cross(("cpu", &cpus), ("state", &states)),
        },
        Family {
            name: "system.memory.usage",
            counter: false,
            attrs: one(
                "state",
                &[
                    "used",
                    "free",
                    "buffered",
                    "cached",
                    "slab_reclaimable",
                    "slab_unreclaimable",
                ],
            ),
        },
        Family {
            name: "system.filesystem.usage",
            counter: false,
            attrs: cross(("device", &fs), ("state", &["used", "free", "reserved"])),
        },
        Family {
            name: "system.filesystem.inodes.usage",
            counter: false,
            attrs: cross(("device", &fs), ("state", &["used", "free", "reserved"])),
        },
        Family {
            name: "system.network.io",
            counter: true,
            attrs: cross(
                ("device", &["eth0", "eth1", "lo", "docker0"]),
                ("direction", &["receive", "transmit"]),
            ),
        },
        Family {
            name: "system.disk.io",
            counter: true,
            attrs: cross(("device", &disks), ("direction", &dir)),
        },
        Family {
            name: "system.disk.operations",
            counter: true,
            attrs: cross(("device", &disks), ("direction", &dir)),
        },
        Family {
            name: "system.disk.weighted_io_time",
            counter: true,
            attrs: one("device", &disks),
        },
        Family {
            name: "system.cpu.load_average.1m",
            counter: false,
            attrs: vec![vec![]],
        },
        Family {
            name: "system.cpu.load_average.5m",
            counter: false,
            attrs: vec![vec![]],
        },
        Family {
            name: "system.cpu.load_average.15m",
            counter: false,
            attrs: vec![vec![]],
        },
    ]
}

/// One request: `ticks` consecutive minutes of every series of one host.
fn request(
    host: usize,
    first_tick: u64,
    ticks: u64,
    start_ns: u64,
    fams: &[Family],
) -> (Vec<u8>, usize) {
    let mut points = 0;
    let metrics = fams
        .iter()
        .map(|f| {
            let mut dps = Vec::new();
            for (si, attrs) in f.attrs.iter().enumerate() {
                for t in first_tick..first_tick + ticks {
                    let x = t as f64;
                    let v = if f.counter {
                        x * (10.0 + si as f64) + host as f64
                    } else {
                        1000.0 + ((x / 30.0).sin() + 1.0) * 100.0 * (si + 1) as f64
                    };
                    dps.push(NumberDataPoint {
                        time_unix_nano: start_ns + t * 60_000_000_000,
                        value: Some(number_data_point::Value::AsDouble(v)),
                        attributes: attrs.iter().map(|(k, v)| kv(k, v)).collect(),
                        ..Default::default()
                    });
                }
            }
            points += dps.len();
            let data = if f.counter {
                metric::Data::Sum(Sum {
                    data_points: dps,
                    aggregation_temporality: 2,
                    is_monotonic: true,
                })
            } else {
                metric::Data::Gauge(Gauge { data_points: dps })
            };
            Metric {
                name: f.name.into(),
                data: Some(data),
                ..Default::default()
            }
        })
        .collect();
    let req = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: vec![
                    kv("host.name", &format!("host-{host}")),
                    kv("os.type", "linux"),
                ],
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics {
                metrics,
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    (req.encode_to_vec(), points)
}

#[tokio::main]
async fn main() {
    let hosts: usize = arg("--hosts", 5);
    let step: i64 = arg("--step", 60);
    let dir = std::env::temp_dir().join(format!("server-promql-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let running = server::start(server::Config::ephemeral(dir.clone()))
        .await
        .unwrap();
    let api = format!("http://{}", running.api_addr);
    let otlp = format!("http://{}/v1/metrics", running.otlp_addr);
    let http = reqwest::Client::new();

    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let minutes = 24 * 60u64;
    let start_ns = (now_ns / 60_000_000_000 - minutes) * 60_000_000_000;
    let fams = families();
    let mut total = 0;
    let t0 = Instant::now();
    for host in 0..hosts {
        for first in (0..minutes).step_by(30) {
            let (body, n) = request(host, first, 30, start_ns, &fams);
            total += n;
            let r = http
                .post(&otlp)
                .header("content-type", "application/x-protobuf")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
        }
    }
    let took = t0.elapsed();
    println!(
        "ingest: {total} metric points ({hosts} hosts × 24 h at 1/min) in {:.1} s = {:.0} points/s",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );

    let reg =
        json!({"name": "b", "orgName": "b", "email": "b@example.com", "password": "benchmark"});
    http.post(format!("{api}/api/v1/register"))
        .json(&reg)
        .send()
        .await
        .unwrap();
    let login: Value = http
        .post(format!("{api}/api/v1/login"))
        .json(&reg)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["accessJwt"].as_str().unwrap().to_string();
    let end_ms = (now_ns / 1_000_000) as i64;
    let body = |panel: &[&str]| {
        let queries: serde_json::Map<String, Value> = panel
            .iter()
            .enumerate()
            .map(|(i, q)| {
                (
                    ((b'A' + i as u8) as char).to_string(),
                    json!({"query": q, "disabled": false, "legend": ""}),
                )
            })
            .collect();
        json!({"start": end_ms - 86_400_000, "end": end_ms, "step": step, "variables": {"hostname": "host-0"},
            "compositeQuery": {"queryType": "promql", "panelType": "graph", "promQueries": queries}})
    };
    let run = |panel: &'static [&'static str]| {
        let http = http.clone();
        let url = format!("{api}/api/v3/query_range");
        let token = token.clone();
        let b = body(panel);
        async move {
            let t = Instant::now();
            let r = http
                .post(url)
                .bearer_auth(token)
                .json(&b)
                .send()
                .await
                .unwrap();
            let ok = r.status().is_success();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            let drawn = v["data"]["result"].as_array().is_some_and(|rs| {
                rs.iter()
                    .any(|r| r["series"].as_array().is_some_and(|s| !s.is_empty()))
            });
            (t.elapsed(), ok, drawn)
        }
    };
    // Warm-up, then the whole dashboard at once.
    let _ = run(PANELS[0]).await;
    for round in 0..3 {
        let t = Instant::now();
        let results = futures_util::future::join_all(PANELS.iter().map(|p| run(p))).await;
        let wall = t.elapsed();
        let drawn = results.iter().filter(|r| r.1 && r.2).count();
        println!(
            "dashboard (round {round}): {} panels in {:.0} ms wall, {drawn} drew data (`up` has none by design)",
            PANELS.len(),
            wall.as_secs_f64() * 1e3
        );
    }
    let mut each: Vec<(Duration, usize)> = Vec::new();
    for (i, p) in PANELS.iter().enumerate() {
        each.push((run(p).await.0, i));
    }
    each.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "panels one at a time: p50 {:.0} ms, max {:.0} ms (panel {}), sum {:.0} ms",
        ms(each[each.len() / 2].0),
        ms(each.last().unwrap().0),
        each.last().unwrap().1,
        each.iter().map(|e| ms(e.0)).sum::<f64>()
    );
    running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
