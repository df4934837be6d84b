//! Attribute value length limit (`attributeValueLengthLimit`): string values, and each string
//! of an array value, longer than the limit are cut to it, so that long values (stack traces,
//! URLs, bodies) cannot hold much memory while spans wait for an unreachable collector.

use crate::attributes::{Array, StringValue, Value};

/// Default limit, in characters.
pub const DEFAULT_VALUE_LENGTH: u32 = 4096;

/// `s` cut to at most `limit` characters (Unicode scalar values); `None` when it fits.
pub fn truncated(s: &str, limit: usize) -> Option<String> {
    // Fast path: bytes >= chars, so a short byte length always fits.
    if s.len() <= limit {
        return None;
    }
    // The byte where character `limit` starts: a byte scan (`char_indices().nth` is ~1 KB
    // of wasm).
    let mut chars = 0;
    for (i, b) in s.bytes().enumerate() {
        // Not a UTF-8 continuation byte: a character starts here.
        if b & 0xC0 != 0x80 {
            if chars == limit {
                return Some(s[..i].to_string());
            }
            chars += 1;
        }
    }
    None
}

/// Truncates a string value, or each string of a string array, in place.
pub fn truncate_value(v: &mut Value, limit: usize) {
    match v {
        Value::String(s) => {
            if let Some(t) = truncated(s.as_str(), limit) {
                *s = StringValue::from(t);
            }
        }
        Value::Array(Array::String(items)) => {
            for s in items.iter_mut() {
                if let Some(t) = truncated(s.as_str(), limit) {
                    *s = StringValue::from(t);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_long_strings_at_a_character_boundary() {
        assert_eq!(truncated("abcdef", 6), None);
        assert_eq!(truncated("abcdef", 4).as_deref(), Some("abcd"));
        // Multi-byte characters count once each and are never split.
        assert_eq!(truncated("ééééé", 3).as_deref(), Some("ééé"));
        assert_eq!(truncated("éé", 2), None);
        assert_eq!(truncated("日本語テキスト", 0).as_deref(), Some(""));
    }

    #[test]
    fn truncates_strings_and_string_arrays_only() {
        let mut v = Value::from("x".repeat(5000));
        truncate_value(&mut v, DEFAULT_VALUE_LENGTH as usize);
        assert!(matches!(&v, Value::String(s) if s.as_str().len() == 4096));
        let mut a = Value::Array(Array::String(vec!["short".into(), "y".repeat(10).into()]));
        truncate_value(&mut a, 5);
        assert_eq!(
            a,
            Value::Array(Array::String(vec!["short".into(), "yyyyy".into()]))
        );
        let mut n = Value::I64(123_456_789);
        truncate_value(&mut n, 2);
        assert_eq!(n, Value::I64(123_456_789));
    }
}
