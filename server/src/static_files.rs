//! Serves the built dashboard: files under the web root, and index.html for any other
//! non-API path so client-side routes survive a reload. Pages carry a Content-Security-Policy
//! that allows only our own scripts (plus WebAssembly compilation) and no framing.

use std::path::{Component, Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// Maps a URL path onto the web root, refusing anything that could climb out of it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let mut p = root.to_path_buf();
    for comp in Path::new(url_path.trim_start_matches('/')).components() {
        match comp {
            Component::Normal(c) => p.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(p)
}

pub async fn serve(root: PathBuf, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/api/") {
        return (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let decoded = percent_decode(&path);
    let file = match resolve(&root, &decoded) {
        Some(f) if f.is_file() => f,
        Some(f) if f.join("index.html").is_file() => f.join("index.html"),
        Some(_) => root.join("index.html"),
        None => return (StatusCode::BAD_REQUEST, "bad path\n").into_response(),
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let mime = mime_guess::from_path(&file).first_or_octet_stream();
            let csp = (mime.essence_str() == "text/html")
                .then(|| content_security_policy(&String::from_utf8_lossy(&bytes)));
            let cache = if file.ends_with("index.html") {
                "no-cache"
            } else {
                "public, max-age=3600"
            };
            let mut resp = (
                [
                    (header::CONTENT_TYPE, mime.to_string()),
                    (header::CACHE_CONTROL, cache.to_string()),
                ],
                bytes,
            )
                .into_response();
            let h = resp.headers_mut();
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            if let Some(v) = csp.and_then(|c| HeaderValue::from_str(&c).ok()) {
                h.insert(header::CONTENT_SECURITY_POLICY, v);
            }
            resp
        }
        Err(_) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// Decodes `%XX` escapes on bytes (a `%` before a multi-byte character is kept as is);
/// invalid UTF-8 in the result becomes U+FFFD.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The page's policy: our own scripts and WebAssembly, inline style attributes (the UI sets
/// them), no plugins or framing. `connect-src` adds the origins of the API and the dogfood
/// OTLP endpoint when the page points them elsewhere (`<meta name="api-base">`,
/// `<meta name="otel-endpoint">`).
pub fn content_security_policy(html: &str) -> String {
    let endpoint: String = ["api-base", "otel-endpoint"]
        .iter()
        .filter_map(|name| meta_content(html, name))
        .filter_map(|e| origin_of(&e))
        .map(|o| format!(" {o}"))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'{endpoint}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

fn meta_content(html: &str, name: &str) -> Option<String> {
    let tag = format!(r#"<meta name="{name}" content=""#);
    let at = html.find(&tag)?;
    let rest = &html[at + tag.len()..];
    let value = &rest[..rest.find('"')?];
    (!value.trim().is_empty()).then(|| value.trim().to_string())
}

/// `scheme://host[:port]` of an absolute http(s) URL; None for relative or odd values, which
/// `'self'` covers or which must not widen the policy.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let ok = !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_root() {
        let root = Path::new("/srv/web");
        assert_eq!(
            resolve(root, "/assets/app.js"),
            Some(PathBuf::from("/srv/web/assets/app.js"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(percent_decode("/a%20b/%2e%2e"), "/a b/..");
        assert_eq!(resolve(root, &percent_decode("/%2e%2e/x")), None);
        assert_eq!(percent_decode("/%a\u{e9}"), "/%a\u{e9}");
        assert_eq!(percent_decode("/%C3%A9%zz"), "/\u{e9}%zz");
    }

    #[test]
    fn csp_allows_the_dogfood_endpoint_origin_only() {
        let page = r#"<meta name="otel-endpoint" content="http://localhost:4318/v1"><script>"#;
        let csp = content_security_policy(page);
        assert!(
            csp.contains("connect-src 'self' http://localhost:4318;"),
            "{csp}"
        );
        assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
        let off = content_security_policy(r#"<meta name="otel-endpoint" content="">"#);
        assert!(off.contains("connect-src 'self';"), "{off}");
        let odd = content_security_policy(
            r#"<meta name="otel-endpoint" content="http://a b; script-src *">"#,
        );
        assert!(odd.contains("connect-src 'self';"), "{odd}");
    }
}
