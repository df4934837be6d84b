//! Senders: one notification (a group of alerts) to one channel, in the receiver's own
//! format — Alertmanager webhook (version 4), Slack incoming webhook, PagerDuty Events v2,
//! Opsgenie alert API, MS Teams MessageCard — retried with doubling backoff on network
//! errors, 429 and 5xx.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::{rfc3339_ms, Alert, Labels};

/// A stored channel: its name, type (`slack`, `webhook`, ...) and alertmanager receiver JSON.
#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: String,
    pub receiver: Value,
}

impl Channel {
    /// Each `<type>_configs` entry of the receiver.
    fn configs(&self) -> Vec<Map<String, Value>> {
        self.receiver
            .get(format!("{}_configs", self.kind))
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|c| c.as_object().cloned()).collect())
            .unwrap_or_default()
    }

    /// Alertmanager's per-type default for `send_resolved`, unless the config says.
    fn sends_resolved(&self) -> bool {
        self.configs().iter().any(|c| {
            c.get("send_resolved")
                .and_then(|b| b.as_bool())
                .unwrap_or(self.kind != "slack")
        })
    }
}

pub struct Notification {
    pub group_key: String,
    pub group_labels: Labels,
    pub alerts: Vec<Alert>,
    /// The server's public origin (`externalURL`).
    pub external_url: String,
}

impl Notification {
    fn firing(&self) -> Vec<&Alert> {
        self.alerts.iter().filter(|a| !a.is_resolved()).collect()
    }
    fn resolved(&self) -> Vec<&Alert> {
        self.alerts.iter().filter(|a| a.is_resolved()).collect()
    }
    pub fn status(&self) -> &'static str {
        if self.firing().is_empty() {
            "resolved"
        } else {
            "firing"
        }
    }
    fn common(&self, f: impl Fn(&Alert) -> &Labels) -> Labels {
        let mut it = self.alerts.iter();
        let Some(first) = it.next() else {
            return Labels::new();
        };
        let mut common = f(first).clone();
        for a in it {
            common.retain(|k, v| f(a).get(k) == Some(v));
        }
        common
    }
    fn alertname(&self) -> String {
        self.common(|a| &a.labels)
            .get("alertname")
            .cloned()
            .or_else(|| {
                self.alerts
                    .first()
                    .and_then(|a| a.labels.get("alertname").cloned())
            })
            .unwrap_or_default()
    }
    fn title(&self) -> String {
        let firing = self.firing().len();
        let head = if firing > 0 {
            format!("[FIRING:{firing}]")
        } else {
            "[RESOLVED]".to_string()
        };
        format!("{head} {}", self.alertname())
    }
    fn rule_url(&self) -> String {
        self.alerts
            .first()
            .map(|a| a.generator_url.clone())
            .unwrap_or_else(|| self.external_url.clone())
    }
    /// Plain text body as SigNoz's default Slack template lays it out.
    fn text(&self) -> String {
        let mut out = String::new();
        for a in &self.alerts {
            let ann = |k: &str| a.annotations.get(k).cloned().unwrap_or_default();
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!(
                "*Alert:* {}{}\n",
                a.labels.get("alertname").cloned().unwrap_or_default(),
                a.labels
                    .get("severity")
                    .map(|s| format!(" - `{s}`"))
                    .unwrap_or_default()
            ));
            out.push_str(&format!(
                "*Status:* {}\n",
                if a.is_resolved() {
                    "resolved"
                } else {
                    "firing"
                }
            ));
            if !ann("summary").is_empty() {
                out.push_str(&format!("*Summary:* {}\n", ann("summary")));
            }
            if !ann("description").is_empty() {
                out.push_str(&format!("*Description:* {}\n", ann("description")));
            }
            if !ann("related_logs").is_empty() {
                out.push_str(&format!("*RelatedLogs:* {}\n", ann("related_logs")));
            }
            if !ann("related_traces").is_empty() {
                out.push_str(&format!("*RelatedTraces:* {}\n", ann("related_traces")));
            }
            out.push_str(&format!("*Rule:* {}\n*Details:*\n", a.generator_url));
            for (k, v) in &a.labels {
                if k != "ruleSource" {
                    out.push_str(&format!("  • *{k}:* `{v}`\n"));
                }
            }
        }
        out
    }
}

fn am_alert(a: &Alert) -> Value {
    json!({"status": if a.is_resolved() { "resolved" } else { "firing" },
        "labels": a.labels, "annotations": a.annotations,
        "startsAt": rfc3339_ms(a.starts_at),
        "endsAt": a.ends_at.map(rfc3339_ms).unwrap_or_else(|| "0001-01-01T00:00:00Z".into()),
        "generatorURL": a.generator_url, "fingerprint": a.fingerprint})
}

/// Alertmanager's webhook payload (version 4).
pub fn webhook_payload(receiver: &str, n: &Notification) -> Value {
    json!({"receiver": receiver, "status": n.status(),
        "alerts": n.alerts.iter().map(am_alert).collect::<Vec<_>>(),
        "groupLabels": n.group_labels, "commonLabels": n.common(|a| &a.labels),
        "commonAnnotations": n.common(|a| &a.annotations),
        "externalURL": n.external_url, "version": "4", "groupKey": n.group_key,
        "truncatedAlerts": 0})
}

fn str_field<'a>(c: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    c.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty())
}

/// A configured text unless it is a Go template (which this server does not run).
fn literal<'a>(c: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    str_field(c, k).filter(|s| !s.contains("{{"))
}

fn dedup_key(group_key: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(group_key.as_bytes()))
}

fn pd_severity(n: &Notification) -> &'static str {
    match n.common(|a| &a.labels).get("severity").map(String::as_str) {
        Some("critical") => "critical",
        Some("error") => "error",
        Some("warning") => "warning",
        Some("info") => "info",
        _ => "critical",
    }
}

/// One HTTP request a delivery makes.
#[derive(Debug)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub basic: Option<(String, String)>,
    pub body: Value,
}

/// The requests that deliver `n` to `ch` (one per config entry); an error for a config that
/// lacks its URL or key.
pub fn requests(ch: &Channel, n: &Notification) -> Result<Vec<Request>, String> {
    let configs = ch.configs();
    if configs.is_empty() {
        return Err(format!("channel {:?} has no {}_configs", ch.name, ch.kind));
    }
    let mut out = Vec::new();
    for c in configs {
        let need = |k: &str| {
            str_field(&c, k)
                .map(str::to_string)
                .ok_or_else(|| format!("{} channel {:?}: {k} is required", ch.kind, ch.name))
        };
        let req = match ch.kind.as_str() {
            "webhook" => {
                let mut headers = Vec::new();
                let basic = c
                    .get("http_config")
                    .and_then(|h| h.get("basic_auth"))
                    .map(|b| {
                        let f =
                            |k: &str| b.get(k).and_then(|u| u.as_str()).unwrap_or("").to_string();
                        (f("username"), f("password"))
                    });
                if let Some(t) = c
                    .get("http_config")
                    .and_then(|h| h.get("bearer_token"))
                    .and_then(|t| t.as_str())
                {
                    headers.push(("authorization".into(), format!("Bearer {t}")));
                }
                Request {
                    url: need("url")?,
                    headers,
                    basic,
                    body: webhook_payload(&ch.name, n),
                }
            }
            "slack" => {
                let color = if n.status() == "firing" {
                    "danger"
                } else {
                    "good"
                };
                let mut body = json!({"attachments": [{
                    "title": literal(&c, "title").map(str::to_string).unwrap_or_else(|| n.title()),
                    "title_link": n.rule_url(),
                    "text": literal(&c, "text").map(str::to_string).unwrap_or_else(|| n.text()),
                    "fallback": n.title(), "color": color,
                    "mrkdwn_in": ["fallback", "pretext", "text"]}]});
                if let Some(chan) = str_field(&c, "channel") {
                    body["channel"] = json!(chan);
                }
                Request {
                    url: need("api_url")?,
                    headers: Vec::new(),
                    basic: None,
                    body,
                }
            }
            "pagerduty" => {
                let key = str_field(&c, "routing_key")
                    .or_else(|| str_field(&c, "service_key"))
                    .ok_or_else(|| {
                        format!("pagerduty channel {:?}: routing_key is required", ch.name)
                    })?;
                let firing = n.firing();
                let summary = literal(&c, "description")
                    .map(str::to_string)
                    .unwrap_or_else(|| n.title());
                let body = json!({"routing_key": key, "dedup_key": dedup_key(&n.group_key),
                    "event_action": if firing.is_empty() { "resolve" } else { "trigger" },
                    "payload": {"summary": summary.chars().take(1024).collect::<String>(),
                        "source": literal(&c, "client").unwrap_or("SigNoz Alert Manager"),
                        "severity": literal(&c, "severity").unwrap_or(pd_severity(n)),
                        "timestamp": rfc3339_ms(chrono::Utc::now().timestamp_millis()),
                        "component": literal(&c, "component").unwrap_or(""),
                        "group": literal(&c, "group").unwrap_or(""),
                        "class": literal(&c, "class").unwrap_or(""),
                        "custom_details": {"firing": n.text(), "num_firing": firing.len(),
                            "num_resolved": n.resolved().len()}},
                    "client": literal(&c, "client").unwrap_or("SigNoz Alert Manager"),
                    "client_url": literal(&c, "client_url").map(str::to_string).unwrap_or_else(|| n.rule_url()),
                    "links": [{"href": n.rule_url(), "text": "Alert rule"}]});
                Request {
                    url: str_field(&c, "url")
                        .unwrap_or("https://events.pagerduty.com/v2/enqueue")
                        .to_string(),
                    headers: Vec::new(),
                    basic: None,
                    body,
                }
            }
            "opsgenie" => {
                let base = str_field(&c, "api_url").unwrap_or("https://api.opsgenie.com/");
                let base = if base.ends_with('/') {
                    base.to_string()
                } else {
                    format!("{base}/")
                };
                let alias = dedup_key(&n.group_key);
                let headers = vec![(
                    "authorization".into(),
                    format!("GenieKey {}", need("api_key")?),
                )];
                if n.status() == "resolved" {
                    Request {
                        url: format!("{base}v2/alerts/{alias}/close?identifierType=alias"),
                        headers,
                        basic: None,
                        body: json!({"source": n.external_url}),
                    }
                } else {
                    let tags: Vec<String> = n
                        .common(|a| &a.labels)
                        .iter()
                        .filter(|(k, _)| *k != "ruleSource")
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    Request {
                        url: format!("{base}v2/alerts"),
                        headers,
                        basic: None,
                        body: json!({"message": literal(&c, "message").map(str::to_string).unwrap_or_else(|| n.title()).chars().take(130).collect::<String>(),
                            "alias": alias,
                            "description": literal(&c, "description").map(str::to_string).unwrap_or_else(|| n.text()),
                            "details": n.common(|a| &a.labels), "source": n.rule_url(), "tags": tags,
                            "priority": literal(&c, "priority").unwrap_or("P3")}),
                    }
                }
            }
            "msteams" => {
                let color = if n.status() == "firing" {
                    "8C1A1A"
                } else {
                    "2DC72D"
                };
                Request {
                    url: need("webhook_url")?,
                    headers: Vec::new(),
                    basic: None,
                    body: json!({"@type": "MessageCard", "@context": "http://schema.org/extensions",
                        "themeColor": color, "summary": n.title(),
                        "title": literal(&c, "title").map(str::to_string).unwrap_or_else(|| n.title()),
                        "text": literal(&c, "text").map(str::to_string).unwrap_or_else(|| n.text()),
                        "potentialAction": [{"@type": "OpenUri", "name": "View alert rule",
                            "targets": [{"os": "default", "uri": n.rule_url()}]}]}),
                }
            }
            other => {
                return Err(format!(
                    "channel type {other:?} cannot be sent by this server"
                ));
            }
        };
        out.push(req);
    }
    Ok(out)
}

/// What one delivery came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ok: bool,
    pub attempts: u32,
    pub http_status: Option<u16>,
    pub error: Option<String>,
}

/// Whether `ch` wants this notification at all (resolved-only groups need `send_resolved`).
pub fn wants(ch: &Channel, n: &Notification) -> bool {
    n.status() == "firing" || ch.sends_resolved()
}

/// Sends every request of the delivery, each retried `retries` times with doubling backoff.
pub async fn deliver(
    http: &reqwest::Client,
    ch: &Channel,
    n: &Notification,
    retries: u32,
    backoff_ms: u64,
) -> Outcome {
    let reqs = match requests(ch, n) {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                ok: false,
                attempts: 0,
                http_status: None,
                error: Some(e),
            };
        }
    };
    let mut last = Outcome {
        ok: true,
        attempts: 0,
        http_status: None,
        error: None,
    };
    for r in reqs {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut b = http
                .post(&r.url)
                .timeout(Duration::from_secs(10))
                .header("content-type", "application/json")
                .header("user-agent", "otel-wasm-server alert dispatcher")
                .body(r.body.to_string());
            for (k, v) in &r.headers {
                b = b.header(k.as_str(), v.as_str());
            }
            if let Some((user, pass)) = &r.basic {
                b = b.basic_auth(user, Some(pass));
            }
            let (retry, outcome) = match b.send().await {
                Ok(resp) if resp.status().is_success() => (
                    false,
                    Outcome {
                        ok: true,
                        attempts: attempt,
                        http_status: Some(resp.status().as_u16()),
                        error: None,
                    },
                ),
                Ok(resp) => {
                    let s = resp.status();
                    let text: String = resp
                        .text()
                        .await
                        .unwrap_or_default()
                        .chars()
                        .take(200)
                        .collect();
                    (
                        s.is_server_error() || s.as_u16() == 429,
                        Outcome {
                            ok: false,
                            attempts: attempt,
                            http_status: Some(s.as_u16()),
                            error: Some(format!("{} answered {s}: {text}", r.url)),
                        },
                    )
                }
                Err(e) => (
                    true,
                    Outcome {
                        ok: false,
                        attempts: attempt,
                        http_status: None,
                        error: Some(format!("cannot reach {}: {e}", r.url)),
                    },
                ),
            };
            if outcome.ok || !retry || attempt > retries {
                last.attempts += outcome.attempts;
                last.http_status = outcome.http_status;
                if !outcome.ok {
                    last.ok = false;
                    last.error = outcome.error;
                }
                break;
            }
            let wait = backoff_ms.saturating_mul(1 << (attempt - 1).min(10));
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
    }
    last
}
