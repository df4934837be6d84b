//! `GET /api/v3/autocomplete/{aggregate_attributes,attribute_keys,attribute_values}` `data`.

use serde::{Deserialize, Deserializer, Serialize};

use crate::de::null_as_default;
use crate::query_range::AttributeKey;

/// `aggregate_attributes` and `attribute_keys`: `{"attributeKeys": [...]}` (SigNoz may send
/// `null` for none).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttributeKeys {
    #[serde(default, deserialize_with = "null_as_default")]
    pub attribute_keys: Vec<AttributeKey>,
}

/// `attribute_values`: the matches in the list of the key's type, the others empty.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttributeValues {
    #[serde(default, deserialize_with = "null_as_default")]
    pub string_attribute_values: Vec<String>,
    /// A non-finite value is written as `null` (serde_json's rule) and read back as NaN.
    #[serde(default, deserialize_with = "numbers")]
    pub number_attribute_values: Vec<f64>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub bool_attribute_values: Vec<bool>,
}

fn numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let list: Option<Vec<Option<f64>>> = Option::deserialize(d)?;
    Ok(list
        .unwrap_or_default()
        .into_iter()
        .map(|n| n.unwrap_or(f64::NAN))
        .collect())
}
