//! `GET /api/v1/traces/{id}` straight into [`Span`]s: strings are read
//! borrowed from the reply buffer, and the repeating ones (trace id, service,
//! operation, attribute keys) are shared, so a 100 000-span reply allocates a
//! few strings per span instead of a dozen.

use super::{Reference, Span, SpanKind};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// Shares one allocation per distinct string.
#[derive(Default)]
pub struct Interner(HashSet<Arc<str>>);

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(a.clone());
        a
    }
}

/// Parses a `[SearchSpansResult]` reply (or `null`) into spans, in reply order;
/// a JSON object is taken as our server's compact reply ([`super::parse_compact`]).
pub fn parse_trace(bytes: &[u8]) -> Result<Vec<Span>, String> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return super::parse_compact(bytes);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut state = State {
        spans: Vec::new(),
        strings: Interner::default(),
    };
    de.deserialize_option(Results(&mut state))
        .and_then(|()| de.end())
        .map_err(|e| format!("not a trace reply: {e}"))?;
    Ok(state.spans)
}

struct State {
    spans: Vec<Span>,
    strings: Interner,
}

/// A string as the reply holds it: borrowed unless it had escapes; numbers
/// are tolerated (some servers send kind and duration as numbers).
pub(super) struct Str<'a>(pub(super) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<Str<'a>>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed("")))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

struct Results<'s>(&'s mut State);

impl<'de> Visitor<'de> for Results<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of SearchSpansResult")
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ResultSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct ResultSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for ResultSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResultSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a SearchSpansResult object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Str<'de>>()? {
            if key.0 == "events" {
                map.next_value_seed(Rows(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `events`: an array of rows, or `null`.
struct Rows<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of span rows")
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(n) = seq.size_hint() {
            self.0.spans.reserve(n);
        }
        while seq.next_element_seed(RowSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct RowSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

fn need<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &'static str,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::custom(format!("span row without {what}")))
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a 12-column span row")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        let time: f64 = need(&mut seq, "__time")?;
        let span_id: Str = need(&mut seq, "SpanId")?;
        let trace_id: Str = need(&mut seq, "TraceId")?;
        let service: Str = need(&mut seq, "ServiceName")?;
        let name: Str = need(&mut seq, "Name")?;
        let kind: Str = need(&mut seq, "Kind")?;
        let dur: Str = need(&mut seq, "DurationNano")?;
        let keys = seq
            .next_element::<Option<Vec<Str>>>()?
            .flatten()
            .unwrap_or_default();
        let values = seq
            .next_element::<Option<Vec<Str>>>()?
            .flatten()
            .unwrap_or_default();
        let refs = seq
            .next_element::<Option<Vec<Str>>>()?
            .flatten()
            .unwrap_or_default();
        let events = seq
            .next_element::<Option<Vec<Str>>>()?
            .flatten()
            .unwrap_or_default();
        let err = seq
            .next_element::<Option<bool>>()?
            .flatten()
            .unwrap_or(false);
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        let strings = &mut st.strings;
        let references = refs
            .iter()
            .filter_map(|r| Reference::parse_interned(&r.0, strings))
            .collect();
        st.spans.push(Span {
            start_ms: time,
            span_id: span_id.0.into_owned(),
            trace_id: strings.get(&trace_id.0),
            service: strings.get(&service.0),
            name: strings.get(&name.0),
            kind: SpanKind::from_wire(&kind.0),
            duration_ns: crate::model::parse_float(&dur.0).max(0.0),
            tag_keys: keys.iter().map(|k| strings.get(&k.0)).collect(),
            tag_values: values.iter().map(|v| Arc::from(&*v.0)).collect(),
            references,
            events: events.into_iter().map(|v| v.0.into_owned()).collect(),
            has_error: err,
        });
        Ok(())
    }
}
