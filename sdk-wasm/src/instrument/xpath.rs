//! Optimised XPath of an event target (`target_xpath`), built from a plain
//! description of its ancestry so that it is testable without a DOM.

use crate::text;

/// Field and record separators of the ancestry the browser glue collects (control
/// characters that do not occur in tag names and practically never in ids).
pub const FIELD: u8 = 1;
pub const RECORD: u8 = 2;

/// The optimised XPath of an event target from its ancestry, which the browser glue collects
/// in one pass of JS (one string instead of a call across the wasm boundary per node):
/// records of `localName FIELD id FIELD position FIELD same_name_siblings`, target first,
/// ending at the nearest element with an id. The path is `//*[@id="x"]` for that element,
/// then one `/name[position]` step per level below it, the position written only when
/// siblings share the name; without any id it starts at the document root. Malformed
/// records are skipped. Built straight from the string, nothing parsed into nodes first: it
/// runs at every click.
pub fn xpath(ancestry: &str) -> String {
    let mut out = String::new();
    let mut step = String::new();
    for record in text::split(ancestry, RECORD) {
        let mut f = text::split(record, FIELD);
        let (Some(name), Some(id), Some(position), Some(same)) = (
            f.next(),
            f.next(),
            f.next().and_then(crate::decimal::parse::<u64>),
            f.next().and_then(crate::decimal::parse::<u64>),
        ) else {
            continue;
        };
        step.clear();
        if !id.is_empty() {
            step.push_str("//*[@id=");
            step.push_str(&quote(id));
            step.push(']');
            out.insert_str(0, &step);
            return out;
        }
        step.push('/');
        step.push_str(name);
        if same > 1 {
            step.push('[');
            crate::decimal::push_u64(&mut step, position);
            step.push(']');
        }
        out.insert_str(0, &step);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// An XPath 1.0 string literal (which has no escapes): double quotes unless
/// the value contains one, then single quotes, else `concat()`.
/// Built with `push_str`, not `format!`: the formatting machinery is ~2.5 KB of wasm.
fn quote(v: &str) -> String {
    let wrap = |q: char| {
        let mut out = String::with_capacity(v.len() + 2);
        out.push(q);
        out.push_str(v);
        out.push(q);
        out
    };
    if !text::has(v, b'"') {
        wrap('"')
    } else if !text::has(v, b'\'') {
        wrap('\'')
    } else {
        let mut out = String::from("concat(");
        for (i, p) in text::split(v, b'"').enumerate() {
            if i > 0 {
                out.push_str(", '\"', ");
            }
            out.push('"');
            out.push_str(p);
            out.push('"');
        }
        out.push(')');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glue's record for one element.
    fn rec(name: &str, id: &str, position: usize, same: usize) -> String {
        let mut r = String::from(name);
        for f in [id.to_string(), position.to_string(), same.to_string()] {
            r.push(FIELD as char);
            r.push_str(&f);
        }
        r.push(RECORD as char);
        r
    }

    #[test]
    fn id_on_target_short_circuits() {
        assert_eq!(xpath(&rec("button", "go", 2, 3)), r#"//*[@id="go"]"#);
    }

    #[test]
    fn positions_only_when_ambiguous() {
        let a = [
            rec("button", "", 1, 1),
            rec("div", "", 2, 2),
            rec("body", "", 1, 1),
            rec("html", "", 1, 1),
        ];
        assert_eq!(xpath(&a.concat()), "/html/body/div[2]/button");
    }

    #[test]
    fn nearest_ancestor_id_anchors_the_path() {
        let a = [
            rec("li", "", 3, 5),
            rec("ul", "", 1, 1),
            rec("div", "app", 1, 1),
            rec("html", "", 1, 1),
        ];
        assert_eq!(xpath(&a.concat()), r#"//*[@id="app"]/ul/li[3]"#);
    }

    #[test]
    fn the_glue_format_and_garbage() {
        let s = "button\u{1}\u{1}2\u{1}3\u{2}div\u{1}app\u{1}1\u{1}1\u{2}";
        assert_eq!(xpath(s), r#"//*[@id="app"]/button[2]"#);
        assert_eq!(xpath("garbage"), "/");
        assert_eq!(xpath(""), "/");
        let malformed = [
            rec("a", "", 1, 1),
            "b\u{1}\u{1}x\u{1}2\u{2}".into(),
            rec("c", "", 2, 2),
        ];
        assert_eq!(
            xpath(&malformed.concat()),
            "/c[2]/a",
            "a record without numbers is skipped"
        );
    }

    #[test]
    fn quotes_in_ids() {
        assert_eq!(xpath(&rec("a", r#"x"y"#, 1, 1)), r#"//*[@id='x"y']"#);
        assert_eq!(
            xpath(&rec("a", r#"x"y'z"#, 1, 1)),
            r#"//*[@id=concat("x", '"', "y'z")]"#
        );
    }
}
