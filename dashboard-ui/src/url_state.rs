//! Everything a view depends on lives in the URL query, so a copied link
//! reopens the same view: the global time range (`range=1h`, or
//! `start=<ms>&end=<ms>` for a custom range) and each page's filters.

use std::collections::BTreeMap;

/// Query parameters, ordered so encoded URLs are stable.
pub type Query = BTreeMap<String, String>;

/// Parses `a=1&b=x%20y` (a leading `?` is allowed).
pub fn parse_query(s: &str) -> Query {
    s.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Encodes non-empty values as `a=1&b=x%20y` (no leading `?`).
pub fn encode_query(q: &Query) -> String {
    q.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything outside RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `%XX` and `+`; malformed escapes are kept literally.
pub fn decode(s: &str) -> String {
    decode_with(s, true)
}

/// `decodeURIComponent`: `%XX` only (`+` stays); malformed escapes are kept literally.
pub fn decode_component(s: &str) -> String {
    decode_with(s, false)
}

fn decode_with(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The relative presets of the time picker.
pub const PRESETS: [(&str, i64); 5] = [
    ("15m", 15 * 60_000),
    ("1h", 3_600_000),
    ("6h", 6 * 3_600_000),
    ("24h", 24 * 3_600_000),
    ("7d", 7 * 24 * 3_600_000),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeRange {
    /// The last N ms before "now" (one of [`PRESETS`]).
    Last(&'static str),
    /// Absolute epoch-ms bounds.
    Custom { start_ms: i64, end_ms: i64 },
}

impl Default for TimeRange {
    fn default() -> Self {
        TimeRange::Last("1h")
    }
}

impl TimeRange {
    /// Reads `range` or `start`/`end`; anything unusable gives the default.
    pub fn from_query(q: &Query) -> TimeRange {
        if let (Some(s), Some(e)) = (q.get("start"), q.get("end")) {
            if let (Ok(s), Ok(e)) = (s.parse::<i64>(), e.parse::<i64>()) {
                if s < e {
                    return TimeRange::Custom {
                        start_ms: s,
                        end_ms: e,
                    };
                }
            }
        }
        q.get("range")
            .and_then(|r| PRESETS.iter().find(|(name, _)| name == r))
            .map(|(name, _)| TimeRange::Last(name))
            .unwrap_or_default()
    }

    /// Writes itself into `q`, replacing any previous range keys.
    pub fn write(&self, q: &mut Query) {
        q.remove("range");
        q.remove("start");
        q.remove("end");
        match self {
            TimeRange::Last(name) => {
                q.insert("range".into(), name.to_string());
            }
            TimeRange::Custom { start_ms, end_ms } => {
                q.insert("start".into(), start_ms.to_string());
                q.insert("end".into(), end_ms.to_string());
            }
        }
    }

    /// Absolute `(start_ms, end_ms)` given the current time.
    pub fn resolve(&self, now_ms: i64) -> (i64, i64) {
        match self {
            TimeRange::Custom { start_ms, end_ms } => (*start_ms, *end_ms),
            TimeRange::Last(name) => {
                let len = PRESETS
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|p| p.1)
                    .unwrap_or(3_600_000);
                (now_ms - len, now_ms)
            }
        }
    }

    pub fn label(&self) -> String {
        match self {
            TimeRange::Last(name) => format!("Last {name}"),
            TimeRange::Custom { start_ms, end_ms } => format!(
                "{} → {}",
                crate::format::datetime_ms(*start_ms as f64, 0),
                crate::format::datetime_ms(*end_ms as f64, 0)
            ),
        }
    }
}

/// Chart step for a window: ≥ 60 s (SigNoz panics on 0, contract §7) and
/// at most ~120 points.
pub fn step_seconds(start_ms: i64, end_ms: i64) -> i64 {
    let secs = ((end_ms - start_ms) / 1000).max(1);
    let raw = secs / 120;
    [
        60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ]
    .into_iter()
    .find(|s| *s >= raw)
    .unwrap_or(86400)
}

/// The logs explorer filtered on one trace, over the trace's own time span
/// widened by a minute each side (logs are often stamped just outside the
/// spans), so logs of old traces show up.
pub fn trace_logs_link(trace_id: &str, start_ms: f64, end_ms: f64) -> String {
    let start = (start_ms.floor() as i64 - 60_000).max(0);
    let end = (end_ms.ceil() as i64).max(start + 1) + 60_000;
    format!("/logs?trace={}&start={start}&end={end}", encode(trace_id))
}

/// Trace explorer filters (`svc`, `op`, `status`, `minMs`, `maxMs`,
/// `attr` as `k=v;k2=v2`, `view` spans|traces, `page`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceFilters {
    pub service: String,
    pub operation: String,
    /// "", "error" or "ok".
    pub status: String,
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub attrs: Vec<(String, String)>,
    pub view_traces: bool,
    pub page: u32,
}

impl TraceFilters {
    pub fn from_query(q: &Query) -> TraceFilters {
        let get = |k: &str| q.get(k).cloned().unwrap_or_default();
        TraceFilters {
            service: get("svc"),
            operation: get("op"),
            status: match get("status").as_str() {
                s @ ("error" | "ok") => s.to_string(),
                _ => String::new(),
            },
            min_ms: q.get("minMs").and_then(|v| v.parse().ok()),
            max_ms: q.get("maxMs").and_then(|v| v.parse().ok()),
            attrs: parse_attrs(&get("attr")),
            view_traces: get("view") == "traces",
            page: q.get("page").and_then(|v| v.parse().ok()).unwrap_or(0),
        }
    }

    pub fn write(&self, q: &mut Query) {
        let mut set = |k: &str, v: String| set_or_remove(q, k, v);
        set("svc", self.service.clone());
        set("op", self.operation.clone());
        set("status", self.status.clone());
        set(
            "minMs",
            self.min_ms.map(|v| v.to_string()).unwrap_or_default(),
        );
        set(
            "maxMs",
            self.max_ms.map(|v| v.to_string()).unwrap_or_default(),
        );
        set("attr", format_attrs(&self.attrs));
        set(
            "view",
            if self.view_traces {
                "traces".into()
            } else {
                String::new()
            },
        );
        set(
            "page",
            if self.page > 0 {
                self.page.to_string()
            } else {
                String::new()
            },
        );
    }
}

/// Logs explorer filters (`svc`, `sev`, `q` body contains, `trace`, `attr`, `page`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilters {
    pub service: String,
    pub severity: String,
    pub body: String,
    pub trace_id: String,
    pub attrs: Vec<(String, String)>,
    pub page: u32,
}

impl LogFilters {
    pub fn from_query(q: &Query) -> LogFilters {
        let get = |k: &str| q.get(k).cloned().unwrap_or_default();
        LogFilters {
            service: get("svc"),
            severity: get("sev"),
            body: get("q"),
            trace_id: get("trace"),
            attrs: parse_attrs(&get("attr")),
            page: q.get("page").and_then(|v| v.parse().ok()).unwrap_or(0),
        }
    }

    pub fn write(&self, q: &mut Query) {
        let mut set = |k: &str, v: String| set_or_remove(q, k, v);
        set("svc", self.service.clone());
        set("sev", self.severity.clone());
        set("q", self.body.clone());
        set("trace", self.trace_id.clone());
        set("attr", format_attrs(&self.attrs));
        set(
            "page",
            if self.page > 0 {
                self.page.to_string()
            } else {
                String::new()
            },
        );
    }
}

/// Sets `k` to `v`, or removes `k` when `v` is empty (so URLs stay short).
fn set_or_remove(q: &mut Query, k: &str, v: String) {
    if v.is_empty() {
        q.remove(k);
    } else {
        q.insert(k.to_string(), v);
    }
}

/// `k=v;k2=v2` → pairs; entries without `=` or with an empty key are dropped.
pub fn parse_attrs(s: &str) -> Vec<(String, String)> {
    s.split(';')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            let k = k.trim();
            (!k.is_empty()).then(|| (k.to_string(), v.trim().to_string()))
        })
        .collect()
}

pub fn format_attrs(a: &[(String, String)]) -> String {
    a.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
