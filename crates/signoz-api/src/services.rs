//! APM routes: `POST /api/v1/services`, `/service/top_operations`,
//! `/service/top_level_operations`, `GET /services/list` and `/dependency_graph`.
//! Latencies are nanoseconds, rates per second, error rates percent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of `POST /api/v1/services`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceItem {
    pub service_name: String,
    #[serde(default)]
    pub p99: f64,
    #[serde(default)]
    pub avg_duration: f64,
    #[serde(default)]
    pub num_calls: u64,
    #[serde(default)]
    pub call_rate: f64,
    #[serde(default)]
    pub num_errors: u64,
    #[serde(default)]
    pub error_rate: f64,
    /// Always 0, as in v0.39.
    #[serde(default, rename = "num4XX")]
    pub num_4xx: u64,
    /// Always 0.0, as in v0.39.
    #[serde(default, rename = "fourXXRate")]
    pub four_xx_rate: f64,
}

/// One row of `POST /api/v1/service/top_operations`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopOperation {
    #[serde(default)]
    pub p50: f64,
    #[serde(default)]
    pub p95: f64,
    #[serde(default)]
    pub p99: f64,
    #[serde(default)]
    pub num_calls: u64,
    #[serde(default)]
    pub error_count: u64,
    pub name: String,
}

/// `POST /api/v1/service/top_level_operations`: service → its entry-point operations.
pub type TopLevelOperations = BTreeMap<String, Vec<String>>;

/// `GET /api/v1/services/list`: service names.
pub type ServiceList = Vec<String>;

/// One edge of `POST /api/v1/dependency_graph` (parent service calls child service).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DependencyEdge {
    pub parent: String,
    pub child: String,
    #[serde(default)]
    pub call_count: u64,
    #[serde(default)]
    pub call_rate: f64,
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub p99: f64,
    #[serde(default)]
    pub p95: f64,
    #[serde(default)]
    pub p90: f64,
    #[serde(default)]
    pub p75: f64,
    #[serde(default)]
    pub p50: f64,
}
