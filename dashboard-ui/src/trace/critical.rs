use super::TraceTree;

/// Spans on the trace's critical path: from the longest root, repeatedly the
/// child that finished last before the parent (or the previously chosen
/// sibling) started waiting on it. A child that outlives its parent counts
/// only up to the parent's end. Returns one flag per span.
pub fn critical_path(tree: &TraceTree) -> Vec<bool> {
    let n = tree.len();
    let mut on = vec![false; n];
    let Some(&root) = tree
        .roots
        .iter()
        .max_by(|&&a, &&b| span_end(tree, a).total_cmp(&span_end(tree, b)))
    else {
        return on;
    };
    // Work stack of (span, the latest end that still counts for it); no
    // recursion, so a very deep trace cannot overflow the stack.
    let mut stack = vec![(root, span_end(tree, root))];
    let mut by_end: Vec<u32> = Vec::new();
    while let Some((s, limit)) = stack.pop() {
        if on[s as usize] {
            continue;
        }
        on[s as usize] = true;
        let end = span_end(tree, s).min(limit);
        by_end.clear();
        by_end.extend_from_slice(&tree.children[s as usize]);
        by_end.sort_by(|&a, &b| span_end(tree, b).total_cmp(&span_end(tree, a)));
        let mut cursor = end;
        for &c in &by_end {
            let c_start = tree.spans[c as usize].start_ms;
            let c_end = span_end(tree, c).min(end);
            // Ends before the cursor and does some work before it.
            if c_end <= cursor && c_start < cursor {
                stack.push((c, c_end));
                cursor = c_start;
            }
        }
    }
    on
}

fn span_end(tree: &TraceTree, i: u32) -> f64 {
    tree.spans[i as usize].end_ms()
}
