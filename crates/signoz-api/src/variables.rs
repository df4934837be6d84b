//! `POST /api/v2/variables/query` `data`: a dashboard variable's values (`null` when no row
//! matched, as v0.39 answers).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VariableValues {
    #[serde(default)]
    pub variable_values: Option<Vec<Value>>,
}
