//! SigNoz v0.39's v1 logs API (raw replies, `app/http_handler.go` getLogs, tailLogs,
//! logFields, logFieldUpdate, logAggregate): the list with `q` search and id paging, the
//! field lists, the time-bucketed aggregate and the SSE tail. `q` is read by
//! `logs_search`; its conditions compile to the same SQL as v3 builder filters, and the tail
//! is the v3 live tail's stream with a different filter.

use axum::extract::{Query, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::{body::Bytes, Router};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection};
use signoz_api::logs_v1::{
    LogField, LogFields, LogsAggregate, LogsAggregateItem, LogsResults, UpdateField,
};

use super::access::{EditAccess, ViewAccess};
use super::logs_search::{self, LogKeys};
use super::query_range::logs::{signoz_log, SIGNOZ_LOG_COLUMNS};
use super::query_range::table::log_column;
use super::{livetail, raw, ApiError, AppState};
use crate::store::filter::Where;
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/logs", get(list))
        .route("/api/v1/logs/fields", get(fields).post(update_field))
        .route("/api/v1/logs/aggregate", get(aggregate))
}

/// The SSE route, mounted where request timeouts do not apply.
pub fn stream_routes() -> Router<AppState> {
    Router::new().route("/api/v1/logs/tail", get(tail))
}

/// Default and largest page (v0.39: default 30, no cap; a cap keeps one request bounded).
const DEFAULT_LIMIT: i64 = 30;
pub const MAX_LIMIT: i64 = 1000;

/// Query parameters; like Go's `params[k][0]`, the first of repeated keys counts.
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    fn int(&self, k: &str) -> Result<Option<i64>, ApiError> {
        self.get(k)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    incorrect_params(format!("strconv.Atoi: parsing {v:?}: invalid syntax"))
                })
            })
            .transpose()
    }

    /// A ns timestamp; 0 means unset, as in v0.39.
    fn ts(&self, k: &str) -> Result<Option<i64>, ApiError> {
        match self.int(k)? {
            Some(t) if t < 0 => Err(incorrect_params(format!("{k} must not be negative"))),
            Some(0) | None => Ok(None),
            t => Ok(t),
        }
    }
}

fn incorrect_params(msg: impl Into<String>) -> ApiError {
    with_data(ApiError::bad_data(msg), "Incorrect params")
}

fn with_data(mut e: ApiError, data: &str) -> ApiError {
    e.data = Some(data.into());
    e
}

/// The `q` search plus time and id bounds as one WHERE clause; bad `q` → 400.
fn search_where(
    c: &Connection,
    q: &str,
    start: Option<i64>,
    end: Option<i64>,
    id_gt: Option<&str>,
    id_lt: Option<&str>,
    data: &str,
) -> Result<Result<Where, ApiError>, StoreError> {
    let bad = |m: String| with_data(ApiError::bad_data(m), data);
    let search = match logs_search::parse(q) {
        Ok(s) => s,
        Err(m) => return Ok(Err(bad(m))),
    };
    let mut w = Where::default();
    if let Some(s) = start {
        w.push("ts >= ?", [s.into()]);
    }
    if let Some(e) = end {
        w.push("ts <= ?", [e.into()]);
    }
    if let Some(id) = id_gt {
        w.push("id > ?", [SqlValue::Text(id.into())]);
    }
    if let Some(id) = id_lt {
        w.push("id < ?", [SqlValue::Text(id.into())]);
    }
    if !search.is_empty() {
        let keys = LogKeys::load(c)?;
        if let Err(m) = search.push_to(&mut w, &keys) {
            return Ok(Err(bad(m)));
        }
    }
    Ok(Ok(w))
}

/// `GET /api/v1/logs?q=&limit=&orderBy=&order=&timestampStart=&timestampEnd=&idGt=&idLt=`.
async fn list(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(p): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let p = Params(p);
    let limit = p.int("limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit < 0 {
        return Err(incorrect_params("limit must not be negative"));
    }
    let limit = limit.min(MAX_LIMIT);
    let order_by = p.get("orderBy").unwrap_or("timestamp").to_string();
    // Only real columns may be sorted on: the name is written into SQL.
    let column = log_column(&order_by)
        .map(|(c, _)| c)
        .ok_or_else(|| incorrect_params(format!("orderBy {order_by:?} is not a logs column")))?;
    let mut asc = match p
        .get("order")
        .unwrap_or("desc")
        .to_ascii_lowercase()
        .as_str()
    {
        "asc" => true,
        "desc" => false,
        other => {
            return Err(incorrect_params(format!(
                "order {other:?} is not asc or desc"
            )))
        }
    };
    let (start, end) = (p.ts("timestampStart")?, p.ts("timestampEnd")?);
    let id_gt = p.get("idGt").filter(|s| !s.is_empty()).map(str::to_string);
    let id_lt = p.get("idLt").filter(|s| !s.is_empty()).map(str::to_string);
    // v0.39 `CheckIfPrevousPaginateAndModifyOrder`: the previous page is read in the other
    // order and reversed, so it ends next to the current one.
    let reverse =
        order_by == "timestamp" && ((id_gt.is_some() && !asc) || (id_lt.is_some() && asc));
    if reverse {
        asc = !asc;
    }
    let q = p.get("q").unwrap_or("").to_string();
    let results = st
        .store
        .run(move |c| {
            let w = match search_where(
                c,
                &q,
                start,
                end,
                id_gt.as_deref(),
                id_lt.as_deref(),
                "Failed to fetch logs from the DB",
            )? {
                Ok(w) => w,
                Err(e) => return Ok(Err(e)),
            };
            let dir = if asc { "ASC" } else { "DESC" };
            let sql = format!(
                "SELECT {SIGNOZ_LOG_COLUMNS} FROM logs WHERE {} ORDER BY {column} {dir}, id {dir} LIMIT {limit}",
                w.sql()
            );
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(w.params.iter()))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(signoz_log(r, 0));
            }
            if reverse {
                out.reverse();
            }
            Ok(Ok(out))
        })
        .await??;
    Ok(raw(LogsResults { results }))
}

/// v0.39 `constants.StaticSelectedLogFields`: always selected, never changed.
const STATIC_FIELDS: [(&str, &str); 7] = [
    ("timestamp", "UInt32"),
    ("id", "String"),
    ("severity_text", "LowCardinality(String)"),
    ("severity_number", "Uint8"),
    ("trace_flags", "UInt32"),
    ("trace_id", "String"),
    ("span_id", "String"),
];

/// Our attr_keys data types as SigNoz's ClickHouse type names.
fn clickhouse_type(dt: &str) -> &'static str {
    match dt {
        "int64" => "Int64",
        "float64" => "Float64",
        "bool" => "Bool",
        _ => "String",
    }
}

fn read_fields(c: &Connection) -> Result<LogFields, StoreError> {
    let mut out = LogFields {
        selected: STATIC_FIELDS
            .iter()
            .map(|(n, dt)| LogField {
                name: n.to_string(),
                data_type: dt.to_string(),
                kind: "static".into(),
            })
            .collect(),
        interesting: vec![],
    };
    let mut st = c.prepare(
        "SELECT name, data_type, type FROM log_selected_fields ORDER BY type, name, data_type",
    )?;
    let selected: Vec<LogField> = st
        .query_map([], |r| {
            Ok(LogField {
                name: r.get(0)?,
                data_type: r.get(1)?,
                kind: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut st = c.prepare(
        "SELECT key, data_type, CASE type WHEN 'resource' THEN 'resources' ELSE 'attributes' END AS t
         FROM attr_keys WHERE source = 'logs' ORDER BY t, key",
    )?;
    let seen = st.query_map([], |r| {
        Ok(LogField {
            name: r.get(0)?,
            data_type: clickhouse_type(&r.get::<_, String>(1)?).into(),
            kind: r.get(2)?,
        })
    })?;
    for f in seen {
        let f = f?;
        if !selected.contains(&f) {
            out.interesting.push(f);
        }
    }
    out.selected.extend(selected);
    Ok(out)
}

/// `GET /api/v1/logs/fields`: static columns and promoted fields are "selected"; every other
/// attribute or resource key the store has seen on a log is "interesting".
async fn fields(State(st): State<AppState>, _: ViewAccess) -> Result<Response, ApiError> {
    Ok(raw(st.store.run(|c| read_fields(c)).await?))
}

/// v0.39 `ValidateUpdateFieldPayload`.
fn validate_field(f: &UpdateField) -> Result<(), String> {
    if f.name.is_empty() {
        return Err("name cannot be empty".into());
    }
    if f.kind.is_empty() {
        return Err("type cannot be empty".into());
    }
    if f.data_type.is_empty() {
        return Err("dataType cannot be empty".into());
    }
    if !matches!(f.kind.as_str(), "static" | "attributes" | "resources") {
        return Err(format!("type {} not supported", f.kind));
    }
    if !f.index.is_empty() {
        let re = regex::Regex::new(
            r"^(minmax|set\([0-9]\)|bloom_filter\((0?.?[0-9]+|1)\)|tokenbf_v1\([0-9]+,[0-9]+,[0-9]+\)|ngrambf_v1\([0-9]+,[0-9]+,[0-9]+,[0-9]+\))$",
        )
        .expect("a valid pattern");
        if !re.is_match(&f.index) {
            return Err(format!("index type {} not supported", f.index));
        }
    }
    Ok(())
}

/// `POST /api/v1/logs/fields` (editor): promotes (`selected:true`) or demotes a field and
/// echoes it. SigNoz also adds a materialized column and a skip index in ClickHouse; on our
/// SQLite store attributes are read from JSON either way, so only the selection is kept and
/// `index`/`indexGranularity` are validated but otherwise a no-op.
async fn update_field(
    State(st): State<AppState>,
    _: EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f: UpdateField = serde_json::from_slice(&body).map_err(|e| {
        with_data(
            ApiError::bad_data(e.to_string()),
            "Failed to decode payload",
        )
    })?;
    validate_field(&f).map_err(|m| with_data(ApiError::bad_data(m), "Incorrect payload"))?;
    if f.kind == "static" {
        return Err(with_data(
            ApiError::bad_data("cannot update static fields"),
            "Failed to update filed in the DB",
        ));
    }
    let row = f.clone();
    st.store
        .run(move |c| {
            if row.selected {
                c.execute(
                    "INSERT OR IGNORE INTO log_selected_fields (name, type, data_type) VALUES (?1, ?2, ?3)",
                    params![row.name, row.kind, row.data_type],
                )?;
            } else {
                c.execute(
                    "DELETE FROM log_selected_fields WHERE name = ?1 AND type = ?2 AND data_type = ?3",
                    params![row.name, row.kind, row.data_type],
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(raw(f))
}

/// An aggregate `function`: `count`/`count()` (the default), or `sum|avg|min|max|uniq(field)`.
/// v0.39 passes the text to ClickHouse as SQL; here only these forms are accepted.
fn aggregate_sql(function: &str, keys: &LogKeys) -> Result<(String, Vec<SqlValue>), String> {
    let f = function.trim();
    let unsupported = || {
        format!("function {f:?} is not supported: use count(), sum(field), avg(field), min(field), max(field) or uniq(field)")
    };
    if f.is_empty() || f.eq_ignore_ascii_case("count") || f.eq_ignore_ascii_case("count()") {
        return Ok(("CAST(COUNT(*) AS REAL)".into(), vec![]));
    }
    let (name, rest) = f.split_once('(').ok_or_else(unsupported)?;
    let arg = rest.strip_suffix(')').ok_or_else(unsupported)?.trim();
    let (open, close) = match name.trim().to_ascii_lowercase().as_str() {
        "sum" => ("SUM(", ")"),
        "avg" => ("AVG(", ")"),
        "min" => ("MIN(", ")"),
        "max" => ("MAX(", ")"),
        "count" => ("COUNT(", ")"),
        "uniq" | "count_distinct" => ("COUNT(DISTINCT ", ")"),
        _ => return Err(unsupported()),
    };
    let (e, _) = keys.resolve(arg)?;
    Ok((format!("CAST({open}{}{close} AS REAL)", e.sql), e.params))
}

/// `GET /api/v1/logs/aggregate?timestampStart=&timestampEnd=&step=&function=&groupBy=&q=`:
/// one value per `step/60`-minute bucket (v0.39 buckets by whole minutes), or one per group
/// value under `groupBy` in each bucket. Keys are bucket starts in ns.
async fn aggregate(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(p): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let p = Params(p);
    let start = p
        .int("timestampStart")?
        .ok_or_else(|| incorrect_params("timestampStart is required"))?;
    let end = p
        .int("timestampEnd")?
        .ok_or_else(|| incorrect_params("timestampEnd is required"))?;
    let step = p
        .int("step")?
        .ok_or_else(|| incorrect_params("step is required"))?;
    if step < 60 {
        return Err(incorrect_params(
            "step must be at least 60 (seconds; buckets are whole minutes)",
        ));
    }
    let bucket_ns = (step / 60).saturating_mul(60_000_000_000);
    let q = p.get("q").unwrap_or("").to_string();
    let function = p.get("function").unwrap_or("").to_string();
    let group_by = p.get("groupBy").unwrap_or("").trim().to_string();
    let reply = st
        .store
        .run(move |c| {
            const DATA: &str = "Failed to fetch logs aggregate from the DB";
            let w = match search_where(c, &q, Some(start), Some(end), None, None, DATA)? {
                Ok(w) => w,
                Err(e) => return Ok(Err(e)),
            };
            let keys = LogKeys::load(c)?;
            let bad = |m: String| with_data(ApiError::bad_data(m), DATA);
            let (value_sql, mut params) = match aggregate_sql(&function, &keys) {
                Ok(v) => v,
                Err(m) => return Ok(Err(bad(m))),
            };
            let group_sql = if group_by.is_empty() {
                "NULL".to_string()
            } else {
                match keys.resolve(&group_by) {
                    Ok((e, _)) => {
                        params.extend(e.params);
                        format!("CAST({} AS TEXT)", e.sql)
                    }
                    Err(m) => return Ok(Err(bad(m))),
                }
            };
            params.extend(w.params.iter().cloned());
            let sql = format!(
                "SELECT (ts / {bucket_ns}) * {bucket_ns} AS b, {group_sql} AS g, {value_sql}
                 FROM logs WHERE {} GROUP BY b, g ORDER BY b",
                w.sql()
            );
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(params.iter()))?;
            let mut out = LogsAggregate::default();
            while let Some(r) = rows.next()? {
                let b: i64 = r.get(0)?;
                let g: Option<String> = r.get(1)?;
                let v: Option<f64> = r.get(2)?;
                let v = v.unwrap_or(0.0);
                if group_by.is_empty() {
                    out.items.insert(
                        b,
                        LogsAggregateItem {
                            timestamp: b,
                            // Go's omitempty drops a zero value.
                            value: (v != 0.0).then_some(v),
                            group_by: None,
                        },
                    );
                } else if let Some(g) = g.filter(|g| !g.is_empty()) {
                    let item = out.items.entry(b).or_insert_with(|| LogsAggregateItem {
                        timestamp: b,
                        value: None,
                        group_by: Some(Default::default()),
                    });
                    item.group_by
                        .get_or_insert_with(Default::default)
                        .insert(g, v);
                }
            }
            Ok(Ok(out))
        })
        .await??;
    Ok(raw(reply))
}

/// `GET /api/v1/logs/tail?q=&timestampStart=&idGt=` (SSE): the v3 live tail's stream with
/// the `q` search as its filter; it starts at `timestampStart` (ns; default now).
async fn tail(
    State(st): State<AppState>,
    Query(p): Query<Vec<(String, String)>>,
    req: Request,
) -> Result<Response, ApiError> {
    let p = Params(p);
    livetail::authenticate_tail(&st, p.get("Authorization"), req).await?;
    let start_ns = p.ts("timestampStart")?.unwrap_or_else(super::now_ns);
    let q = p.get("q").unwrap_or("").to_string();
    let id_gt = p.get("idGt").filter(|s| !s.is_empty()).map(str::to_string);
    let filter = st
        .store
        .run(move |c| {
            search_where(
                c,
                &q,
                None,
                None,
                id_gt.as_deref(),
                None,
                "Incorrect params",
            )
        })
        .await??;
    livetail::stream(&st, filter, start_ns).await
}
