//! Mute windows: between `startsAt` and `endsAt`, alerts of the listed rules (all rules when
//! `ruleIds` is empty) whose labels equal every `matchers` entry are not notified. They stay
//! active; once the window ends, the next group flush sends them.

use rusqlite::Connection;
use serde_json::Value;

use super::Alert;

#[derive(Debug, Clone)]
pub struct Mute {
    pub id: i64,
    pub rule_ids: Vec<String>,
    pub matchers: Vec<(String, String)>,
}

impl Mute {
    pub fn from_json(id: i64, data: &Value) -> Mute {
        let rule_ids = data
            .get("ruleIds")
            .and_then(|r| r.as_array())
            .map(|a| {
                a.iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let matchers = data
            .get("matchers")
            .and_then(|m| m.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Mute {
            id,
            rule_ids,
            matchers,
        }
    }

    pub fn matches(&self, a: &Alert) -> bool {
        (self.rule_ids.is_empty() || self.rule_ids.iter().any(|r| *r == a.rule_id.to_string()))
            && self
                .matchers
                .iter()
                .all(|(k, v)| a.labels.get(k).is_some_and(|x| x == v))
    }
}

/// Windows open at `now_ms`.
pub fn active(c: &Connection, now_ms: i64) -> rusqlite::Result<Vec<Mute>> {
    let mut s = c.prepare(
        "SELECT id, data FROM mute_windows WHERE starts_at <= ?1 AND ends_at > ?1 ORDER BY id",
    )?;
    let rows = s.query_map([now_ms], |r| {
        let id: i64 = r.get(0)?;
        let data: String = r.get(1)?;
        Ok(Mute::from_json(
            id,
            &serde_json::from_str(&data).unwrap_or(Value::Null),
        ))
    })?;
    rows.collect()
}

/// Ids of the open windows that mute `a`.
pub fn muted_by(mutes: &[Mute], a: &Alert) -> Vec<i64> {
    mutes
        .iter()
        .filter(|m| m.matches(a))
        .map(|m| m.id)
        .collect()
}
