//! Query-value redaction for every URL the SDK records: the value of a parameter whose name
//! is on the list becomes `REDACTED`; everything else is kept byte for byte.
//!
//! Names compare case-insensitively after percent-decoding (`%74oken`, `TOKEN` and `token`
//! are the same), each occurrence of a repeated parameter is redacted, and parameters in the
//! fragment are redacted too when it carries some (`#access_token=…` of OAuth's implicit flow,
//! or a hash router's `#/path?token=…`). Works on absolute and relative URLs.

use std::borrow::Cow;

use crate::text;

pub const REDACTED: &str = "REDACTED";

/// Parameter names always redacted (`redactQueryParams` adds to them).
pub const DEFAULT_NAMES: &[&str] = &[
    "email",
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "password",
    "passwd",
    "pwd",
    "secret",
    "client_secret",
    "key",
    "api_key",
    "apikey",
    "auth",
    "authorization",
    "code",
    "sig",
    "signature",
    "session",
    "sessionid",
    "session_id",
    "credential",
    "credentials",
    "jwt",
    "private_key",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
];

/// Attribute keys whose values are URLs and get redacted wherever they appear (spans, span
/// events, log records): request and page URLs, and the script URLs of errors and long tasks.
pub const URL_KEYS: &[&str] = &[
    "url.full",
    "http.url",
    "code.filepath",
    "resource.url",
    "web_vital.attribution.url",
    "loaf.script.source_url",
    "longtask.attribution.container_src",
];

/// `url` with the listed parameters' values replaced (`names` lowercase); borrowed when
/// nothing changed.
pub fn redact_url<'a>(url: &'a str, names: &[String]) -> Cow<'a, str> {
    if names.is_empty() || !text::has(url, b'=') {
        return Cow::Borrowed(url);
    }
    let (before_hash, fragment) = match text::split_once(url, b'#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    let mut changed = false;
    match text::split_once(before_hash, b'?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            changed |= redact_params(query, names, &mut out);
        }
        None => out.push_str(before_hash),
    }
    if let Some(f) = fragment {
        out.push('#');
        // A hash router's query after `?`, or a fragment that is itself `a=b&c=d`.
        let (head, params) = match text::split_once(f, b'?') {
            Some((h, p)) => (Some(h), p),
            None if text::has(f, b'=') => (None, f),
            None => (None, ""),
        };
        match head {
            Some(h) => {
                out.push_str(h);
                out.push('?');
            }
            None if params.is_empty() => out.push_str(f),
            None => {}
        }
        changed |= redact_params(params, names, &mut out);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(url)
    }
}

/// Appends `a=b&c=d` with listed values replaced; true if one was.
fn redact_params(query: &str, names: &[String], out: &mut String) -> bool {
    let mut changed = false;
    for (i, param) in text::split(query, b'&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match text::split_once(param, b'=') {
            Some((name, value)) if is_listed(name, names) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
                changed |= value != REDACTED;
            }
            _ => out.push_str(param),
        }
    }
    changed
}

fn is_listed(raw_name: &str, names: &[String]) -> bool {
    let name = decode_name(raw_name.as_bytes());
    names
        .iter()
        .any(|n| n.as_bytes().eq_ignore_ascii_case(&name))
}

/// Form-decoding of a parameter name: `+` is a space, `%XX` a byte; bad escapes stay as they are.
fn decode_name(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = match b[i] {
            b'%' if i + 2 < b.len() => hex(b[i + 1]).zip(hex(b[i + 2])).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match (escaped, b[i]) {
            (Some(c), _) => {
                out.push(c);
                i += 2;
            }
            (None, b'+') => out.push(b' '),
            (None, c) => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// The configured list, lowercased for comparison.
pub fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| n.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(url: &str) -> String {
        redact_url(url, &names(DEFAULT_NAMES)).into_owned()
    }

    #[test]
    fn listed_values_are_replaced_others_kept() {
        assert_eq!(
            r("https://a.example/api?token=abc&q=1"),
            "https://a.example/api?token=REDACTED&q=1"
        );
        assert_eq!(
            r("/api?q=1&Password=hunter2&page=2"),
            "/api?q=1&Password=REDACTED&page=2"
        );
        assert_eq!(
            r("/api?tokens=1&my_token=2"),
            "/api?tokens=1&my_token=2",
            "exact names only"
        );
        assert_eq!(r("/api?token"), "/api?token", "no value, nothing to hide");
        assert_eq!(r("/api?token="), "/api?token=REDACTED");
        assert_eq!(r("/api?key=a=b&x=%20"), "/api?key=REDACTED&x=%20");
    }

    #[test]
    fn repeated_and_encoded_names() {
        assert_eq!(
            r("/a?sig=1&sig=2&x=3&SIG=4"),
            "/a?sig=REDACTED&sig=REDACTED&x=3&SIG=REDACTED"
        );
        assert_eq!(
            r("/a?%74oken=1&api%5Fkey=2&access+token=3"),
            "/a?%74oken=REDACTED&api%5Fkey=REDACTED&access+token=3"
        );
        assert_eq!(
            r("/a?%zz=1&%=2&%7=3"),
            "/a?%zz=1&%=2&%7=3",
            "bad escapes are kept"
        );
    }

    #[test]
    fn fragments() {
        assert_eq!(
            r("https://h/cb#access_token=xyz&state=s"),
            "https://h/cb#access_token=REDACTED&state=s"
        );
        assert_eq!(
            r("https://h/#/login?code=123&next=%2F"),
            "https://h/#/login?code=REDACTED&next=%2F"
        );
        assert_eq!(
            r("https://h/p?token=1#section"),
            "https://h/p?token=REDACTED#section"
        );
        assert_eq!(r("https://h/p#token"), "https://h/p#token");
    }

    #[test]
    fn untouched_urls_are_borrowed() {
        let n = names(DEFAULT_NAMES);
        for url in [
            "https://h/p",
            "https://h/p?q=1",
            "/rel?x=1#y",
            "",
            "https://h/p?token=REDACTED",
        ] {
            assert!(matches!(redact_url(url, &n), Cow::Borrowed(_)), "{url}");
        }
        assert_eq!(
            redact_url("/a?token=1", &[]),
            "/a?token=1",
            "an empty list turns it off"
        );
        assert_eq!(
            redact_url("/a?uid=1&token=2", &names(&["UID"])),
            "/a?uid=REDACTED&token=2",
            "a list replaces the defaults"
        );
    }
}
