//! Decimal integers to and from text, written out rather than through `core::fmt` and
//! `str::parse`: those bring ~0.3–0.8 KB of generic wasm per integer type and the formatting
//! machinery (~2.5 KB), and the SDK's size is a measured goal (README "Size").

/// Appends `v` in decimal.
pub fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Char by char: `str::from_utf8` would inline its validation (~0.6 KB of wasm).
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// `v` in decimal.
pub fn u64_text(v: u64) -> String {
    let mut s = String::new();
    push_u64(&mut s, v);
    s
}

/// A non-empty run of ASCII digits as a number; `None` for anything else (signs, spaces)
/// or a value over `T::MAX`.
pub fn parse<T: TryFrom<u64>>(s: &str) -> Option<T> {
    parse_u64(s).and_then(|v| T::try_from(v).ok())
}

fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(d.into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_decimal() {
        for v in [0, 7, 10, 404, 65535, u64::MAX] {
            assert_eq!(u64_text(v), v.to_string());
            assert_eq!(parse::<u64>(&v.to_string()), Some(v));
        }
    }

    #[test]
    fn refuses_what_is_not_a_run_of_digits_or_does_not_fit() {
        for s in ["", "+1", "-1", " 1", "1 ", "1.0", "0x10", "٣"] {
            assert_eq!(parse::<u64>(s), None, "{s:?}");
        }
        assert_eq!(parse::<u16>("65535"), Some(65535));
        assert_eq!(parse::<u16>("65536"), None);
        assert_eq!(parse::<u64>("18446744073709551616"), None);
        assert_eq!(parse::<u32>("007"), Some(7));
    }
}
