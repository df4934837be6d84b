//! SigNoz v0.39's dashboard JSON (`types/api/dashboard/getAll.ts` `DashboardData`,
//! `Widgets`, `Layout`, `IDashboardVariable`) as plain Rust: read, edited and written
//! back losslessly. Every struct keeps the keys it does not know in `extra`, and a
//! known key that was absent stays absent, so a dashboard saved here keeps every
//! field it came with. Also: the `query_range` request of a widget, dashboard
//! variables as v0.39 sends them, the grid placement, export and import.

use crate::query_builder::composite::{BuilderData, Query};
use serde_json::{json, Map, Value};

type Obj = Map<String, Value>;

fn object(v: &Value) -> Obj {
    v.as_object().cloned().unwrap_or_default()
}

fn take_str(m: &mut Obj, k: &str) -> Option<String> {
    match m.get(k) {
        Some(Value::String(s)) => {
            let s = s.clone();
            m.remove(k);
            Some(s)
        }
        _ => None,
    }
}

fn take_bool(m: &mut Obj, k: &str) -> Option<bool> {
    match m.get(k) {
        Some(Value::Bool(b)) => {
            let b = *b;
            m.remove(k);
            Some(b)
        }
        _ => None,
    }
}

/// A number, or `null` (kept as `Some(None)` so it is written back as `null`).
fn take_num(m: &mut Obj, k: &str) -> Option<Option<f64>> {
    match m.get(k) {
        Some(Value::Number(n)) => {
            let n = n.as_f64();
            m.remove(k);
            Some(n)
        }
        Some(Value::Null) => {
            m.remove(k);
            Some(None)
        }
        _ => None,
    }
}

fn put_opt(m: &mut Obj, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.to_string(), v);
    }
}

fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// `Layout` of react-grid-layout: widget `i` at column `x`, row `y`, `w` × `h`
/// (12 columns; SigNoz's rows are 100 px tall). `moved`, `static`, … stay in `extra`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutItem {
    pub i: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub extra: Obj,
}

pub const GRID_COLUMNS: i64 = 12;

impl LayoutItem {
    pub fn from_value(v: &Value) -> LayoutItem {
        let mut m = object(v);
        let mut int = |k: &str, d: i64| match m.get(k).and_then(Value::as_f64) {
            Some(n) => {
                m.remove(k);
                n as i64
            }
            None => d,
        };
        let (x, y, w, h) = (int("x", 0), int("y", 0), int("w", 6), int("h", 3));
        LayoutItem {
            i: take_str(&mut m, "i").unwrap_or_default(),
            x,
            y,
            w,
            h,
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("i".into(), json!(self.i));
        for (k, v) in [("x", self.x), ("y", self.y), ("w", self.w), ("h", self.h)] {
            m.insert(k.into(), json!(v));
        }
        Value::Object(m)
    }
}

/// `ThresholdProps` of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub value: Option<f64>,
    /// `>` `<` `>=` `<=` `=`.
    pub operator: Option<String>,
    pub color: Option<String>,
    pub extra: Obj,
}

impl Threshold {
    pub fn from_value(v: &Value) -> Threshold {
        let mut m = object(v);
        Threshold {
            value: take_num(&mut m, "thresholdValue").flatten(),
            operator: take_str(&mut m, "thresholdOperator"),
            color: take_str(&mut m, "thresholdColor"),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put_opt(&mut m, "thresholdValue", self.value.map(num));
        put_opt(
            &mut m,
            "thresholdOperator",
            self.operator.clone().map(Value::from),
        );
        put_opt(
            &mut m,
            "thresholdColor",
            self.color.clone().map(Value::from),
        );
        Value::Object(m)
    }

    /// Whether `v` meets the threshold (a value panel takes its colour from the first that does).
    pub fn matches(&self, v: f64) -> bool {
        let Some(t) = self.value else { return false };
        match self.operator.as_deref().unwrap_or(">") {
            ">" => v > t,
            "<" => v < t,
            ">=" => v >= t,
            "<=" => v <= t,
            "=" => v == t,
            _ => false,
        }
    }
}

/// A panel (`Widgets`).
#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// "graph" | "value" | "table" | "list" | "trace".
    pub panel_types: Option<String>,
    pub query: Query,
    /// The query as it came and as it was read: written back unchanged while
    /// `query` is unchanged, so SigNoz's exact text (absent `id`s, …) survives.
    original_query: Option<(Query, Value)>,
    pub time_preferance: Option<String>,
    pub y_axis_unit: Option<String>,
    pub thresholds: Option<Vec<Threshold>>,
    pub soft_min: Option<Option<f64>>,
    pub soft_max: Option<Option<f64>>,
    pub is_stacked: Option<bool>,
    /// "zero" | "spanGaps" | "transparent".
    pub null_zero_values: Option<String>,
    pub opacity: Option<String>,
    pub fill_spans: Option<bool>,
    pub extra: Obj,
}

impl Widget {
    pub fn from_value(v: &Value) -> Widget {
        let mut m = object(v);
        let raw_query = m.remove("query");
        let query = raw_query
            .as_ref()
            .and_then(|q| Query::from_value(q).ok())
            .unwrap_or_else(|| Query::initial("metrics", String::new()));
        let original_query = raw_query.map(|raw| (query.clone(), raw));
        let thresholds = match m.get("thresholds") {
            Some(Value::Array(a)) => {
                let t = a.iter().map(Threshold::from_value).collect();
                m.remove("thresholds");
                Some(t)
            }
            _ => None,
        };
        let mut w = Widget {
            id: take_str(&mut m, "id").unwrap_or_default(),
            title: take_str(&mut m, "title"),
            description: take_str(&mut m, "description"),
            panel_types: take_str(&mut m, "panelTypes"),
            query,
            original_query,
            time_preferance: take_str(&mut m, "timePreferance"),
            y_axis_unit: take_str(&mut m, "yAxisUnit"),
            thresholds,
            soft_min: take_num(&mut m, "softMin"),
            soft_max: take_num(&mut m, "softMax"),
            is_stacked: take_bool(&mut m, "isStacked"),
            null_zero_values: take_str(&mut m, "nullZeroValues"),
            opacity: take_str(&mut m, "opacity"),
            fill_spans: take_bool(&mut m, "fillSpans"),
            extra: m,
        };
        w.migrate_our_query();
        w
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("id".into(), json!(self.id));
        let s = |v: &Option<String>| v.clone().map(Value::from);
        put_opt(&mut m, "title", s(&self.title));
        put_opt(&mut m, "description", s(&self.description));
        put_opt(&mut m, "panelTypes", s(&self.panel_types));
        let query = match &self.original_query {
            Some((q, raw)) if *q == self.query => raw.clone(),
            _ => self.query.to_value(),
        };
        m.insert("query".into(), query);
        put_opt(&mut m, "timePreferance", s(&self.time_preferance));
        put_opt(&mut m, "yAxisUnit", s(&self.y_axis_unit));
        put_opt(
            &mut m,
            "thresholds",
            self.thresholds
                .as_ref()
                .map(|t| Value::Array(t.iter().map(Threshold::to_value).collect())),
        );
        let n = |v: Option<Option<f64>>| v.map(|x| x.map(num).unwrap_or(Value::Null));
        put_opt(&mut m, "softMin", n(self.soft_min));
        put_opt(&mut m, "softMax", n(self.soft_max));
        put_opt(&mut m, "isStacked", self.is_stacked.map(Value::from));
        put_opt(&mut m, "nullZeroValues", s(&self.null_zero_values));
        put_opt(&mut m, "opacity", s(&self.opacity));
        put_opt(&mut m, "fillSpans", self.fill_spans.map(Value::from));
        Value::Object(m)
    }

    /// A new panel with every field SigNoz's "new panel" writes.
    pub fn new(id: &str, panel_type: &str, query: Query) -> Widget {
        let v = crate::query_builder::composite::widget(id, "New panel", panel_type, &query);
        let mut w = Widget::from_value(&v);
        w.fill_spans = Some(false);
        w.original_query = None;
        w
    }

    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("")
    }

    pub fn panel_type(&self) -> &str {
        self.panel_types.as_deref().unwrap_or("graph")
    }

    pub fn unit(&self) -> &str {
        self.y_axis_unit.as_deref().unwrap_or("")
    }

    pub fn stacked(&self) -> bool {
        self.is_stacked.unwrap_or(false)
    }

    /// Panels saved by this UI before it wrote SigNoz's format kept a simple
    /// traces/logs query under `ourQuery`: turn it into the builder query it meant.
    fn migrate_our_query(&mut self) {
        let Some(our) = self.extra.remove("ourQuery") else {
            return;
        };
        let Ok(p) = serde_json::from_value::<crate::query_builder::PanelQuery>(our) else {
            return;
        };
        let body = crate::query_builder::panel_query(&p, self.panel_type(), 0, 0, 60);
        if let Ok(mut q) = Query::from_composite_query(&body["compositeQuery"], self.id.clone()) {
            q.promql = json!([{"name": "A", "query": "", "legend": "", "disabled": false}]);
            q.clickhouse_sql = json!([{"name": "A", "query": "", "legend": "", "disabled": false}]);
            self.query = q;
            self.original_query = None;
        }
        if self.panel_types.as_deref() == Some("bar") {
            self.panel_types = Some("graph".into());
        }
    }
}

/// `IDashboardVariable`.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: Option<String>,
    /// "QUERY" | "CUSTOM" | "TEXTBOX".
    pub kind: Option<String>,
    pub description: Option<String>,
    pub query_value: Option<String>,
    /// CUSTOM: comma-separated values.
    pub custom_value: Option<String>,
    pub textbox_value: Option<String>,
    pub multi_select: Option<bool>,
    pub show_all_option: Option<bool>,
    /// "DISABLED" | "ASC" | "DESC".
    pub sort: Option<String>,
    /// A string, a number, a list (multi-select) or null.
    pub selected_value: Option<Value>,
    pub all_selected: Option<bool>,
    pub extra: Obj,
}

impl Variable {
    pub fn from_value(v: &Value) -> Variable {
        let mut m = object(v);
        Variable {
            name: take_str(&mut m, "name"),
            kind: take_str(&mut m, "type"),
            description: take_str(&mut m, "description"),
            query_value: take_str(&mut m, "queryValue"),
            custom_value: take_str(&mut m, "customValue"),
            textbox_value: take_str(&mut m, "textboxValue"),
            multi_select: take_bool(&mut m, "multiSelect"),
            show_all_option: take_bool(&mut m, "showALLOption"),
            sort: take_str(&mut m, "sort"),
            selected_value: m.remove("selectedValue"),
            all_selected: take_bool(&mut m, "allSelected"),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        let s = |v: &Option<String>| v.clone().map(Value::from);
        put_opt(&mut m, "name", s(&self.name));
        put_opt(&mut m, "type", s(&self.kind));
        put_opt(&mut m, "description", s(&self.description));
        put_opt(&mut m, "queryValue", s(&self.query_value));
        put_opt(&mut m, "customValue", s(&self.custom_value));
        put_opt(&mut m, "textboxValue", s(&self.textbox_value));
        put_opt(&mut m, "multiSelect", self.multi_select.map(Value::from));
        put_opt(
            &mut m,
            "showALLOption",
            self.show_all_option.map(Value::from),
        );
        put_opt(&mut m, "sort", s(&self.sort));
        put_opt(&mut m, "selectedValue", self.selected_value.clone());
        put_opt(&mut m, "allSelected", self.all_selected.map(Value::from));
        Value::Object(m)
    }

    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or("QUERY")
    }

    pub fn multi(&self) -> bool {
        self.multi_select.unwrap_or(false)
    }

    /// The values offered: CUSTOM's comma list, or a QUERY's answer (`fetched`),
    /// de-duplicated and sorted as `sort` says.
    pub fn options(&self, fetched: &[String]) -> Vec<String> {
        let mut out: Vec<String> = match self.kind() {
            "CUSTOM" => self
                .custom_value
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            "TEXTBOX" => return Vec::new(),
            _ => fetched.to_vec(),
        };
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|v| seen.insert(v.clone()));
        match self.sort.as_deref() {
            Some("ASC") => out.sort(),
            Some("DESC") => out.sort_by(|a, b| b.cmp(a)),
            _ => {}
        }
        out
    }

    /// The selected values as text (empty when nothing is selected).
    pub fn selected(&self) -> Vec<String> {
        match &self.selected_value {
            Some(Value::Array(a)) => a.iter().map(crate::model::value_text).collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(Value::String(s)) if s.is_empty() => Vec::new(),
            Some(v) => vec![crate::model::value_text(v)],
        }
    }

    /// Picks a value for a variable with none selected, as v0.39 does: ALL when
    /// offered on a multi-select, else the first option.
    pub fn default_selection(&mut self, options: &[String]) {
        if self.kind() == "TEXTBOX" {
            if self.selected().is_empty() {
                let t = self.textbox_value.clone().unwrap_or_default();
                self.selected_value = Some(json!(t));
            }
            return;
        }
        let current = self.selected();
        if !current.is_empty() && current.iter().all(|c| options.contains(c)) {
            return;
        }
        if self.multi() && self.show_all_option.unwrap_or(false) {
            self.select_all(options);
        } else if let Some(first) = options.first() {
            self.select(vec![first.clone()]);
        }
    }

    pub fn select(&mut self, values: Vec<String>) {
        self.all_selected = self.all_selected.map(|_| false);
        self.selected_value = Some(if self.multi() {
            json!(values)
        } else {
            json!(values.into_iter().next().unwrap_or_default())
        });
    }

    pub fn select_all(&mut self, options: &[String]) {
        self.selected_value = Some(json!(options));
        self.all_selected = Some(true);
    }

    /// The value sent in `query_range`'s `variables` (v0.39 `getDashboardVariables`):
    /// a list for multi-select, the text otherwise; numbers stay numbers.
    pub fn payload(&self) -> Value {
        match &self.selected_value {
            Some(Value::Array(a)) if !self.multi() => a.first().cloned().unwrap_or(json!("")),
            Some(Value::String(s)) if self.multi() && !s.is_empty() => json!([s]),
            Some(v) => v.clone(),
            None => json!(""),
        }
    }
}

/// A dashboard's `data`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashboardSpec {
    pub title: String,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub layout: Option<Vec<LayoutItem>>,
    pub widgets: Vec<Widget>,
    /// Keyed by name, in the stored order.
    pub variables: Option<Vec<(String, Variable)>>,
    pub extra: Obj,
}

impl DashboardSpec {
    pub fn from_value(v: &Value) -> DashboardSpec {
        let mut m = object(v);
        let list = |m: &mut Obj, k: &str| match m.get(k) {
            Some(Value::Array(_)) => m.remove(k).and_then(|v| v.as_array().cloned()),
            Some(Value::Null) => {
                m.remove(k);
                Some(Vec::new())
            }
            _ => None,
        };
        let widgets = list(&mut m, "widgets")
            .unwrap_or_default()
            .iter()
            .map(Widget::from_value)
            .collect();
        let layout = list(&mut m, "layout").map(|l| l.iter().map(LayoutItem::from_value).collect());
        let tags = match m.get("tags") {
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
                let t = a
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect();
                m.remove("tags");
                Some(t)
            }
            _ => None,
        };
        let variables = match m.get("variables") {
            Some(Value::Object(vars)) => {
                let v = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), Variable::from_value(v)))
                    .collect();
                m.remove("variables");
                Some(v)
            }
            _ => None,
        };
        DashboardSpec {
            title: take_str(&mut m, "title").unwrap_or_default(),
            description: take_str(&mut m, "description"),
            tags,
            layout,
            widgets,
            variables,
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("title".into(), json!(self.title));
        put_opt(
            &mut m,
            "description",
            self.description.clone().map(Value::from),
        );
        put_opt(&mut m, "tags", self.tags.clone().map(|t| json!(t)));
        put_opt(
            &mut m,
            "layout",
            self.layout
                .as_ref()
                .map(|l| Value::Array(l.iter().map(LayoutItem::to_value).collect())),
        );
        m.insert(
            "widgets".into(),
            Value::Array(self.widgets.iter().map(Widget::to_value).collect()),
        );
        put_opt(
            &mut m,
            "variables",
            self.variables.as_ref().map(|vs| {
                Value::Object(vs.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
            }),
        );
        Value::Object(m)
    }

    pub fn tags(&self) -> &[String] {
        self.tags.as_deref().unwrap_or(&[])
    }

    pub fn variables(&self) -> &[(String, Variable)] {
        self.variables.as_deref().unwrap_or(&[])
    }

    pub fn variable_mut(&mut self, name: &str) -> Option<&mut Variable> {
        self.variables
            .as_mut()?
            .iter_mut()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// `variables` of `query_range`: each variable's selection by name.
    pub fn variables_payload(&self) -> Value {
        Value::Object(
            self.variables()
                .iter()
                .map(|(k, v)| (v.name.clone().unwrap_or_else(|| k.clone()), v.payload()))
                .collect(),
        )
    }

    /// Every widget with its place: the stored layout item, or the first free
    /// slot below the others (for widgets without one).
    pub fn placed(&self) -> Vec<(Widget, LayoutItem)> {
        let layout = self.layout.as_deref().unwrap_or(&[]);
        let mut bottom = layout.iter().map(|l| l.y + l.h).max().unwrap_or(0);
        let mut out = Vec::new();
        let mut col = 0;
        for w in &self.widgets {
            let item = match layout.iter().find(|l| l.i == w.id) {
                Some(l) => l.clone(),
                None => {
                    let l = LayoutItem {
                        i: w.id.clone(),
                        x: col,
                        y: bottom,
                        w: 6,
                        h: 3,
                        extra: Obj::new(),
                    };
                    col += 6;
                    if col >= GRID_COLUMNS {
                        col = 0;
                        bottom += 3;
                    }
                    l
                }
            };
            out.push((w.clone(), item));
        }
        out.sort_by_key(|(_, l)| (l.y, l.x));
        out
    }

    /// Sets one widget's place (after a drag or resize), clamped to the grid.
    pub fn set_place(&mut self, id: &str, x: i64, y: i64, w: i64, h: i64) {
        let w = w.clamp(1, GRID_COLUMNS);
        let item = LayoutItem {
            i: id.to_string(),
            x: x.clamp(0, GRID_COLUMNS - w),
            y: y.max(0),
            w,
            h: h.max(1),
            extra: Obj::new(),
        };
        let layout = self.layout.get_or_insert_with(Vec::new);
        match layout.iter_mut().find(|l| l.i == id) {
            Some(l) => {
                let extra = std::mem::take(&mut l.extra);
                *l = LayoutItem { extra, ..item };
            }
            None => layout.push(item),
        }
    }

    /// Adds or replaces a widget; a new one goes below the others.
    pub fn upsert_widget(&mut self, w: Widget) {
        match self.widgets.iter_mut().find(|x| x.id == w.id) {
            Some(slot) => *slot = w,
            None => {
                let bottom = self
                    .layout
                    .as_deref()
                    .unwrap_or(&[])
                    .iter()
                    .map(|l| l.y + l.h)
                    .max()
                    .unwrap_or(0);
                self.set_place(&w.id, 0, bottom, 6, 3);
                self.widgets.push(w);
            }
        }
    }

    pub fn remove_widget(&mut self, id: &str) {
        self.widgets.retain(|w| w.id != id);
        if let Some(l) = self.layout.as_mut() {
            l.retain(|l| l.i != id);
        }
    }

    /// A copy of widget `id` under `new_id`, placed beside the original or below.
    pub fn clone_widget(&mut self, id: &str, new_id: &str) -> bool {
        let Some(mut w) = self.widgets.iter().find(|w| w.id == id).cloned() else {
            return false;
        };
        let place = self
            .placed()
            .into_iter()
            .find(|(x, _)| x.id == id)
            .map(|(_, l)| l);
        let bottom = self
            .placed()
            .iter()
            .map(|(_, l)| l.y + l.h)
            .max()
            .unwrap_or(0);
        w.id = new_id.to_string();
        w.query.id = new_id.to_string();
        self.widgets.push(w);
        let (pw, ph) = place.as_ref().map(|l| (l.w, l.h)).unwrap_or((6, 3));
        self.set_place(new_id, 0, bottom, pw, ph);
        true
    }
}

/// A widget's `query_range` body for the window `[start, end]` ms (what v0.39's
/// `GetMetricQueryRange` sends): builder queries and formulas, or the PromQL /
/// ClickHouse queries with text, plus the dashboard's variables.
pub fn widget_request(
    w: &Widget,
    start_ms: i64,
    end_ms: i64,
    step: i64,
    variables: &Value,
) -> Value {
    let panel = match w.panel_type() {
        "value" | "table" | "list" => w.panel_type(),
        _ => "graph",
    };
    let mut cq = w.query.composite_query(panel);
    if w.query.query_type == "clickhouse_sql" {
        // Older dashboards keep the SQL under `rawQuery`.
        let mut m = Obj::new();
        for item in w.query.clickhouse_sql.as_array().into_iter().flatten() {
            let text = item["query"]
                .as_str()
                .or(item["rawQuery"].as_str())
                .unwrap_or("");
            if let (Some(name), false) = (item["name"].as_str(), text.is_empty()) {
                let mut it = item.clone();
                it["query"] = json!(text);
                m.insert(name.into(), it);
            }
        }
        cq["chQueries"] = Value::Object(m);
    }
    json!({
        "start": start_ms,
        "end": end_ms,
        "step": step.max(60),
        "variables": variables,
        "dataSource": "metrics",
        "compositeQuery": cq,
    })
}

/// Whether the widget's query has anything to run.
pub fn has_query(w: &Widget) -> bool {
    let texts = |v: &Value, alt: &str| {
        v.as_array().into_iter().flatten().any(|i| {
            !i["disabled"].as_bool().unwrap_or(false)
                && (i["query"].as_str().is_some_and(|s| !s.trim().is_empty())
                    || i[alt].as_str().is_some_and(|s| !s.trim().is_empty()))
        })
    };
    match w.query.query_type.as_str() {
        "promql" => texts(&w.query.promql, "query"),
        "clickhouse_sql" => texts(&w.query.clickhouse_sql, "rawQuery"),
        _ => !w.query.builder.query_data.is_empty(),
    }
}

/// The result names a panel draws: enabled queries and formulas (builder), or
/// enabled PromQL / ClickHouse queries, with their legends.
pub fn drawn_queries(q: &Query) -> Vec<(String, String)> {
    let from_list = |v: &Value| {
        v.as_array()
            .into_iter()
            .flatten()
            .filter(|i| !i["disabled"].as_bool().unwrap_or(false))
            .filter_map(|i| {
                Some((
                    i["name"].as_str()?.to_string(),
                    i["legend"].as_str().unwrap_or("").to_string(),
                ))
            })
            .collect::<Vec<_>>()
    };
    match q.query_type.as_str() {
        "promql" => from_list(&q.promql),
        "clickhouse_sql" => from_list(&q.clickhouse_sql),
        _ => {
            let BuilderData {
                query_data,
                query_formulas,
                ..
            } = &q.builder;
            query_data
                .iter()
                .filter(|b| !b.disabled)
                .map(|b| (b.query_name.clone(), b.legend.clone()))
                .chain(
                    query_formulas
                        .iter()
                        .filter(|f| !f.disabled)
                        .map(|f| (f.query_name.clone(), f.legend.clone())),
                )
                .collect()
        }
    }
}

/// Running totals of series (a stacked chart draws each on top of those before);
/// points are matched by timestamp, missing or non-finite ones add nothing.
pub fn stack(series: &[Vec<(f64, f64)>]) -> Vec<Vec<(f64, f64)>> {
    let mut acc: std::collections::BTreeMap<i64, f64> = Default::default();
    series
        .iter()
        .map(|s| {
            s.iter()
                .map(|&(t, v)| {
                    let slot = acc.entry(t as i64).or_insert(0.0);
                    if v.is_finite() {
                        *slot += v;
                    }
                    (t, *slot)
                })
                .collect()
        })
        .collect()
}

/// The dashboard as exported: its `data` without the server's ids.
pub fn export_json(spec: &DashboardSpec) -> String {
    serde_json::to_string_pretty(&spec.to_value()).unwrap_or_default()
}

/// Reads pasted or uploaded JSON: a bare `data` object, or a whole dashboard
/// (`{id, uuid, data}`) as the list API returns it. A clear error otherwise.
pub fn import_json(text: &str) -> Result<DashboardSpec, String> {
    let v: Value = serde_json::from_str(text.trim()).map_err(|e| format!("not JSON: {e}"))?;
    let data = if v.get("data").is_some_and(Value::is_object) && v.get("uuid").is_some() {
        v["data"].clone()
    } else {
        v
    };
    if !data.is_object() {
        return Err("a dashboard must be a JSON object".into());
    }
    let spec = DashboardSpec::from_value(&data);
    if spec.title.trim().is_empty() {
        return Err("the dashboard has no title".into());
    }
    Ok(spec)
}

/// Dashboards whose title, description or tags contain `search` (any case) and
/// that carry every tag of `tags`.
pub fn matches_filter(spec: &DashboardSpec, search: &str, tags: &[String]) -> bool {
    let s = search.trim().to_lowercase();
    let text_ok = s.is_empty()
        || spec.title.to_lowercase().contains(&s)
        || spec
            .description
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .contains(&s)
        || spec.tags().iter().any(|t| t.to_lowercase().contains(&s));
    text_ok && tags.iter().all(|t| spec.tags().contains(t))
}

/// The alert-creation link of a panel (`/alerts/new?compositeQuery=…`, as v0.39's
/// "Create alerts" menu item writes it).
pub fn alert_link(w: &Widget) -> String {
    format!(
        "/alerts/new?compositeQuery={}&panelTypes={}",
        crate::url_state::encode(&w.query.to_url_param()),
        crate::url_state::encode(&format!("\"{}\"", w.panel_type()))
    )
}

/// Value formatting for a `yAxisUnit` (the common units of SigNoz's unit picker).
pub fn unit_format(unit: &str) -> fn(f64) -> String {
    match unit {
        "bytes" | "decbytes" => fmt_bytes,
        "percent" => fmt_percent,
        "percentunit" => fmt_percentunit,
        "s" => fmt_seconds,
        "ms" => fmt_ms,
        "µs" | "us" => fmt_us,
        "ns" => crate::format::duration_ns,
        "reqps" | "ops" => fmt_per_second,
        _ => crate::format::compact,
    }
}

fn fmt_bytes(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = v;
    let mut i = 0;
    while x.abs() >= 1024.0 && i < units.len() - 1 {
        x /= 1024.0;
        i += 1;
    }
    format!("{} {}", crate::format::sig3(x), units[i])
}

fn fmt_percent(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    format!("{}%", crate::format::sig3(v))
}

fn fmt_percentunit(v: f64) -> String {
    fmt_percent(v * 100.0)
}

fn fmt_seconds(v: f64) -> String {
    crate::format::duration_ns(v * 1e9)
}

fn fmt_ms(v: f64) -> String {
    crate::format::duration_ns(v * 1e6)
}

fn fmt_us(v: f64) -> String {
    crate::format::duration_ns(v * 1e3)
}

fn fmt_per_second(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    format!("{}/s", crate::format::compact(v))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
