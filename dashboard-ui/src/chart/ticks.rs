/// About `count` round values covering `[min, max]` (1, 2, 5 × 10ⁿ steps).
pub fn nice_ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    if !min.is_finite() || !max.is_finite() || count == 0 {
        return Vec::new();
    }
    let (lo, hi) = if min <= max { (min, max) } else { (max, min) };
    if lo == hi {
        return vec![lo];
    }
    let raw = (hi - lo) / count as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| clean(k as f64 * step)).collect()
}

// Removes float noise such as 0.30000000000000004.
fn clean(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

const TIME_STEPS_MS: [i64; 16] = [
    1_000,
    5_000,
    15_000,
    30_000,
    60_000,
    300_000,
    900_000,
    1_800_000,
    3_600_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
    2_592_000_000,
];

/// About `count` ticks on round wall-clock steps (UTC) within `[t0, t1]` ms.
pub fn time_ticks(t0: i64, t1: i64, count: usize) -> Vec<i64> {
    if t1 <= t0 || count == 0 {
        return Vec::new();
    }
    let raw = (t1 - t0) / count as i64;
    let step = TIME_STEPS_MS
        .iter()
        .copied()
        .find(|s| *s >= raw)
        .unwrap_or(TIME_STEPS_MS[15]);
    let first = t0.div_euclid(step) * step + if t0.rem_euclid(step) == 0 { 0 } else { step };
    (0..)
        .map(|k| first + k * step)
        .take_while(|t| *t <= t1)
        .collect()
}

/// Tick label: `HH:MM` (UTC offset applied by the caller), with seconds when
/// the span is under 5 minutes and `MM-DD` when it crosses days.
pub fn format_tick_time(t_ms: i64, span_ms: i64, offset_minutes: i64) -> String {
    let t = t_ms + offset_minutes * 60_000;
    let secs = t.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    if span_ms > 2 * 86_400_000 {
        let (_, mo, d) = civil_from_days(days);
        format!("{mo:02}-{d:02}")
    } else if span_ms < 300_000 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}
