//! The store's error: what a query or a metadata write can fail with. `?` converts the
//! underlying library errors; the API turns any of them into a 500 (detail logged only).

use std::fmt;

#[derive(Debug)]
pub enum StoreError {
    /// SQLite refused the statement or the connection.
    Sqlite(rusqlite::Error),
    /// A stored JSON document (rule, dashboard, settings) does not parse or serialise.
    Json(serde_json::Error),
    /// A file under the data directory could not be read or written.
    Io(std::io::Error),
    /// The writer thread is gone.
    WriterStopped,
    /// The blocking task running a query panicked or was cancelled.
    TaskFailed(String),
    /// Any other reason, already worded for the log.
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => e.fmt(f),
            StoreError::Json(e) => e.fmt(f),
            StoreError::Io(e) => e.fmt(f),
            StoreError::WriterStopped => f.write_str("database writer stopped"),
            // The API recognises this prefix as internal whatever status a handler chose.
            StoreError::TaskFailed(e) => write!(f, "query task failed: {e}"),
            StoreError::Other(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Sqlite(e) => Some(e),
            StoreError::Json(e) => Some(e),
            StoreError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Json(e)
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

impl From<String> for StoreError {
    fn from(e: String) -> Self {
        StoreError::Other(e)
    }
}

impl From<&str> for StoreError {
    fn from(e: &str) -> Self {
        StoreError::Other(e.to_string())
    }
}

/// For callers that still carry errors as text.
impl From<StoreError> for String {
    fn from(e: StoreError) -> Self {
        e.to_string()
    }
}
