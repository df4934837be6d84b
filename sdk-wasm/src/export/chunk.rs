//! Splitting a page-hide export into request bodies that fit the keepalive budget.
//!
//! A body over the budget cannot be sent with `keepalive`, and a non-keepalive request is
//! cancelled when the page unloads. So the spans are encoded in chunks: while the budget has
//! room, each chunk is cut to fit what is left of it; the rest is cut to `chunk_max` and
//! handed back for the stash (see `stash`), to be sent by the next page.

/// One encoded request body and how many spans it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub body: Vec<u8>,
    pub spans: usize,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// To send now with `keepalive`, in order; together within the room given.
    pub keepalive: Vec<Chunk>,
    /// What did not fit, each at most `chunk_max` (unless a single span is larger).
    pub rest: Vec<Chunk>,
}

/// Cuts `items` (oldest first) into chunks. `room_bytes` / `room_slots` is what the
/// keepalive budget can still take; `encode` turns a slice into one body.
pub fn plan<T>(
    items: &[T],
    mut room_bytes: usize,
    mut room_slots: usize,
    chunk_max: usize,
    encode: impl Fn(&[T]) -> Vec<u8>,
) -> Plan {
    let mut out = Plan::default();
    let mut start = 0;
    while start < items.len() {
        let keepalive = room_slots > 0 && room_bytes > 0;
        let limit = if keepalive {
            room_bytes.min(chunk_max)
        } else {
            chunk_max
        };
        let chunk = largest_prefix(&items[start..], limit, &encode);
        if keepalive && chunk.body.len() > limit {
            // Not even one span fits what is left of the budget: the rest waits.
            room_slots = 0;
            continue;
        }
        start += chunk.spans;
        if keepalive {
            room_bytes -= chunk.body.len();
            room_slots -= 1;
            out.keepalive.push(chunk);
        } else {
            out.rest.push(chunk);
        }
    }
    out
}

/// A prefix of `items` whose body fits `limit` (one item at least, even if it does not).
/// The count shrinks in proportion to the overshoot, so a few encodings suffice.
fn largest_prefix<T>(items: &[T], limit: usize, encode: &impl Fn(&[T]) -> Vec<u8>) -> Chunk {
    let mut n = items.len();
    loop {
        let body = encode(&items[..n]);
        if body.len() <= limit || n == 1 {
            return Chunk { body, spans: n };
        }
        n = (n * limit / body.len()).clamp(1, n - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 bytes of envelope plus each item's own size.
    fn encode(items: &[usize]) -> Vec<u8> {
        vec![0; 10 + items.iter().sum::<usize>()]
    }

    fn sizes(c: &[Chunk]) -> Vec<(usize, usize)> {
        c.iter().map(|c| (c.body.len(), c.spans)).collect()
    }

    #[test]
    fn all_in_one_when_it_fits() {
        let p = plan(&[100; 5], 1000, 9, 1000, encode);
        assert_eq!(sizes(&p.keepalive), vec![(510, 5)]);
        assert!(p.rest.is_empty());
    }

    #[test]
    fn chunks_fill_the_room_then_the_rest_is_cut_to_chunk_max() {
        // 200 spans of ~500 B (a fetch span): ~100 KB, the benchmark's page-hide burst.
        let items = vec![500; 200];
        let p = plan(&items, 60 * 1024, 9, 56 * 1024, encode);
        let sent: usize = p.keepalive.iter().map(|c| c.body.len()).sum();
        assert!(sent <= 60 * 1024, "{sent}");
        assert!(p.keepalive.iter().all(|c| c.body.len() <= 56 * 1024));
        assert!(sent > 55 * 1024, "the room is used, not wasted: {sent}");
        assert!(p.rest.iter().all(|c| c.body.len() <= 56 * 1024));
        let spans: usize = p.keepalive.iter().chain(&p.rest).map(|c| c.spans).sum();
        assert_eq!(spans, 200, "nothing lost");
        assert_eq!(
            sizes(&p.keepalive[..1]),
            vec![(114 * 500 + 10, 114)],
            "first cut: 200 × 56 KiB / 100 KB"
        );
    }

    #[test]
    fn the_slot_count_bounds_keepalive_chunks() {
        let p = plan(&[100; 10], 100_000, 2, 250, encode);
        assert_eq!(sizes(&p.keepalive), vec![(210, 2), (210, 2)]);
        assert_eq!(sizes(&p.rest), vec![(210, 2), (210, 2), (210, 2)]);
    }

    #[test]
    fn no_room_means_everything_is_left_over_in_order() {
        let p = plan(&[1, 2, 3], 0, 9, 100, encode);
        assert!(p.keepalive.is_empty());
        assert_eq!(sizes(&p.rest), vec![(16, 3)]);
        let p = plan(&[50, 1], 30, 9, 100, encode);
        assert!(
            p.keepalive.is_empty(),
            "the oldest span does not fit: none jumps ahead of it"
        );
        assert_eq!(sizes(&p.rest), vec![(61, 2)]);
    }

    #[test]
    fn an_oversized_span_travels_alone() {
        let p = plan(&[10, 500, 10], 1000, 9, 100, encode);
        assert_eq!(sizes(&p.keepalive), vec![(20, 1)]);
        assert_eq!(sizes(&p.rest), vec![(510, 1), (20, 1)]);
        assert!(plan::<usize>(&[], 10, 9, 10, encode).keepalive.is_empty());
    }
}
