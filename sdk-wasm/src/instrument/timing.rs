//! Resource Timing: which performance entry belongs to which request, and the
//! span events an entry yields. Times are milliseconds since `timeOrigin`.

/// The fields of a `PerformanceResourceTiming` we use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceEntry {
    pub name: String,
    pub initiator_type: String,
    pub start_time: f64,
    pub fetch_start: f64,
    pub domain_lookup_start: f64,
    pub domain_lookup_end: f64,
    pub connect_start: f64,
    pub secure_connection_start: f64,
    pub connect_end: f64,
    pub request_start: f64,
    pub response_start: f64,
    pub response_end: f64,
    pub encoded_body_size: f64,
    pub decoded_body_size: f64,
}

/// Network event names in the order OpenTelemetry JS adds them.
pub const NETWORK_EVENTS: [&str; 9] = [
    "fetchStart",
    "domainLookupStart",
    "domainLookupEnd",
    "connectStart",
    "secureConnectionStart",
    "connectEnd",
    "requestStart",
    "responseStart",
    "responseEnd",
];

impl ResourceEntry {
    fn network_times(&self) -> [f64; 9] {
        [
            self.fetch_start,
            self.domain_lookup_start,
            self.domain_lookup_end,
            self.connect_start,
            self.secure_connection_start,
            self.connect_end,
            self.request_start,
            self.response_start,
            self.response_end,
        ]
    }
}

/// The network events of an entry. A zero timing means "did not happen / not
/// exposed" (e.g. `secureConnectionStart` over HTTP, or a cross-origin entry
/// without `Timing-Allow-Origin`) and is skipped, except `fetchStart`, which
/// every entry has.
pub fn network_events(entry: &ResourceEntry) -> Vec<(&'static str, f64)> {
    NETWORK_EVENTS
        .iter()
        .zip(entry.network_times())
        .enumerate()
        .filter(|(i, (_, t))| *i == 0 || *t != 0.0)
        .map(|(_, (name, t))| (*name, t))
        .collect()
}

/// A request waiting for its entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestWindow<'a> {
    /// Absolute URL, as the browser names the entry.
    pub url: &'a str,
    /// `fetch` or `xmlhttprequest`.
    pub initiator_type: &'a str,
    pub start: f64,
    /// When the span ended. Fetch spans end at the response headers, before
    /// the body (and so the entry's `responseEnd`) completes; only the start of
    /// the response must fall inside the span.
    pub end: f64,
}

/// The entry for a request and, for cross-origin requests the browser reports
/// as two entries, the earlier one as the CORS preflight.
#[derive(Debug, PartialEq)]
pub struct Matched {
    pub main: usize,
    pub preflight: Option<usize>,
}

/// Picks the entry for `req` among `entries`, skipping those already `used`
/// (each entry belongs to one request). Candidates have the same name and
/// initiator, start no earlier than the request, and have a response start no
/// later than the span's end. Small tolerance for clock rounding (Firefox
/// rounds `performance.now()` to 1 ms when resistFingerprinting is on).
pub fn match_entry(
    req: &RequestWindow,
    entries: &[ResourceEntry],
    used: &[bool],
) -> Option<Matched> {
    const SLACK_MS: f64 = 1.0;
    let candidates: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            !used.get(*i).copied().unwrap_or(false)
                && e.name == req.url
                && e.initiator_type == req.initiator_type
                && e.fetch_start + SLACK_MS >= req.start
                && (e.response_start == 0.0 || e.response_start <= req.end + SLACK_MS)
        })
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [] => None,
        [only] => Some(Matched {
            main: *only,
            preflight: None,
        }),
        many => {
            // The last-started entry is the request; the first one its preflight.
            let by_start = |&&i: &&usize| entries[i].fetch_start;
            let first = *many
                .iter()
                .min_by(|a, b| by_start(a).total_cmp(&by_start(b)))?;
            let last = *many
                .iter()
                .max_by(|a, b| by_start(a).total_cmp(&by_start(b)))?;
            Some(Matched {
                main: last,
                preflight: Some(first),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, fetch_start: f64, response_end: f64) -> ResourceEntry {
        ResourceEntry {
            name: name.into(),
            initiator_type: "fetch".into(),
            start_time: fetch_start,
            fetch_start,
            domain_lookup_start: fetch_start,
            domain_lookup_end: fetch_start,
            connect_start: fetch_start,
            connect_end: fetch_start + 1.0,
            request_start: fetch_start + 1.0,
            response_start: fetch_start + 2.0,
            response_end,
            ..Default::default()
        }
    }

    fn req(url: &str, start: f64, end: f64) -> RequestWindow<'_> {
        RequestWindow {
            url,
            initiator_type: "fetch",
            start,
            end,
        }
    }

    #[test]
    fn zero_timings_are_skipped_but_fetch_start_kept() {
        let e = entry("u", 10.0, 20.0);
        let names: Vec<_> = network_events(&e).iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), 8);
        assert!(!names.contains(&"secureConnectionStart"));
        let mut tls = e.clone();
        tls.secure_connection_start = 10.5;
        assert_eq!(network_events(&tls).len(), 9);
        // Cross-origin without Timing-Allow-Origin: only fetchStart and responseEnd.
        let opaque = ResourceEntry {
            name: "x".into(),
            fetch_start: 0.0,
            response_end: 5.0,
            ..Default::default()
        };
        assert_eq!(
            network_events(&opaque),
            vec![("fetchStart", 0.0), ("responseEnd", 5.0)]
        );
    }

    #[test]
    fn matches_by_name_and_window() {
        let entries = vec![
            entry("http://a/x", 5.0, 9.0),
            entry("http://a/y", 11.0, 15.0),
            entry("http://a/x", 11.0, 40.0),
        ];
        let m = match_entry(&req("http://a/x", 10.0, 14.0), &entries, &[false; 3]).unwrap();
        assert_eq!(
            m,
            Matched {
                main: 2,
                preflight: None
            }
        );
        // Body still streaming after the span ended: still matched.
        assert!(match_entry(&req("http://a/y", 10.0, 13.5), &entries, &[false; 3]).is_some());
        // Started before the request: not ours.
        assert!(match_entry(&req("http://a/x", 12.5, 50.0), &entries, &[false; 3]).is_none());
        // Response began after the span ended: not ours.
        assert!(match_entry(&req("http://a/y", 10.0, 11.0), &entries, &[false; 3]).is_none());
        // Each entry is used once.
        assert!(match_entry(
            &req("http://a/x", 10.0, 14.0),
            &entries,
            &[false, false, true]
        )
        .is_none());
        // Other initiator types are not ours.
        let xhr = RequestWindow {
            initiator_type: "xmlhttprequest",
            ..req("http://a/x", 10.0, 14.0)
        };
        assert!(match_entry(&xhr, &entries, &[false; 3]).is_none());
    }

    #[test]
    fn two_entries_split_into_preflight_and_request() {
        let entries = vec![
            entry("http://b/x", 12.0, 20.0),
            entry("http://b/x", 10.0, 11.0),
        ];
        let m = match_entry(&req("http://b/x", 10.0, 30.0), &entries, &[false; 2]).unwrap();
        assert_eq!(
            m,
            Matched {
                main: 0,
                preflight: Some(1)
            }
        );
    }
}
