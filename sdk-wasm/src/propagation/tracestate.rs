//! The W3C `tracestate` header: up to 32 `key=value` list members, comma separated.
//!
//! Parsing is all-or-nothing, as the spec requires of a vendor that cannot parse the header:
//! a member with a bad key or value, a duplicate key, or more than 32 members discards the
//! whole header. Empty members (`a=1,,b=2`) and optional whitespace around them are allowed.
//! On output, a header longer than 512 characters is truncated the way the spec describes:
//! first members longer than 128 characters are removed, then members from the right.

use crate::text;
use crate::trace::TraceState;

pub const MAX_MEMBERS: usize = 32;
pub const MAX_HEADER_LEN: usize = 512;
const LONG_MEMBER: usize = 128;

/// Parses a `tracestate` value; `None` if it must be discarded.
pub fn parse(value: &str) -> Option<TraceState> {
    let mut members: Vec<(&str, &str)> = Vec::new();
    for raw in text::split(value, b',') {
        let m = text::trim_ows(raw);
        if m.is_empty() {
            continue;
        }
        let (k, v) = text::split_once(m, b'=')?;
        if !valid_key(k) || !valid_value(v) || members.iter().any(|(ek, _)| *ek == k) {
            return None;
        }
        members.push((k, v));
        if members.len() > MAX_MEMBERS {
            return None;
        }
    }
    let mut header = String::with_capacity(value.len());
    for (k, v) in members {
        if !header.is_empty() {
            header.push(',');
        }
        header.push_str(k);
        header.push('=');
        header.push_str(v);
    }
    Some(TraceState::from_valid_header(header))
}

/// Formats a trace state, truncated to [`MAX_HEADER_LEN`] as the spec describes.
pub fn format(ts: &TraceState) -> String {
    let header = ts.header();
    if header.len() <= MAX_HEADER_LEN {
        return header.to_string();
    }
    let mut members: Vec<&str> = text::split(header, b',')
        .filter(|m| m.len() <= LONG_MEMBER)
        .collect();
    while !members.is_empty()
        && members.iter().map(|m| m.len() + 1).sum::<usize>() - 1 > MAX_HEADER_LEN
    {
        members.pop();
    }
    let mut out = String::with_capacity(MAX_HEADER_LEN);
    for m in members {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(m);
    }
    out
}

fn key_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'*' | b'/')
}

/// `simple-key = lcalpha 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/")`, or
/// `tenant-id "@" system-id` with tenant-id `(lcalpha / DIGIT) 0*240(...)` and
/// system-id `lcalpha 0*13(...)`.
pub fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    match text::split_once(key, b'@') {
        None => {
            !b.is_empty()
                && b.len() <= 256
                && b[0].is_ascii_lowercase()
                && b.iter().all(|&c| key_char(c))
        }
        Some((tenant, system)) => {
            let (t, s) = (tenant.as_bytes(), system.as_bytes());
            !t.is_empty()
                && t.len() <= 241
                && (t[0].is_ascii_lowercase() || t[0].is_ascii_digit())
                && t.iter().all(|&c| key_char(c))
                && !s.is_empty()
                && s.len() <= 14
                && s[0].is_ascii_lowercase()
                && s.iter().all(|&c| key_char(c))
        }
    }
}

/// `value = 0*255(chr) nblk-chr`: printable ASCII except `,` and `=`, spaces allowed
/// inside but not at the end, 1 to 256 characters.
pub fn valid_value(value: &str) -> bool {
    let b = value.as_bytes();
    let nblk = |c: u8| (0x21..=0x7e).contains(&c) && c != b',' && c != b'=';
    !b.is_empty()
        && b.len() <= 256
        && nblk(b[b.len() - 1])
        && b.iter().all(|&c| c == b' ' || nblk(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(v: &str) -> Option<String> {
        parse(v).map(|t| format(&t))
    }

    #[test]
    fn valid_headers() {
        assert_eq!(
            header("congo=t61rcWkgMzE").as_deref(),
            Some("congo=t61rcWkgMzE")
        );
        assert_eq!(
            header(" a=1 ,\t b=2 ,, c=3 ").as_deref(),
            Some("a=1,b=2,c=3")
        );
        assert_eq!(header("").as_deref(), Some(""));
        assert_eq!(
            header("tenant@vendor=x,1tenant@v=y").as_deref(),
            Some("tenant@vendor=x,1tenant@v=y")
        );
        assert_eq!(header("k=a b").as_deref(), Some("k=a b"));
        assert_eq!(header("a/b_c-d*e=~!").as_deref(), Some("a/b_c-d*e=~!"));
    }

    #[test]
    fn keys() {
        assert!(valid_key("a"));
        assert!(valid_key(&"a".repeat(256)));
        assert!(!valid_key(&"a".repeat(257)));
        assert!(!valid_key("A"));
        assert!(!valid_key("1abc"), "simple keys start with a letter");
        assert!(valid_key("1abc@x"), "tenant ids may start with a digit");
        assert!(!valid_key("a@"));
        assert!(!valid_key("@a"));
        assert!(!valid_key("a@1x"), "system ids start with a letter");
        assert!(!valid_key("a@b@c"));
        assert!(valid_key(&format!(
            "{}@{}",
            "t".repeat(241),
            "s".repeat(14)
        )));
        assert!(!valid_key(&format!("{}@s", "t".repeat(242))));
        assert!(!valid_key(&format!("t@{}", "s".repeat(15))));
        assert!(!valid_key("a.b"));
        assert!(!valid_key(""));
    }

    #[test]
    fn values() {
        assert!(valid_value("x"));
        assert!(valid_value(&"x".repeat(256)));
        assert!(!valid_value(&"x".repeat(257)));
        assert!(!valid_value(""));
        assert!(!valid_value("a,b"));
        assert!(!valid_value("a=b"));
        assert!(!valid_value("ab "), "trailing space");
        assert!(!valid_value("a\tb"));
        assert!(!valid_value("é"));
    }

    #[test]
    fn invalid_headers_are_discarded_whole() {
        for bad in [
            "a=1,b",
            "a=1,B=2",
            "a=1,a=2",
            "=1",
            "a=",
            "a=1,b=,c=2",
            "a==1",
        ] {
            assert!(parse(bad).is_none(), "accepted {bad:?}");
        }
    }

    #[test]
    fn thirty_two_members_max() {
        let list = |n: usize| {
            (0..n)
                .map(|i| format!("k{i}=v"))
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(parse(&list(32)).unwrap().header(), list(32));
        assert!(parse(&list(33)).is_none());
    }

    #[test]
    fn oversize_header_is_truncated_per_spec() {
        let long = format!("long={}", "x".repeat(200));
        let mut members = vec![long];
        for i in 0..31 {
            members.push(format!("k{i:02}={}", "y".repeat(20)));
        }
        let out = format(&parse(&members.join(",")).unwrap());
        assert!(out.len() <= MAX_HEADER_LEN, "{}", out.len());
        assert!(
            !out.contains("long="),
            "the member over 128 characters goes first"
        );
        assert!(
            out.starts_with("k00="),
            "then members are removed from the right"
        );
        assert_eq!(out.split(',').count(), 20);
    }
}
