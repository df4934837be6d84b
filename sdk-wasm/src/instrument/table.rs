//! A small map for the spans in flight: a vector with linear lookup. Keeps `HashMap`
//! (hashing, random seeds) out of the wasm build, where size matters more than asymptotics
//! for the usual handful; lookups search newest first and removal from where the last one
//! was found, which keeps a burst of thousands of spans (started, looked up, ending in start
//! order) linear, not quadratic.

#[derive(Debug)]
pub struct Table<K, V> {
    items: Vec<(K, V)>,
    /// Where the last removal found its key.
    hint: usize,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            hint: 0,
        }
    }
}

impl<K: PartialEq, V> Table<K, V> {
    /// Adds an entry under a key not in the table (handles and span ids are
    /// never reused while present), without searching.
    pub fn insert_new(&mut self, key: K, value: V) {
        debug_assert!(!self.contains_key(&key));
        self.items.push((key, value));
    }

    /// Newest first: most lookups are of the span just started (a click in a burst of
    /// thousands still open looks itself up at once).
    pub fn get(&self, key: &K) -> Option<&V> {
        self.items
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.items
            .iter_mut()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        // Spans mostly end in the order they started (after a `swap_remove` at `hint`, the
        // next oldest is right after it) or in reverse (then it is the last one, at or just
        // before `hint`).
        let n = self.items.len();
        let start = self.hint.min(n.saturating_sub(1));
        for j in 0..n {
            let i = (start + j) % n;
            if self.items[i].0 == *key {
                self.hint = i;
                return Some(self.items.swap_remove(i).1);
            }
        }
        None
    }

    /// Removes and returns every entry.
    pub fn drain(&mut self) -> impl Iterator<Item = (K, V)> + '_ {
        self.items.drain(..)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let mut t = Table::default();
        t.insert_new(1, "c");
        t.insert_new(2, "b");
        assert_eq!(t.len(), 2);
        assert_eq!(t.get(&1), Some(&"c"));
        assert!(t.contains_key(&2));
        assert_eq!(t.remove(&1), Some("c"));
        assert_eq!(t.remove(&1), None);
        *t.get_mut(&2).unwrap() = "d";
        assert_eq!(t.drain().collect::<Vec<_>>(), [(2, "d")]);
        assert!(t.is_empty());
    }

    #[test]
    fn removes_in_any_order() {
        let mut t = Table::default();
        for i in 0..100 {
            t.insert_new(i, i * 10);
        }
        for i in 0..50 {
            assert_eq!(t.remove(&i), Some(i * 10));
        }
        for i in (75..100).rev() {
            assert_eq!(t.remove(&i), Some(i * 10));
        }
        assert_eq!(t.remove(&60), Some(600));
        assert_eq!(t.remove(&60), None);
        assert_eq!(t.len(), 24);
        assert_eq!(t.get(&74), Some(&740));
        assert_eq!(t.get(&50), Some(&500));
    }
}
