//! The embedded database: one SQLite file in WAL mode, a single writer thread, and a small
//! pool of read connections used from blocking tasks.

pub mod filter;
pub mod rows;
pub mod schema;
pub mod sketch;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

pub use rows::Batch;
use writer::Job;

pub const DB_FILE: &str = "signals.db";

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<mpsc::Sender<Job>>,
    logs_committed: tokio::sync::broadcast::Sender<usize>,
    readers: Mutex<Vec<Connection>>,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    filter::register_regexp(conn)?;
    // NORMAL in WAL mode: a commit is durable against a process crash (kill -9), which is
    // what we promise; only an OS crash or power loss can lose the last commits.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
    )
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, migrates it and starts the writer.
    pub fn open(data_dir: &Path) -> Result<Store, String> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let path = data_dir.join(DB_FILE);
        let mut conn =
            Connection::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        configure(&conn).map_err(|e| e.to_string())?;
        schema::migrate(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
        let (tx, rx) = mpsc::channel();
        let (logs_committed, _) = tokio::sync::broadcast::channel(64);
        let writer_logs = logs_committed.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer::run(conn, rx, writer_logs))
            .map_err(|e| e.to_string())?;
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                writer: Mutex::new(tx),
                logs_committed,
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Commits a batch; resolves once it is durable.
    pub async fn write(&self, batch: Batch) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.send(Job::Write(batch, tx))?;
        rx.await
            .map_err(|_| "database writer stopped".to_string())?
    }

    /// Wakes after every commit that added log rows (with their count). A lagging receiver
    /// only misses wake-ups, never rows: readers query for rows newer than they have seen.
    pub fn subscribe_logs(&self) -> tokio::sync::broadcast::Receiver<usize> {
        self.inner.logs_committed.subscribe()
    }

    /// Deletes telemetry older than `cutoff_ns`; returns how many rows went.
    pub async fn sweep(&self, cutoff_ns: i64) -> Result<usize, String> {
        let (tx, rx) = oneshot::channel();
        self.send(Job::Sweep(cutoff_ns, tx))?;
        rx.await
            .map_err(|_| "database writer stopped".to_string())?
    }

    fn send(&self, job: Job) -> Result<(), String> {
        self.inner
            .writer
            .lock()
            .unwrap()
            .send(job)
            .map_err(|_| "database writer stopped".to_string())
    }

    /// Runs `f` with a pooled connection on the blocking pool. The connection may also write
    /// small metadata (users, dashboards, rules): busy_timeout serialises it with the writer.
    pub async fn with_conn<T, F>(&self, f: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, String> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = store.take_conn()?;
            let out = f(&mut conn);
            store.inner.readers.lock().unwrap().push(conn);
            out
        })
        .await
        .map_err(|e| format!("query task failed: {e}"))?
    }

    fn take_conn(&self) -> Result<Connection, String> {
        if let Some(c) = self.inner.readers.lock().unwrap().pop() {
            return Ok(c);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&self.inner.path, flags).map_err(|e| e.to_string())?;
        configure(&conn).map_err(|e| e.to_string())?;
        Ok(conn)
    }
}
