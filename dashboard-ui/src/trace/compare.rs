use super::TraceTree;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// A span present in both traces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matched {
    pub a: u32,
    pub b: u32,
    /// `b`'s duration minus `a`'s, ns.
    pub delta_ns: f64,
}

/// Two traces side by side: spans matched by their place in the tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Largest absolute delta first.
    pub matched: Vec<Matched>,
    /// Spans of trace A with no counterpart in B, in A's pre-order.
    pub only_a: Vec<u32>,
    pub only_b: Vec<u32>,
}

/// Matches spans by path: the chain of (service, operation) from the root,
/// and among siblings with the same service and operation, by start order.
/// So the 3rd `SELECT cart` under `GET /cart` matches the 3rd one in the
/// other trace whatever the span ids and timings.
pub fn compare(a: &TraceTree, b: &TraceTree) -> Comparison {
    let ka = path_keys(a);
    let kb = path_keys(b);
    let mut in_b: HashMap<u64, u32> = HashMap::with_capacity(kb.len());
    for &j in &b.preorder {
        in_b.entry(kb[j as usize]).or_insert(j);
    }
    let mut used_b = vec![false; b.len()];
    let mut out = Comparison::default();
    for &i in &a.preorder {
        match in_b.get(&ka[i as usize]) {
            Some(&j) if !used_b[j as usize] => {
                used_b[j as usize] = true;
                out.matched.push(Matched {
                    a: i,
                    b: j,
                    delta_ns: b.spans[j as usize].duration_ns - a.spans[i as usize].duration_ns,
                });
            }
            _ => out.only_a.push(i),
        }
    }
    out.only_b = b
        .preorder
        .iter()
        .copied()
        .filter(|&j| !used_b[j as usize])
        .collect();
    out.matched
        .sort_by(|x, y| y.delta_ns.abs().total_cmp(&x.delta_ns.abs()));
    out
}

fn path_keys(t: &TraceTree) -> Vec<u64> {
    let mut keys = vec![0u64; t.len()];
    // Ordinal among siblings (or roots) with the same service and operation.
    let mut seen: HashMap<(u64, &str, &str), u32> = HashMap::new();
    for &i in &t.preorder {
        let s = &t.spans[i as usize];
        let parent_key = t.parent[i as usize].map_or(0, |p| keys[p as usize]);
        let n = seen.entry((parent_key, &*s.service, &*s.name)).or_insert(0);
        let mut h = DefaultHasher::new();
        (parent_key, &*s.service, &*s.name, *n).hash(&mut h);
        *n += 1;
        keys[i as usize] = h.finish();
    }
    keys
}
