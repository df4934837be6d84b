//! Sessions: a random 32-hex id that lasts until 15 min pass without activity or 4 h pass in
//! total, shared by the tabs of an origin through one storage record.
//!
//! Activity (decided here, documented in the README): user input (pointer down, key down,
//! reported by the instrumentation shim) and spans the app starts, user-interaction and
//! `routeChange` spans. Background work (fetch/XHR/resource spans, metrics, logs) reads the
//! session, and starts a new one when it expired, but does not extend it: a page polling an
//! API must not keep a session alive forever.

/// The storage key (`localStorage` by default).
pub const STORAGE_KEY: &str = "otel-wasm:session";
/// The stored last-activity time is rewritten at most this often.
pub const TOUCH_EVERY_MS: u64 = 1000;
/// A record that starts further in the future than this (clock set back) is not trusted.
const MAX_CLOCK_SKEW_MS: u64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub inactivity_ms: u64,
    pub max_duration_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            inactivity_ms: 15 * 60_000,
            max_duration_ms: 4 * 3_600_000,
        }
    }
}

/// One session as stored: `<id>|<started ms>|<last activity ms>` (epoch ms, wall clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub started_ms: u64,
    pub last_activity_ms: u64,
}

/// 32 lowercase hex digits, not all zero (the form of a trace id).
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && id.bytes().any(|b| b != b'0')
}

impl Session {
    pub fn new(id: String, now_ms: u64) -> Self {
        Session {
            id,
            started_ms: now_ms,
            last_activity_ms: now_ms,
        }
    }

    /// The stored record, or `None` when it is malformed (then a new session starts).
    pub fn parse(text: &str) -> Option<Session> {
        let mut parts = crate::text::split(text, b'|');
        let id = parts.next()?;
        let started_ms = crate::decimal::parse(parts.next()?)?;
        let last_activity_ms = crate::decimal::parse(parts.next()?)?;
        if parts.next().is_some() || !is_valid_id(id) || last_activity_ms < started_ms {
            return None;
        }
        Some(Session {
            id: id.to_string(),
            started_ms,
            last_activity_ms,
        })
    }

    pub fn to_text(&self) -> String {
        let mut s = self.id.clone();
        s.push('|');
        crate::decimal::push_u64(&mut s, self.started_ms);
        s.push('|');
        crate::decimal::push_u64(&mut s, self.last_activity_ms);
        s
    }

    /// Over: idle too long, too old, or from a clock that has since gone back.
    pub fn is_over(&self, now_ms: u64, limits: &Limits) -> bool {
        now_ms.saturating_sub(self.last_activity_ms) >= limits.inactivity_ms
            || now_ms.saturating_sub(self.started_ms) >= limits.max_duration_ms
            || self.started_ms > now_ms + MAX_CLOCK_SKEW_MS
    }

    /// The session id as the 16 bytes the ratio sampler decides on.
    pub fn sampling_key(&self) -> [u8; 16] {
        // A plain index loop: `chunks().enumerate()` did not unroll and showed at every span start.
        let mut out = [0u8; 16];
        let b = self.id.as_bytes();
        for i in 0..(b.len() / 2).min(16) {
            out[i] = (hex_digit(b[2 * i]) << 4) | hex_digit(b[2 * i + 1]);
        }
        out
    }
}

fn hex_digit(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => 0,
    }
}

/// The session at `now_ms`, from what is stored (if anything): kept, extended by activity, or
/// replaced by a new one (`new_id`). The flag says whether the record must be written back.
pub fn advance(
    stored: Option<Session>,
    now_ms: u64,
    activity: bool,
    limits: &Limits,
    new_id: impl FnOnce() -> String,
) -> (Session, bool) {
    match stored {
        Some(s) if !s.is_over(now_ms, limits) => {
            if activity && now_ms >= s.last_activity_ms + TOUCH_EVERY_MS {
                (
                    Session {
                        last_activity_ms: now_ms,
                        ..s
                    },
                    true,
                )
            } else {
                (s, false)
            }
        }
        _ => (Session::new(new_id(), now_ms), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0af7651916cd43dd8448eb211c80319c";
    const MIN: u64 = 60_000;

    fn id2() -> String {
        "1".repeat(32)
    }

    #[test]
    fn ids_are_32_lowercase_hex_not_zero() {
        assert!(is_valid_id(ID));
        assert!(!is_valid_id(&ID.to_uppercase()));
        assert!(!is_valid_id(&"0".repeat(32)));
        assert!(!is_valid_id(&ID[1..]));
        assert!(!is_valid_id("0af7651916cd43dd8448eb211c80319g"));
    }

    #[test]
    fn record_round_trips_and_bad_records_are_refused() {
        let s = Session {
            id: ID.into(),
            started_ms: 1_700_000_000_000,
            last_activity_ms: 1_700_000_060_000,
        };
        assert_eq!(s.to_text(), format!("{ID}|1700000000000|1700000060000"));
        assert_eq!(Session::parse(&s.to_text()), Some(s));
        for bad in [
            "",
            ID,
            &format!("{ID}|1"),
            &format!("{ID}|2|1"),
            &format!("{ID}|1|2|3"),
            &format!("{ID}|x|2"),
            "XYZ|1|2",
            &format!("{ID}|-1|2"),
        ] {
            assert_eq!(Session::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn activity_extends_background_reads_do_not() {
        let l = Limits::default();
        let (s, write) = advance(None, 1_000, false, &l, || ID.into());
        assert_eq!(
            (s.clone(), write),
            (Session::new(ID.into(), 1_000), true),
            "nothing stored: a new session"
        );
        let (same, write) = advance(Some(s.clone()), 1_000 + 10 * MIN, false, &l, id2);
        assert_eq!(
            (same.last_activity_ms, write),
            (1_000, false),
            "background work does not extend"
        );
        let (touched, write) = advance(Some(s.clone()), 1_000 + 10 * MIN, true, &l, id2);
        assert_eq!(
            (touched.id.as_str(), touched.last_activity_ms, write),
            (ID, 1_000 + 10 * MIN, true)
        );
        let (t2, write) = advance(Some(touched.clone()), 1_000 + 10 * MIN + 500, true, &l, id2);
        assert_eq!(
            (t2, write),
            (touched.clone(), false),
            "rewritten at most once a second"
        );
        // 24 min after start but 14 min after the last activity: still the same session.
        let (kept, _) = advance(Some(touched), 1_000 + 24 * MIN, false, &l, id2);
        assert_eq!(kept.id, ID);
    }

    #[test]
    fn rolls_over_after_idle_or_max_duration() {
        let l = Limits::default();
        let s = Session::new(ID.into(), 1_000);
        let (n, write) = advance(Some(s.clone()), 1_000 + 15 * MIN, true, &l, id2);
        assert_eq!(
            (n.id, n.started_ms, write),
            (id2(), 1_000 + 15 * MIN, true),
            "15 min idle"
        );
        let (k, _) = advance(Some(s.clone()), 1_000 + 15 * MIN - 1, true, &l, id2);
        assert_eq!(k.id, ID);
        // Active every 10 min, the session still ends at 4 h.
        let mut cur = s;
        let mut t = 1_000;
        while t < 1_000 + 4 * 60 * MIN - 10 * MIN {
            t += 10 * MIN;
            cur = advance(Some(cur), t, true, &l, id2).0;
            assert_eq!(cur.id, ID);
        }
        let (n, _) = advance(Some(cur), 1_000 + 4 * 60 * MIN, true, &l, id2);
        assert_eq!(n.id, id2(), "4 h");
        let short = Limits {
            inactivity_ms: 100,
            max_duration_ms: 1_000,
        };
        assert_eq!(
            advance(Some(Session::new(ID.into(), 0)), 100, false, &short, id2)
                .0
                .id,
            id2()
        );
    }

    #[test]
    fn a_record_from_the_future_is_not_trusted() {
        let l = Limits::default();
        let s = Session::new(ID.into(), 10 * MIN);
        assert_eq!(
            advance(Some(s.clone()), 10 * MIN - 30_000, false, &l, id2)
                .0
                .id,
            ID,
            "small skew is tolerated"
        );
        assert_eq!(advance(Some(s), MIN, false, &l, id2).0.id, id2());
    }

    #[test]
    fn sampling_key_is_the_id_bytes() {
        let s = Session::new(ID.into(), 0);
        let k = s.sampling_key();
        assert_eq!(k[0], 0x0a);
        assert_eq!(k[15], 0x9c);
        assert_eq!(crate::instrument::span::hex(&k), ID);
    }
}
