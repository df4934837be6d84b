//! The embedded database: one SQLite file in WAL mode, a single writer thread, and a small
//! pool of read connections used from blocking tasks.

mod error;
pub mod filter;
pub mod rows;
pub mod schema;
pub mod sketch;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{oneshot, Semaphore};

pub use error::StoreError;
pub use rows::Batch;
use writer::{Job, Shared};

pub const DB_FILE: &str = "signals.db";
/// Most write jobs (OTLP requests) waiting for the writer.
pub const WRITE_QUEUE_JOBS: usize = 256;
/// Most rows waiting for the writer; more gets `WriteError::Busy` (503, retry later) instead
/// of growing memory without bound.
pub const WRITE_QUEUE_ROWS: usize = 200_000;
/// Most read connections (and concurrent queries); each holds its own page cache.
pub const MAX_READERS: usize = 8;

/// Per-signal retention cutoffs (ns since the epoch): older rows are deleted.
#[derive(Debug, Clone, Copy)]
pub struct Cutoffs {
    pub traces: i64,
    pub logs: i64,
    pub metrics: i64,
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: mpsc::SyncSender<Job>,
    shared: Arc<Shared>,
    logs_committed: tokio::sync::broadcast::Sender<usize>,
    readers: Mutex<Vec<Connection>>,
    reader_slots: Arc<Semaphore>,
}

/// Why a write was not committed. Every case is worth retrying later (OTLP 503).
#[derive(Debug, Clone, PartialEq)]
pub enum WriteError {
    /// The queue in front of the writer is full.
    Busy,
    /// The writer thread is gone.
    Stopped,
    /// The database refused the commit (e.g. disk full).
    Storage(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Busy => f.write_str("the database writer is busy; retry later"),
            WriteError::Stopped => f.write_str("database writer stopped"),
            WriteError::Storage(e) => write!(f, "could not store data: {e}"),
        }
    }
}

/// Page cache per connection: the writer's keeps the indexes hot for ingest; readers are
/// many, so theirs is smaller.
const WRITER_CACHE_KIB: i64 = 65536;
const READER_CACHE_KIB: i64 = 16384;

fn configure(conn: &Connection, cache_kib: i64) -> rusqlite::Result<()> {
    filter::register_regexp(conn)?;
    filter::register_url_host(conn)?;
    // NORMAL in WAL mode: a commit is durable against a process crash (kill -9), which is
    // what we promise; only an OS crash or power loss can lose the last commits.
    // temp_store FILE: big sorts spill to disk instead of growing memory.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000; PRAGMA temp_store = FILE; PRAGMA cache_size = -{cache_kib};"
    ))
}

/// Below this much free disk space the database counts as not writable.
const MIN_FREE_BYTES: u64 = 1 << 20;

/// Free space for unprivileged writers on the file system holding `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a NUL-terminated path and `st` a valid out-parameter.
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Creates `dir` (and parents) readable only by its owner: it holds password hashes,
/// telemetry and the JWT secret.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", dir.display())))
}

/// Creates the database file owner-only before SQLite opens it (SQLite gives the -wal and
/// -shm files the same mode), and tightens an existing one.
fn make_private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .and_then(|_| std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)))
            .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", path.display())))?;
    }
    let _ = path;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, migrates it and starts the writer.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        make_private(&path)?;
        let mut conn = Connection::open(&path)
            .map_err(|e| StoreError::Other(format!("cannot open {}: {e}", path.display())))?;
        configure(&conn, WRITER_CACHE_KIB)?;
        schema::migrate(&mut conn)
            .map_err(|e| StoreError::Other(format!("migration failed: {e}")))?;
        let (tx, rx) = mpsc::sync_channel(WRITE_QUEUE_JOBS);
        let shared = Arc::new(Shared {
            queued_rows: AtomicUsize::new(0),
            alive: AtomicBool::new(true),
        });
        let for_writer = shared.clone();
        let (logs_committed, _) = tokio::sync::broadcast::channel(64);
        let writer_logs = logs_committed.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer::run(conn, rx, for_writer, writer_logs))?;
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                writer: tx,
                shared,
                logs_committed,
                readers: Mutex::new(Vec::new()),
                reader_slots: Arc::new(Semaphore::new(MAX_READERS)),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Rows sent to the writer and not yet committed.
    pub fn queued_rows(&self) -> usize {
        self.inner.shared.queued_rows.load(Ordering::Relaxed)
    }

    /// Commits a batch; resolves once it is durable. Refuses at once (`Busy`) when the
    /// writer's queue is full rather than queueing without bound.
    pub async fn write(&self, batch: Batch) -> Result<(), WriteError> {
        let rows = batch.spans.len() + batch.logs.len() + batch.metrics.len() + batch.errors.len();
        let queued = &self.inner.shared.queued_rows;
        let before = queued.fetch_add(rows, Ordering::SeqCst);
        // A request larger than the budget is still taken when nothing else waits.
        if before > 0 && before + rows > WRITE_QUEUE_ROWS {
            queued.fetch_sub(rows, Ordering::SeqCst);
            return Err(WriteError::Busy);
        }
        let (tx, rx) = oneshot::channel();
        if let Err(e) = self.inner.writer.try_send(Job::Write(batch, rows, tx)) {
            queued.fetch_sub(rows, Ordering::SeqCst);
            return Err(match e {
                mpsc::TrySendError::Full(_) => WriteError::Busy,
                mpsc::TrySendError::Disconnected(_) => WriteError::Stopped,
            });
        }
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(WriteError::Storage(e)),
            Err(_) => Err(WriteError::Stopped),
        }
    }

    /// Wakes after every commit that added log rows (with their count). A lagging receiver
    /// only misses wake-ups, never rows: readers query for rows newer than they have seen.
    pub fn subscribe_logs(&self) -> tokio::sync::broadcast::Receiver<usize> {
        self.inner.logs_committed.subscribe()
    }

    /// Deletes telemetry older than `cutoff_ns`; returns how many rows went.
    pub async fn sweep(&self, cutoff_ns: i64) -> Result<usize, StoreError> {
        self.sweep_signals(Cutoffs {
            traces: cutoff_ns,
            logs: cutoff_ns,
            metrics: cutoff_ns,
        })
        .await
    }

    /// Deletes each signal's telemetry older than its cutoff; returns how many rows went.
    pub async fn sweep_signals(&self, cutoffs: Cutoffs) -> Result<usize, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.send(Job::Sweep(cutoffs, tx)).await?;
        Ok(rx.await.map_err(|_| StoreError::WriterStopped)??)
    }

    /// Ok when the writer thread runs, answers within `timeout`, its last commit (or a test
    /// write now) succeeded, and the disk has room. (A failed commit can leave WAL space
    /// that a small test write fits in, so free space is checked too.)
    pub async fn health(&self, timeout: Duration) -> Result<(), StoreError> {
        if !self.inner.shared.alive.load(Ordering::SeqCst) {
            return Err(StoreError::WriterStopped);
        }
        if let Some(free) = free_bytes(&self.inner.path) {
            if free < MIN_FREE_BYTES {
                return Err(StoreError::Other(format!(
                    "the disk holding the database is full ({free} bytes free)"
                )));
            }
        }
        let (tx, rx) = oneshot::channel();
        match tokio::time::timeout(timeout, async {
            self.send(Job::Probe(tx)).await?;
            rx.await.map_err(|_| StoreError::WriterStopped)??;
            Ok::<_, StoreError>(())
        })
        .await
        {
            Ok(r) => r.map_err(|e| StoreError::Other(format!("database is not writable: {e}"))),
            Err(_) => Err("database writer did not answer in time".into()),
        }
    }

    /// Queues a control job, waiting for room (never fails for a full queue).
    async fn send(&self, job: Job) -> Result<(), StoreError> {
        let writer = self.inner.writer.clone();
        tokio::task::spawn_blocking(move || writer.send(job))
            .await
            .map_err(|e| StoreError::TaskFailed(e.to_string()))?
            .map_err(|_| StoreError::WriterStopped)
    }

    /// Runs `f` with a pooled connection on the blocking pool. The connection may also write
    /// small metadata (users, dashboards, rules): busy_timeout serialises it with the writer.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        let slot = self
            .inner
            .reader_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| StoreError::TaskFailed(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let mut conn = store.take_conn()?;
            let out = f(&mut conn);
            store.inner.readers.lock().unwrap().push(conn);
            out
        })
        .await
        .map_err(|e| StoreError::TaskFailed(e.to_string()))?
    }

    /// [`Store::run`] for callers that carry errors as text.
    pub async fn with_conn<T, F>(&self, f: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, String> + Send + 'static,
    {
        self.run(move |c| f(c).map_err(StoreError::Other))
            .await
            .map_err(String::from)
    }

    fn take_conn(&self) -> Result<Connection, StoreError> {
        if let Some(c) = self.inner.readers.lock().unwrap().pop() {
            return Ok(c);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.inner.path, flags)?;
        configure(&conn, READER_CACHE_KIB)?;
        Ok(conn)
    }
}
