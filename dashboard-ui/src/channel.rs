//! Notification channels in SigNoz v0.39's shape: an Alertmanager `Receiver`
//! (`{name, <kind>_configs: [{…}]}`), stored by the server as the JSON string
//! `data` of a channel item. The form edits the first config's fields by path
//! and writes back only what changed, so fields it does not show survive.

use serde_json::{json, Map, Value};

/// One input of a channel form: the config key (a `.`-separated path), its label, whether it is a secret.
pub struct Field {
    pub path: &'static str,
    pub label: &'static str,
    pub secret: bool,
    pub multiline: bool,
}

const fn f(path: &'static str, label: &'static str) -> Field {
    Field {
        path,
        label,
        secret: false,
        multiline: false,
    }
}
const fn secret(path: &'static str, label: &'static str) -> Field {
    Field {
        path,
        label,
        secret: true,
        multiline: false,
    }
}
const fn long(path: &'static str, label: &'static str) -> Field {
    Field {
        path,
        label,
        secret: false,
        multiline: true,
    }
}

/// The channel kinds (`type` of a channel item) with their labels.
pub const KINDS: [(&str, &str); 5] = [
    ("slack", "Slack"),
    ("webhook", "Webhook"),
    ("pagerduty", "PagerDuty"),
    ("opsgenie", "Opsgenie"),
    ("msteams", "Microsoft Teams"),
];

// SigNoz's defaults (`container/CreateAlertChannels/config.ts`): Go templates over the alert group.
const SLACK_TITLE: &str = "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} for {{ .CommonLabels.job }}";
const SLACK_TEXT: &str = "{{ range .Alerts -}}\n *Alert:* {{ .Labels.alertname }}{{ if .Labels.severity }} - {{ .Labels.severity }}{{ end }}\n\n *Summary:* {{ .Annotations.summary }}\n *Description:* {{ .Annotations.description }}\n\n *Details:*\n {{ range .Labels.SortedPairs }} • *{{ .Name }}:* {{ .Value }}\n {{ end }}\n{{ end }}";
const PD_DESCRIPTION: &str = "{{ if gt (len .Alerts.Firing) 0 -}}\n\tAlerts Firing:\n\t{{ range .Alerts.Firing }}\n\t - Message: {{ .Annotations.description }}\n\tLabels:\n\t{{ range .Labels.SortedPairs }}   - {{ .Name }} = {{ .Value }}\n\t{{ end }}   Annotations:\n\t{{ range .Annotations.SortedPairs }}   - {{ .Name }} = {{ .Value }}\n\t{{ end }}   Source: {{ .GeneratorURL }}\n\t{{ end }}\n{{- end }}";
const OPSGENIE_MESSAGE: &str = "{{ .CommonLabels.alertname }}";

/// The fields the form shows for `kind`.
pub fn fields(kind: &str) -> &'static [Field] {
    const SLACK: [Field; 4] = [
        secret("api_url", "Webhook URL"),
        f("channel", "Recipient (#channel or @user)"),
        f("title", "Title"),
        long("text", "Description"),
    ];
    const WEBHOOK: [Field; 3] = [
        f("url", "Webhook URL"),
        f("http_config.basic_auth.username", "Username (optional)"),
        secret("http_config.basic_auth.password", "Password (optional)"),
    ];
    const PAGERDUTY: [Field; 8] = [
        secret("routing_key", "Routing key"),
        f("url", "Events API URL (optional)"),
        long("description", "Description"),
        f("severity", "Severity"),
        f("class", "Class"),
        f("component", "Component"),
        f("group", "Group"),
        f("client", "Client"),
    ];
    const OPSGENIE: [Field; 4] = [
        secret("api_key", "API key"),
        f("message", "Message"),
        long("description", "Description"),
        f("priority", "Priority"),
    ];
    const MSTEAMS: [Field; 3] = [
        secret("webhook_url", "Webhook URL"),
        f("title", "Title"),
        long("text", "Description"),
    ];
    match kind {
        "slack" => &SLACK,
        "webhook" => &WEBHOOK,
        "pagerduty" => &PAGERDUTY,
        "opsgenie" => &OPSGENIE,
        "msteams" => &MSTEAMS,
        _ => &[],
    }
}

/// A new receiver of `kind` with SigNoz's default texts.
pub fn new_receiver(kind: &str, name: &str) -> Value {
    let config = match kind {
        "slack" => {
            json!({"send_resolved": true, "api_url": "", "channel": "", "title": SLACK_TITLE, "text": SLACK_TEXT})
        }
        "webhook" => json!({"send_resolved": true, "url": ""}),
        "pagerduty" => {
            json!({"send_resolved": true, "routing_key": "", "description": PD_DESCRIPTION,
            "severity": "{{ (index .Alerts 0).Labels.severity }}", "client": "SigNoz Alert Manager",
            "client_url": "https://enter-signoz-host-n-port-here/alerts",
            "details": {"firing": "{{ template \"pagerduty.default.instances\" .Alerts.Firing }}",
                "resolved": "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}",
                "num_firing": "{{ .Alerts.Firing | len }}", "num_resolved": "{{ .Alerts.Resolved | len }}"}})
        }
        "opsgenie" => json!({"send_resolved": true, "api_key": "", "message": OPSGENIE_MESSAGE,
            "description": SLACK_TEXT, "priority": "{{ if eq (index .Alerts 0).Labels.severity \"critical\" }}P1{{ else }}P3{{ end }}"}),
        "msteams" => {
            json!({"send_resolved": true, "webhook_url": "", "title": SLACK_TITLE, "text": SLACK_TEXT})
        }
        _ => json!({}),
    };
    let mut r = Map::new();
    r.insert("name".into(), json!(name));
    r.insert(format!("{kind}_configs"), json!([config]));
    Value::Object(r)
}

/// The kind of a receiver: the first `<kind>_configs` list it holds.
pub fn kind_of(receiver: &Value) -> Option<&'static str> {
    KINDS
        .iter()
        .map(|k| k.0)
        .find(|k| receiver[format!("{k}_configs")].is_array())
}

/// The receiver of a channel item: its `data` string parsed (or, leniently, already an object).
pub fn receiver_of(item: &Value) -> Result<Value, String> {
    match &item["data"] {
        Value::String(s) => {
            serde_json::from_str(s).map_err(|e| format!("the channel's data is not JSON: {e}"))
        }
        v @ Value::Object(_) => Ok(v.clone()),
        _ => Err("the channel has no receiver data".into()),
    }
}

fn config(receiver: &Value) -> &Value {
    kind_of(receiver)
        .map(|k| &receiver[format!("{k}_configs")][0])
        .unwrap_or(&Value::Null)
}

/// The text of field `path` of the receiver's first config.
pub fn get(receiver: &Value, path: &str) -> String {
    let mut v = config(receiver);
    for p in path.split('.') {
        v = &v[p];
    }
    crate::model::value_text(v)
}

pub fn send_resolved(receiver: &Value) -> bool {
    config(receiver)["send_resolved"].as_bool().unwrap_or(false)
}

/// Writes `value` at `path` in the first config, unless it already holds that
/// text. An empty optional value does not create the path.
pub fn set(receiver: &mut Value, path: &str, value: &str) {
    if get(receiver, path) == value {
        return;
    }
    let Some(kind) = kind_of(receiver) else {
        return;
    };
    let mut v = &mut receiver[format!("{kind}_configs")][0];
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        if !v[*p].is_object() {
            if value.is_empty() {
                return;
            }
            v[*p] = json!({});
        }
        v = &mut v[*p];
    }
    v[parts[parts.len() - 1]] = json!(value);
}

pub fn set_send_resolved(receiver: &mut Value, on: bool) {
    if send_resolved(receiver) != on {
        if let Some(kind) = kind_of(receiver) {
            receiver[format!("{kind}_configs")][0]["send_resolved"] = json!(on);
        }
    }
}

/// Checks what the server needs: a name and the kind's address field.
pub fn validate(receiver: &Value) -> Result<(), String> {
    if receiver["name"]
        .as_str()
        .is_none_or(|n| n.trim().is_empty())
    {
        return Err("The channel needs a name.".into());
    }
    let kind = kind_of(receiver).ok_or("The channel has no known type.")?;
    let first = &fields(kind)[0];
    if get(receiver, first.path).trim().is_empty() {
        return Err(format!("{} is required.", first.label));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_receivers_have_signoz_shapes() {
        let r = new_receiver("slack", "ops");
        assert_eq!(kind_of(&r), Some("slack"));
        assert_eq!(r["slack_configs"][0]["send_resolved"], true);
        let r = new_receiver("pagerduty", "pd");
        assert!(r["pagerduty_configs"][0]["details"].is_object());
        for (k, _) in KINDS {
            let r = new_receiver(k, "n");
            assert_eq!(kind_of(&r), Some(k));
            assert!(validate(&r).unwrap_err().contains("required"));
        }
    }

    #[test]
    fn editing_keeps_fields_the_form_does_not_show() {
        let item = json!({"id":3,"name":"hook","type":"webhook",
            "data":"{\"name\":\"hook\",\"webhook_configs\":[{\"send_resolved\":true,\"url\":\"http://a\",\"max_alerts\":5}]}"});
        let mut r = receiver_of(&item).unwrap();
        set(&mut r, "url", "http://b");
        set(&mut r, "http_config.basic_auth.username", "");
        assert_eq!(
            r,
            json!({"name":"hook","webhook_configs":[{"send_resolved":true,"url":"http://b","max_alerts":5}]})
        );
        set(&mut r, "http_config.basic_auth.username", "u");
        assert_eq!(
            r["webhook_configs"][0]["http_config"]["basic_auth"]["username"],
            "u"
        );
        set_send_resolved(&mut r, false);
        assert!(!send_resolved(&r));
        assert!(validate(&r).is_ok());
    }

    #[test]
    fn bad_data_is_an_error() {
        assert!(receiver_of(&json!({"data":"{nope"})).is_err());
        assert!(receiver_of(&json!({})).is_err());
        assert!(validate(&json!({"name":"x"})).is_err());
    }
}
