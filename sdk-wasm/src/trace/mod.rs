//! Tracing: span data, the recording span, the tracer and provider (implementing the
//! `opentelemetry` API traits), samplers, and the batch queue logic.

pub mod batch;
pub mod sampler;
pub mod span;
pub mod span_data;
pub mod tracer;

pub use batch::{BatchConfig, BatchQueue};
pub use sampler::Sampler;
pub use span::SdkSpan;
pub use span_data::{SpanData, SpanEvent, SpanLimits};
pub use tracer::{SdkTracer, SdkTracerProvider, SpanOptions, SpanProcessor, SpanStart, StartHook};
