//! Attribute values from JavaScript numbers, one rule for every signal: a whole number a
//! double holds exactly (|n| < 2⁵³) is an integer, anything else a double.

use opentelemetry::Value;

/// `n` as an integer when it is one and exact in a double.
pub fn as_integer(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0).then_some(n as i64)
}

/// A JS number as an attribute value.
pub fn number_value(n: f64) -> Value {
    as_integer(n).map_or(Value::F64(n), Value::I64)
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
