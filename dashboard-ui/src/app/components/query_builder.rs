//! The query builder: edits a `RwSignal<Query>` (SigNoz's frontend query,
//! `crate::query_builder::composite`) in place. Used by the explorers; the
//! panel and rule editors can take it as it is.
//!
//! The form is rebuilt only when the query's shape changes (queries,
//! filter/group/having rows, or a new query id when the owner loads another
//! query); text inputs start from the model and write back on input, so
//! typing never re-renders the field under the cursor.

use crate::app::api;
use crate::query_builder::composite::{
    AttributeKey, FilterItem, Having, OrderBy, Query, ORDER_BY_VALUE,
};
use crate::query_builder::vocab::{self, filter_value_text, parse_filter_value};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Map;

#[derive(Clone, PartialEq)]
struct QueryShape {
    name: String,
    data_source: String,
    needs_attribute: bool,
    filters: usize,
    group_by: Vec<String>,
    having: usize,
}

#[derive(Clone, PartialEq)]
struct Shape {
    id: String,
    queries: Vec<QueryShape>,
    formulas: usize,
}

fn shape_of(q: &Query) -> Shape {
    Shape {
        id: q.id.clone(),
        queries: q
            .builder
            .query_data
            .iter()
            .map(|b| QueryShape {
                name: b.query_name.clone(),
                data_source: b.data_source.clone(),
                needs_attribute: vocab::needs_attribute(&b.data_source, &b.aggregate_operator),
                filters: b.filters.items.len(),
                group_by: b.group_by.iter().map(|k| k.key.clone()).collect(),
                having: b.having.len(),
            })
            .collect(),
        formulas: q.builder.query_formulas.len(),
    }
}

/// The exact key among suggestions, preferring the scope already chosen.
fn resolve_key(typed: &str, kind: &str, suggestions: &[AttributeKey]) -> AttributeKey {
    let text = typed.trim();
    let mut matches = suggestions.iter().filter(|k| k.key == text);
    let first = matches.clone().next();
    match matches.find(|k| k.kind == kind).or(first) {
        Some(k) => AttributeKey::new(&k.key, &k.data_type, &k.kind, k.is_column),
        None => AttributeKey::new(typed, "", kind, false),
    }
}

/// Fills `into` with attribute keys matching `search` (the query's data source).
fn fetch_keys(query: RwSignal<Query>, i: usize, search: String, into: RwSignal<Vec<AttributeKey>>) {
    let Some((ds, op, agg)) = query.with_untracked(|q| {
        q.builder.query_data.get(i).map(|b| {
            (
                b.data_source.clone(),
                b.aggregate_operator.clone(),
                b.aggregate_attribute.key.clone(),
            )
        })
    }) else {
        return;
    };
    spawn_local(async move {
        if let Ok(keys) = api::attribute_keys(&ds, &op, &agg, &search).await {
            edit_query(query, i, |b| b.adopt_suggestions(&keys, false));
            into.set(keys);
        }
    });
}

fn fetch_aggregate_attributes(
    query: RwSignal<Query>,
    i: usize,
    search: String,
    into: RwSignal<Vec<AttributeKey>>,
) {
    let Some((ds, op)) = query.with_untracked(|q| {
        q.builder
            .query_data
            .get(i)
            .map(|b| (b.data_source.clone(), b.aggregate_operator.clone()))
    }) else {
        return;
    };
    spawn_local(async move {
        if let Ok(keys) = api::aggregate_attributes(&ds, &op, &search).await {
            edit_query(query, i, |b| b.adopt_suggestions(&keys, true));
            into.set(keys);
        }
    });
}

fn key_options(list: RwSignal<Vec<AttributeKey>>) -> impl IntoView {
    move || {
        list.get()
            .into_iter()
            .map(|k| {
                let label = format!(
                    "{} · {}",
                    if k.kind.is_empty() {
                        "column"
                    } else {
                        k.kind.as_str()
                    },
                    k.data_type
                );
                view! { <option value=k.key>{label}</option> }
            })
            .collect_view()
    }
}

/// The builder for every query and formula of `query`.
#[component]
pub fn QueryBuilder(
    query: RwSignal<Query>,
    /// Let each query pick its data source (panel editor); explorers fix it.
    #[prop(optional)]
    choose_source: bool,
) -> impl IntoView {
    let shape = Memo::new(move |_| query.with(shape_of));
    let body = move || {
        let s = shape.get();
        let many = s.queries.len() > 1;
        let queries = s
            .queries
            .iter()
            .enumerate()
            .map(|(i, qs)| query_block(query, i, qs.clone(), many, choose_source))
            .collect_view();
        let formulas = (0..s.formulas)
            .map(|i| formula_row(query, i))
            .collect_view();
        view! {
            <div class="qb">
                {queries}
                {formulas}
                <div class="qb-actions">
                    <button type="button" on:click=move |_| { query.update(|q| { q.add_query(); }); }>"+ Query"</button>
                    <button type="button" on:click=move |_| { query.update(|q| { q.add_formula(); }); }>"+ Formula"</button>
                </div>
            </div>
        }
        .into_any()
    };
    body
}

/// Reads query `i`, tracked: only for reactive closures.
fn with_query<R>(
    query: RwSignal<Query>,
    i: usize,
    f: impl FnOnce(&crate::query_builder::composite::BuilderQuery) -> R,
) -> Option<R> {
    query.with(|q| q.builder.query_data.get(i).map(f))
}

/// Reads query `i` untracked: for building the form (a tracked read there
/// would rebuild the whole form on every edit).
fn peek_query<R>(
    query: RwSignal<Query>,
    i: usize,
    f: impl FnOnce(&crate::query_builder::composite::BuilderQuery) -> R,
) -> Option<R> {
    query.with_untracked(|q| q.builder.query_data.get(i).map(f))
}

fn edit_query(
    query: RwSignal<Query>,
    i: usize,
    f: impl FnOnce(&mut crate::query_builder::composite::BuilderQuery),
) {
    let mut f = Some(f);
    edit_query_dyn(query, i, &mut |b| {
        if let Some(f) = f.take() {
            f(b)
        }
    });
}

/// One instantiation of the signal update for every edit (wasm size).
fn edit_query_dyn(
    query: RwSignal<Query>,
    i: usize,
    f: &mut dyn FnMut(&mut crate::query_builder::composite::BuilderQuery),
) {
    query.update(|q| {
        if let Some(b) = q.builder.query_data.get_mut(i) {
            f(b)
        }
    });
}

fn query_block(
    query: RwSignal<Query>,
    i: usize,
    qs: QueryShape,
    removable: bool,
    choose_source: bool,
) -> AnyView {
    let name = qs.name.clone();
    let keys = RwSignal::new(Vec::<AttributeKey>::new());
    let aggs = RwSignal::new(Vec::<AttributeKey>::new());
    fetch_keys(query, i, String::new(), keys);
    if qs.needs_attribute {
        fetch_aggregate_attributes(query, i, String::new(), aggs);
    }
    let keys_id = format!("qb-keys-{name}");
    let aggs_id = format!("qb-aggs-{name}");
    let disabled = move || with_query(query, i, |b| b.disabled).unwrap_or(false);
    let source_picker = choose_source.then(|| {
        view! {
            <label>"Data source"
                <select aria-label=format!("Data source of {name}") on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edit_query(query, i, |b| { b.data_source = v; b.filters.items.clear(); b.group_by.clear(); });
                }>
                    {vocab::DATA_SOURCES.map(|d| view! { <option value=d selected=qs.data_source == d>{d}</option> })}
                </select>
            </label>
        }
    });
    let ds = qs.data_source.clone();
    let current_op = peek_query(query, i, |b| b.aggregate_operator.clone()).unwrap_or_default();
    let agg_select = view! {
        <label>"Aggregate"
            <select aria-label=format!("Aggregate of {name}") on:change=move |ev| {
                let v = event_target_value(&ev);
                edit_query(query, i, |b| {
                    if !vocab::needs_attribute(&b.data_source, &v) { b.aggregate_attribute = AttributeKey::new("", "", "", false); }
                    b.aggregate_operator = v;
                });
            }>
                {vocab::aggregate_operators(&ds).into_iter().map(|o| view! { <option value=o selected=o == current_op>{vocab::aggregate_label(o)}</option> }).collect_view()}
            </select>
        </label>
    };
    let attr_input = qs.needs_attribute.then(|| {
        let aggs_id2 = aggs_id.clone();
        view! {
            <label>"Attribute"
                <input type="text" list=aggs_id2 placeholder="e.g. durationNano" prop:value=move || with_query(query, i, |b| b.aggregate_attribute.key.clone()).unwrap_or_default() aria-label=format!("Aggregate attribute of {name}")
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        let k = resolve_key(&text, "", &aggs.get_untracked());
                        edit_query(query, i, |b| b.aggregate_attribute = k);
                        fetch_aggregate_attributes(query, i, text, aggs);
                    }/>
                <datalist id=aggs_id>{key_options(aggs)}</datalist>
            </label>
        }
    });
    let filters = (0..qs.filters)
        .map(|f| filter_row(query, i, f, keys, keys_id.clone()))
        .collect_view();
    let and_or = move |op: &'static str| {
        view! {
            <button type="button" aria-pressed=move || (with_query(query, i, |b| b.filters.op.clone()).unwrap_or_default() == op).to_string()
                on:click=move |_| edit_query(query, i, |b| b.filters.op = op.into())>{op}</button>
        }
    };
    let group_chips = qs
        .group_by
        .iter()
        .enumerate()
        .map(|(g, k)| {
            view! {
                <span class="chip">{k.clone()}
                    <button type="button" class="link" aria-label=format!("Remove group by {k}")
                        on:click=move |_| edit_query(query, i, |b| { if g < b.group_by.len() { b.group_by.remove(g); } })>"×"</button>
                </span>
            }
        })
        .collect_view();
    let keys_id2 = keys_id.clone();
    let group_text = RwSignal::new(String::new());
    let group_input = view! {
        <input type="text" list=keys_id2 placeholder="add key…" aria-label=format!("Group by of {name}") prop:value=move || group_text.get()
            on:input=move |ev| { let t = event_target_value(&ev); group_text.set(t.clone()); fetch_keys(query, i, t, keys) }
            on:change=move |ev| {
                let text = event_target_value(&ev);
                group_text.set(String::new());
                if text.trim().is_empty() { return; }
                let k = resolve_key(&text, "", &keys.get_untracked());
                edit_query(query, i, |b| { if !b.group_by.iter().any(|g| g.key == k.key) { b.group_by.push(k); } });
            }/>
    };
    let having = (0..qs.having)
        .map(|h| having_row(query, i, h))
        .collect_view();
    let order_options = {
        let mut cols = vec![
            (String::new(), "—".to_string()),
            (ORDER_BY_VALUE.to_string(), "value".to_string()),
        ];
        cols.extend(qs.group_by.iter().map(|k| (k.clone(), k.clone())));
        let current = peek_query(query, i, |b| {
            b.order_by
                .first()
                .map(|o| o.column_name.clone())
                .unwrap_or_default()
        })
        .unwrap_or_default();
        cols.into_iter()
            .map(|(v, l)| view! { <option value=v.clone() selected=v == current>{l}</option> })
            .collect_view()
    };
    let order_dir = peek_query(query, i, |b| {
        b.order_by
            .first()
            .map(|o| o.order.clone())
            .unwrap_or_default()
    })
    .unwrap_or_default();
    let name2 = name.clone();
    view! {
        <fieldset class="qb-query" class:disabled=disabled>
            <legend>
                <span class="qb-name">{name.clone()}</span>
                <label class="inline"><input type="checkbox" prop:checked=move || !disabled() aria-label=format!("Enable {name}")
                    on:change=move |ev| { let on = event_target_checked(&ev); edit_query(query, i, |b| b.disabled = !on); }/>"enabled"</label>
                {removable.then(|| view! {
                    <button type="button" class="link danger" aria-label=format!("Remove query {name2}")
                        on:click=move |_| query.update(|q| { if q.builder.query_data.len() > 1 && i < q.builder.query_data.len() { q.builder.query_data.remove(i); } })>"Remove"</button>
                })}
            </legend>
            <div class="qb-row">
                {source_picker}
                {agg_select}
                {attr_input}
            </div>
            <div class="qb-filters">
                <div class="qb-row">
                    <span class="qb-label">"Where"</span>
                    <span class="seg" role="group" aria-label="Combine filters">{and_or("AND")}{and_or("OR")}</span>
                    <button type="button" on:click=move |_| edit_query(query, i, |b| b.filters.items.push(FilterItem {
                        id: format!("{:08x}", (js_sys::Math::random() * 4294967295.0) as u32),
                        key: Some(AttributeKey::new("", "", "tag", false)),
                        op: "=".into(),
                        value: serde_json::json!(""),
                        extra: Map::new(),
                    }))>"+ Filter"</button>
                </div>
                {filters}
                <datalist id=keys_id>{key_options(keys)}</datalist>
            </div>
            <div class="qb-row">
                <span class="qb-label">"Group by"</span>
                {group_chips}
                {group_input}
            </div>
            {having}
            <div class="qb-row qb-options">
                <button type="button" on:click=move |_| edit_query(query, i, |b| {
                    let column = format!("{}({})", b.aggregate_operator, b.aggregate_attribute.key);
                    b.having.push(Having { column_name: column, op: ">".into(), value: serde_json::json!(0), extra: Map::new() });
                })>"+ Having"</button>
                <label>"Order by"
                    <select aria-label=format!("Order by of {}", qs.name) on:change=move |ev| {
                        let col = event_target_value(&ev);
                        edit_query(query, i, |b| {
                            if col.is_empty() { b.order_by.clear(); return; }
                            let order = b.order_by.first().map(|o| o.order.clone()).filter(|o| !o.is_empty()).unwrap_or_else(|| "desc".into());
                            b.order_by = vec![OrderBy { column_name: col, order, extra: Map::new() }];
                        });
                    }>{order_options}</select>
                </label>
                <select aria-label="Order" on:change=move |ev| { let d = event_target_value(&ev); edit_query(query, i, |b| { if let Some(o) = b.order_by.first_mut() { o.order = d; } }); }>
                    <option value="desc" selected=order_dir != "asc">"desc"</option>
                    <option value="asc" selected=order_dir == "asc">"asc"</option>
                </select>
                <label>"Limit"<input type="number" min="0" class="short" prop:value=move || with_query(query, i, |b| b.limit.map(|l| l.to_string()).unwrap_or_default()).unwrap_or_default() aria-label=format!("Limit of {}", qs.name)
                    on:input=move |ev| { let v = event_target_value(&ev).trim().parse::<u64>().ok().filter(|n| *n > 0); edit_query(query, i, |b| b.limit = v); }/></label>
                <label>"Legend"<input type="text" prop:value=move || with_query(query, i, |b| b.legend.clone()).unwrap_or_default() placeholder="{{key}}" aria-label=format!("Legend of {}", qs.name)
                    on:input=move |ev| { let v = event_target_value(&ev); edit_query(query, i, |b| b.legend = v); }/></label>
                <label>"Step (s)"<input type="number" min="1" class="short" prop:value=move || with_query(query, i, |b| b.step_interval.to_string()).unwrap_or_default() aria-label=format!("Step of {}", qs.name)
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<i64>() { if v > 0 { edit_query(query, i, |b| b.step_interval = v); } } }/></label>
            </div>
        </fieldset>
    }
    .into_any()
}

fn filter_row(
    query: RwSignal<Query>,
    i: usize,
    f: usize,
    keys: RwSignal<Vec<AttributeKey>>,
    keys_id: String,
) -> AnyView {
    let item = query
        .with_untracked(|q| {
            q.builder
                .query_data
                .get(i)
                .and_then(|b| b.filters.items.get(f).cloned())
        })
        .unwrap_or_default();
    let raw = RwSignal::new(filter_value_text(&item.value));
    let values = RwSignal::new(Vec::<String>::new());
    let vals_id = format!("qb-vals-{i}-{f}");
    let edit = move |g: &mut dyn FnMut(&mut FilterItem)| {
        query.update(|q| {
            if let Some(it) = q
                .builder
                .query_data
                .get_mut(i)
                .and_then(|b| b.filters.items.get_mut(f))
            {
                g(it);
                let k = it.key.clone().unwrap_or_default();
                it.value = parse_filter_value(&raw.get_untracked(), &k.data_type, &it.op);
            }
        })
    };
    let cur = move || {
        query
            .with(|q| {
                q.builder
                    .query_data
                    .get(i)
                    .and_then(|b| b.filters.items.get(f).cloned())
            })
            .unwrap_or_default()
    };
    let set_key = move |text: String| {
        let kind = cur().key.map(|k| k.kind).unwrap_or_default();
        let k = resolve_key(&text, &kind, &keys.get_untracked());
        edit(&mut |it| it.key = Some(k.clone()));
    };
    let fetch_values = move |search: String| {
        let Some((ds, op, agg)) = query.with_untracked(|q| {
            q.builder.query_data.get(i).map(|b| {
                (
                    b.data_source.clone(),
                    b.aggregate_operator.clone(),
                    b.aggregate_attribute.key.clone(),
                )
            })
        }) else {
            return;
        };
        let key = cur().key.unwrap_or_default();
        if key.key.is_empty() {
            return;
        }
        spawn_local(async move {
            if let Ok(v) = api::attribute_values(&ds, &op, &agg, &key, &search).await {
                values.set(v);
            }
        });
    };
    let fv = fetch_values;
    let n = f + 1;
    view! {
        <div class="qb-row qb-filter">
            <input type="text" list=keys_id prop:value=move || cur().key.map(|k| k.key).unwrap_or_default() placeholder="key" aria-label=format!("Filter {n} key")
                on:input=move |ev| { let t = event_target_value(&ev); set_key(t.clone()); fetch_keys(query, i, t, keys); }
                on:change=move |ev| set_key(event_target_value(&ev))/>
            <select aria-label=format!("Filter {n} scope") on:change=move |ev| {
                let kind = event_target_value(&ev);
                edit(&mut |it| { if let Some(k) = it.key.as_mut() { *k = AttributeKey::new(&k.key.clone(), &k.data_type.clone(), &kind, k.is_column); } });
            }>
                {move || {
                    let kind = cur().key.map(|k| k.kind).unwrap_or_default();
                    [("tag", "tag"), ("resource", "resource"), ("", "column/any")]
                        .map(|(v, l)| view! { <option value=v selected=kind == v>{l}</option> })
                }}
            </select>
            <span class="hint dtype">{move || cur().key.map(|k| k.data_type).filter(|d| !d.is_empty()).unwrap_or_else(|| "?".into())}</span>
            <select aria-label=format!("Filter {n} operator") on:change=move |ev| { let op = event_target_value(&ev); edit(&mut |it| it.op = op.clone()); }>
                {move || {
                    let it = cur();
                    let mut ops: Vec<&str> = vocab::ops_for_type(&it.key.as_ref().map(|k| k.data_type.clone()).unwrap_or_default());
                    let op = it.op.clone();
                    let extra = (!ops.contains(&op.as_str())).then(|| op.clone());
                    if let Some(e) = &extra { ops.push(e.as_str()); }
                    ops.into_iter().map(|o| view! { <option value=o.to_string() selected=o == op>{vocab::op_label(o).to_string()}</option> }).collect_view()
                }}
            </select>
            <input type="text" list=vals_id.clone() prop:value=move || raw.get() placeholder="value (a, b for IN)" aria-label=format!("Filter {n} value")
                disabled=move || vocab::op_takes_no_value(&cur().op)
                on:focus=move |_| fv(String::new())
                on:input=move |ev| { let t = event_target_value(&ev); raw.set(t.clone()); edit(&mut |_| {}); fetch_values(t); }/>
            <datalist id=vals_id>{move || values.get().into_iter().map(|v| view! { <option value=v/> }).collect_view()}</datalist>
            <button type="button" class="link danger" aria-label=format!("Remove filter {n}")
                on:click=move |_| edit_query(query, i, |b| { if f < b.filters.items.len() { b.filters.items.remove(f); } })>"×"</button>
        </div>
    }
    .into_any()
}

fn having_row(query: RwSignal<Query>, i: usize, h: usize) -> AnyView {
    let row = query
        .with_untracked(|q| {
            q.builder
                .query_data
                .get(i)
                .and_then(|b| b.having.get(h).cloned())
        })
        .unwrap_or_default();
    let edit = move |g: Box<dyn FnOnce(&mut Having)>| {
        edit_query(query, i, |b| {
            if let Some(x) = b.having.get_mut(h) {
                g(x)
            }
        })
    };
    let op0 = vocab::op_label(&row.op).to_string();
    view! {
        <div class="qb-row">
            <span class="qb-label">"Having"</span>
            <span class="mono">{move || with_query(query, i, |b| format!("{}({})", b.aggregate_operator, b.aggregate_attribute.key)).unwrap_or_default()}</span>
            <select aria-label="Having operator" on:change=move |ev| { let op = event_target_value(&ev); edit(Box::new(move |x| x.op = op)); }>
                {vocab::HAVING_OPS.map(|o| view! { <option value=o selected=o == op0>{o}</option> })}
            </select>
            <input type="text" class="short" prop:value=filter_value_text(&row.value) aria-label="Having value" on:input=move |ev| {
                let t = event_target_value(&ev);
                edit(Box::new(move |x| {
                    let nums: Vec<serde_json::Value> = t.split(',').filter_map(|s| s.trim().parse::<f64>().ok()).map(|n| serde_json::json!(n)).collect();
                    x.value = if matches!(x.op.as_str(), "IN" | "NOT_IN") { serde_json::Value::Array(nums) } else { nums.into_iter().next().unwrap_or(serde_json::json!(0)) };
                }));
            }/>
            <button type="button" class="link danger" aria-label="Remove having"
                on:click=move |_| edit_query(query, i, |b| { if h < b.having.len() { b.having.remove(h); } })>"×"</button>
        </div>
    }
    .into_any()
}

fn formula_row(query: RwSignal<Query>, i: usize) -> AnyView {
    let f0 = query.with_untracked(|q| q.builder.query_formulas.get(i).cloned());
    let Some(f0) = f0 else { return ().into_any() };
    let edit = move |g: Box<dyn FnOnce(&mut crate::query_builder::composite::Formula)>| {
        query.update(|q| {
            if let Some(x) = q.builder.query_formulas.get_mut(i) {
                g(x)
            }
        })
    };
    let name = f0.query_name.clone();
    let functions = vocab::FORMULA_FUNCTIONS.join(", ");
    view! {
        <fieldset class="qb-query qb-formula">
            <legend>
                <span class="qb-name">{name.clone()}</span>
                <label class="inline"><input type="checkbox" prop:checked=!f0.disabled
                    on:change=move |ev| { let on = event_target_checked(&ev); edit(Box::new(move |x| x.disabled = !on)); }/>"enabled"</label>
                <button type="button" class="link danger" aria-label=format!("Remove formula {name}")
                    on:click=move |_| query.update(|q| { if i < q.builder.query_formulas.len() { q.builder.query_formulas.remove(i); } })>"Remove"</button>
            </legend>
            <div class="qb-row">
                <label class="grow">"Expression"<input type="text" prop:value=f0.expression.clone() placeholder="A / B * 100" title=format!("Functions: {functions}")
                    aria-label=format!("Expression of {}", f0.query_name)
                    on:input=move |ev| { let t = event_target_value(&ev); edit(Box::new(move |x| x.expression = t)); }/></label>
                <label>"Legend"<input type="text" prop:value=f0.legend.clone()
                    on:input=move |ev| { let t = event_target_value(&ev); edit(Box::new(move |x| x.legend = t)); }/></label>
            </div>
        </fieldset>
    }
    .into_any()
}
