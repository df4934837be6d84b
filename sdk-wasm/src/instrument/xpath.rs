//! Optimised XPath of an event target (`target_xpath`), built from a plain
//! description of its ancestry so that it is testable without a DOM.

use crate::text;

/// One node on the path from the document down to the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `localName` for elements; `text()` / `comment()` for those nodes.
    pub name: String,
    /// Non-empty `id` attribute, if any.
    pub id: Option<String>,
    /// 1-based position among the parent's children with the same name.
    pub position: usize,
    /// How many of the parent's children have that name.
    pub same_name_siblings: usize,
}

/// `//*[@id="x"]` for the nearest element with an id (on the target or an
/// ancestor), then one `/name[position]` step per level below it; the position
/// is written only when siblings share the name. Without any id the path starts
/// at the document root. `steps` go from the outermost element to the target.
pub fn xpath(steps: &[Step]) -> String {
    let anchor = steps.iter().rposition(|s| s.id.is_some());
    let mut out = String::new();
    let rest = match anchor {
        Some(i) => {
            let id = steps[i].id.as_deref().unwrap_or_default();
            out.push_str("//*[@id=");
            out.push_str(&quote(id));
            out.push(']');
            &steps[i + 1..]
        }
        None => steps,
    };
    for s in rest {
        out.push('/');
        out.push_str(&s.name);
        if s.same_name_siblings > 1 {
            out.push('[');
            crate::decimal::push_u64(&mut out, s.position as u64);
            out.push(']');
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Field and record separators of [`parse_ancestry`]'s input (control
/// characters that do not occur in tag names and practically never in ids).
pub const FIELD: u8 = 1;
pub const RECORD: u8 = 2;

/// Reads the ancestry the browser glue collects in one pass of JS (one string
/// instead of a call across the wasm boundary per node): records of
/// `name FIELD id FIELD position FIELD same_name_siblings`, target first.
pub fn parse_ancestry(s: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = text::split(s, RECORD)
        .filter(|r| !r.is_empty())
        .filter_map(|r| {
            let mut f = text::split(r, FIELD);
            let name = f.next()?.to_string();
            let id = f.next().filter(|i| !i.is_empty()).map(str::to_string);
            let position = crate::decimal::parse(f.next()?)?;
            let same_name_siblings = crate::decimal::parse(f.next()?)?;
            Some(Step {
                name,
                id,
                position,
                same_name_siblings,
            })
        })
        .collect();
    steps.reverse();
    steps
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

    fn step(name: &str, id: Option<&str>, position: usize, same: usize) -> Step {
        Step {
            name: name.into(),
            id: id.map(Into::into),
            position,
            same_name_siblings: same,
        }
    }

    #[test]
    fn id_on_target_short_circuits() {
        let steps = [
            step("html", None, 1, 1),
            step("body", None, 1, 1),
            step("button", Some("go"), 2, 3),
        ];
        assert_eq!(xpath(&steps), r#"//*[@id="go"]"#);
    }

    #[test]
    fn positions_only_when_ambiguous() {
        let steps = [
            step("html", None, 1, 1),
            step("body", None, 1, 1),
            step("div", None, 2, 2),
            step("button", None, 1, 1),
        ];
        assert_eq!(xpath(&steps), "/html/body/div[2]/button");
    }

    #[test]
    fn nearest_ancestor_id_anchors_the_path() {
        let steps = [
            step("html", None, 1, 1),
            step("div", Some("app"), 1, 1),
            step("ul", None, 1, 1),
            step("li", None, 3, 5),
        ];
        assert_eq!(xpath(&steps), r#"//*[@id="app"]/ul/li[3]"#);
    }

    #[test]
    fn ancestry_from_the_glue() {
        let s = "button\u{1}\u{1}2\u{1}3\u{2}div\u{1}app\u{1}1\u{1}1\u{2}";
        let steps = parse_ancestry(s);
        assert_eq!(
            steps,
            [step("div", Some("app"), 1, 1), step("button", None, 2, 3)]
        );
        assert_eq!(xpath(&steps), r#"//*[@id="app"]/button[2]"#);
        assert_eq!(parse_ancestry("garbage"), []);
    }

    #[test]
    fn quotes_in_ids() {
        assert_eq!(
            xpath(&[step("a", Some(r#"x"y"#), 1, 1)]),
            r#"//*[@id='x"y']"#
        );
        assert_eq!(
            xpath(&[step("a", Some(r#"x"y'z"#), 1, 1)]),
            r#"//*[@id=concat("x", '"', "y'z")]"#
        );
        assert_eq!(xpath(&[]), "/");
    }
}
