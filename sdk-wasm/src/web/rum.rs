//! The browser half of the RUM context (pure rules in `crate::rum`): the current session
//! (in `localStorage` / `sessionStorage` / memory, shared by the origin's tabs through the
//! storage record), the current route, URL redaction and the `scrubAttributes` hook.
//!
//! The session is kept in memory and written when it changes (a new session, or activity at
//! most once a second); storage is read again only after another tab wrote it (a `storage`
//! event), so a span start costs no storage access.
//!
//! Every signal goes through here: spans get their session and `page.route` at start
//! ([`RumStartHook`]) and are cleaned before export ([`RumContext::clean_span`]); log records
//! get theirs in [`RumContext::prepare_log`]; metric points call
//! [`RumContext::metric_attributes`]. Spans and log records keep the session as a field that
//! the encoders send once per batch as the `session.id` resource attribute; metric points
//! carry it as a point attribute (aggregation keys points by their attributes, and a rollover
//! inside one export interval must still split the points).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use crate::attributes::{Array as AttrArray, KeyValue, StringValue, Value};
use crate::trace::TraceId;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use super::js;
use super::listener::Listener;
use super::local::LocalOnly;
use super::random::WebRandom;
use crate::attributes::number_value;
use crate::config::{SessionConfig, SessionStorage};
use crate::ids::new_trace_id;
use crate::rum::session::{self, Session, STORAGE_KEY};
use crate::rum::{limits, redact, route};
use crate::trace::{SpanData, SpanStart, StartHook};

pub struct RumContext {
    session: Option<SessionConfig>,
    /// The session as last seen: used when the storage cannot be read or written.
    memory: RefCell<Option<Session>>,
    /// `memory` is what the storage holds (as far as this tab knows): no need to read it.
    /// Cleared by another tab's write (`storage` event) and whenever storage was unusable.
    synced: Cell<bool>,
    /// Clears `synced` when another tab changes the record (removed on drop). Added at the
    /// first storage read: before it there is no copy to invalidate, and adding a `storage`
    /// listener costs Chrome about 0.5 ms, which stays out of `init` this way.
    storage_listener: RefCell<Option<Listener>>,
    me: Weak<RumContext>,
    random: WebRandom,
    /// Set by the navigation instrumentation; without it, `location.pathname` at each use.
    route: RefCell<Option<String>>,
    redact_names: Vec<String>,
    /// Longest string attribute value kept, in characters (longer ones are truncated).
    value_limit: usize,
    scrub: Option<Function>,
    /// `scrubAttributes` calls that threw (the attribute was dropped).
    pub scrub_errors: Cell<u64>,
    /// `pause()` / consent not given yet: nothing is recorded for export and nothing is
    /// written to storage (the session lives in memory).
    pub paused: Cell<bool>,
    /// `setAttributes` / `setUser`: on every later span and log record.
    globals: RefCell<Vec<KeyValue>>,
    /// Keys of `globals` (string values) also sent as W3C `baggage` with trace headers.
    pub baggage_keys: RefCell<Vec<String>>,
}

impl RumContext {
    pub fn new(
        session: Option<SessionConfig>,
        redact_names: Vec<String>,
        value_limit: usize,
        scrub: Option<Function>,
    ) -> Rc<Self> {
        Rc::new_cyclic(|me| RumContext {
            session,
            memory: RefCell::new(None),
            synced: Cell::new(false),
            storage_listener: RefCell::new(None),
            me: me.clone(),
            random: WebRandom::new(),
            route: RefCell::new(None),
            redact_names,
            value_limit,
            scrub,
            scrub_errors: Cell::new(0),
            paused: Cell::new(false),
            globals: RefCell::new(Vec::new()),
            baggage_keys: RefCell::new(Vec::new()),
        })
    }

    /// Listens for other tabs' writes of the session record, once.
    fn follow_other_tabs(&self) {
        let mut listener = self.storage_listener.borrow_mut();
        if listener.is_some() {
            return;
        }
        let weak = self.me.clone();
        *listener = Listener::on_global("storage", move |e| {
            // `key` is null when the whole storage was cleared.
            let key = js::get(&e, "key");
            if key.is_null() || key.as_string().is_some_and(|k| k == STORAGE_KEY) {
                if let Some(rum) = weak.upgrade() {
                    rum.synced.set(false);
                }
            }
        });
    }

    /// The configured storage; `None` for memory-only sessions or when it is unavailable
    /// (blocked storage throws on access: that is `None` too).
    fn storage(&self) -> Option<js::Storage> {
        if self.paused.get() {
            return None;
        }
        match self.session.as_ref()?.storage {
            SessionStorage::Local => js::Storage::open("localStorage"),
            SessionStorage::Session => js::Storage::open("sessionStorage"),
            SessionStorage::None => None,
        }
    }

    /// The current session (`None` when sessions are off), rolled over if it has expired;
    /// `activity` extends it. Tabs share one session: the stored record is read when another
    /// tab may have changed it, and every change is written back.
    pub fn session(&self, activity: bool) -> Option<Session> {
        let cfg = self.session.as_ref()?;
        let now = js::date_now_ms() as u64;
        let new_id = || crate::instrument::span::hex(&new_trace_id(&self.random).to_bytes());
        if self.synced.get() {
            // Every span start comes here: the record is advanced in place, one copy out.
            let mut memory = self.memory.borrow_mut();
            let (s, changed) = session::advance(memory.take(), now, activity, &cfg.limits, new_id);
            if changed {
                self.write(&s);
            }
            *memory = Some(s);
            return memory.clone();
        }
        let known = self.memory.borrow().clone();
        let storage = self.storage();
        if storage.is_some() {
            self.follow_other_tabs();
        }
        let stored = storage
            .as_ref()
            .and_then(|s| s.get_item(STORAGE_KEY))
            .and_then(|t| Session::parse(&t));
        let (s, changed) =
            session::advance(stored.clone().or(known), now, activity, &cfg.limits, new_id);
        // Also when the record went missing (cleared, or never written): memory restores it.
        if changed || stored.as_ref() != Some(&s) {
            if let Some(st) = &storage {
                st.set_item(STORAGE_KEY, &s.to_text()); // quota / blocked: memory carries on
            }
        }
        self.synced.set(storage.is_some());
        *self.memory.borrow_mut() = Some(s.clone());
        Some(s)
    }

    fn write(&self, s: &Session) {
        match self.storage() {
            Some(st) => {
                st.set_item(STORAGE_KEY, &s.to_text());
            }
            None => self.synced.set(false), // paused or blocked since: read again later
        }
    }

    /// The current session id and route, for any signal.
    pub fn current(&self) -> (Option<String>, String) {
        (self.session(false).map(|s| s.id), self.route())
    }

    /// User input happened (reported by the instrumentation shim).
    pub fn activity(&self) {
        self.session(true);
    }

    pub fn route(&self) -> String {
        self.route
            .borrow()
            .clone()
            .unwrap_or_else(|| route::pathname(&js::document_url()).to_string())
    }

    /// Whether the navigation instrumentation has set a route (its first is the initial one).
    pub fn route_is_set(&self) -> bool {
        self.route.borrow().is_some()
    }

    pub fn set_route(&self, route: String) {
        *self.route.borrow_mut() = Some(route);
    }

    /// Sets (or, with `None`, removes) global attributes for every later span and log record.
    pub fn set_globals(&self, changes: Vec<(String, Option<Value>)>) {
        let mut g = self.globals.borrow_mut();
        for (k, v) in changes {
            g.retain(|kv| kv.key.as_str() != k);
            if let Some(v) = v {
                g.push(KeyValue::new(k, v));
            }
        }
    }

    /// The W3C baggage of the configured keys' global values (`None` when there is none).
    pub fn baggage(&self) -> Option<crate::propagation::baggage::Baggage> {
        let keys = self.baggage_keys.borrow();
        if keys.is_empty() {
            return None;
        }
        let mut b = crate::propagation::baggage::Baggage::new();
        // String values only (formatting numbers would pull float printing into the wasm).
        for kv in self
            .globals
            .borrow()
            .iter()
            .filter(|kv| keys.iter().any(|k| k == kv.key.as_str()))
        {
            if let Value::String(v) = &kv.value {
                b.insert(kv.key.as_str(), v.as_str());
            }
        }
        (!b.is_empty()).then_some(b)
    }

    /// `url` with the configured query parameters redacted.
    pub fn redact(&self, url: &str) -> String {
        redact::redact_url(url, &self.redact_names).into_owned()
    }

    /// Truncates long string values and redacts URL attributes, then runs
    /// `scrubAttributes(key, value, signal)` on each
    /// attribute: its result replaces the value; `undefined` (or anything that is not an
    /// attribute value) drops it, and so does a throw (fail closed, counted).
    fn clean(&self, attrs: &mut Vec<KeyValue>, signal: &str) {
        for kv in attrs.iter_mut() {
            limits::truncate_value(&mut kv.value, self.value_limit);
            let Value::String(s) = &kv.value else {
                continue;
            };
            if !redact::URL_KEYS.contains(&kv.key.as_str()) {
                continue;
            }
            if let std::borrow::Cow::Owned(r) = redact::redact_url(s.as_str(), &self.redact_names) {
                kv.value = Value::from(r);
            }
        }
        let Some(f) = &self.scrub else { return };
        let signal = JsValue::from_str(signal);
        attrs.retain_mut(|kv| {
            match f.call3(
                &JsValue::UNDEFINED,
                &JsValue::from_str(kv.key.as_str()),
                &value_to_js(&kv.value),
                &signal,
            ) {
                Ok(v) => attribute_value(&v).map(|v| kv.value = v).is_some(),
                Err(_) => {
                    self.scrub_errors.set(self.scrub_errors.get() + 1);
                    false
                }
            }
        });
    }

    /// Before a span is queued for export: its attributes and its events' attributes.
    pub fn clean_span(&self, span: &mut SpanData) {
        self.clean(&mut span.attributes, "traces");
        for e in &mut span.events {
            self.clean(&mut e.attributes, "traces");
        }
    }

    /// A metric point's attributes: `session.id` added, then cleaned.
    pub fn metric_attributes(&self, mut attrs: Vec<KeyValue>) -> Vec<KeyValue> {
        if let Some(s) = self.session(false) {
            attrs.push(KeyValue::new("session.id", s.id));
        }
        self.clean(&mut attrs, "metrics");
        attrs
    }

    /// Before a log record is queued: its session (sent once per batch as the `session.id`
    /// resource attribute, as for spans), then `page.route` and `url.full` (the page,
    /// redacted) added unless present, then the globals; all cleaned.
    #[cfg(feature = "logs")]
    pub fn prepare_log(&self, log: &mut crate::logs::LogRecord) {
        let (session, route) = self.current();
        log.session = session;
        let attrs = &mut log.attributes;
        let mut add = |k: &'static str, v: String| {
            if !attrs.iter().any(|a| a.key.as_str() == k) {
                attrs.push(KeyValue::new(k, v));
            }
        };
        add("page.route", route);
        add("url.full", js::document_url());
        for kv in self.globals.borrow().iter() {
            if !attrs.iter().any(|a| a.key == kv.key) {
                attrs.push(kv.clone());
            }
        }
        self.clean(attrs, "logs");
    }
}

/// Gives every span its session (a field the exporter sends once per batch as the
/// `session.id` resource attribute; also the ratio sampler's key) and `page.route` at start.
pub struct RumStartHook(pub LocalOnly<Rc<RumContext>>);

impl StartHook for RumStartHook {
    fn on_start(&self, activity: bool) -> SpanStart {
        let session = self.0.session(activity);
        let sampling_key = session
            .as_ref()
            .map(|s| TraceId::from_bytes(s.sampling_key()));
        let mut attributes = vec![KeyValue::new("page.route", self.0.route())];
        attributes.extend(self.0.globals.borrow().iter().cloned());
        SpanStart {
            attributes,
            sampling_key,
            session: session.map(|s| s.id),
        }
    }
}

fn value_to_js(v: &Value) -> JsValue {
    match v {
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::I64(i) => JsValue::from_f64(*i as f64),
        Value::F64(f) => JsValue::from_f64(*f),
        Value::String(s) => JsValue::from_str(s.as_str()),
        Value::Array(a) => {
            let items: Vec<JsValue> = match a {
                AttrArray::Bool(x) => x.iter().map(|b| JsValue::from_bool(*b)).collect(),
                AttrArray::I64(x) => x.iter().map(|i| JsValue::from_f64(*i as f64)).collect(),
                AttrArray::F64(x) => x.iter().map(|f| JsValue::from_f64(*f)).collect(),
                AttrArray::String(x) => x.iter().map(|s| JsValue::from_str(s.as_str())).collect(),
            };
            items.into_iter().collect::<Array>().into()
        }
    }
}

/// A JS attribute value: string, number, boolean, or a homogeneous array of one of them
/// (null/undefined elements are skipped). Anything else is `None`.
pub fn attribute_value(v: &JsValue) -> Option<Value> {
    if let Some(s) = v.as_string() {
        return Some(Value::from(s));
    }
    if let Some(n) = v.as_f64() {
        return Some(number_value(n));
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if !Array::is_array(v) {
        return None;
    }
    let items: Vec<JsValue> = Array::from(v)
        .iter()
        .filter(|x| !x.is_null() && !x.is_undefined())
        .collect();
    let first = items.first();
    if first.is_none_or(|f| f.as_string().is_some()) {
        let all: Option<Vec<StringValue>> = items
            .iter()
            .map(|x| x.as_string().map(StringValue::from))
            .collect();
        return all.map(|a| Value::Array(AttrArray::String(a)));
    }
    if first.is_some_and(|f| f.as_bool().is_some()) {
        let all: Option<Vec<bool>> = items.iter().map(|x| x.as_bool()).collect();
        return all.map(|a| Value::Array(AttrArray::Bool(a)));
    }
    let nums: Vec<f64> = items.iter().map(|x| x.as_f64()).collect::<Option<_>>()?;
    if nums
        .iter()
        .all(|n| matches!(number_value(*n), Value::I64(_)))
    {
        Some(Value::Array(AttrArray::I64(
            nums.iter().map(|n| *n as i64).collect(),
        )))
    } else {
        Some(Value::Array(AttrArray::F64(nums)))
    }
}
