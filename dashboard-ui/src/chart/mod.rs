//! Chart maths, pure: linear scales, "nice" value ticks, time ticks, SVG path
//! strings and bar geometry. The SVG components in `app::chart` only place
//! what these functions compute.

mod scale;
mod ticks;

pub use scale::{bars, line_path, LinearScale};
pub use ticks::{civil_from_days, format_tick_time, nice_ticks, time_ticks};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
