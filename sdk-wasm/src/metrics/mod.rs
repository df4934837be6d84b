//! Metrics: counter, up-down counter, histogram (explicit buckets) and gauge, aggregated per
//! attribute set, collected as cumulative or delta data for OTLP.

pub mod aggregate;

pub use aggregate::{
    HistogramPoint, InstrumentDescriptor, InstrumentId, InstrumentKind, MetricData, MetricPoints,
    MetricsRegistry, NumberPoint, Temporality, DEFAULT_BOUNDARIES,
};
