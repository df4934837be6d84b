//! Tracing: span contexts and links, span data, the recording span, the tracer and provider
//! (implementing the `opentelemetry` API traits with the `otel-api` feature), samplers, and
//! the batch queue logic.

pub mod batch;
pub mod context;
pub mod sampler;
pub mod span;
pub mod span_data;
pub mod tracer;

pub use batch::{BatchConfig, BatchQueue};
pub use context::{Link, SpanContext, SpanId, TraceFlags, TraceId, TraceState};
pub use sampler::Sampler;
pub use span::SdkSpan;
pub use span_data::{SpanData, SpanEvent, SpanKind, SpanLimits, Status};
pub use tracer::{SdkTracer, SdkTracerProvider, SpanOptions, SpanProcessor, SpanStart, StartHook};
