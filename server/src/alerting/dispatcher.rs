//! The alert dispatcher, after Alertmanager: alerts are grouped by their channels and the
//! `group_by` labels; a new group waits `group_wait` before its first notification, then is
//! looked at every `group_interval`, and notified when an alert started firing or resolved
//! since the last notification, or `repeat_interval` after it while alerts keep firing.
//! Muted alerts are held back. Each delivery is recorded in `alert_deliveries`.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::mutes::{self, Mute};
use super::notify::{self, Channel, Notification};
use super::{Alert, DispatchConfig, Labels};
use crate::store::Store;
use crate::store::StoreError;

/// Where rule evaluations send their alerts (firing ones at every evaluation, resolved once).
#[derive(Clone)]
pub struct DispatchSender(mpsc::UnboundedSender<Vec<Alert>>);

impl DispatchSender {
    pub fn send(&self, alerts: Vec<Alert>) {
        if !alerts.is_empty() {
            let _ = self.0.send(alerts);
        }
    }
}

struct Entry {
    alert: Alert,
    notified_firing: bool,
    last_seen: Instant,
}

struct Group {
    channels: Vec<String>,
    labels: Labels,
    alerts: HashMap<(i64, String), Entry>,
    next_flush: Instant,
    last_sent: Option<Instant>,
}

pub fn channel() -> (DispatchSender, mpsc::UnboundedReceiver<Vec<Alert>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (DispatchSender(tx), rx)
}

/// Every stored channel.
pub fn load_channels(c: &rusqlite::Connection) -> rusqlite::Result<Vec<Channel>> {
    let mut s = c.prepare("SELECT name, type, data FROM channels ORDER BY id")?;
    let rows = s.query_map([], |r| {
        let data: String = r.get(2)?;
        Ok(Channel {
            name: r.get(0)?,
            kind: r.get(1)?,
            receiver: serde_json::from_str(&data).unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// Sends `n` to `ch` and records the delivery (and counts it in /metrics).
pub async fn deliver_and_record(
    store: &Store,
    http: &reqwest::Client,
    cfg: &DispatchConfig,
    ch: &Channel,
    n: &Notification,
) -> notify::Outcome {
    let out = notify::deliver(http, ch, n, cfg.retries, cfg.retry_backoff_ms).await;
    crate::metrics::alert_delivery(&ch.kind, out.ok);
    let (name, kind, key) = (ch.name.clone(), ch.kind.clone(), n.group_key.clone());
    let firing = n.alerts.iter().filter(|a| !a.is_resolved()).count() as i64;
    let resolved = n.alerts.len() as i64 - firing;
    let rec = out.clone();
    let res = store
        .run(move |c| {
            c.execute(
                "INSERT INTO alert_deliveries (ts, channel, channel_type, group_key, status, firing, resolved, attempts, http_status, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![chrono::Utc::now().timestamp_millis(), name, kind, key,
                    if rec.ok { "sent" } else { "failed" }, firing, resolved, rec.attempts,
                    rec.http_status, rec.error],
            )
            .map_err(StoreError::from)
        })
        .await;
    if let Err(e) = res {
        tracing::error!(error = %e, "alerts: cannot record a delivery");
    }
    if let Some(e) = &out.error {
        tracing::warn!(channel = %ch.name, error = %e, "alerts: delivery failed");
    }
    out
}

fn group_key(a: &Alert, cfg: &DispatchConfig) -> (String, Vec<String>, Labels) {
    let mut channels = a.channels.clone();
    channels.sort();
    channels.dedup();
    let labels: Labels = cfg
        .group_by
        .iter()
        .filter_map(|k| a.labels.get(k).map(|v| (k.clone(), v.clone())))
        .collect();
    let key = format!(
        "{{}}/{{channels={:?}}}:{}",
        channels,
        serde_json::to_string(&labels).unwrap_or_default()
    );
    (key, channels, labels)
}

pub async fn run(
    store: Store,
    cfg: DispatchConfig,
    mut rx: mpsc::UnboundedReceiver<Vec<Alert>>,
    mut stop: watch::Receiver<bool>,
) {
    let http = reqwest::Client::new();
    let mut groups: HashMap<String, Group> = HashMap::new();
    loop {
        let next = groups.values().map(|g| g.next_flush).min();
        let sleep = async {
            match next {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            got = rx.recv() => {
                let Some(alerts) = got else { return };
                let now = Instant::now();
                for a in alerts {
                    let (key, channels, labels) = group_key(&a, &cfg);
                    let g = groups.entry(key).or_insert_with(|| Group {
                        channels, labels, alerts: HashMap::new(),
                        next_flush: now + Duration::from_millis(cfg.group_wait_ms),
                        last_sent: None,
                    });
                    let id = (a.rule_id, a.fingerprint.clone());
                    match g.alerts.get_mut(&id) {
                        Some(e) => {
                            if e.alert.is_resolved() && !a.is_resolved() { e.notified_firing = false; }
                            e.alert = a; e.last_seen = now;
                        }
                        // A resolved alert never announced as firing is nothing to tell.
                        None if a.is_resolved() => {}
                        None => { g.alerts.insert(id, Entry { alert: a, notified_firing: false, last_seen: now }); }
                    }
                }
            }
            _ = sleep => {
                let now = Instant::now();
                let due: Vec<String> = groups.iter().filter(|(_, g)| g.next_flush <= now).map(|(k, _)| k.clone()).collect();
                let now_ms = chrono::Utc::now().timestamp_millis();
                let (mutes, all_channels) = match store.run(move |c| {
                    Ok((mutes::active(c, now_ms)?, load_channels(c)?))
                }).await {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::error!(error = %e, "alerts: cannot read channels and mute windows");
                        for k in &due { if let Some(g) = groups.get_mut(k) { g.next_flush = now + Duration::from_millis(cfg.group_interval_ms.max(1000)); } }
                        continue;
                    }
                };
                for key in due {
                    let Some(g) = groups.get_mut(&key) else { continue };
                    flush(&store, &http, &cfg, &key, g, &mutes, &all_channels, now, now_ms);
                    if g.alerts.is_empty() { groups.remove(&key); }
                }
            }
            _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn flush(
    store: &Store,
    http: &reqwest::Client,
    cfg: &DispatchConfig,
    key: &str,
    g: &mut Group,
    mutes: &[Mute],
    all_channels: &[Channel],
    now: Instant,
    now_ms: i64,
) {
    g.next_flush = now + Duration::from_millis(cfg.group_interval_ms.max(1));
    // A firing alert its rule stopped refreshing (rule deleted) resolves by itself.
    for e in g.alerts.values_mut() {
        if !e.alert.is_resolved()
            && now.duration_since(e.last_seen).as_millis() as i64 > e.alert.stale_after_ms
        {
            e.alert.ends_at = Some(now_ms);
        }
    }
    let unmuted = |a: &Alert| mutes::muted_by(mutes, a).is_empty();
    let firing: Vec<&Entry> = g
        .alerts
        .values()
        .filter(|e| !e.alert.is_resolved() && unmuted(&e.alert))
        .collect();
    let resolved: Vec<&Entry> = g
        .alerts
        .values()
        .filter(|e| e.alert.is_resolved() && e.notified_firing && unmuted(&e.alert))
        .collect();
    let changed = firing.iter().any(|e| !e.notified_firing) || !resolved.is_empty();
    let repeat = !firing.is_empty()
        && g.last_sent
            .is_some_and(|t| now.duration_since(t).as_millis() as u64 >= cfg.repeat_interval_ms);
    if changed || repeat {
        let mut alerts: Vec<Alert> = firing
            .iter()
            .chain(resolved.iter())
            .map(|e| e.alert.clone())
            .collect();
        alerts.sort_by(|a, b| {
            a.starts_at
                .cmp(&b.starts_at)
                .then(a.fingerprint.cmp(&b.fingerprint))
        });
        let n = Notification {
            group_key: key.to_string(),
            group_labels: g.labels.clone(),
            alerts,
            external_url: cfg.public_url.clone(),
        };
        let targets: Vec<Channel> = all_channels
            .iter()
            .filter(|c| g.channels.is_empty() || g.channels.contains(&c.name))
            .filter(|c| notify::wants(c, &n))
            .cloned()
            .collect();
        if targets.is_empty() {
            tracing::warn!(group = key, "alerts: no channel to notify");
        }
        let (store, http, cfg) = (store.clone(), http.clone(), cfg.clone());
        tokio::spawn(async move {
            for ch in targets {
                deliver_and_record(&store, &http, &cfg, &ch, &n).await;
            }
        });
        g.last_sent = Some(now);
        let sent: Vec<(i64, String)> = firing
            .iter()
            .map(|e| (e.alert.rule_id, e.alert.fingerprint.clone()))
            .collect();
        for id in sent {
            if let Some(e) = g.alerts.get_mut(&id) {
                e.notified_firing = true;
            }
        }
        g.alerts
            .retain(|_, e| !(e.alert.is_resolved() && (e.notified_firing && unmuted(&e.alert))));
    }
    // Resolved alerts nobody heard of firing are dropped quietly.
    g.alerts
        .retain(|_, e| !e.alert.is_resolved() || e.notified_firing);
}
