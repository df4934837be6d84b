//! A small map for the handful of spans in flight at a time: a vector with
//! linear lookup. Keeps `HashMap` (hashing, random seeds) out of the wasm
//! build, where size matters more than asymptotics for these sizes.

#[derive(Debug)]
pub struct Table<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table { items: Vec::new() }
    }
}

impl<K: PartialEq, V> Table<K, V> {
    /// Adds an entry under a key not in the table (handles and span ids are
    /// never reused while present), without searching.
    pub fn insert_new(&mut self, key: K, value: V) {
        debug_assert!(!self.contains_key(&key));
        self.items.push((key, value));
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.items.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.items
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        // Spans mostly end in the order they started, and `swap_remove` keeps
        // the next-oldest near the front: searching from the front stays short.
        let i = self.items.iter().position(|(k, _)| k == key)?;
        Some(self.items.swap_remove(i).1)
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
}
