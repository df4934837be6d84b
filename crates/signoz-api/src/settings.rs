//! Settings: Apdex per service, metric metadata, retention (TTL) and usage.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// One service's Apdex settings (`GET /api/v1/settings/apdex?services=`, an array of these).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApdexSettings {
    #[serde(default)]
    pub service_name: String,
    #[serde(default)]
    pub threshold: f64,
    /// Comma-separated status codes left out of the score.
    #[serde(default)]
    pub exclude_status_codes: String,
}

/// `GET /api/v1/metric_meta`: whether a histogram is delta, and its bucket bounds (`null` when it
/// has none).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct MetricMeta {
    #[serde(default)]
    pub delta: bool,
    pub le: Option<Vec<f64>>,
}

/// `GET /api/v1/settings/ttl?type=<signal>`: its keys carry the signal's name
/// (`traces_ttl_duration_hrs`, …); move (cold storage) durations are `-1` when not set.
#[derive(Debug, Clone, PartialEq)]
pub struct TtlReply {
    pub signal: String,
    pub ttl_hours: i64,
    pub move_ttl_hours: i64,
    pub expected_ttl_hours: i64,
    pub expected_move_ttl_hours: i64,
    pub status: String,
}

impl Serialize for TtlReply {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sig = &self.signal;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry(&format!("{sig}_ttl_duration_hrs"), &self.ttl_hours)?;
        m.serialize_entry(
            &format!("{sig}_move_ttl_duration_hrs"),
            &self.move_ttl_hours,
        )?;
        m.serialize_entry(
            &format!("expected_{sig}_ttl_duration_hrs"),
            &self.expected_ttl_hours,
        )?;
        m.serialize_entry(
            &format!("expected_{sig}_move_ttl_duration_hrs"),
            &self.expected_move_ttl_hours,
        )?;
        m.serialize_entry("status", &self.status)?;
        m.end()
    }
}

/// `POST /api/v1/settings/ttl`'s reply.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct TtlSetReply {
    #[serde(default)]
    pub message: String,
}

/// One bucket of `GET /api/v1/usage`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct UsageItem {
    /// RFC 3339.
    #[serde(default)]
    pub time: String,
    /// Nanoseconds.
    #[serde(default)]
    pub timestamp: i64,
    #[serde(default)]
    pub count: i64,
}

/// `GET /api/v1/disks`: a storage disk (v0.39 lists ClickHouse's `system.disks`); empty fields
/// are left out.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct DiskItem {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// `GET /api/v1/configs` (enveloped): dynamic UI configs by name (`helpConfig`).
pub type DynamicConfigs = std::collections::BTreeMap<String, DynamicConfig>;

/// One dynamic config: where the frontend shows it and its links.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct DynamicConfig {
    pub enabled: bool,
    pub frontend_position_id: String,
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub components: Vec<ConfigComponent>,
}

/// A link of a dynamic config.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct ConfigComponent {
    pub text: String,
    pub position: i64,
    pub dark_icon: String,
    pub light_icon: String,
    pub href: String,
}
