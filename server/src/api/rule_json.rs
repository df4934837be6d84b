//! A rule's JSON kept as its author wrote it: top-level fields in their order and with their
//! exact bytes. An update replaces only the values that changed, so a rule written by SigNoz
//! keeps every field we do not touch, byte for byte.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON object as an ordered list of (key, raw value text).
#[derive(Debug, Clone, Default)]
pub struct RawObject(pub Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawObject, A::Error> {
                let mut out: Vec<(String, Box<RawValue>)> = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, Box<RawValue>>()? {
                    // A repeated key: the last one wins, as with serde_json::Value.
                    out.retain(|(x, _)| *x != k);
                    out.push((k, v));
                }
                Ok(RawObject(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for RawObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

pub fn raw(v: &Value) -> Box<RawValue> {
    RawValue::from_string(v.to_string()).expect("a Value serialises to valid JSON")
}

impl RawObject {
    pub fn parse(text: &str) -> Result<RawObject, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// Replaces the value in place (keeping the key's position) or appends it.
    pub fn set(&mut self, key: &str, v: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = v,
            None => self.0.push((key.to_string(), v)),
        }
    }

    pub fn set_value(&mut self, key: &str, v: &Value) {
        self.set(key, raw(v));
    }

    pub fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("raw values serialise")
    }

    /// The object as a plain map, for reading fields.
    pub fn to_map(&self) -> serde_json::Map<String, Value> {
        serde_json::from_str(&self.to_text()).unwrap_or_default()
    }
}

fn value_of(r: &RawValue) -> Value {
    serde_json::from_str(r.get()).unwrap_or(Value::Null)
}

/// `new`, but with `old`'s exact bytes wherever a value is unchanged; inside objects the keys
/// follow `new` (a key `new` leaves out is gone) in `old`'s order where both have them.
pub fn merge_value(old: &RawValue, new: &RawValue) -> Box<RawValue> {
    let (ov, nv) = (value_of(old), value_of(new));
    if ov == nv {
        return old.to_owned();
    }
    if let (Value::Object(_), Value::Object(_)) = (&ov, &nv) {
        if let (Ok(o), Ok(n)) = (RawObject::parse(old.get()), RawObject::parse(new.get())) {
            return raw_object(merge_objects(&o, &n, false));
        }
    }
    new.to_owned()
}

fn raw_object(o: RawObject) -> Box<RawValue> {
    RawValue::from_string(o.to_text()).expect("raw values serialise")
}

/// Merges two objects: `old`'s keys in order (merged with `new`'s value when present; kept
/// as they were when `new` lacks them and `keep_absent`), then keys only `new` has.
pub fn merge_objects(old: &RawObject, new: &RawObject, keep_absent: bool) -> RawObject {
    let mut out = Vec::new();
    for (k, ov) in &old.0 {
        match new.get(k) {
            Some(nv) => out.push((k.clone(), merge_value(ov, nv))),
            None if keep_absent => out.push((k.clone(), ov.clone())),
            None => {}
        }
    }
    for (k, nv) in &new.0 {
        if old.get(k).is_none() {
            out.push((k.clone(), nv.clone()));
        }
    }
    RawObject(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_values_keep_their_bytes_and_order() {
        let old = RawObject::parse(
            r#"{"b": 1.50, "a": {"x": [1, 2], "t": 3}, "keep": "me", "labels": {"s":"1","d":"2"}}"#,
        )
        .unwrap();
        let new =
            RawObject::parse(r#"{"a":{"t":4,"x":[1,2]},"b":1.5,"labels":{"s":"1"},"extra":true}"#)
                .unwrap();
        let m = merge_objects(&old, &new, true);
        assert_eq!(
            m.to_text(),
            r#"{"b":1.50,"a":{"x":[1, 2],"t":4},"keep":"me","labels":{"s":"1"},"extra":true}"#
        );
    }
}
