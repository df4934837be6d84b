//! Password work and guessing limits. Argon2 runs on the blocking pool behind a small
//! semaphore, so a login flood queues instead of occupying the async workers that also serve
//! OTLP. Failed logins are counted per client IP and per account; past a free allowance each
//! further failure doubles a lock-out (429 with Retry-After), capped at 15 minutes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

/// Argon2 verifications/hashes running at once (each takes ~19 MiB and ~60 ms).
const HASHING_SLOTS: usize = 2;
/// Failures allowed before lock-outs start.
const FREE_PER_ACCOUNT: u32 = 5;
const FREE_PER_IP: u32 = 20;
const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A key with no failure for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Bound on remembered keys; the oldest are dropped first when it is reached.
const MAX_KEYS: usize = 20_000;

/// Verified against when the e-mail is unknown, so both cases cost the same.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| crate::auth::hash_password("no such user: dummy password"));

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

#[derive(Hash, PartialEq, Eq, Clone)]
enum Key {
    Ip(IpAddr),
    Account(String),
}

pub struct LoginGuard {
    hashing: Arc<Semaphore>,
    failures: Mutex<HashMap<Key, Failures>>,
}

impl Default for LoginGuard {
    fn default() -> Self {
        LoginGuard {
            hashing: Arc::new(Semaphore::new(HASHING_SLOTS)),
            failures: Mutex::new(HashMap::new()),
        }
    }
}

fn keys(ip: Option<IpAddr>, email: &str) -> Vec<Key> {
    let mut k = vec![Key::Account(email.trim().to_lowercase())];
    if let Some(ip) = ip {
        k.push(Key::Ip(ip));
    }
    k
}

impl LoginGuard {
    /// `Err(retry_after)` while the client IP or the account is locked out.
    pub fn check(&self, ip: Option<IpAddr>, email: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let map = self.failures.lock().unwrap();
        let wait = keys(ip, email)
            .iter()
            .filter_map(|k| map.get(k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match wait {
            Some(w) => Err(w),
            None => Ok(()),
        }
    }

    pub fn failed(&self, ip: Option<IpAddr>, email: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap();
        if map.len() >= MAX_KEYS {
            map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
            if map.len() >= MAX_KEYS {
                let mut by_age: Vec<(Key, Instant)> =
                    map.iter().map(|(k, f)| (k.clone(), f.last)).collect();
                by_age.sort_by_key(|(_, t)| *t);
                for (k, _) in by_age.into_iter().take(MAX_KEYS / 10) {
                    map.remove(&k);
                }
            }
        }
        for key in keys(ip, email) {
            let free = match key {
                Key::Ip(_) => FREE_PER_IP,
                Key::Account(_) => FREE_PER_ACCOUNT,
            };
            let f = map.entry(key).or_insert(Failures {
                count: 0,
                last: now,
                locked_until: None,
            });
            if now.duration_since(f.last) >= FORGET_AFTER {
                f.count = 0;
            }
            f.count += 1;
            f.last = now;
            if f.count >= free {
                let doublings = (f.count - free).min(20);
                let lock = Duration::from_secs(1u64 << doublings).min(MAX_LOCK);
                f.locked_until = Some(now + lock);
            }
        }
    }

    /// A correct password clears the account's count (not the IP's: logging into one's own
    /// account must not reset a guessing budget).
    pub fn succeeded(&self, email: &str) {
        self.failures
            .lock()
            .unwrap()
            .remove(&Key::Account(email.trim().to_lowercase()));
    }

    /// Verifies `password` against `hash`, or against a dummy hash when there is no user.
    pub async fn verify(&self, password: String, hash: Option<String>) -> bool {
        let _slot = self.hashing.clone().acquire_owned().await;
        tokio::task::spawn_blocking(move || match hash {
            Some(h) => crate::auth::verify_password(&password, &h),
            None => {
                crate::auth::verify_password(&password, &DUMMY_HASH);
                false
            }
        })
        .await
        .unwrap_or(false)
    }

    pub async fn hash(&self, password: String) -> Result<String, String> {
        let _slot = self.hashing.clone().acquire_owned().await;
        tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
            .await
            .map_err(|e| format!("hashing task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_free_allowance_and_backs_off() {
        let g = LoginGuard::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..FREE_PER_ACCOUNT - 1 {
            g.failed(Some(ip), "a@x");
        }
        assert!(g.check(Some(ip), "a@x").is_ok());
        g.failed(Some(ip), "A@x ");
        let w1 = g.check(Some(ip), "a@x").unwrap_err();
        assert!(w1 <= Duration::from_secs(1));
        g.failed(Some(ip), "a@x");
        let w2 = g.check(None, "a@x").unwrap_err();
        assert!(w2 > w1, "each further failure doubles the lock");
        assert!(
            g.check(Some(ip), "b@x").is_ok(),
            "other accounts from this IP still may"
        );
        g.succeeded("a@x");
        assert!(g.check(None, "a@x").is_ok());
    }

    #[test]
    fn an_ip_guessing_many_accounts_is_locked() {
        let g = LoginGuard::default();
        let ip: IpAddr = "10.0.0.2".parse().unwrap();
        for i in 0..FREE_PER_IP {
            g.failed(Some(ip), &format!("user{i}@x"));
        }
        assert!(g.check(Some(ip), "fresh@x").is_err());
        assert!(g
            .check(Some("10.0.0.3".parse().unwrap()), "fresh@x")
            .is_ok());
    }
}
