//! Bodies that could not leave before the page went away, kept in `localStorage` for the
//! next page of the same origin to send. Pure: the text format and its size bound; the
//! browser glue (`web::pipeline`) reads and writes the one key.
//!
//! Format: a version line, then one line per body: `<url> TAB <p|j> TAB <spans> TAB <base64>`
//! (`p` protobuf, `j` OTLP/JSON). Lines that do not parse are skipped.

use crate::otlp::Encoding;

/// The `localStorage` key.
pub const KEY: &str = "sdk-wasm:unsent";
/// Bound on the stored text (UTF-16 code units = bytes here: it is ASCII).
pub const MAX_CHARS: usize = 1024 * 1024;
const VERSION: &str = "sdk-wasm-unsent 1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub url: String,
    pub encoding: Encoding,
    pub spans: u64,
    pub body: Vec<u8>,
}

impl Entry {
    fn line(&self) -> String {
        let enc = match self.encoding {
            Encoding::Protobuf => 'p',
            Encoding::Json => 'j',
        };
        // Not `format!`: the formatting machinery is ~2.5 KB of wasm.
        let mut out = String::with_capacity(self.url.len() + self.body.len() * 4 / 3 + 16);
        out.push_str(&self.url);
        out.push('\t');
        out.push(enc);
        out.push('\t');
        crate::decimal::push_u64(&mut out, self.spans);
        out.push('\t');
        out.push_str(&base64_encode(&self.body));
        out.push('\n');
        out
    }

    fn parse(line: &str) -> Option<Entry> {
        let mut f = crate::text::split(line, b'\t');
        let url = f.next().filter(|u| !u.is_empty())?.to_string();
        let encoding = match f.next()? {
            "p" => Encoding::Protobuf,
            "j" => Encoding::Json,
            _ => return None,
        };
        let spans = crate::decimal::parse(f.next()?)?;
        let body = base64_decode(f.next()?)?;
        f.next().is_none().then_some(Entry {
            url,
            encoding,
            spans,
            body,
        })
    }
}

/// The stash's entries, oldest first. `Vec`s, not `VecDeque`s: a stash holds a few entries,
/// and removing the front of a `Vec` is less wasm than a deque's ring logic.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stash {
    entries: Vec<Entry>,
    lines: Vec<String>,
}

impl Stash {
    /// Parses stored text; anything unreadable (another version, a damaged line) is skipped.
    pub fn parse(text: &str) -> Stash {
        let mut s = Stash::default();
        let mut lines = crate::text::lines(text);
        if lines.next() != Some(VERSION) {
            return s;
        }
        for e in lines.filter_map(Entry::parse) {
            s.push(e);
        }
        s
    }

    pub fn push(&mut self, e: Entry) {
        self.lines.push(e.line());
        self.entries.push(e);
    }

    /// Removes the oldest entry; `None` when empty.
    pub fn drop_oldest(&mut self) -> Option<Entry> {
        if self.entries.is_empty() {
            return None;
        }
        self.lines.remove(0);
        Some(self.entries.remove(0))
    }

    /// Drops the oldest entries until the text is at most `max_chars`; returns the spans dropped.
    pub fn bound(&mut self, max_chars: usize) -> u64 {
        let mut dropped = 0;
        while self.text_len() > max_chars {
            match self.drop_oldest() {
                Some(e) => dropped += e.spans,
                None => break,
            }
        }
        dropped
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    fn text_len(&self) -> usize {
        VERSION.len() + 1 + self.lines.iter().map(String::len).sum::<usize>()
    }

    pub fn to_text(&self) -> String {
        let mut t = String::with_capacity(self.text_len());
        t.push_str(VERSION);
        t.push('\n');
        self.lines.iter().for_each(|l| t.push_str(l));
        t
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes [`base64_encode`]'s output; `None` on anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for (k, q) in b.chunks(4).enumerate() {
        let last = k + 1 == b.len() / 4;
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &q[..4 - pad] {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            n = n << 6 | v;
        }
        n <<= 6 * pad as u32;
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u8, len: usize) -> Entry {
        Entry {
            url: format!("http://c.example/{n}/v1/traces"),
            encoding: Encoding::Protobuf,
            spans: n as u64,
            body: vec![n; len],
        }
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        let all: Vec<u8> = (0..=255).collect();
        for n in 0..all.len() {
            assert_eq!(
                base64_decode(&base64_encode(&all[..n])).as_deref(),
                Some(&all[..n])
            );
        }
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v YmFy", "Zm9\u{e9}"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_round_trip_and_bad_lines_skipped() {
        let mut s = Stash::default();
        s.push(entry(1, 10));
        s.push(Entry {
            encoding: Encoding::Json,
            ..entry(2, 0)
        });
        let text = s.to_text();
        assert_eq!(Stash::parse(&text), s);
        let damaged = text.replace("\tj\t", "\tx\t") + "garbage\n\tp\t1\tAA==\n";
        let d = Stash::parse(&damaged);
        assert_eq!(d.into_entries(), vec![entry(1, 10)]);
        assert!(Stash::parse("other format\nhttp://x\tp\t1\tAA==\n").is_empty());
        assert!(Stash::parse("").is_empty());
    }

    #[test]
    fn bound_drops_the_oldest_and_counts_their_spans() {
        let mut s = Stash::default();
        for n in 1..=4 {
            s.push(entry(n, 3000)); // 4000 base64 chars each
        }
        assert_eq!(s.bound(1 << 20), 0);
        assert_eq!(s.bound(9000), 1 + 2, "two oldest go");
        let left: Vec<u64> = s.into_entries().iter().map(|e| e.spans).collect();
        assert_eq!(left, vec![3, 4]);
        let mut one = Stash::default();
        one.push(entry(5, 3000));
        assert_eq!(
            one.bound(100),
            5,
            "an entry over the bound on its own goes too"
        );
        assert!(one.is_empty());
        assert!(one.to_text().len() <= 100);
    }
}
