use crate::model::SpanRow;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefType {
    ChildOf,
    FollowsFrom,
}

/// A parsed `{TraceId=…, SpanId=…, RefType=…}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub trace_id: Arc<str>,
    pub span_id: String,
    pub ref_type: RefType,
}

impl Reference {
    /// Parses the Go `fmt` form SigNoz stores; `None` for anything else.
    pub fn parse(text: &str) -> Option<Reference> {
        Self::parse_interned(text, &mut super::parse::Interner::default())
    }

    /// [`Reference::parse`], sharing the trace id string across spans.
    pub fn parse_interned(text: &str, strings: &mut super::parse::Interner) -> Option<Reference> {
        let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
        let (mut trace_id, mut span_id, mut ref_type) = ("", "", None);
        for part in inner.split(',') {
            let (k, v) = part.split_once('=')?;
            match k.trim() {
                "TraceId" => trace_id = v.trim(),
                "SpanId" => span_id = v.trim(),
                "RefType" => {
                    ref_type = match v.trim() {
                        "CHILD_OF" => Some(RefType::ChildOf),
                        "FOLLOWS_FROM" => Some(RefType::FollowsFrom),
                        _ => None,
                    }
                }
                _ => {}
            }
        }
        Some(Reference {
            ref_type: ref_type?,
            trace_id: strings.get(trace_id),
            span_id: span_id.to_string(),
        })
    }
}

/// OTel span kind (row column 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    pub fn from_wire(s: &str) -> SpanKind {
        match s.trim() {
            "1" => SpanKind::Internal,
            "2" => SpanKind::Server,
            "3" => SpanKind::Client,
            "4" => SpanKind::Producer,
            "5" => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }
    /// The kind from its OTel number (the compact reply's kind column).
    pub fn from_code(code: i64) -> SpanKind {
        match code {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

/// A span event, decoded on demand from its JSON text (column 10).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanEvent {
    pub name: String,
    pub time_unix_nano: f64,
    pub attributes: Vec<(String, String)>,
    pub is_error: bool,
}

impl SpanEvent {
    pub fn parse(text: &str) -> Result<SpanEvent, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("bad event JSON: {e}"))?;
        let attrs = v
            .get("attributeMap")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(Map::new);
        Ok(SpanEvent {
            name: v
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            time_unix_nano: v.get("timeUnixNano").and_then(Value::as_f64).unwrap_or(0.0),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.clone(), crate::model::value_text(v)))
                .collect(),
            is_error: v.get("isError").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

/// One span, with the raw row columns it came from.
#[derive(Debug, Clone)]
pub struct Span {
    pub start_ms: f64,
    pub span_id: String,
    /// Shared: the same few strings repeat across a trace's spans.
    pub trace_id: Arc<str>,
    pub service: Arc<str>,
    pub name: Arc<str>,
    pub kind: SpanKind,
    pub duration_ns: f64,
    pub tag_keys: Vec<Arc<str>>,
    /// Shared too: a compact reply sends each distinct value once.
    pub tag_values: Vec<Arc<str>>,
    pub references: Vec<Reference>,
    /// Raw JSON texts; decode with [`SpanEvent::parse`] when shown.
    pub events: Vec<String>,
    pub has_error: bool,
}

impl Span {
    pub fn from_row(row: SpanRow) -> Span {
        let SpanRow(
            time,
            span_id,
            trace_id,
            service,
            name,
            kind,
            dur,
            keys,
            values,
            refs,
            events,
            err,
        ) = row;
        Span {
            start_ms: time,
            span_id,
            trace_id: trace_id.into(),
            service: service.into(),
            name: name.into(),
            kind: SpanKind::from_wire(&kind),
            duration_ns: crate::model::parse_float(&dur).max(0.0),
            tag_keys: keys.into_iter().map(Arc::from).collect(),
            tag_values: values.into_iter().map(Arc::from).collect(),
            references: refs.iter().filter_map(|r| Reference::parse(r)).collect(),
            events,
            has_error: err,
        }
    }
    pub fn end_ms(&self) -> f64 {
        self.start_ms + self.duration_ns / 1e6
    }
    pub fn tags(&self) -> impl Iterator<Item = (&str, &str)> {
        self.tag_keys
            .iter()
            .zip(self.tag_values.iter())
            .map(|(k, v)| (&**k, &**v))
    }
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
    /// The CHILD_OF parent id, if any.
    pub fn parent_id(&self) -> Option<&str> {
        self.references
            .iter()
            .find(|r| r.ref_type == RefType::ChildOf && !r.span_id.is_empty())
            .map(|r| r.span_id.as_str())
    }
    /// FOLLOWS_FROM references: OTel links as SigNoz stores them.
    pub fn links(&self) -> impl Iterator<Item = &Reference> {
        self.references
            .iter()
            .filter(|r| r.ref_type == RefType::FollowsFrom)
    }
}

/// The span tree, stored as flat arrays indexed by span position. It can grow
/// ([`TraceTree::append`]) as a trace arrives: spans keep their positions, a
/// span whose parent has not come yet is a root until it does.
#[derive(Debug, Clone, Default)]
pub struct TraceTree {
    pub spans: Vec<Span>,
    pub parent: Vec<Option<u32>>,
    pub children: Vec<Vec<u32>>,
    pub depth: Vec<u32>,
    /// Roots in start order; includes spans whose parent is not in the trace.
    pub roots: Vec<u32>,
    /// True where the span names a parent that is missing from the trace.
    pub missing_parent: Vec<bool>,
    /// Descendant count per span (for "N hidden" on collapsed rows).
    pub descendants: Vec<u32>,
    /// Pre-order over the whole tree.
    pub preorder: Vec<u32>,
    pub start_ms: f64,
    pub end_ms: f64,
    pub max_depth: u32,
    /// Distinct services in first-seen order (stable colours).
    pub services: Vec<String>,
    pub service_index: Vec<u16>,
    /// Span position by a hash of its id (the first span with that id).
    ids: HashMap<u64, u32>,
    /// Spans naming a parent that has not arrived (yet).
    waiting: Vec<u32>,
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same id always hashes the same.
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl TraceTree {
    pub fn from_rows(rows: Vec<SpanRow>) -> TraceTree {
        Self::from_spans(rows.into_iter().map(Span::from_row).collect())
    }

    pub fn from_spans(mut spans: Vec<Span>) -> TraceTree {
        // Start order makes siblings and roots come out sorted for free.
        spans.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
        let mut t = TraceTree::default();
        t.append_sorted(spans);
        t
    }

    /// Adds spans that arrived later (a trace read as it streams in) and lays
    /// the tree out again: O(all spans), so call it per batch, not per span.
    /// Spans in start order after the ones already here keep every position;
    /// otherwise all are sorted again (positions may change).
    pub fn append(&mut self, mut spans: Vec<Span>) {
        let mut last = self.spans.last().map_or(f64::NEG_INFINITY, |s| s.start_ms);
        let ordered = spans.iter().all(|s| {
            let ok = last.total_cmp(&s.start_ms).is_le();
            last = s.start_ms;
            ok
        });
        if ordered {
            self.append_sorted(spans);
        } else {
            let mut all = std::mem::take(&mut self.spans);
            all.append(&mut spans);
            *self = TraceTree::from_spans(all);
        }
    }

    /// Room for `more` spans, when a streamed trace says how many are coming:
    /// the span array then grows once instead of doubling (and copying) as it fills.
    pub fn reserve(&mut self, more: usize) {
        self.spans.reserve(more);
        self.parent.reserve(more);
        self.children.reserve(more);
        self.missing_parent.reserve(more);
        self.service_index.reserve(more);
        self.ids.reserve(more);
    }

    /// The first span with this id.
    fn lookup(&self, id: &str) -> Option<u32> {
        let &i = self.ids.get(&id_hash(id))?;
        if self.spans[i as usize].span_id == id {
            return Some(i);
        }
        // Two ids with one hash: practically never.
        self.spans
            .iter()
            .position(|s| s.span_id == id)
            .map(|i| i as u32)
    }

    fn append_sorted(&mut self, spans: Vec<Span>) {
        let base = self.spans.len();
        self.spans.extend(spans);
        let n = self.spans.len();
        for i in base..n {
            self.ids
                .entry(id_hash(&self.spans[i].span_id))
                .or_insert(i as u32);
        }
        self.parent.resize(n, None);
        self.missing_parent.resize(n, false);
        self.children.resize(n, Vec::new());
        // Link the new spans, and those still waiting for a parent that may have come now.
        let waiting = std::mem::take(&mut self.waiting);
        for i in waiting.into_iter().chain(base as u32..n as u32) {
            let Some(pid) = self.spans[i as usize].parent_id() else {
                continue;
            };
            match self.lookup(pid) {
                Some(p) if p != i => {
                    self.parent[i as usize] = Some(p);
                    self.missing_parent[i as usize] = false;
                    let c = &mut self.children[p as usize];
                    match c.last() {
                        Some(&last) if last > i => {
                            let at = c.partition_point(|&x| x < i);
                            c.insert(at, i);
                        }
                        _ => c.push(i),
                    }
                }
                _ => {
                    self.missing_parent[i as usize] = true;
                    self.waiting.push(i);
                }
            }
        }
        let mut roots: Vec<u32> = (0..n as u32)
            .filter(|&i| self.parent[i as usize].is_none())
            .collect();
        // Iterative pre-order (deep traces must not overflow the stack). A
        // reference cycle leaves spans unreached; they become extra roots.
        let mut depth = vec![0u32; n];
        let mut seen = vec![false; n];
        let mut preorder = Vec::with_capacity(n);
        let children = &self.children;
        let walk =
            |roots: &[u32], preorder: &mut Vec<u32>, depth: &mut Vec<u32>, seen: &mut Vec<bool>| {
                let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
                while let Some(i) = stack.pop() {
                    if seen[i as usize] {
                        continue;
                    }
                    seen[i as usize] = true;
                    preorder.push(i);
                    for &c in children[i as usize].iter().rev() {
                        depth[c as usize] = depth[i as usize] + 1;
                        stack.push(c);
                    }
                }
            };
        walk(&roots, &mut preorder, &mut depth, &mut seen);
        if preorder.len() < n {
            let mut cut = Vec::new();
            for i in 0..n as u32 {
                if !seen[i as usize] {
                    cut.push(i);
                    roots.push(i);
                    depth[i as usize] = 0;
                    walk(&[i], &mut preorder, &mut depth, &mut seen);
                }
            }
            for i in cut {
                self.parent[i as usize] = None;
                self.missing_parent[i as usize] = true;
            }
            let mut children = vec![Vec::new(); n];
            for (i, p) in self.parent.iter().enumerate() {
                if let Some(p) = p {
                    children[*p as usize].push(i as u32);
                }
            }
            self.children = children;
        }
        let mut descendants = vec![0u32; n];
        for &i in preorder.iter().rev() {
            if let Some(p) = self.parent[i as usize] {
                descendants[p as usize] += descendants[i as usize] + 1;
            }
        }
        let new = &self.spans[base..];
        if base == 0 {
            self.start_ms = f64::INFINITY;
            self.end_ms = f64::NEG_INFINITY;
        }
        self.start_ms = new.iter().map(|s| s.start_ms).fold(self.start_ms, f64::min);
        self.end_ms = new.iter().map(Span::end_ms).fold(self.end_ms, f64::max);
        if n == 0 {
            (self.start_ms, self.end_ms) = (0.0, 0.0);
        }
        let mut service_ids: HashMap<&str, u16> = self
            .services
            .iter()
            .enumerate()
            .map(|(k, s)| (s.as_str(), k as u16))
            .collect();
        let mut added = Vec::new();
        for s in new {
            let k = match service_ids.get(&*s.service) {
                Some(&k) => k,
                None => {
                    let k = (self.services.len() + added.len()) as u16;
                    added.push(s.service.to_string());
                    service_ids.insert(&s.service, k);
                    k
                }
            };
            self.service_index.push(k);
        }
        self.services.extend(added);
        self.max_depth = depth.iter().copied().max().unwrap_or(0);
        self.depth = depth;
        self.roots = roots;
        self.descendants = descendants;
        self.preorder = preorder;
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    pub fn duration_ms(&self) -> f64 {
        (self.end_ms - self.start_ms).max(0.0)
    }
    pub fn error_count(&self) -> usize {
        self.spans.iter().filter(|s| s.has_error).count()
    }
    pub fn missing_parent_count(&self) -> usize {
        self.missing_parent.iter().filter(|m| **m).count()
    }

    /// Rows the waterfall shows: pre-order, skipping collapsed subtrees.
    /// `collapsed[i]` hides span i's descendants. O(visible rows).
    pub fn visible_rows(&self, collapsed: &[bool]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut k = 0;
        let pre = &self.preorder;
        while k < pre.len() {
            let i = pre[k] as usize;
            out.push(i as u32);
            if collapsed.get(i).copied().unwrap_or(false) {
                k += self.descendants[i] as usize + 1;
            } else {
                k += 1;
            }
        }
        out
    }

    /// Collapses every span deeper than `depth` that has children.
    pub fn collapsed_below(&self, depth: u32) -> Vec<bool> {
        (0..self.len())
            .map(|i| self.depth[i] >= depth && !self.children[i].is_empty())
            .collect()
    }

    /// Spans whose name, service, id or any attribute contains `needle`
    /// (case-insensitive), in pre-order.
    pub fn search(&self, needle: &str) -> Vec<u32> {
        let needle = needle.trim().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        let has = |s: &str| s.to_lowercase().contains(&needle);
        self.preorder
            .iter()
            .copied()
            .filter(|&i| {
                let s = &self.spans[i as usize];
                has(&s.name)
                    || has(&s.service)
                    || s.span_id == needle
                    || s.tags().any(|(k, v)| has(k) || has(v))
            })
            .collect()
    }

    /// Clears `collapsed` on every ancestor of `i` so it becomes visible.
    pub fn reveal(&self, i: u32, collapsed: &mut [bool]) {
        let mut cur = self.parent[i as usize];
        while let Some(p) = cur {
            collapsed[p as usize] = false;
            cur = self.parent[p as usize];
        }
    }

    /// Horizontal placement of a span bar as fractions of the trace duration.
    pub fn bar(&self, i: u32) -> (f64, f64) {
        let total = self.duration_ms();
        if total <= 0.0 {
            return (0.0, 1.0);
        }
        let s = &self.spans[i as usize];
        let left = ((s.start_ms - self.start_ms) / total).clamp(0.0, 1.0);
        let width = ((s.duration_ns / 1e6) / total).clamp(0.0, 1.0 - left);
        (left, width)
    }

    pub fn index_of(&self, span_id: &str) -> Option<u32> {
        self.spans
            .iter()
            .position(|s| s.span_id == span_id)
            .map(|i| i as u32)
    }
}
