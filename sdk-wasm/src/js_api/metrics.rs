//! The `Meter` and `Instrument` classes.

use std::rc::Rc;
use std::sync::Arc;

use crate::attributes::Scope;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::values::attributes;
use crate::metrics::{InstrumentDescriptor, InstrumentId, InstrumentKind};
use crate::web::js::get;
use crate::web::Sdk as Running;

#[wasm_bindgen]
pub struct Meter {
    sdk: Rc<Running>,
    scope: Arc<Scope>,
}

#[wasm_bindgen]
impl Meter {
    #[wasm_bindgen(js_name = createCounter)]
    pub fn create_counter(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::Counter, &options)
    }
    #[wasm_bindgen(js_name = createUpDownCounter)]
    pub fn create_up_down_counter(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::UpDownCounter, &options)
    }
    #[wasm_bindgen(js_name = createHistogram)]
    pub fn create_histogram(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::Histogram, &options)
    }
    #[wasm_bindgen(js_name = createGauge)]
    pub fn create_gauge(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::Gauge, &options)
    }
}

impl Meter {
    pub(super) fn new(sdk: Rc<Running>, scope: Arc<Scope>) -> Meter {
        Meter { sdk, scope }
    }

    fn create(&self, name: String, kind: InstrumentKind, options: &JsValue) -> Instrument {
        let mut d = InstrumentDescriptor::new(name, kind, self.scope.clone());
        d.description = get(options, "description")
            .as_string()
            .unwrap_or_default()
            .into();
        d.unit = get(options, "unit").as_string().unwrap_or_default().into();
        d.integer = get(options, "valueType").as_f64() == Some(0.0);
        let bounds = get(&get(options, "advice"), "explicitBucketBoundaries");
        if Array::is_array(&bounds) {
            d.boundaries = Array::from(&bounds)
                .iter()
                .filter_map(|b| b.as_f64())
                .collect();
        }
        let id = self.sdk.metrics.borrow_mut().register(d);
        Instrument {
            sdk: self.sdk.clone(),
            id,
        }
    }
}

#[wasm_bindgen]
pub struct Instrument {
    sdk: Rc<Running>,
    id: InstrumentId,
}

#[wasm_bindgen]
impl Instrument {
    /// Counter and up-down counter increment.
    pub fn add(&self, value: f64, attrs: JsValue) {
        self.record(value, attrs);
    }

    /// Histogram observation or gauge value.
    pub fn record(&self, value: f64, attrs: JsValue) {
        if self.sdk.is_shut_down() {
            return;
        }
        let now = self.sdk.provider.now_ns();
        let attrs = self.sdk.rum.metric_attributes(attributes(&attrs));
        self.sdk
            .metrics
            .borrow_mut()
            .record(self.id, value, attrs, now);
    }
}
