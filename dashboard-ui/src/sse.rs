//! Server-sent events (the `text/event-stream` format) split from a byte
//! stream that arrives in arbitrary chunks: the live tail reads
//! `/api/v3/logs/livetail` through `fetch` (so it can send the
//! Authorization header, as SigNoz's EventSource polyfill does).

/// One event: its `event:` type ("message" when absent) and `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event: String,
    pub data: String,
    pub id: String,
}

#[derive(Debug, Default)]
pub struct Parser {
    pending: Vec<u8>,
    event: String,
    data: Vec<String>,
    id: String,
}

impl Parser {
    /// Feeds bytes; returns the events completed by them.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(nl) = self.pending.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.pending.drain(..=nl).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if !self.data.is_empty() {
                    let event = if self.event.is_empty() {
                        "message".to_string()
                    } else {
                        std::mem::take(&mut self.event)
                    };
                    out.push(Event {
                        event,
                        data: self.data.join("\n"),
                        id: self.id.clone(),
                    });
                }
                self.data.clear();
                self.event.clear();
                continue;
            }
            if line.starts_with(':') {
                continue; // comment / keep-alive
            }
            let (field, value) = line
                .split_once(':')
                .map(|(f, v)| (f, v.strip_prefix(' ').unwrap_or(v)))
                .unwrap_or((line.as_str(), ""));
            match field {
                "data" => self.data.push(value.to_string()),
                "event" => self.event = value.to_string(),
                "id" => self.id = value.to_string(),
                _ => {}
            }
        }
        out
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn events_across_chunks() {
        let mut p = Parser::default();
        assert!(p.push(b": keep-alive\n\nda").is_empty());
        assert!(p.push(b"ta: {\"a\":1}\r\n").is_empty());
        let e = p.push(b"\r\nevent: error\ndata: x\ndata: y\nid: 7\n\n");
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0],
            Event {
                event: "message".into(),
                data: "{\"a\":1}".into(),
                id: String::new()
            }
        );
        assert_eq!(
            e[1],
            Event {
                event: "error".into(),
                data: "x\ny".into(),
                id: "7".into()
            }
        );
        // Multi-byte UTF-8 split across chunks survives.
        let bytes = "data: ü\n\n".as_bytes();
        assert!(p.push(&bytes[..7]).is_empty());
        assert_eq!(p.push(&bytes[7..])[0].data, "ü");
    }
}
