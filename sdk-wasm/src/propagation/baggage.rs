//! W3C Baggage: `key=value;property` list members, values percent-encoded UTF-8.
//!
//! Limits from the spec: at most 64 members and 8192 bytes per header. Parsing skips invalid
//! members (a bad member must not take the others with it) and stops at the limits; the
//! header written never exceeds them.

use crate::text;

pub const MAX_MEMBERS: usize = 64;
pub const MAX_BYTES: usize = 8192;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baggage {
    /// (key, decoded value, raw properties after the first `;`, if any)
    entries: Vec<(String, String, Option<String>)>,
}

impl Baggage {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a member (replacing one with the same key); invalid keys are ignored.
    pub fn insert(&mut self, key: &str, value: &str) -> bool {
        if !is_token(key) {
            return false;
        }
        self.entries.retain(|e| e.0 != key);
        if self.entries.len() >= MAX_MEMBERS {
            return false;
        }
        self.entries
            .push((key.to_string(), value.to_string(), None));
        true
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.0 == key)
            .map(|e| e.1.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parses a `baggage` header value.
    pub fn parse(header: &str) -> Self {
        let mut b = Baggage::new();
        if header.len() > MAX_BYTES {
            return b;
        }
        for raw in text::split(header, b',') {
            if b.entries.len() >= MAX_MEMBERS {
                break;
            }
            let (kv, props) = match text::split_once(raw, b';') {
                Some((kv, p)) => (kv, Some(text::trim_ows(p).to_string())),
                None => (raw, None),
            };
            let Some((k, v)) = text::split_once(kv, b'=') else {
                continue;
            };
            let (k, v) = (text::trim_ows(k), text::trim_ows(v));
            if !is_token(k) || !v.bytes().all(baggage_octet) {
                continue;
            }
            let Some(value) = percent_decode(v) else {
                continue;
            };
            b.entries.retain(|e| e.0 != k);
            b.entries
                .push((k.to_string(), value, props.filter(|p| !p.is_empty())));
        }
        b
    }

    /// The header value; members that would pass the byte limit are left out.
    pub fn header(&self) -> String {
        let mut out = String::new();
        for (k, v, p) in &self.entries {
            let mut m = String::with_capacity(k.len() + v.len() + 1);
            m.push_str(k);
            m.push('=');
            percent_encode(v, &mut m);
            if let Some(p) = p {
                m.push(';');
                m.push_str(p);
            }
            let extra = m.len() + if out.is_empty() { 0 } else { 1 };
            if out.len() + extra > MAX_BYTES {
                continue;
            }
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(&m);
        }
        out
    }
}

/// RFC 7230 `token`.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
}

/// `baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E`.
fn baggage_octet(c: u8) -> bool {
    matches!(c, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = |c: u8| (c as char).to_digit(16);
            let hi = h(*b.get(i + 1)?)?;
            let lo = h(*b.get(i + 2)?)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes everything outside `baggage-octet`, and `%` itself.
fn percent_encode(v: &str, out: &mut String) {
    const D: &[u8; 16] = b"0123456789ABCDEF";
    for c in v.bytes() {
        if baggage_octet(c) && c != b'%' {
            out.push(c as char);
        } else {
            out.push('%');
            out.push(D[(c >> 4) as usize] as char);
            out.push(D[(c & 15) as usize] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_members_properties_and_percent_encoding() {
        let b = Baggage::parse("userId=alice, serverNode = DF%2028 ;prop=1, isProduction=false,  ");
        assert_eq!(b.len(), 3);
        assert_eq!(b.get("userId"), Some("alice"));
        assert_eq!(b.get("serverNode"), Some("DF 28"));
        assert_eq!(b.get("isProduction"), Some("false"));
        assert_eq!(
            b.header(),
            "userId=alice,serverNode=DF%2028;prop=1,isProduction=false"
        );
    }

    #[test]
    fn invalid_members_are_skipped_not_fatal() {
        let b = Baggage::parse("good=1,no-equals,bad key=2,bad=a b,worse=%zz,utf=%C3%A9,x=\"q\"");
        assert_eq!(b.get("good"), Some("1"));
        assert_eq!(b.get("utf"), Some("é"));
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn encodes_non_octets() {
        let mut b = Baggage::new();
        assert!(b.insert("k", "a,b;c=d é%"));
        assert!(!b.insert("bad key", "x"));
        assert_eq!(b.header(), "k=a%2Cb%3Bc=d%20%C3%A9%25");
        assert_eq!(Baggage::parse(&b.header()).get("k"), Some("a,b;c=d é%"));
    }

    #[test]
    fn limits() {
        let many = (0..100)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(Baggage::parse(&many).len(), MAX_MEMBERS);
        assert!(Baggage::parse(&format!("k={}", "v".repeat(MAX_BYTES))).is_empty());
        let mut b = Baggage::new();
        for i in 0..3 {
            b.insert(&format!("k{i}"), &"v".repeat(3000));
        }
        let h = b.header();
        assert!(h.len() <= MAX_BYTES);
        assert_eq!(h.split(',').count(), 2);
    }
}
