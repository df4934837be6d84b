//! Which export outcomes are retried, and when.
//!
//! Retryable: HTTP 429, 502, 503, 504, and network errors. Backoff starts at 1 s, grows ×1.5
//! up to 5 s, with ±20 % jitter; a `Retry-After` header (delay-seconds or an HTTP date)
//! replaces it. At most 5 retries, and none that would start after the export's deadline.

/// What one HTTP attempt produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Status(u16),
    /// `fetch` rejected: offline, DNS, CORS failure, connection reset.
    NetworkError,
    /// Our own timeout aborted the request.
    Timeout,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Retryable,
    Failed,
}

pub fn classify(o: Outcome) -> Verdict {
    match o {
        Outcome::Status(s) if (200..300).contains(&s) => Verdict::Success,
        Outcome::Status(429 | 502 | 503 | 504) | Outcome::NetworkError => Verdict::Retryable,
        _ => Verdict::Failed,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub initial_backoff_ms: f64,
    pub multiplier: f64,
    pub max_backoff_ms: f64,
    /// Fraction of the backoff added or removed at random.
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            initial_backoff_ms: 1000.0,
            multiplier: 1.5,
            max_backoff_ms: 5000.0,
            jitter: 0.2,
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `retry` (1-based), or `None` to give up.
    /// `random` is uniform in [0, 1); `retry_after_ms` comes from the response;
    /// `now_ms` and `deadline_ms` are on the same clock.
    pub fn delay_ms(
        &self,
        retry: u32,
        random: f64,
        retry_after_ms: Option<f64>,
        now_ms: f64,
        deadline_ms: f64,
    ) -> Option<f64> {
        if retry == 0 || retry > self.max_retries {
            return None;
        }
        let delay = match retry_after_ms {
            Some(d) => d.max(0.0),
            None => {
                let base = (self.initial_backoff_ms * self.multiplier.powi(retry as i32 - 1))
                    .min(self.max_backoff_ms);
                (base * (1.0 + self.jitter * (2.0 * random - 1.0))).max(0.0)
            }
        };
        (now_ms + delay < deadline_ms).then_some(delay)
    }
}

/// Parses a `Retry-After` value into a delay in milliseconds: delay-seconds, or an
/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) relative to `now_epoch_ms`.
pub fn parse_retry_after(value: &str, now_epoch_ms: f64) -> Option<f64> {
    let v = value.trim_ascii();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return crate::decimal::parse::<u32>(v).map(|s| s as f64 * 1000.0);
    }
    http_date_ms(v).map(|t| (t - now_epoch_ms).max(0.0))
}

/// An HTTP date to epoch milliseconds. In the browser `Date.parse` reads it (IMF-fixdate and
/// the older forms RFC 9110 asks recipients to accept), so the wasm carries no date parser.
#[cfg(target_arch = "wasm32")]
fn http_date_ms(v: &str) -> Option<f64> {
    let t = js_sys::Date::parse(v);
    t.is_finite().then_some(t)
}

/// IMF-fixdate to epoch milliseconds.
#[cfg(not(target_arch = "wasm32"))]
fn http_date_ms(v: &str) -> Option<f64> {
    let mut parts = v.split_ascii_whitespace();
    let _weekday = parts.next()?.strip_suffix(',')?;
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT"
        || parts.next().is_some()
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * mo as i64 + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(((days * 86400 + h as i64 * 3600 + m as i64 * 60 + s as i64) * 1000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_retried() {
        for s in [429, 502, 503, 504] {
            assert_eq!(classify(Outcome::Status(s)), Verdict::Retryable, "{s}");
        }
        for s in [400, 401, 404, 413, 500, 501] {
            assert_eq!(classify(Outcome::Status(s)), Verdict::Failed, "{s}");
        }
        assert_eq!(classify(Outcome::Status(200)), Verdict::Success);
        assert_eq!(classify(Outcome::Status(204)), Verdict::Success);
        assert_eq!(classify(Outcome::NetworkError), Verdict::Retryable);
        assert_eq!(classify(Outcome::Timeout), Verdict::Failed);
    }

    #[test]
    fn exponential_backoff_with_jitter_and_cap() {
        let p = RetryPolicy::default();
        let mid = |r| p.delay_ms(r, 0.5, None, 0.0, 1e9).unwrap();
        assert_eq!(mid(1), 1000.0);
        assert_eq!(mid(2), 1500.0);
        assert_eq!(mid(3), 2250.0);
        assert_eq!(mid(5), 5000.0, "capped");
        assert_eq!(p.delay_ms(1, 0.0, None, 0.0, 1e9), Some(800.0));
        assert!((p.delay_ms(1, 0.999_999, None, 0.0, 1e9).unwrap() - 1200.0).abs() < 0.01);
        assert_eq!(
            p.delay_ms(6, 0.5, None, 0.0, 1e9),
            None,
            "at most 5 retries"
        );
        assert_eq!(p.delay_ms(0, 0.5, None, 0.0, 1e9), None);
    }

    #[test]
    fn deadline_and_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay_ms(1, 0.5, None, 0.0, 900.0),
            None,
            "would start after the deadline"
        );
        assert_eq!(
            p.delay_ms(1, 0.5, Some(3000.0), 0.0, 10_000.0),
            Some(3000.0),
            "Retry-After wins"
        );
        assert_eq!(p.delay_ms(1, 0.5, Some(30_000.0), 0.0, 10_000.0), None);
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(parse_retry_after("3", 0.0), Some(3000.0));
        assert_eq!(parse_retry_after(" 0 ", 0.0), Some(0.0));
        let now = http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(now, 784_111_777_000.0);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", now),
            Some(2000.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now),
            Some(0.0),
            "past dates mean now"
        );
        assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(
            http_date_ms("Sat, 29 Feb 2020 12:00:00 GMT"),
            Some(1_582_977_600_000.0)
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
