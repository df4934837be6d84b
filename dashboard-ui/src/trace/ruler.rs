//! The time ruler over the waterfall: tick marks at a round step (1, 2 or 5
//! × 10ⁿ) chosen so labels do not crowd the track, labelled from the start
//! of the trace in one unit (ns, µs, ms or s) picked by the largest value shown.

/// One tick: where it sits on the track (0..=1) and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub frac: f64,
    pub label: String,
}

/// The smallest 1/2/5 × 10ⁿ step that is at least `min_step`.
pub fn nice_step(min_step: f64) -> f64 {
    if !min_step.is_finite() || min_step <= 0.0 {
        return 1.0;
    }
    let pow = 10f64.powf(min_step.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        // The tolerance keeps 20 from becoming 50 when log10 rounds down.
        if m * pow >= min_step * (1.0 - 1e-9) {
            return m * pow;
        }
    }
    10.0 * pow
}

/// Ticks over `[offset_ns, offset_ns + span_ns]` (times from the trace's start;
/// a zoomed view has a non-zero offset) on a track `width_px` wide, labels at
/// least `min_gap_px` apart. An empty or zero-length span gives one "0" tick.
pub fn ruler_ticks(offset_ns: f64, span_ns: f64, width_px: f64, min_gap_px: f64) -> Vec<Tick> {
    let offset = if offset_ns.is_finite() {
        offset_ns
    } else {
        0.0
    };
    if !span_ns.is_finite() || span_ns <= 0.0 {
        let (unit, name) = unit_for(offset.abs());
        return vec![Tick {
            frac: 0.0,
            label: format!("{} {name}", trim(offset / unit, 0)),
        }];
    }
    // At least two intervals even on a very narrow track.
    let max_intervals = (width_px / min_gap_px.max(1.0)).floor().max(2.0);
    let step = nice_step(span_ns / max_intervals);
    let end = offset + span_ns;
    let (unit, name) = unit_for(end.abs().max(offset.abs()));
    // Decimals the step needs in the chosen unit (a 0.2 s step needs one).
    let decimals = (-(step / unit).log10().floor()).max(0.0) as usize;
    let first = (offset / step - 1e-9).ceil() as i64;
    let last = (end / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| {
            let t = i as f64 * step;
            Tick {
                frac: ((t - offset) / span_ns).clamp(0.0, 1.0),
                label: format!("{} {name}", trim(t / unit, decimals)),
            }
        })
        .collect()
}

/// Nanoseconds per unit and its name, for the largest value on the ruler.
fn unit_for(max_ns: f64) -> (f64, &'static str) {
    if max_ns < 1e3 {
        (1.0, "ns")
    } else if max_ns < 1e6 {
        (1e3, "µs")
    } else if max_ns < 1e9 {
        (1e6, "ms")
    } else {
        (1e9, "s")
    }
}

/// `v` with `decimals` places, trailing zeros dropped ("0.50" → "0.5", "2.0" → "2").
fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}
