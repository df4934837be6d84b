// IndexedDB and cross-tab lock for the offline buffer (src/web/offline.rs). One small
// helper instead of many web-sys IDB bindings: every function resolves (never rejects),
// with null when IndexedDB is missing or fails, so Rust falls back to memory.
// Database `otel-wasm`, store `batches`: { id (auto), url, type, body, created, attempts }.
// MARK in localStorage: a batch may be stored (export::offline, StoreUse).

const DB = 'otel-wasm';
const STORE = 'batches';
const LOCK = 'otel-wasm:offline';
const MARK = 'otel-wasm:offline:stored';
let db;
let held = null;

function open() {
  return (db ??= connect());
}

// Opens the current version (a new database starts at 1); if the store is missing (someone
// else made the database), upgrades once to add it.
function connect(version) {
  return new Promise((resolve) => {
    try {
      const r = version ? indexedDB.open(DB, version) : indexedDB.open(DB);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      };
      r.onsuccess = () => {
        const d = r.result;
        if (!d.objectStoreNames.contains(STORE)) {
          d.close();
          return resolve(version ? null : connect(d.version + 1));
        }
        // Let another tab upgrade the database; we reopen on the next use.
        d.onversionchange = () => { d.close(); db = undefined; };
        resolve(d);
      };
      r.onerror = r.onblocked = () => resolve(null);
    } catch (_) {
      resolve(null);
    }
  });
}

function run(mode, work) {
  return open().then((d) => new Promise((resolve) => {
    if (!d) return resolve(null);
    try {
      const t = d.transaction(STORE, mode);
      const req = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(req ? req.result : true);
      t.onerror = t.onabort = () => resolve(null);
    } catch (_) {
      resolve(null);
    }
  }));
}

/** 0 unmarked, 1 marked, 2 no usable localStorage. */
export function marker() {
  try { return localStorage.getItem(MARK) === null ? 0 : 1; } catch (_) { return 2; }
}

function mark(on) {
  try { on ? localStorage.setItem(MARK, 1) : localStorage.removeItem(MARK); } catch (_) { /* marker() is 2 */ }
}

/** Stores a record (with `id`: replaces it); resolves to its id, or null. Marked before (a
 *  page dying mid-write) and after (another tab's drain may have unmarked meanwhile). */
export function idb_put(rec) {
  mark(1);
  return run('readwrite', (s) => s.put(rec)).then((id) => (id != null && mark(1), id));
}

/** Records left, or null; unmarks at 0 inside the transaction, so a put of another tab
 *  commits later and marks again. */
export function idb_settle() {
  return run('readonly', (s) => {
    const c = s.count();
    c.onsuccess = () => c.result || mark(0);
    return c;
  });
}

/** Counts one more failed attempt on a record, if it is still stored (a put may have
 *  evicted it meanwhile: it must not come back). */
export function idb_bump(id) {
  return run('readwrite', (s) => {
    const g = s.get(id);
    g.onsuccess = () => { if (g.result) s.put({ ...g.result, attempts: (g.result.attempts || 0) + 1 }); };
  });
}

/** Every record, oldest first; null without IndexedDB. */
export function idb_all() {
  return run('readonly', (s) => s.getAll());
}

/** Deletes the records with these ids; resolves to true, or null. */
export function idb_delete(ids) {
  return run('readwrite', (s) => { for (const id of ids) s.delete(id); });
}

/** Takes the origin-wide drain lock without waiting: Web Locks where present, else a
 *  60 s lease in localStorage. Resolves to whether we hold it. */
export function lock_take() {
  const locks = globalThis.navigator && navigator.locks;
  if (locks && locks.request) {
    return new Promise((granted) => {
      locks.request(LOCK, { ifAvailable: true }, (lock) => {
        if (!lock) return granted(false);
        return new Promise((release) => { held = release; granted(true); });
      }).catch(() => granted(false));
    });
  }
  try {
    const now = Date.now();
    const lease = JSON.parse(localStorage.getItem(LOCK) || 'null');
    if (lease && lease.until > now) return Promise.resolve(false);
    const mine = { until: now + 60000, by: Math.random() };
    localStorage.setItem(LOCK, JSON.stringify(mine));
    held = () => {
      if (JSON.parse(localStorage.getItem(LOCK) || 'null')?.by === mine.by) localStorage.removeItem(LOCK);
    };
    return Promise.resolve(true);
  } catch (_) {
    return Promise.resolve(true); // no storage to share a lease through
  }
}

export function lock_release() {
  const h = held;
  held = null;
  try { if (h) h(); } catch (_) { /* storage gone */ }
}

/** `navigator.onLine`; true where unknown. */
export function is_online() {
  return !(globalThis.navigator && navigator.onLine === false);
}
