//! `GET`/`POST /api/v1/query` and `/api/v1/query_range` (the Prometheus HTTP API v0.39 also
//! serves) `data`: `{"resultType": …, "result": …}`. Times are unix seconds (fractional),
//! values Go float text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de::{float_as_string, float_from_string};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromData {
    /// `matrix`, `vector`, `scalar` or `string`, matching `result`.
    pub result_type: String,
    pub result: PromResult,
}

/// The result of each `resultType` (written as Prometheus does: no tag, the shape tells).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PromResult {
    Matrix(Vec<RangeSeries>),
    Vector(Vec<InstantSample>),
    Scalar(Sample),
    String(StringSample),
}

impl PromResult {
    pub fn result_type(&self) -> &'static str {
        match self {
            PromResult::Matrix(_) => "matrix",
            PromResult::Vector(_) => "vector",
            PromResult::Scalar(_) => "scalar",
            PromResult::String(_) => "string",
        }
    }
}

impl From<PromResult> for PromData {
    fn from(result: PromResult) -> Self {
        PromData {
            result_type: result.result_type().into(),
            result,
        }
    }
}

/// `[<unix seconds>, "<value>"]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Sample(
    pub f64,
    #[serde(
        serialize_with = "float_as_string",
        deserialize_with = "float_from_string"
    )]
    pub f64,
);

/// `[<unix seconds>, "<text>"]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct StringSample(pub f64, pub String);

/// One series of a range query (`matrix`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct RangeSeries {
    pub metric: BTreeMap<String, String>,
    pub values: Vec<Sample>,
}

/// One element of an instant vector.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct InstantSample {
    pub metric: BTreeMap<String, String>,
    pub value: Sample,
}
