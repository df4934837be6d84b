//! Metric and label names as SigNoz's metrics exporter writes them. The OTLP receiver keeps
//! OTLP names (`checkout.latency`, label `host.name`); SigNoz's collector stores
//! `checkout_latency` and `host_name`, and a histogram as `checkout_latency_bucket` (with an
//! `le` label), `checkout_latency_count` and `checkout_latency_sum`. Queries here accept both.
//!
//! The rule: every character outside `[A-Za-z0-9_:]` (labels: `[A-Za-z0-9_]`) becomes `_`,
//! and a leading digit gets a `_` in front.

/// Which value of a stored point a Prometheus series carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The gauge or sum value.
    Value,
    /// Histogram bucket counts, one series per `le` bound, cumulative over bounds.
    Bucket,
    Count,
    Sum,
}

fn sanitize(s: &str, colon_ok: bool) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || (colon_ok && c == ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `system.cpu.time` → `system_cpu_time`.
pub fn metric_name(otlp: &str) -> String {
    sanitize(otlp, true)
}

/// `host.name` → `host_name`.
pub fn label_name(otlp: &str) -> String {
    sanitize(otlp, false)
}

/// The Prometheus names one stored metric of `kind` answers to, SigNoz's spelling first,
/// then the OTLP spelling.
pub fn series_names(otlp: &str, kind: &str) -> Vec<(String, Part)> {
    let mut bases = vec![metric_name(otlp)];
    if bases[0] != otlp {
        bases.push(otlp.to_string());
    }
    let mut out = Vec::new();
    for b in bases {
        if kind == "histogram" {
            out.push((format!("{b}_bucket"), Part::Bucket));
            out.push((format!("{b}_count"), Part::Count));
            out.push((format!("{b}_sum"), Part::Sum));
        } else {
            out.push((b, Part::Value));
        }
    }
    out
}

/// The stored-name candidates for a queried name: (base name, part) pairs to look up.
pub fn candidates(queried: &str) -> Vec<(String, Part)> {
    let mut out = vec![(queried.to_string(), Part::Value)];
    for (suffix, part) in [
        ("_bucket", Part::Bucket),
        ("_count", Part::Count),
        ("_sum", Part::Sum),
    ] {
        if let Some(base) = queried.strip_suffix(suffix) {
            out.push((base.to_string(), part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signoz_spelling() {
        assert_eq!(metric_name("checkout.latency"), "checkout_latency");
        assert_eq!(
            metric_name("http.server.request-duration"),
            "http_server_request_duration"
        );
        assert_eq!(metric_name("a:b"), "a:b");
        assert_eq!(label_name("host.name"), "host_name");
        assert_eq!(label_name("a:b"), "a_b");
        assert_eq!(label_name("9lives"), "_9lives");
        let names = series_names("checkout.latency", "histogram");
        assert_eq!(
            names[0],
            ("checkout_latency_bucket".to_string(), Part::Bucket)
        );
        assert_eq!(names[5], ("checkout.latency_sum".to_string(), Part::Sum));
        assert_eq!(
            series_names("up", "gauge"),
            vec![("up".to_string(), Part::Value)]
        );
        assert!(candidates("x_count").contains(&("x".to_string(), Part::Count)));
    }
}
