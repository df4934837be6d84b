//! Service map layout, pure: services from `dependency_graph` edges placed
//! in columns by call depth (callers left of callees), spread vertically.

use crate::model::DependencyEdge;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub x: f64,
    pub y: f64,
}

/// Nodes positioned in a `width × height` box. Cycles are cut by bounding
/// the longest-path relaxation to the node count.
pub fn layout(edges: &[DependencyEdge], width: f64, height: f64) -> Vec<Node> {
    let mut names: Vec<&str> = edges
        .iter()
        .flat_map(|e| [e.parent.as_str(), e.child.as_str()])
        .collect();
    names.sort();
    names.dedup();
    let n = names.len();
    if n == 0 {
        return Vec::new();
    }
    let idx: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut level = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for e in edges {
            let (p, c) = (idx[e.parent.as_str()], idx[e.child.as_str()]);
            if p != c && level[c] < level[p] + 1 && level[p] + 1 < n {
                level[c] = level[p] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let columns = level.iter().max().copied().unwrap_or(0) + 1;
    let mut per_col: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (i, &l) in level.iter().enumerate() {
        per_col[l].push(i);
    }
    let mut out = vec![
        Node {
            name: String::new(),
            x: 0.0,
            y: 0.0
        };
        n
    ];
    for (c, members) in per_col.iter().enumerate() {
        let x = width * (c as f64 + 0.5) / columns as f64;
        for (r, &i) in members.iter().enumerate() {
            let y = height * (r as f64 + 0.5) / members.len() as f64;
            out[i] = Node {
                name: names[i].to_string(),
                x,
                y,
            };
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn edge(p: &str, c: &str) -> DependencyEdge {
        DependencyEdge {
            parent: p.into(),
            child: c.into(),
            ..Default::default()
        }
    }

    #[test]
    fn callers_left_of_callees() {
        let nodes = layout(
            &[edge("web", "api"), edge("api", "db"), edge("web", "db")],
            900.0,
            300.0,
        );
        let x = |n: &str| nodes.iter().find(|v| v.name == n).unwrap().x;
        assert!(x("web") < x("api") && x("api") < x("db"));
        assert_eq!(nodes.len(), 3);
    }

    #[test]
    fn cycles_and_empty_input_terminate() {
        assert_eq!(
            layout(
                &[edge("a", "b"), edge("b", "a"), edge("a", "a")],
                100.0,
                100.0
            )
            .len(),
            2
        );
        assert!(layout(&[], 100.0, 100.0).is_empty());
    }
}
