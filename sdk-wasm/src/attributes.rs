//! The attribute model of every signal (spans, events, links, logs, metrics, resource,
//! scopes): keys and string values are `Cow<'static, str>`, so a literal key costs no
//! allocation and an owned `String` is kept as it is. The `opentelemetry` crate's own types
//! (whose strings are boxed, shrinking each `String` on the way in, or reference-counted)
//! meet ours only at its trait implementations (`otel-api`). Numbers from JavaScript follow
//! one rule: a whole number a double holds exactly (|n| < 2⁵³) is an integer, anything
//! else a double.

use std::borrow::Cow;

/// An attribute name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(Cow<'static, str>);

impl Key {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A string attribute value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringValue(Cow<'static, str>);

impl StringValue {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! from_strings {
    ($($t:ty),*) => {$(
        impl From<&'static str> for $t {
            fn from(s: &'static str) -> Self {
                Self(Cow::Borrowed(s))
            }
        }
        impl From<String> for $t {
            fn from(s: String) -> Self {
                Self(Cow::Owned(s))
            }
        }
        impl From<Cow<'static, str>> for $t {
            fn from(s: Cow<'static, str>) -> Self {
                Self(s)
            }
        }
    )*};
}
from_strings!(Key, StringValue);

/// A homogeneous array value.
#[derive(Clone, Debug, PartialEq)]
pub enum Array {
    Bool(Vec<bool>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    String(Vec<StringValue>),
}

/// An attribute value (OTLP `AnyValue` without maps and bytes, as in the OpenTelemetry API).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    I64(i64),
    F64(f64),
    String(StringValue),
    Array(Array),
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::I64(n)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::F64(n)
    }
}
impl From<&'static str> for Value {
    fn from(s: &'static str) -> Self {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}
impl From<Cow<'static, str>> for Value {
    fn from(s: Cow<'static, str>) -> Self {
        Value::String(s.into())
    }
}
impl From<StringValue> for Value {
    fn from(s: StringValue) -> Self {
        Value::String(s)
    }
}
impl From<Array> for Value {
    fn from(a: Array) -> Self {
        Value::Array(a)
    }
}

/// One attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    pub key: Key,
    pub value: Value,
}

impl KeyValue {
    pub fn new(key: impl Into<Key>, value: impl Into<Value>) -> Self {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// An instrumentation scope: who made the telemetry (OTLP `InstrumentationScope`).
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub name: Cow<'static, str>,
    pub version: Option<Cow<'static, str>>,
    pub attributes: Vec<KeyValue>,
}

impl Scope {
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Scope {
            name: name.into(),
            version: None,
            attributes: Vec::new(),
        }
    }

    pub fn with_version(mut self, version: impl Into<Cow<'static, str>>) -> Self {
        self.version = Some(version.into());
        self
    }
}

/// `n` as an integer when it is one and exact in a double.
pub fn as_integer(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0).then_some(n as i64)
}

/// A JS number as an attribute value.
pub fn number_value(n: f64) -> Value {
    as_integer(n).map_or(Value::F64(n), Value::I64)
}

/// The `opentelemetry` crate's types, as its trait implementations receive them.
#[cfg(feature = "otel-api")]
mod from_otel {
    use super::*;

    fn text(s: impl AsRef<str>) -> Cow<'static, str> {
        Cow::Owned(s.as_ref().to_string())
    }

    impl From<opentelemetry::Value> for Value {
        fn from(v: opentelemetry::Value) -> Self {
            use opentelemetry::{Array as A, Value as V};
            let strings = |v: Vec<opentelemetry::StringValue>| {
                v.iter().map(|s| StringValue(text(s.as_str()))).collect()
            };
            match v {
                V::Bool(b) => Value::Bool(b),
                V::I64(n) => Value::I64(n),
                V::F64(n) => Value::F64(n),
                V::String(s) => Value::String(StringValue(text(s.as_str()))),
                V::Array(A::Bool(a)) => Value::Array(Array::Bool(a)),
                V::Array(A::I64(a)) => Value::Array(Array::I64(a)),
                V::Array(A::F64(a)) => Value::Array(Array::F64(a)),
                V::Array(A::String(a)) => Value::Array(Array::String(strings(a))),
                // Kinds the API may add later: kept as their text.
                other => Value::String(StringValue(text(other.as_str()))),
            }
        }
    }

    impl From<opentelemetry::KeyValue> for KeyValue {
        fn from(kv: opentelemetry::KeyValue) -> Self {
            KeyValue {
                key: Key(text(kv.key.as_str())),
                value: kv.value.into(),
            }
        }
    }

    impl From<opentelemetry::InstrumentationScope> for Scope {
        fn from(s: opentelemetry::InstrumentationScope) -> Self {
            Scope {
                name: text(s.name()),
                version: s.version().map(text),
                attributes: s.attributes().cloned().map(KeyValue::from).collect(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_exact_numbers_are_integers() {
        for (n, want) in [
            (0.0, Some(0)),
            (-3.0, Some(-3)),
            (9_007_199_254_740_991.0, Some(9_007_199_254_740_991)),
            (9_007_199_254_740_992.0, None),
            (-9_007_199_254_740_992.0, None),
            (1.5, None),
            (f64::NAN, None),
            (f64::INFINITY, None),
        ] {
            assert_eq!(as_integer(n), want, "{n}");
        }
        assert_eq!(number_value(2.0), Value::I64(2));
        assert_eq!(number_value(0.25), Value::F64(0.25));
    }
}
