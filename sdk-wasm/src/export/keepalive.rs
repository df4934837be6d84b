//! The `keepalive` budget: browsers cap the bodies of pending keepalive requests at 64 KiB
//! in total, and a request over the cap fails outright. We use keepalive only while the
//! pending keepalive bodies, this one included, stay within 60 KiB and fewer than 9 such
//! requests are pending; otherwise a normal fetch is made.

pub const MAX_BYTES: usize = 60 * 1024;
pub const MAX_PENDING: usize = 9;

#[derive(Debug, Default)]
pub struct KeepaliveBudget {
    bytes: usize,
    pending: usize,
}

impl KeepaliveBudget {
    /// Reserves room for a body of `size` bytes; `false` means "send without keepalive".
    pub fn try_acquire(&mut self, size: usize) -> bool {
        if self.pending >= MAX_PENDING || self.bytes + size > MAX_BYTES {
            return false;
        }
        self.bytes += size;
        self.pending += 1;
        true
    }

    /// The keepalive request of `size` bytes has finished.
    pub fn release(&mut self, size: usize) {
        self.bytes = self.bytes.saturating_sub(size);
        self.pending = self.pending.saturating_sub(1);
    }

    /// What is left: (bytes, requests).
    pub fn room(&self) -> (usize, usize) {
        (
            MAX_BYTES.saturating_sub(self.bytes),
            MAX_PENDING.saturating_sub(self.pending),
        )
    }

    pub fn pending(&self) -> usize {
        self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_limit() {
        let mut b = KeepaliveBudget::default();
        assert!(b.try_acquire(40 * 1024));
        assert!(!b.try_acquire(21 * 1024), "would pass 60 KiB");
        assert!(b.try_acquire(20 * 1024), "exactly 60 KiB is fine");
        b.release(40 * 1024);
        assert!(b.try_acquire(40 * 1024));
        assert!(!b.try_acquire(MAX_BYTES + 1));
    }

    #[test]
    fn at_most_nine_pending() {
        let mut b = KeepaliveBudget::default();
        for _ in 0..9 {
            assert!(b.try_acquire(10));
        }
        assert!(!b.try_acquire(10));
        b.release(10);
        assert_eq!(b.pending(), 8);
        assert_eq!(b.room(), (MAX_BYTES - 80, 1));
        assert!(b.try_acquire(10));
    }
}
