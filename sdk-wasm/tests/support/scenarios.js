// Page code for the instrumentation browser tests: what an application does
// (fetch in its many call shapes, XHR, click handlers with async work). Plain
// modern JS, not transpiled, no zone.js. The Rust tests run these and then
// assert on the spans and on what the HTTP fixture received.

// Captured at module load, before any instrumentation is installed.
const rawFetch = globalThis.fetch.bind(globalThis);
const rawSetTimeout = globalThis.setTimeout.bind(globalThis);

export async function received(base, id) {
  const r = await rawFetch(`${base}/t/${id}/_received`);
  return r.json();
}

export function sleep(ms) {
  return new Promise((r) => rawSetTimeout(r, ms));
}

/** Resolves in a later task than the caller's (after a macrotask boundary). */
export function nextTask() {
  return new Promise((r) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => r();
    c.port2.postMessage(0);
  });
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Instrumentation config: trace headers allowed to `allowed` (a RegExp). */
export function config(allowed, extra) {
  return Object.assign(
    {
      propagateTraceHeaderCorsUrls: allowed ? [new RegExp('^' + escape(allowed))] : [],
      ignoreUrls: [/\/_received$/],
      documentLoad: false,
    },
    extra || {},
  );
}

// ---- fetch -----------------------------------------------------------------

export async function fetchText(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

/** Every call shape; each sends `x-custom: <n>`. */
export async function fetchShapes(base, id) {
  const u = (n) => `${base}/t/${id}/shape${n}`;
  const out = [];
  out.push(await fetch(u(1), { headers: { 'x-custom': '1' } }));
  out.push(await fetch(new URL(u(2)), { headers: new Headers({ 'x-custom': '2' }) }));
  out.push(await fetch(u(3), { headers: [['x-custom', '3']] }));
  out.push(await fetch(new Request(u(4), { headers: { 'x-custom': '4' } })));
  // init headers win over the Request's on merge
  out.push(await fetch(new Request(u(5), { headers: { 'x-custom': 'request' } }), { headers: { 'x-custom': '5' } }));
  out.push(await fetch(new Request(u(6), { method: 'POST', body: 'six', headers: { 'x-custom': '6' } })));
  out.push(await fetch(u(7), { method: 'POST', body: new URLSearchParams({ a: '7' }), headers: new Map([['x-custom', '7']]) }));
  return Promise.all(out.map((r) => r.text()));
}

export async function fetchWithTraceparent(url, tp) {
  await (await fetch(url, { headers: { traceparent: tp } })).text();
}

/** What the page sees of a response, to compare with and without the SDK. */
export async function responseShape(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new Error(`${url}: ${e}`);
  }
  const clone = res.clone();
  return {
    url: res.url,
    type: res.type,
    status: res.status,
    redirected: res.redirected,
    contentType: res.headers.get('content-type'),
    bodyUsed: res.bodyUsed,
    locked: res.body ? res.body.locked : false,
    json: url.includes('/json') ? await res.json() : null,
    cloneText: url.includes('/json') ? await clone.text() : null,
  };
}

export async function fetchError(url, init) {
  try {
    const r = await fetch(url, init);
    return `resolved ${r.type} ${r.status}`;
  } catch (e) {
    return `${e.name}`;
  }
}

/** An input whose conversion throws: the page must see the same error. */
export async function fetchThrowingInput() {
  try {
    await fetch({
      toString() {
        throw new RangeError('bad input');
      },
    });
    return 'resolved';
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

export async function fetchAborted(url) {
  const c = new AbortController();
  const p = fetch(url, { signal: c.signal });
  rawSetTimeout(() => c.abort(), 20);
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e.name;
  }
}

export async function compileStreaming(url) {
  const m = await WebAssembly.compileStreaming(fetch(url));
  return m instanceof WebAssembly.Module;
}

/** Reads a few chunks of an endless stream after the span ended, then cancels. */
export async function readStream(url, chunks) {
  const res = await fetch(url);
  const before = { bodyUsed: res.bodyUsed, locked: res.body.locked };
  const reader = res.body.getReader();
  let bytes = 0;
  for (let i = 0; i < chunks; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.length;
  }
  await reader.cancel();
  return { before, bytes };
}

/** Fetch, then the page is hidden / navigated away right after the response. */
export async function fetchThenLeave(url) {
  const res = await fetch(url);
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  return res.status;
}

/** The exporter posts after an `await` (where OTel JS loses suppression). */
export async function exporterLike(url) {
  await Promise.resolve();
  await new Promise((r) => rawSetTimeout(r, 1));
  const res = await fetch(url, { method: 'POST', body: 'spans', headers: { 'content-type': 'application/x-protobuf' } });
  return res.status;
}

// ---- XMLHttpRequest --------------------------------------------------------

/** Runs one XHR; resolves with what the page observed. */
export function xhr(method, url, opts) {
  opts = opts || {};
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    const seen = { readyStates: [], listeners: 0, onload: 0 };
    x.onreadystatechange = () => seen.readyStates.push(x.readyState);
    const finish = (ev) => () => {
      seen.event = ev;
      seen.status = x.status;
      seen.text = x.responseType === '' ? x.responseText : null;
      // Listeners added after ours (at open) run later in this dispatch.
      nextTask().then(() => resolve(seen));
    };
    x.addEventListener('load', () => seen.listeners++);
    x.addEventListener('load', () => seen.listeners++);
    x.onload = () => {
      seen.onload++;
      finish('load')();
    };
    x.onerror = finish('error');
    x.onabort = finish('abort');
    x.ontimeout = finish('timeout');
    x.open(method, url, opts.sync ? false : true);
    if (opts.timeout) x.timeout = opts.timeout;
    if (opts.traceparent) x.setRequestHeader('traceparent', opts.traceparent);
    if (!opts.simple) x.setRequestHeader('x-custom', 'xhr');
    try {
      x.send(opts.body === undefined ? null : opts.body);
    } catch (e) {
      seen.thrown = e.name;
      resolve(seen);
      return;
    }
    if (opts.abortAfter !== undefined) rawSetTimeout(() => x.abort(), opts.abortAfter);
    if (opts.sync) {
      seen.syncStatus = x.status;
      seen.syncText = x.responseText;
      if (!seen.event) resolve(seen);
    }
  });
}

/** One XHR object used twice in a row. */
export async function xhrReused(url) {
  const x = new XMLHttpRequest();
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => {
      x.open('GET', `${url}?n=${i}`);
      x.onloadend = resolve;
      x.send();
    });
  }
}

// ---- interactions ----------------------------------------------------------

let root = null;
function stage() {
  if (root) root.remove();
  root = document.createElement('div');
  root.innerHTML = '<section><button>a</button><button id="go">b</button><button disabled>c</button><div><span>d</span></div></section>';
  document.body.appendChild(root);
  return root;
}

/**
 * Clicks a button whose handlers start requests in every async way a page
 * does. Returns after all requests ended. `u(name)` builds a fixture URL.
 */
export async function clickWithAsyncWork(base, id) {
  const u = (n) => `${base}/t/${id}/${n}`;
  const el = stage().querySelectorAll('button')[0];
  let done;
  const all = new Promise((r) => (done = r));
  // Three listeners on the path; one dispatch must still give one span.
  document.addEventListener('click', () => {}, { once: true });
  window.addEventListener('click', () => {}, { once: true });
  el.addEventListener('click', async () => {
    const jobs = [];
    jobs.push(fetch(u('sync')));
    const res = await fetch(u('slow/30'));
    await res.text();
    jobs.push(fetch(u('after-await')));
    await new Promise((r) => setTimeout(r, 10));
    jobs.push(fetch(u('after-timer-await')));
    jobs.push(Promise.resolve().then(() => fetch(u('in-then'))));
    jobs.push(new Promise((r) => setTimeout(() => r(fetch(u('in-timeout'))), 5)));
    jobs.push(new Promise((r) => requestAnimationFrame(() => r(fetch(u('in-raf'))))));
    const json = await (await fetch(u('json'))).json();
    if (json.ok) jobs.push(fetch(u('after-json')));
    jobs.push(new Promise((r) => queueMicrotask(() => r(fetch(u('in-microtask'))))));
    jobs.push(
      new Promise((r) => {
        const x = new XMLHttpRequest();
        x.open('GET', u('xhr'));
        x.onload = () => r(fetch(u('after-xhr')));
        x.send();
      }),
    );
    await Promise.all(jobs);
    done();
  });
  el.click();
  await all;
}

/** Two clicks close together, each handler starting its request later. */
export async function twoClicks(base, id) {
  const u = (n) => `${base}/t/${id}/${n}`;
  const [a, b] = stage().querySelectorAll('button');
  const jobs = [];
  a.addEventListener('click', () => {
    jobs.push(
      (async () => {
        await new Promise((r) => setTimeout(r, 40));
        await fetch(u('a1'));
        await fetch(u('a2'));
      })(),
    );
  });
  b.addEventListener('click', () => {
    jobs.push(
      (async () => {
        await fetch(u('b1'));
        await new Promise((r) => setTimeout(r, 5));
        await fetch(u('b2'));
      })(),
    );
  });
  a.click();
  await nextTask();
  b.click();
  await nextTask();
  while (jobs.length < 2) await nextTask();
  await Promise.all(jobs);
}

/** Clicks `which` ('first', 'id', 'disabled', 'nested') with no handler. */
export function clickOn(which) {
  const r = stage();
  const el = {
    first: r.querySelectorAll('button')[0],
    id: r.querySelector('#go'),
    disabled: r.querySelector('button[disabled]'),
    nested: r.querySelector('span'),
  }[which];
  el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  el.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
}

/**
 * A click whose handler changes the URL (SPA navigation): with
 * history.pushState, or by assigning location.hash after an await.
 */
export async function clickNavigates(path, how) {
  const before = location.pathname + location.search + location.hash;
  const el = stage().querySelectorAll('button')[0];
  let done;
  const finished = new Promise((r) => (done = r));
  el.addEventListener('click', async () => {
    if (how === 'hash') {
      await new Promise((r) => setTimeout(r, 5));
      location.hash = path;
    } else {
      history.pushState({}, '', path);
    }
    done();
  });
  el.click();
  await finished;
  await nextTask();
  await nextTask();
  history.replaceState({}, '', before);
}

/** A listener registered before the SDK starts, which fetches. */
let early = null;
export function addEarlyListener(url) {
  const el = stage().querySelectorAll('button')[0];
  early = { el, done: null };
  early.finished = new Promise((r) => (early.done = r));
  el.addEventListener('click', () => fetch(url).then(() => early.done()));
}

export async function clickEarly() {
  early.el.click();
  await early.finished;
  await nextTask();
}

/** A disabled-looking target without getAttribute: a text node's event. */
export function clickTextNode() {
  const t = document.createTextNode('x');
  stage().appendChild(t);
  t.dispatchEvent(new Event('click', { bubbles: true }));
}

export function makeFetchReadOnly() {
  const original = window.fetch;
  Object.defineProperty(window, 'fetch', { value: original, writable: false, configurable: true });
  return () => Object.defineProperty(window, 'fetch', { value: original, writable: true, configurable: true });
}

export function restore(undo) {
  undo();
}

export function fetchIsNative() {
  return window.fetch === rawFetch || /\[native code\]/.test(Function.prototype.toString.call(window.fetch));
}

export function addMetaTraceparent(tp) {
  const m = document.createElement('meta');
  m.name = 'traceparent';
  m.content = tp;
  document.head.appendChild(m);
  return () => m.remove();
}

export function resetDocumentLoadFlag() {
  delete window.__sdkWasmDocumentLoad;
}

/**
 * Replaces fetch with a network-free stub (resolves at once) so a loop of
 * fetches measures JS/wasm work only. Install before the SDK; returns undo.
 */
export function installFetchStub() {
  const real = window.fetch;
  window.fetch = function fetch() {
    return Promise.resolve(new Response('ok'));
  };
  return () => {
    window.fetch = real;
  };
}

/**
 * Replaces XMLHttpRequest with a network-free fake that completes in a
 * microtask (readystatechange, load, loadend), for the same purpose.
 * Install before the SDK; returns undo.
 */
export function installXhrStub() {
  const Real = window.XMLHttpRequest;
  class FakeXMLHttpRequest extends EventTarget {
    constructor() {
      super();
      this.readyState = 0;
      this.status = 0;
      this.responseText = '';
    }
    open() {
      this.readyState = 1;
    }
    setRequestHeader() {}
    send() {
      queueMicrotask(() => {
        this.readyState = 4;
        this.status = 200;
        this.responseText = 'ok';
        for (const t of ['readystatechange', 'load', 'loadend']) {
          const e = new Event(t);
          this.dispatchEvent(e);
          if (typeof this['on' + t] === 'function') this['on' + t](e);
        }
      });
    }
  }
  window.XMLHttpRequest = FakeXMLHttpRequest;
  return () => {
    window.XMLHttpRequest = Real;
  };
}

/**
 * Wall time of n sequential fetches / XHRs, or n synchronous clicks followed
 * by one macrotask (where interaction spans end), in ms.
 */
export async function timePerCall(kind, url, n) {
  const el = stage().querySelectorAll('button')[0];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (kind === 'fetch') {
      await fetch(url);
    } else if (kind === 'xhr') {
      await new Promise((r) => {
        const x = new XMLHttpRequest();
        x.open('GET', url);
        x.onloadend = r;
        x.send();
      });
    } else {
      el.click();
    }
  }
  if (kind === 'click') await nextTask();
  const totalMs = performance.now() - t0;
  if (kind !== 'click') await nextTask();
  return { totalMs };
}
