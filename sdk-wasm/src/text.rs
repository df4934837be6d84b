//! Searching and splitting text at ASCII bytes. Every separator the SDK looks for in headers,
//! URLs and stored records is ASCII, and an ASCII byte in UTF-8 is always a whole character, so
//! a byte scan finds the same positions as `str::find(char)`, `split(char)`, `split_once`,
//! `trim_matches` and `lines` — without core's pattern machinery (memchr, the char searchers,
//! one iterator type per pattern: ~3 KB of wasm together; the SDK's size is a measured goal,
//! README "Size"). Plain index loops: `Iterator::position` is unrolled into ~200 B each.

/// The first `b` in `s`.
pub fn find(s: &str, b: u8) -> Option<usize> {
    first(s.as_bytes(), |c| c == b)
}

/// The index of the first byte `hit` accepts.
#[inline(always)]
fn first(bytes: &[u8], hit: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if hit(bytes[i]) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The index of the last byte `hit` accepts.
#[inline(always)]
fn last(bytes: &[u8], hit: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if hit(bytes[i]) {
            return Some(i);
        }
    }
    None
}

/// The first byte of `s` that is one of `set` (ASCII bytes below 64: URL delimiters such as
/// `/`, `?`, `#`, `:`). One bit test per byte, on the path of every span with a URL.
pub fn find_any(s: &str, set: &[u8]) -> Option<usize> {
    let mask = set.iter().fold(0u64, |m, &b| {
        debug_assert!(b < 64);
        m | 1 << (b & 63)
    });
    first(s.as_bytes(), |c| c < 64 && mask >> c & 1 == 1)
}

/// The last `b` in `s`.
pub fn rfind(s: &str, b: u8) -> Option<usize> {
    last(s.as_bytes(), |c| c == b)
}

/// Whether `s` holds `b`.
pub fn has(s: &str, b: u8) -> bool {
    find(s, b).is_some()
}

/// `s` around its first `b`.
pub fn split_once(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = find(s, b)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s` around its last `b`.
pub fn rsplit_once(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = rfind(s, b)?;
    Some((&s[..i], &s[i + 1..]))
}

/// The pieces of `s` between the `b`s, as `str::split` yields them (empty pieces included;
/// an empty `s` is one empty piece).
pub fn split(s: &str, b: u8) -> Split<'_> {
    Split {
        rest: Some(s),
        sep: b,
    }
}

pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let r = self.rest?;
        match find(r, self.sep) {
            Some(i) => {
                self.rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                self.rest = None;
                Some(r)
            }
        }
    }
}

/// The lines of `s` as `str::lines` yields them: split at `\n`, a `\r` right before it
/// removed, no last empty line after a final `\n`.
pub fn lines(s: &str) -> Lines<'_> {
    Lines(s)
}

pub struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let Some(i) = find(self.0, b'\n') else {
            return Some(std::mem::take(&mut self.0));
        };
        let line = &self.0[..i];
        self.0 = &self.0[i + 1..];
        Some(match line.as_bytes().last() {
            Some(b'\r') => &line[..i - 1],
            _ => line,
        })
    }
}

/// `s` without the leading and trailing bytes `trim` accepts (ASCII ones: a UTF-8 byte of a
/// longer character is never ASCII).
pub fn trim_bytes(s: &str, trim: impl Fn(u8) -> bool) -> &str {
    let b = s.as_bytes();
    let start = first(b, |c| !trim(c)).unwrap_or(b.len());
    let end = last(b, |c| !trim(c)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
pub fn trim_ows(s: &str) -> &str {
    trim_bytes(s, |c| c == b' ' || c == b'\t')
}

/// `s` without the `b`s at its end.
pub fn trim_end(s: &str, b: u8) -> &str {
    let end = last(s.as_bytes(), |c| c != b).map_or(0, |i| i + 1);
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_standard_library() {
        let samples = [
            "",
            ",",
            "a",
            "a,b",
            ",a,,b,",
            "é,ü=1",
            "k=v;p",
            " \tx y\t ",
            "\n",
            "a\r\nb\n",
            "a\n\nb",
            "a\nb\r",
            "\r\n",
            "//x/",
            "a:b:c",
        ];
        for s in samples {
            for b in [b',', b'=', b'\n', b'/', b':', b' '] {
                let c = b as char;
                assert_eq!(find(s, b), s.find(c), "{s:?} {c:?}");
                assert_eq!(rfind(s, b), s.rfind(c), "{s:?} {c:?}");
                assert_eq!(has(s, b), s.contains(c));
                assert_eq!(split_once(s, b), s.split_once(c));
                assert_eq!(rsplit_once(s, b), s.rsplit_once(c));
                assert_eq!(
                    split(s, b).collect::<Vec<_>>(),
                    s.split(c).collect::<Vec<_>>()
                );
                assert_eq!(trim_end(s, b), s.trim_end_matches(c));
            }
            assert_eq!(find_any(s, b"/?#"), s.find(['/', '?', '#']));
            assert_eq!(
                lines(s).collect::<Vec<_>>(),
                s.lines().collect::<Vec<_>>(),
                "{s:?}"
            );
            assert_eq!(trim_ows(s), s.trim_matches([' ', '\t']));
            assert_eq!(
                trim_bytes(s, |c| c <= b' '),
                s.trim_matches(|c: char| c <= ' ')
            );
        }
    }
}
