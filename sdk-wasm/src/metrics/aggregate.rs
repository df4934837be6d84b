//! The aggregation state behind every instrument, and collection into exportable data.

use std::borrow::Cow;
use std::sync::Arc;

use crate::attributes::{KeyValue, Scope, Value};

/// OpenTelemetry's default explicit bucket boundaries.
pub const DEFAULT_BOUNDARIES: [f64; 15] = [
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0,
    10000.0,
];

/// Attribute sets per instrument before new ones fold into the overflow set.
pub const CARDINALITY_LIMIT: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstrumentKind {
    Counter,
    UpDownCounter,
    Histogram,
    Gauge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Temporality {
    #[default]
    Cumulative,
    Delta,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InstrumentDescriptor {
    pub name: Cow<'static, str>,
    pub description: Cow<'static, str>,
    pub unit: Cow<'static, str>,
    pub kind: InstrumentKind,
    /// Values are integers (exported as `as_int`); otherwise doubles.
    pub integer: bool,
    /// Histogram bucket boundaries, strictly increasing.
    pub boundaries: Vec<f64>,
    pub scope: Arc<Scope>,
}

impl InstrumentDescriptor {
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        kind: InstrumentKind,
        scope: Arc<Scope>,
    ) -> Self {
        InstrumentDescriptor {
            name: name.into(),
            description: Cow::Borrowed(""),
            unit: Cow::Borrowed(""),
            kind,
            integer: false,
            boundaries: if kind == InstrumentKind::Histogram {
                DEFAULT_BOUNDARIES.to_vec()
            } else {
                Vec::new()
            },
            scope,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstrumentId(pub usize);

#[derive(Clone, Debug, PartialEq)]
pub struct NumberPoint {
    pub attributes: Vec<KeyValue>,
    pub start_ns: u64,
    pub time_ns: u64,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistogramPoint {
    pub attributes: Vec<KeyValue>,
    pub start_ns: u64,
    pub time_ns: u64,
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub boundaries: Vec<f64>,
    pub bucket_counts: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MetricPoints {
    Sum {
        monotonic: bool,
        temporality: Temporality,
        integer: bool,
        points: Vec<NumberPoint>,
    },
    Gauge {
        integer: bool,
        points: Vec<NumberPoint>,
    },
    Histogram {
        temporality: Temporality,
        points: Vec<HistogramPoint>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetricData {
    pub scope: Arc<Scope>,
    pub name: Cow<'static, str>,
    pub description: Cow<'static, str>,
    pub unit: Cow<'static, str>,
    pub points: MetricPoints,
}

#[derive(Debug)]
struct Point {
    attributes: Vec<KeyValue>,
    start_ns: u64,
    /// Sum (counters), last value (gauge) or sum of observations (histogram).
    value: f64,
    count: u64,
    min: f64,
    max: f64,
    buckets: Vec<u64>,
    /// Recorded since the last collection.
    fresh: bool,
}

#[derive(Debug)]
struct Instrument {
    desc: InstrumentDescriptor,
    points: Vec<Point>,
}

/// All instruments of one meter provider.
#[derive(Debug, Default)]
pub struct MetricsRegistry {
    temporality: Temporality,
    instruments: Vec<Instrument>,
}

impl MetricsRegistry {
    pub fn new(temporality: Temporality) -> Self {
        MetricsRegistry {
            temporality,
            instruments: Vec::new(),
        }
    }

    /// Registers an instrument. Asking again for the same name, kind and scope returns the
    /// existing one (names compare case-insensitively, as the spec says).
    pub fn register(&mut self, mut desc: InstrumentDescriptor) -> InstrumentId {
        if let Some(i) = self.instruments.iter().position(|x| {
            x.desc.kind == desc.kind
                && crate::otlp::same_scope(&x.desc.scope, &desc.scope)
                && x.desc.name.eq_ignore_ascii_case(&desc.name)
        }) {
            return InstrumentId(i);
        }
        desc.boundaries.retain(|b| b.is_finite());
        insertion_sort(&mut desc.boundaries, |a, b| a < b);
        desc.boundaries.dedup();
        self.instruments.push(Instrument {
            desc,
            points: Vec::new(),
        });
        InstrumentId(self.instruments.len() - 1)
    }

    pub fn descriptor(&self, id: InstrumentId) -> Option<&InstrumentDescriptor> {
        self.instruments.get(id.0).map(|i| &i.desc)
    }

    /// Records one measurement. Non-finite values and negative counter increments are
    /// ignored (the API says they are invalid), as is an unknown instrument.
    pub fn record(
        &mut self,
        id: InstrumentId,
        value: f64,
        mut attributes: Vec<KeyValue>,
        now_ns: u64,
    ) {
        let Some(inst) = self.instruments.get_mut(id.0) else {
            return;
        };
        if !value.is_finite()
            || (value < 0.0
                && matches!(
                    inst.desc.kind,
                    InstrumentKind::Counter | InstrumentKind::Histogram
                ))
        {
            return;
        }
        let value = if inst.desc.integer {
            value.trunc()
        } else {
            value
        };
        insertion_sort(&mut attributes, |a, b| a.key.as_str() < b.key.as_str());
        attributes.dedup_by(|a, b| a.key == b.key);
        let idx = match inst.points.iter().position(|p| p.attributes == attributes) {
            Some(i) => i,
            None => {
                let attributes = if inst.points.len() >= CARDINALITY_LIMIT - 1 {
                    vec![KeyValue::new("otel.metric.overflow", true)]
                } else {
                    attributes
                };
                match inst.points.iter().position(|p| p.attributes == attributes) {
                    Some(i) => i,
                    None => {
                        let buckets = vec![
                            0;
                            if inst.desc.kind == InstrumentKind::Histogram {
                                inst.desc.boundaries.len() + 1
                            } else {
                                0
                            }
                        ];
                        inst.points.push(Point {
                            attributes,
                            start_ns: now_ns,
                            value: 0.0,
                            count: 0,
                            min: f64::INFINITY,
                            max: f64::NEG_INFINITY,
                            buckets,
                            fresh: false,
                        });
                        inst.points.len() - 1
                    }
                }
            }
        };
        let p = &mut inst.points[idx];
        p.fresh = true;
        match inst.desc.kind {
            InstrumentKind::Counter | InstrumentKind::UpDownCounter => p.value += value,
            InstrumentKind::Gauge => p.value = value,
            InstrumentKind::Histogram => {
                p.value += value;
                p.count += 1;
                p.min = p.min.min(value);
                p.max = p.max.max(value);
                // Upper-inclusive buckets: (b[i-1], b[i]].
                let i = inst.desc.boundaries.partition_point(|b| *b < value);
                p.buckets[i] += 1;
            }
        }
    }

    /// Collects every instrument that has data to report. With delta temporality, only
    /// attribute sets recorded since the last collection are reported, and they restart.
    pub fn collect(&mut self, now_ns: u64) -> Vec<MetricData> {
        let delta = self.temporality == Temporality::Delta;
        let temporality = self.temporality;
        let mut out = Vec::new();
        for inst in &mut self.instruments {
            let d = &inst.desc;
            let mut numbers = Vec::new();
            let mut hists = Vec::new();
            for p in inst.points.iter_mut() {
                if delta && !p.fresh {
                    // Nothing to report; the next delta still starts at this collection.
                    p.start_ns = now_ns;
                    continue;
                }
                let start_ns = if d.kind == InstrumentKind::Gauge {
                    0
                } else {
                    p.start_ns
                };
                if d.kind == InstrumentKind::Histogram {
                    hists.push(HistogramPoint {
                        attributes: p.attributes.clone(),
                        start_ns,
                        time_ns: now_ns,
                        count: p.count,
                        sum: p.value,
                        min: p.min,
                        max: p.max,
                        boundaries: d.boundaries.clone(),
                        bucket_counts: p.buckets.clone(),
                    });
                } else {
                    numbers.push(NumberPoint {
                        attributes: p.attributes.clone(),
                        start_ns,
                        time_ns: now_ns,
                        value: p.value,
                    });
                }
                if delta {
                    p.start_ns = now_ns;
                    p.fresh = false;
                    if d.kind != InstrumentKind::Gauge {
                        p.value = 0.0;
                        p.count = 0;
                        p.min = f64::INFINITY;
                        p.max = f64::NEG_INFINITY;
                        p.buckets.iter_mut().for_each(|b| *b = 0);
                    }
                } else {
                    p.fresh = false;
                }
            }
            if numbers.is_empty() && hists.is_empty() {
                continue;
            }
            let points = match d.kind {
                InstrumentKind::Counter => MetricPoints::Sum {
                    monotonic: true,
                    temporality,
                    integer: d.integer,
                    points: numbers,
                },
                InstrumentKind::UpDownCounter => MetricPoints::Sum {
                    monotonic: false,
                    temporality,
                    integer: d.integer,
                    points: numbers,
                },
                InstrumentKind::Gauge => MetricPoints::Gauge {
                    integer: d.integer,
                    points: numbers,
                },
                InstrumentKind::Histogram => MetricPoints::Histogram {
                    temporality,
                    points: hists,
                },
            };
            out.push(MetricData {
                scope: d.scope.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
                unit: d.unit.clone(),
                points,
            });
        }
        out
    }
}

/// Stable insertion sort: attribute sets and bucket lists are short, and this is a fraction
/// of the size of the standard library's sort in the wasm build.
fn insertion_sort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// A gauge's or counter's value as an OTLP attribute value (helper for tests and encoders).
pub fn number_value(integer: bool, v: f64) -> Value {
    if integer {
        Value::I64(v as i64)
    } else {
        Value::F64(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Arc<Scope> {
        Arc::new(Scope::new("m"))
    }

    fn reg(t: Temporality) -> (MetricsRegistry, [InstrumentId; 4]) {
        let mut r = MetricsRegistry::new(t);
        let s = scope();
        let c = r.register(InstrumentDescriptor::new(
            "clicks",
            InstrumentKind::Counter,
            s.clone(),
        ));
        let u = r.register(InstrumentDescriptor::new(
            "open",
            InstrumentKind::UpDownCounter,
            s.clone(),
        ));
        let mut hd = InstrumentDescriptor::new("latency", InstrumentKind::Histogram, s.clone());
        hd.boundaries = vec![10.0, 100.0];
        let h = r.register(hd);
        let g = r.register(InstrumentDescriptor::new("temp", InstrumentKind::Gauge, s));
        (r, [c, u, h, g])
    }

    fn sum_points(m: &MetricData) -> &Vec<NumberPoint> {
        match &m.points {
            MetricPoints::Sum { points, .. } | MetricPoints::Gauge { points, .. } => points,
            _ => panic!("not a number metric"),
        }
    }

    #[test]
    fn cumulative_counters_accumulate_per_attribute_set() {
        let (mut r, [c, u, _, g]) = reg(Temporality::Cumulative);
        let a = || vec![KeyValue::new("b", 2), KeyValue::new("a", "x")];
        r.record(c, 2.0, a(), 10);
        r.record(
            c,
            3.0,
            vec![KeyValue::new("a", "x"), KeyValue::new("b", 2)],
            20,
        );
        r.record(c, -1.0, a(), 20);
        r.record(c, f64::NAN, a(), 20);
        r.record(c, 1.0, vec![], 30);
        r.record(u, 5.0, vec![], 10);
        r.record(u, -7.0, vec![], 10);
        r.record(g, 20.5, vec![], 10);
        r.record(g, 19.0, vec![], 11);
        let m = r.collect(100);
        assert_eq!(m.len(), 3, "the unused histogram is not reported");
        let clicks = sum_points(&m[0]);
        assert_eq!(clicks.len(), 2);
        assert_eq!(clicks[0].value, 5.0);
        assert_eq!(
            clicks[0].attributes[0].key.as_str(),
            "a",
            "attributes sorted by key"
        );
        assert_eq!((clicks[0].start_ns, clicks[0].time_ns), (10, 100));
        assert!(matches!(
            m[0].points,
            MetricPoints::Sum {
                monotonic: true,
                temporality: Temporality::Cumulative,
                ..
            }
        ));
        assert!(matches!(
            m[1].points,
            MetricPoints::Sum {
                monotonic: false,
                ..
            }
        ));
        assert_eq!(sum_points(&m[1])[0].value, -2.0);
        assert_eq!(sum_points(&m[2])[0].value, 19.0);
        // Cumulative: the next collection still reports everything, with the same start.
        r.record(c, 1.0, vec![], 150);
        let m2 = r.collect(200);
        let clicks = sum_points(&m2[0]);
        assert_eq!(clicks[1].value, 2.0);
        assert_eq!(clicks[1].start_ns, 30);
        assert_eq!(sum_points(&m2[1])[0].value, -2.0);
    }

    #[test]
    fn delta_reports_changes_since_last_collection() {
        let (mut r, [c, _, h, _]) = reg(Temporality::Delta);
        r.record(c, 2.0, vec![], 10);
        r.record(h, 5.0, vec![], 10);
        let m = r.collect(100);
        assert_eq!(sum_points(&m[0])[0].value, 2.0);
        assert!(r.collect(150).is_empty(), "nothing new");
        r.record(c, 4.0, vec![], 160);
        let m = r.collect(200);
        assert_eq!(m.len(), 1);
        let p = &sum_points(&m[0])[0];
        assert_eq!((p.value, p.start_ns, p.time_ns), (4.0, 150, 200));
        assert!(matches!(
            m[0].points,
            MetricPoints::Sum {
                temporality: Temporality::Delta,
                ..
            }
        ));
    }

    #[test]
    fn histogram_buckets_are_upper_inclusive() {
        let (mut r, [_, _, h, _]) = reg(Temporality::Cumulative);
        for v in [0.0, 10.0, 10.5, 100.0, 1000.0] {
            r.record(h, v, vec![], 1);
        }
        r.record(h, -1.0, vec![], 1);
        let m = r.collect(2);
        let MetricPoints::Histogram { points, .. } = &m[0].points else {
            panic!()
        };
        let p = &points[0];
        assert_eq!(p.bucket_counts, vec![2, 2, 1]);
        assert_eq!((p.count, p.sum, p.min, p.max), (5, 1120.5, 0.0, 1000.0));
        assert_eq!(p.boundaries, vec![10.0, 100.0]);
    }

    #[test]
    fn registering_twice_returns_the_same_instrument_and_integers_truncate() {
        let mut r = MetricsRegistry::new(Temporality::Cumulative);
        let mut d = InstrumentDescriptor::new("Req", InstrumentKind::Counter, scope());
        d.integer = true;
        let a = r.register(d.clone());
        d.name = "req".into();
        assert_eq!(r.register(d), a);
        r.record(a, 1.7, vec![], 0);
        let m = r.collect(1);
        assert!(matches!(
            m[0].points,
            MetricPoints::Sum { integer: true, .. }
        ));
        assert_eq!(sum_points(&m[0])[0].value, 1.0);
        assert_eq!(number_value(true, 1.0), Value::I64(1));
    }

    #[test]
    fn boundaries_are_sorted_and_deduplicated() {
        let mut r = MetricsRegistry::new(Temporality::Cumulative);
        let mut d = InstrumentDescriptor::new("h", InstrumentKind::Histogram, scope());
        d.boundaries = vec![100.0, f64::NAN, 10.0, 10.0, 1.0];
        let id = r.register(d);
        assert_eq!(r.descriptor(id).unwrap().boundaries, vec![1.0, 10.0, 100.0]);
    }

    #[test]
    fn cardinality_overflow_folds_into_one_set() {
        let (mut r, [c, ..]) = reg(Temporality::Cumulative);
        for i in 0..(CARDINALITY_LIMIT + 10) {
            r.record(c, 1.0, vec![KeyValue::new("i", i as i64)], 0);
        }
        let m = r.collect(1);
        let pts = sum_points(&m[0]);
        assert_eq!(pts.len(), CARDINALITY_LIMIT);
        let overflow = pts.last().unwrap();
        assert_eq!(
            overflow.attributes,
            vec![KeyValue::new("otel.metric.overflow", true)]
        );
        assert_eq!(overflow.value, 11.0);
    }
}
