//! An alert rule (SigNoz v0.39 `PostableRule`) as the rule editor sees it.
//!
//! The rule stays the JSON it came as: [`RuleForm::read`] takes the fields
//! the editor shows, and [`RuleForm::apply`] writes back only the fields whose
//! value changed, so a rule written by SigNoz keeps every other field (and
//! every field we do not know) exactly as it was.

use crate::query_builder::composite::Query;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// `alertType` values with their labels, as SigNoz's editor offers them.
pub const ALERT_TYPES: [(&str, &str); 4] = [
    ("METRIC_BASED_ALERT", "Metrics"),
    ("LOGS_BASED_ALERT", "Logs"),
    ("TRACES_BASED_ALERT", "Traces"),
    ("EXCEPTIONS_BASED_ALERT", "Exceptions"),
];

/// `condition.op`.
pub const OPS: [(&str, &str); 4] = [
    ("1", "above"),
    ("2", "below"),
    ("3", "equal to"),
    ("4", "not equal to"),
];

/// `condition.matchType`.
pub const MATCH_TYPES: [(&str, &str); 4] = [
    ("1", "at least once"),
    ("2", "all the time"),
    ("3", "on average"),
    ("4", "in total"),
];

pub const SEVERITIES: [&str; 4] = ["critical", "error", "warning", "info"];

/// Evaluation windows SigNoz's editor offers (`evalWindow`).
pub const EVAL_WINDOWS: [(&str, &str); 6] = [
    ("5m0s", "last 5 minutes"),
    ("10m0s", "last 10 minutes"),
    ("15m0s", "last 15 minutes"),
    ("1h0m0s", "last hour"),
    ("4h0m0s", "last 4 hours"),
    ("24h0m0s", "last day"),
];

/// The data source a rule of `alert_type` queries.
pub fn data_source_of(alert_type: &str) -> &'static str {
    match alert_type {
        "METRIC_BASED_ALERT" => "metrics",
        "LOGS_BASED_ALERT" => "logs",
        _ => "traces",
    }
}

/// The rule's link, as SigNoz sets `source` (its notifications link there).
pub fn rule_source(origin: &str, rule_id: &str) -> String {
    format!(
        "{}/alerts/edit?ruleId={}",
        origin.trim_end_matches('/'),
        crate::url_state::encode(rule_id)
    )
}

/// What the editor shows and edits. Strings hold what the inputs hold.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleForm {
    pub name: String,
    pub alert_type: String,
    pub rule_type: String,
    pub query: Query,
    pub op: String,
    pub match_type: String,
    pub target: String,
    pub target_unit: String,
    pub selected_query: String,
    pub eval_window: String,
    pub frequency: String,
    pub severity: String,
    /// Labels other than `severity`, in key order.
    pub labels: Vec<(String, String)>,
    pub description: String,
    pub summary: String,
    pub channels: Vec<String>,
    pub disabled: bool,
}

fn text(v: &Value) -> String {
    crate::model::value_text(v)
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default()
}

/// Why the editor cannot express `rule` (it is then shown read-only), or None.
pub fn unsupported(rule: &Value) -> Option<String> {
    let Some(r) = rule.as_object() else {
        return Some("the rule is not a JSON object".into());
    };
    let cond = &r.get("condition").cloned().unwrap_or(Value::Null);
    if !cond.is_object() {
        return Some("the rule has no condition object".into());
    }
    let rt = r.get("ruleType").and_then(Value::as_str).unwrap_or("");
    if !matches!(rt, "" | "threshold_rule" | "promql_rule") {
        return Some(format!("rule type {rt:?} is not one this editor knows"));
    }
    let cq = &cond["compositeQuery"];
    if !cq.is_object() {
        return Some("the condition has no compositeQuery".into());
    }
    let qt = cq["queryType"].as_str().unwrap_or("builder");
    if !matches!(qt, "builder" | "promql" | "clickhouse_sql") {
        return Some(format!("query type {qt:?} is not one this editor knows"));
    }
    if Query::from_composite_query(cq, String::new()).is_err() {
        return Some("the rule's builder queries are not objects".into());
    }
    for (k, known) in [("op", &OPS), ("matchType", &MATCH_TYPES)] {
        match &cond[k] {
            Value::Null => {}
            Value::String(s) if known.iter().any(|(c, _)| c == s) => {}
            other => {
                return Some(format!(
                    "condition {k} {other} is not one this editor knows"
                ));
            }
        }
    }
    if !(cond["target"].is_number() || cond["target"].is_null()) {
        return Some("the threshold is not a number".into());
    }
    for k in ["labels", "annotations"] {
        match r.get(k) {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) if m.values().all(Value::is_string) => {}
            Some(_) => return Some(format!("{k} are not all text")),
        }
    }
    match r.get("preferredChannels") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {}
        Some(_) => return Some("preferredChannels is not a list of names".into()),
    }
    None
}

impl RuleForm {
    /// A new rule on `alert_type`'s data source, as SigNoz's editor starts one.
    pub fn new(alert_type: &str, query_id: String) -> RuleForm {
        let mut query = Query::initial(data_source_of(alert_type), query_id);
        if alert_type == "EXCEPTIONS_BASED_ALERT" {
            query.query_type = "clickhouse_sql".into();
        }
        RuleForm {
            name: String::new(),
            alert_type: alert_type.into(),
            rule_type: "threshold_rule".into(),
            query,
            op: "1".into(),
            match_type: "1".into(),
            target: String::new(),
            target_unit: String::new(),
            selected_query: "A".into(),
            eval_window: "5m0s".into(),
            frequency: "1m0s".into(),
            severity: "warning".into(),
            labels: Vec::new(),
            description: String::new(),
            summary: String::new(),
            channels: Vec::new(),
            disabled: false,
        }
    }

    /// The editor's view of `rule` (check [`unsupported`] first).
    pub fn read(rule: &Value, query_id: String) -> RuleForm {
        let c = &rule["condition"];
        let query = Query::from_composite_query(&c["compositeQuery"], query_id.clone())
            .unwrap_or_else(|_| Query::initial("traces", query_id));
        let mut labels = string_map(&rule["labels"]);
        let severity = labels.remove("severity").unwrap_or_default();
        let ann = string_map(&rule["annotations"]);
        let or = |v: &Value, d: &str| v.as_str().unwrap_or(d).to_string();
        RuleForm {
            name: text(&rule["alert"]),
            alert_type: or(&rule["alertType"], "METRIC_BASED_ALERT"),
            rule_type: or(&rule["ruleType"], "threshold_rule"),
            query,
            op: or(&c["op"], "1"),
            match_type: or(&c["matchType"], "1"),
            target: text(&c["target"]),
            target_unit: text(&c["targetUnit"]),
            selected_query: or(&c["selectedQueryName"], "A"),
            eval_window: or(&rule["evalWindow"], "5m0s"),
            frequency: or(&rule["frequency"], "1m0s"),
            severity,
            labels: labels.into_iter().collect(),
            description: ann.get("description").cloned().unwrap_or_default(),
            summary: ann.get("summary").cloned().unwrap_or_default(),
            channels: rule["preferredChannels"]
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default(),
            disabled: rule["disabled"].as_bool().unwrap_or(false),
        }
    }

    /// Checks the inputs: the name and a numeric threshold are required.
    pub fn validate(&self) -> Result<f64, String> {
        if self.name.trim().is_empty() {
            return Err("The alert needs a name.".into());
        }
        let t: f64 = self
            .target
            .trim()
            .parse()
            .map_err(|_| "The threshold must be a number.".to_string())?;
        if !t.is_finite() {
            return Err("The threshold must be a number.".into());
        }
        Ok(t)
    }

    /// `original` with the fields this form changed written in; everything
    /// else is left as it was. For a new rule pass `Value::Null`.
    pub fn apply(&self, original: &Value) -> Result<Value, String> {
        let target = self.validate()?;
        let mut rule = match original {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let was = RuleForm::read(original, self.query.id.clone());
        let new = !original.is_object();
        let set = |m: &mut Map<String, Value>, k: &str, v: Value, changed: bool| {
            if new || changed {
                m.insert(k.to_string(), v);
            }
        };
        set(&mut rule, "alert", json!(self.name), self.name != was.name);
        set(
            &mut rule,
            "alertType",
            json!(self.alert_type),
            self.alert_type != was.alert_type,
        );
        let rule_type = if self.query.query_type == "promql" {
            "promql_rule"
        } else {
            "threshold_rule"
        };
        set(
            &mut rule,
            "ruleType",
            json!(rule_type),
            rule_type != was.rule_type,
        );
        set(
            &mut rule,
            "evalWindow",
            json!(self.eval_window),
            self.eval_window != was.eval_window,
        );
        set(
            &mut rule,
            "frequency",
            json!(self.frequency),
            self.frequency != was.frequency,
        );

        let mut cond = match rule.get("condition") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        if new || self.query != was.query {
            // Keys of the stored compositeQuery the builder does not write survive.
            let mut cq = cond
                .get("compositeQuery")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Value::Object(fresh) = self.query.composite_query("graph") {
                cq.extend(fresh);
            }
            cond.insert("compositeQuery".into(), Value::Object(cq));
        }
        let target_changed = was.validate_target() != Some(target);
        set(&mut cond, "op", json!(self.op), self.op != was.op);
        set(&mut cond, "target", json!(target), target_changed);
        set(
            &mut cond,
            "matchType",
            json!(self.match_type),
            self.match_type != was.match_type,
        );
        set(
            &mut cond,
            "targetUnit",
            json!(self.target_unit),
            self.target_unit != was.target_unit,
        );
        set(
            &mut cond,
            "selectedQueryName",
            json!(self.selected_query),
            self.selected_query != was.selected_query,
        );
        rule.insert("condition".into(), Value::Object(cond));

        let mut labels: BTreeMap<String, String> = self
            .labels
            .iter()
            .filter(|(k, _)| !k.trim().is_empty() && k != "severity")
            .map(|(k, v)| (k.trim().to_string(), v.clone()))
            .collect();
        if !self.severity.is_empty() {
            labels.insert("severity".into(), self.severity.clone());
        }
        if new || labels != string_map(&original["labels"]) {
            rule.insert("labels".into(), json!(labels));
        }

        let mut ann = match rule.get("annotations") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        let ann_changed = self.description != was.description || self.summary != was.summary;
        if new || ann_changed {
            set(
                &mut ann,
                "description",
                json!(self.description),
                self.description != was.description,
            );
            set(
                &mut ann,
                "summary",
                json!(self.summary),
                self.summary != was.summary,
            );
            rule.insert("annotations".into(), Value::Object(ann));
        }
        set(
            &mut rule,
            "preferredChannels",
            json!(self.channels),
            self.channels != was.channels,
        );
        set(
            &mut rule,
            "disabled",
            json!(self.disabled),
            self.disabled != was.disabled,
        );
        Ok(Value::Object(rule))
    }

    fn validate_target(&self) -> Option<f64> {
        self.target.trim().parse().ok()
    }
}

/// Sets `source` to the rule's own URL when it has none we can keep: a rule
/// whose `source` already is a URL (SigNoz's, or ours) keeps it.
pub fn with_source(mut rule: Value, origin: &str, rule_id: &str) -> Value {
    let keep = rule["source"]
        .as_str()
        .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"));
    if !keep && rule.is_object() {
        rule["source"] = json!(rule_source(origin, rule_id));
    }
    rule
}

/// Fields the server adds to a stored rule (`GettableRule`), not part of what is posted.
const SERVER_FIELDS: [&str; 6] = [
    "id", "state", "createAt", "createBy", "updateAt", "updateBy",
];

/// The `PostableRule` of a stored rule: the rule without the server's own fields.
pub fn postable(mut rule: Value) -> Value {
    if let Some(m) = rule.as_object_mut() {
        for k in SERVER_FIELDS {
            m.remove(k);
        }
    }
    rule
}

/// One line describing the condition, for the rules list.
pub fn condition_text(rule: &Value) -> String {
    let c = &rule["condition"];
    let cq = &c["compositeQuery"];
    let what = match cq["queryType"].as_str().unwrap_or("builder") {
        "promql" => {
            let q = cq["promQueries"]
                .as_object()
                .and_then(|m| m.values().next())
                .map(|q| text(&q["query"]))
                .unwrap_or_default();
            format!("PromQL {q}")
        }
        "clickhouse_sql" => "ClickHouse query".to_string(),
        _ => {
            let sel = c["selectedQueryName"].as_str().unwrap_or("A");
            let q = &cq["builderQueries"][sel];
            if q["expression"].is_string() && q["dataSource"].is_null() {
                format!("formula {}", text(&q["expression"]))
            } else {
                let attr = text(&q["aggregateAttribute"]["key"]);
                format!(
                    "{}({}) of {}",
                    text(&q["aggregateOperator"]),
                    attr,
                    text(&q["dataSource"])
                )
            }
        }
    };
    let label = |list: &[(&str, &'static str)], k: &Value| {
        list.iter()
            .find(|(c, _)| Some(*c) == k.as_str())
            .map(|x| x.1)
            .unwrap_or("?")
    };
    format!(
        "{what} {} {}{} {}",
        label(&OPS, &c["op"]),
        text(&c["target"]),
        text(&c["targetUnit"]),
        label(&MATCH_TYPES, &c["matchType"])
    )
}

/// The query a rule made from a chart's query checks (`selectedQueryName`): the
/// first enabled formula (what such a chart draws), else the first enabled query.
pub fn drawn_query(q: &Query) -> String {
    let b = &q.builder;
    b.query_formulas
        .iter()
        .find(|f| !f.disabled)
        .map(|f| f.query_name.clone())
        .or_else(|| {
            b.query_data
                .iter()
                .find(|d| !d.disabled)
                .map(|d| d.query_name.clone())
        })
        .unwrap_or_else(|| "A".into())
}

#[cfg(test)]
mod tests;
