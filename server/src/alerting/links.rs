//! The links SigNoz puts in an alert: the rule's URL (`ruleSource`, from the rule's `source`
//! as the editor captured it) and, for traces and logs rules, `related_traces` /
//! `related_logs` explorer links filtered to the alerting series.

use serde_json::{json, Map, Value};

use super::Labels;

/// Scheme, host and port of a URL, if it is one (`http://h:3301/alerts/new` → `http://h:3301`).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{host}"))
}

/// SigNoz's `prepareRuleGeneratorURL`: a source ending in `.../alerts/new` becomes
/// `.../alerts/edit?ruleId=<id>`; any other URL becomes `<origin>/alerts/edit?ruleId=<id>`.
/// A source that is no URL (older clients sent `dashboard-ui`) links to our own origin.
pub fn rule_url(source: &str, rule_id: &str, public_url: &str) -> String {
    if origin_of(source).is_some() {
        if let Some(i) = source.rfind("new") {
            return format!("{}edit?ruleId={rule_id}", &source[..i]);
        }
    }
    let origin = origin_of(source).unwrap_or_else(|| public_url.trim_end_matches('/').to_string());
    format!("{origin}/alerts/edit?ruleId={rule_id}")
}

/// Go's `url.QueryEscape`: everything but `A-Za-z0-9-_.~` percent-encoded, space as `+`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The explorer link SigNoz's `prepareLinksToTraces` / `prepareLinksToLogs` build: the
/// selected builder query's filters plus one `=` filter per label of the alerting series,
/// over the evaluation window. None for formulas, PromQL and ClickHouse rules.
pub fn related_link(
    rule: &Map<String, Value>,
    series: &Labels,
    start_ms: i64,
    end_ms: i64,
    public_url: &str,
) -> Option<(&'static str, String)> {
    let (name, path, source) = match rule.get("alertType").and_then(|t| t.as_str()) {
        Some("TRACES_BASED_ALERT") => ("related_traces", "/traces-explorer", "traces"),
        Some("LOGS_BASED_ALERT") => ("related_logs", "/logs/logs-explorer", "logs"),
        _ => return None,
    };
    let cond = rule.get("condition")?;
    let selected = cond.get("selectedQueryName")?.as_str()?;
    if selected.len() != 1 || !selected.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let cq = cond.get("compositeQuery")?;
    if cq.get("queryType").and_then(|q| q.as_str()) != Some("builder") {
        return None;
    }
    let q = cq.get("builderQueries")?.get(selected)?;
    let mut items: Vec<Value> = q
        .pointer("/filters/items")
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default();
    for (k, v) in series {
        items.retain(|it| it.pointer("/key/key").and_then(|x| x.as_str()) != Some(k.as_str()));
        let key = q
            .get("groupBy")
            .and_then(|g| g.as_array())
            .and_then(|g| g.iter().find(|x| x.get("key").and_then(|x| x.as_str()) == Some(k)))
            .cloned()
            .unwrap_or_else(|| json!({"key": k, "dataType": "string", "type": "tag", "isColumn": false, "isJSON": false}));
        items.push(json!({"key": key, "value": v, "op": "="}));
    }
    let composite = json!({"queryType": "builder", "builder": {"queryData": [{
        "dataSource": source, "queryName": "A", "aggregateOperator": "noop",
        "aggregateAttribute": {"key": "", "dataType": "", "type": "", "isColumn": false, "isJSON": false},
        "filters": {"items": items, "op": "AND"}, "expression": "A", "disabled": false,
        "having": [], "stepInterval": 60, "orderBy": [{"columnName": "timestamp", "order": "desc"}]}],
        "queryFormulas": []}});
    let time_range = json!({"start": start_ms, "end": end_ms, "pageSize": 100});
    let options = json!({"maxLines": 2, "format": "list", "selectColumns": []});
    let query = format!(
        "compositeQuery={}&timeRange={}&startTime={start_ms}&endTime={end_ms}&options={}",
        query_escape(&query_escape(&composite.to_string())),
        query_escape(&time_range.to_string()),
        query_escape(&options.to_string()),
    );
    let source_url = rule.get("source").and_then(|s| s.as_str()).unwrap_or("");
    let origin =
        origin_of(source_url).unwrap_or_else(|| public_url.trim_end_matches('/').to_string());
    Some((name, format!("{origin}{path}?{query}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_urls_as_signoz_builds_them() {
        assert_eq!(
            rule_url("http://h:3301/alerts/new", "7", "http://me"),
            "http://h:3301/alerts/edit?ruleId=7"
        );
        assert_eq!(
            rule_url("https://h/alerts/edit?ruleId=3&x=1", "7", "http://me"),
            "https://h/alerts/edit?ruleId=7"
        );
        assert_eq!(
            rule_url("dashboard-ui", "7", "http://me:8080/"),
            "http://me:8080/alerts/edit?ruleId=7"
        );
        assert_eq!(query_escape("a b/{\"c\"}"), "a+b%2F%7B%22c%22%7D");
    }
}
