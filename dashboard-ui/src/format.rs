//! Human-readable numbers, durations and times.

/// Nanoseconds as `850 µs`, `12.3 ms`, `4.07 s`, `2.5 min`.
pub fn duration_ns(ns: f64) -> String {
    if !ns.is_finite() {
        return "–".to_string();
    }
    let a = ns.abs();
    if a < 1_000.0 {
        format!("{ns:.0} ns")
    } else if a < 1_000_000.0 {
        format!("{} µs", sig3(ns / 1e3))
    } else if a < 1_000_000_000.0 {
        format!("{} ms", sig3(ns / 1e6))
    } else if a < 120e9 {
        format!("{} s", sig3(ns / 1e9))
    } else {
        format!("{} min", sig3(ns / 60e9))
    }
}

/// Three significant digits, no trailing zeros: 12.3, 4.07, 850.
pub fn sig3(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let a = v.abs();
    let s = if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    trim_zeros(s)
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Compact counts and axis values: 950, 1.2k, 3.4M, 0.25.
pub fn compact(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let a = v.abs();
    if a >= 1e9 {
        format!("{}G", sig3(v / 1e9))
    } else if a >= 1e6 {
        format!("{}M", sig3(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", sig3(v / 1e3))
    } else if a >= 1.0 || a == 0.0 {
        trim_zeros(format!("{v:.2}"))
    } else {
        sig3(v)
    }
}

/// Rates (ops/s) with two decimals as SigNoz prints them: 0.40, 12.35; a non-zero rate that two
/// decimals would show as 0.00 keeps two significant digits (0.0028) so it never reads as idle.
pub fn rate(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let a = v.abs();
    if a == 0.0 || a >= 0.005 {
        return format!("{v:.2}");
    }
    let decimals = (1.0 - a.log10().floor()) as usize;
    format!("{v:.decimals$}")
}

pub fn percent(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    format!("{}%", trim_zeros(format!("{v:.2}")))
}

/// Epoch ms as `YYYY-MM-DD HH:MM:SS` (UTC plus `offset_minutes`).
pub fn datetime_ms(ms: f64, offset_minutes: i64) -> String {
    if !ms.is_finite() {
        return String::new();
    }
    let t = ms as i64 + offset_minutes * 60_000;
    let secs = t.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = crate::chart::civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_ns(850.0), "850 ns");
        assert_eq!(duration_ns(12_300_000.0), "12.3 ms");
        assert_eq!(duration_ns(4_070_000_000.0), "4.07 s");
        assert_eq!(duration_ns(45_000_000.0), "45 ms");
        assert_eq!(duration_ns(f64::NAN), "–");
    }

    #[test]
    fn numbers() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_345.0), "12.3k");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(percent(0.5), "0.5%");
        assert_eq!(rate(0.4), "0.40");
        assert_eq!(rate(12.345), "12.35");
        assert_eq!(rate(0.0), "0.00");
        assert_eq!(rate(0.0028), "0.0028");
        assert_eq!(rate(0.004_96), "0.0050");
        assert_eq!(datetime_ms(1_707_903_000_123.0, 0), "2024-02-14 09:30:00");
    }
}
