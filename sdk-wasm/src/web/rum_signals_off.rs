//! The RUM signals when the `rum-signals` feature is off: the options are read and ignored,
//! so `init` takes the same config in every build.

use std::rc::Rc;

use super::Sdk;

/// Which RUM features run (`init({ webVitals, errors, longTasks, captureConsole })`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub vitals: bool,
    pub errors: bool,
    pub long_tasks: bool,
    pub console: bool,
}

pub struct Installed;

impl Installed {
    pub fn report_vitals(&self) {}
    pub fn soft_navigation(&self) {}
    pub fn errors_dropped(&self) -> u64 {
        0
    }
}

pub fn install(_: Rc<Sdk>, _: Options) -> Option<Installed> {
    None
}
