//! Lenient field readers for replies from servers that differ in small ways, and Go's float
//! text (`NaN`, `+Inf`, `-Inf`).

use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

/// `null` (or a missing field, with `#[serde(default)]`) reads as `T::default()`.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string field that some servers send as a number.
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// A float sent as Go's text (`"NaN"`, `"+Inf"`, `"1.5"`) or as a number.
pub fn float_from_string<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => parse_float(&s),
        _ => f64::NAN,
    })
}

/// Writes a float as Go's `strconv.FormatFloat(v, 'f', -1, 64)` text (see [`format_float`]).
pub fn float_as_string<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_float(*v))
}

/// A bool that some servers send as `"true"`.
pub fn bool_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => s == "true",
        _ => false,
    })
}

/// Go's float text: `NaN`, `+Inf`, `-Inf` plus ordinary decimals.
pub fn parse_float(s: &str) -> f64 {
    match s.trim() {
        "NaN" => f64::NAN,
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        t => t.parse().unwrap_or(f64::NAN),
    }
}

/// JSON value as plain text for display (strings unquoted, null as empty).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Float text for series values: `NaN`, `+Inf`, `-Inf` as Go writes them, else the shortest
/// plain decimal that reads back the same (`2`, `0.5`, `1000000000000000000000`).
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}
