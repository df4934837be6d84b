//! The resource every export carries: who is sending.

use crate::attributes::{KeyValue, Value};

/// `telemetry.sdk.name` of this SDK.
pub const SDK_NAME: &str = "otel-wasm";

/// Resource attributes in a stable order: the well-known keys first, then the user's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    pub attributes: Vec<KeyValue>,
}

impl Resource {
    /// `service.name`, optional `service.version` and `deployment.environment.name` (also as
    /// `deployment.environment`),
    /// `telemetry.sdk.*`, then user attributes (a user key never duplicates a well-known one:
    /// the user's value wins).
    pub fn new(
        service_name: &str,
        service_version: Option<&str>,
        environment: Option<&str>,
        user: Vec<KeyValue>,
    ) -> Self {
        let mut attributes = vec![KeyValue::new("service.name", service_name.to_string())];
        if let Some(v) = service_version {
            attributes.push(KeyValue::new("service.version", v.to_string()));
        }
        if let Some(e) = environment {
            // Both keys: SigNoz (and older semconv) filter on `deployment.environment`.
            attributes.push(KeyValue::new("deployment.environment.name", e.to_string()));
            attributes.push(KeyValue::new("deployment.environment", e.to_string()));
        }
        attributes.push(KeyValue::new("telemetry.sdk.language", "webjs"));
        attributes.push(KeyValue::new("telemetry.sdk.name", SDK_NAME));
        attributes.push(KeyValue::new("telemetry.sdk.version", crate::VERSION));
        for kv in user {
            set_attribute(&mut attributes, kv);
        }
        Resource { attributes }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }
}

/// Sets `kv` in `attrs`, replacing an existing value for the same key (OTel semantics).
pub fn set_attribute(attrs: &mut Vec<KeyValue>, kv: KeyValue) {
    match attrs.iter_mut().find(|a| a.key == kv.key) {
        Some(a) => a.value = kv.value,
        None => attrs.push(kv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_keys_and_user_override() {
        let r = Resource::new(
            "shop",
            Some("1.2.3"),
            Some("prod"),
            vec![
                KeyValue::new("team", "web"),
                KeyValue::new("service.version", "9"),
            ],
        );
        assert_eq!(r.get("service.name"), Some(&Value::from("shop")));
        assert_eq!(r.get("service.version"), Some(&Value::from("9")));
        assert_eq!(
            r.get("deployment.environment.name"),
            Some(&Value::from("prod"))
        );
        assert_eq!(r.get("deployment.environment"), Some(&Value::from("prod")));
        assert_eq!(r.get("telemetry.sdk.name"), Some(&Value::from(SDK_NAME)));
        assert_eq!(r.get("team"), Some(&Value::from("web")));
        assert_eq!(r.attributes.len(), 8);
    }
}
