// Browser glue for the auto-instrumentations: patches fetch, XMLHttpRequest,
// timers and promise callbacks, listens for interactions, and asks
// Rust (the `R` callbacks) what to record. Rules kept here:
// - The page's call always proceeds as without the SDK: every call into R is
//   in try/catch (counted in `errors`), and the original function is called
//   with the page's own arguments unless a trace header is added.
// - No per-call closures on the common path: shared listeners, state in a
//   WeakMap.
// - The "current context" is a number (0 = none) set when an interaction is
//   dispatched or captured async work runs, and cleared at the next macrotask
//   boundary (a MessageChannel message), so the microtasks of native `await`s
//   that follow still see it.
// - Installed before the core (`preinstall`, the npm package's loader), `R` is a
//   recorder: it keeps each call with its `performance.now()` in a bounded log,
//   issues handles from PRE up and the ids of the spans they will be, and
//   answers trace headers by the same CORS rule as the core. `install` then
//   replays the log into Rust with the clock held at each call's time (`now`),
//   and translates the early handles for the rest of the page.

const FETCH = 0, XHR = 1;
const OK = 0, NETWORK_ERROR = 1, ABORTED = 2, TIMEOUT = 3;
// Timers shorter than this keep an interaction open until they run.
const TIMER_WINDOW_MS = 1000;

let R = null;
let errors = 0;
let cur = 0;
let resetPending = false;
let channel = null;
let undo = [];
let timingTimer = 0;

const orig = {};
const xhrState = new WeakMap();
const NO_SPAN = { h: 0 };
const timers = new Map();
const frames = new Map();

function call(f, a, b, c, d, e, g, i) {
  try {
    return f(a, b, c, d, e, g, i);
  } catch (_) {
    errors++;
    return 0;
  }
}

function onBoundary() {
  resetPending = false;
  cur = 0;
  if (R) call(R.boundary);
}

function scheduleReset() {
  if (!resetPending && channel) {
    resetPending = true;
    channel.port2.postMessage(0);
  }
}

function enter(ctx) {
  if (ctx) {
    cur = ctx;
    scheduleReset();
  }
}

function patch(obj, name, make) {
  const original = obj[name];
  if (typeof original !== 'function') return null;
  const wrapped = make(original);
  try {
    obj[name] = wrapped;
  } catch (_) {
    errors++;
    return null;
  }
  if (obj[name] !== wrapped) return null; // non-writable: leave the page alone
  undo.push(() => {
    if (obj[name] === wrapped) obj[name] = original;
  });
  return original;
}

function listen(target, type, fn, capture) {
  target.addEventListener(type, fn, capture);
  undo.push(() => target.removeEventListener(type, fn, capture));
}

// The last URL resolved and its base: a polled endpoint is resolved once.
let lastUrl = null;
let lastBase = '';
let lastHref = '';

function absolute(url) {
  const base = document.baseURI;
  if (url !== lastUrl || base !== lastBase) {
    lastHref = new URL(url, base).href;
    lastUrl = url;
    lastBase = base;
  }
  return lastHref;
}

// ---- fetch ---------------------------------------------------------------

function requestEnded(h, ctx, outcome, status, result) {
  if (R) call(R.end, h, outcome, status, result);
  enter(ctx);
}

function makeFetch(original) {
  return function fetch(input, init) {
    let args = arguments;
    let h = 0;
    const ctx = cur;
    // No arguments: the browser's own TypeError, untraced (an added init would count as one).
    if (R && args.length) {
      try {
        const isRequest = input instanceof Request;
        const method = (init && init.method) || (isRequest ? input.method : 'GET');
        h = R.start(FETCH, String(method), absolute(isRequest ? input.url : String(input)), ctx, input, init);
        // Requests we do not trace (the exporter's, ignored URLs) are no sign of life.
        if (h) alive();
        const add = h && R.header(h);
        if (add) {
          const kv = add.split('\n');
          const own = init && init.headers !== undefined ? init.headers : isRequest ? input.headers : undefined;
          // No headers of the page's to keep: ours alone, as a plain record (cheaper than Headers).
          const plain = own === undefined;
          const headers = plain ? {} : new Headers(own);
          // The page's own trace context wins.
          if (plain || !headers.has('traceparent')) {
            for (let i = 0; i < kv.length; i += 2) plain ? (headers[kv[i]] = kv[i + 1]) : headers.set(kv[i], kv[i + 1]);
            // The page's init is the new one's prototype: fetch reads inherited members and
            // getters too, which a copy of its own fields would drop. A primitive init, which
            // fetch refuses, throws here and goes to fetch unchanged.
            args = [input, Object.assign(init == null ? {} : Object.create(init), { headers })];
          }
        }
      } catch (_) {
        errors++;
      }
    }
    let p;
    try {
      p = original.apply(this, args);
    } catch (err) {
      if (h) requestEnded(h, ctx, NETWORK_ERROR, 0, err);
      throw err;
    }
    if (!h) return p;
    return orig.then.call(
      p,
      (res) => {
        requestEnded(h, ctx, OK, res.status, res);
        return res;
      },
      (err) => {
        requestEnded(h, ctx, err && err.name === 'AbortError' ? ABORTED : NETWORK_ERROR, 0, err);
        throw err;
      },
    );
  };
}

// Body reads resolve in a later task: restore the context for what follows
// `await res.json()`, and keep the interaction open meanwhile.
function makeBodyRead(original) {
  return function () {
    const ctx = cur;
    const p = original.apply(this, arguments);
    if (!ctx || !R) return p;
    const counted = call(R.workStart, ctx);
    const settle = () => {
      if (counted && R) call(R.workEnd, ctx);
      enter(ctx);
    };
    return orig.then.call(
      p,
      (v) => {
        settle();
        return v;
      },
      (e) => {
        settle();
        throw e;
      },
    );
  };
}

// ---- XMLHttpRequest --------------------------------------------------------

function xhrFinish(xhr, st, outcome, status) {
  st.done = true;
  requestEnded(st.h, st.ctx, outcome, status, xhr);
}

const XHR_OUTCOME = { load: OK, error: NETWORK_ERROR, abort: ABORTED, timeout: TIMEOUT };
const XHR_EVENTS = ['readystatechange', ...Object.keys(XHR_OUTCOME)];

function onXhrEvent(e) {
  const st = xhrState.get(this);
  if (!st || !st.h || st.done) return;
  const outcome = XHR_OUTCOME[e.type];
  // readystatechange fires before load/error in the same task: user handlers see the context.
  if (outcome === undefined) {
    if (st.sent) enter(st.ctx);
  } else xhrFinish(this, st, outcome, outcome === OK ? this.status : 0);
}

function makeOpen(original) {
  return function open(method, url) {
    const prev = xhrState.get(this);
    // open() on a request in flight cancels it without events.
    if (prev && prev.h && !prev.done) xhrFinish(this, prev, ABORTED, 0);
    const r = original.apply(this, arguments);
    let st = NO_SPAN;
    if (R) {
      try {
        const ctx = cur;
        const h = R.start(XHR, String(method), absolute(String(url)), ctx, this, undefined);
        if (h) {
          alive();
          st = { h, ctx, sync: arguments.length > 2 && !arguments[2], sent: false, done: false, hasTp: false };
          // readystatechange only restores a context: none, no listener (3 calls a request fewer).
          for (let i = ctx ? 0 : 1; i < XHR_EVENTS.length; i++) this.addEventListener(XHR_EVENTS[i], onXhrEvent);
        }
      } catch (_) {
        errors++;
      }
    }
    xhrState.set(this, st);
    return r;
  };
}

function makeSetRequestHeader(original) {
  return function setRequestHeader(name) {
    const st = xhrState.get(this);
    if (st && st.h && String(name).toLowerCase() === 'traceparent') st.hasTp = true;
    return original.apply(this, arguments);
  };
}

function makeSend(original) {
  return function send() {
    const st = xhrState.get(this);
    if (st && st.h && !st.sent && R) {
      try {
        st.sent = true;
        const add = R.send(st.h, !st.hasTp);
        if (add) {
          const kv = add.split('\n');
          for (let i = 0; i < kv.length; i += 2) orig.setRequestHeader.call(this, kv[i], kv[i + 1]);
        }
      } catch (_) {
        errors++;
      }
    }
    let r;
    try {
      r = original.apply(this, arguments);
    } catch (err) {
      if (st && st.h && !st.done) xhrFinish(this, st, NETWORK_ERROR, 0);
      throw err;
    }
    // A synchronous request has completed by now.
    if (st && st.h && st.sync && !st.done) xhrFinish(this, st, this.status ? OK : NETWORK_ERROR, this.status);
    return r;
  };
}

// ---- async context -------------------------------------------------------

function makeScheduler(original, pending) {
  return function (cb, delay) {
    const ctx = cur;
    if (!ctx || typeof cb !== 'function') return original.apply(this, arguments);
    // An object delay is not compared: its valueOf is the browser's to call, once.
    const counted = !(typeof delay == 'object' ? delay : delay > TIMER_WINDOW_MS) && call(R.workStart, ctx);
    const args = [...arguments];
    let id = 0;
    args[0] = function () {
      if (counted) pending.delete(id);
      enter(ctx);
      try {
        return cb.apply(this, arguments);
      } finally {
        if (counted && R) call(R.workEnd, ctx);
      }
    };
    id = original.apply(this, args);
    if (counted) pending.set(id, ctx);
    return id;
  };
}

function makeCancel(original, pending) {
  return function (id) {
    const ctx = pending.get(id);
    if (ctx !== undefined) {
      pending.delete(id);
      if (R) call(R.workEnd, ctx);
    }
    return original.apply(this, arguments);
  };
}

function bind(f, ctx) {
  if (typeof f !== 'function') return f;
  return function () {
    enter(ctx);
    return f.apply(this, arguments);
  };
}

function makeThen(original) {
  return function then(a, b) {
    const ctx = cur;
    if (!ctx) return original.call(this, a, b);
    return original.call(this, bind(a, ctx), bind(b, ctx));
  };
}

function makeQueueMicrotask(original) {
  return function queueMicrotask(cb) {
    const ctx = cur;
    return original.call(this, ctx ? bind(cb, ctx) : cb);
  };
}

// ---- interactions ---------------------------------------------------------

// Target first, records separated by \u0002, fields by \u0001 (see
// xpath::xpath); stops at the nearest element with an id.
function ancestry(el) {
  let out = '';
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const name = n.localName;
    const id = n.getAttribute('id') || '';
    let pos = 1;
    let same = 1;
    const p = n.parentElement;
    if (p) {
      same = 0;
      for (let c = p.firstElementChild; c; c = c.nextElementSibling) {
        if (c.localName === name) {
          same++;
          if (c === n) pos = same;
        }
      }
    }
    out += name + '\u0001' + id + '\u0001' + pos + '\u0001' + same + '\u0002';
    if (id) break;
  }
  return out;
}

// `location.href` builds a new string each read (0.75 µs a click on the bench VM). Where the Navigation API
// exists, every same-document URL change (pushState, replaceState, a fragment, whoever calls
// them) makes a new `navigation.currentEntry`: the href is read again only then.
let hrefEntry = null;
let href = '';
function pageHref() {
  const e = window.navigation && navigation.currentEntry;
  if (!e) return location.href;
  if (e !== hrefEntry) {
    hrefEntry = e;
    href = location.href;
  }
  return href;
}

function onInteraction(e) {
  if (!R) return;
  const t = e.target;
  // Elements only, and not disabled ones (OTel JS parity).
  if (!t || t.nodeType !== 1 || typeof t.getAttribute !== 'function' || t.hasAttribute('disabled')) return;
  let h = 0;
  try {
    // One string across the boundary instead of four (see `__cb_interaction`).
    h = R.interaction(e.type + '\u0003' + t.tagName + '\u0003' + pageHref() + '\u0003' + ancestry(t), t);
  } catch (_) {
    errors++;
  }
  if (h) {
    cur = h;
    scheduleReset();
    if (e.type === 'click') onClickSpan(h, t);
  }
}

// ---- frustration signals ---------------------------------------------------
// Rage: the 3rd and later click on one element within 1 s. Dead: no DOM change, request or
// URL change within 1 s of a click. Rust hears each click's verdict once (R.frustration).
const FRUSTRATION_MS = 1000, RAGE_CLICKS = 3;
// Numbers in flat arrays, no array per click: a burst of clicks makes no garbage here.
let clickEl = null; // the element of the current burst of clicks
let clickTimes = []; // the times of its last clicks (at most RAGE_CLICKS)
let raged = 0; // the current burst's clicks since it became a rage burst (flagged at 0)
let pendingH = []; // handles of the clicks waiting for a sign of life, oldest first
let pendingAt = []; // their deadlines
let verdictTimer = 0; // one timer for the oldest waiting click, not one per click
let mutations = null; // a MutationObserver, only while clicks wait

function onClickSpan(h, t) {
  const now = perf.now();
  if (clickEl !== t) {
    clickEl = t;
    clickTimes.length = 0;
  }
  let n = 0;
  for (let i = 0; i < clickTimes.length; i++) if (now - clickTimes[i] < FRUSTRATION_MS) clickTimes[n++] = clickTimes[i];
  clickTimes.length = n;
  // A burst ends after a second without a click on its element (or a click elsewhere); it is
  // one rage signal, on the click that made it one (as Datadog's one frustration per action).
  if (!n) raged = 0;
  // The last RAGE_CLICKS decide; more would make a burst of clicks quadratic.
  if (clickTimes.push(now) > RAGE_CLICKS) clickTimes.shift();
  if (clickTimes.length >= RAGE_CLICKS && !raged++) call(R.frustration, h, 0, true);
  pendingH.push(h);
  pendingAt.push(now + FRUSTRATION_MS);
  if (!mutations && typeof MutationObserver === 'function') {
    try {
      mutations = new MutationObserver(alive);
      mutations.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    } catch (_) {
      mutations = null;
    }
  }
  if (!verdictTimer) verdictTimer = orig.setTimeout.call(window, onVerdictDue, FRUSTRATION_MS);
}

/** The oldest clicks' second is over with no sign of life: they are dead. (A timer that finds
 *  no click due, as after `alive`, only re-arms for the next one.) */
function onVerdictDue() {
  const now = performance.now();
  let n = 0;
  while (n < pendingAt.length && pendingAt[n] <= now) n++;
  settle(n, true);
  verdictTimer = pendingAt.length ? orig.setTimeout.call(window, onVerdictDue, pendingAt[0] - now) : 0;
}

/** The `n` oldest waiting clicks got their verdict. */
function settle(n, dead) {
  if (n) {
    const done = pendingH.splice(0, n);
    pendingAt.splice(0, n);
    if (R) for (const h of done) call(R.frustration, h, 1, dead);
  }
  if (!pendingH.length && mutations) {
    mutations.disconnect();
    mutations = null;
  }
}

/** The page reacted (DOM change, request, URL change): no waiting click is dead. */
function alive() {
  // (No click waits, no observer runs: nothing to settle, nothing to allocate.)
  if (pendingH.length) settle(pendingH.length, false);
}

let expiryTimer = 0;

function onExpire() {
  expiryTimer = 0;
  const next = R ? call(R.expire) : 0;
  if (next > 0) armExpiry(next);
}

function onHide(e) {
  if (!R) return;
  if (e.type === 'visibilitychange' && document.visibilityState !== 'hidden') return;
  loadNow();
  call(R.hidden);
}

// ---- SPA navigation and session activity ------------------------------------

const PUSH = 0, REPLACE = 1, POP = 2;
// User input keeps the session alive; Rust hears of it at most once a second.
const ACTIVITY_EVENTS = ['pointerdown', 'keydown'];
const ACTIVITY_EVERY_MS = 1000;
let lastActivity = 0;

// The page's call runs first, unchanged: its exception propagates (and nothing is
// recorded), its return value is returned.
function makeHistory(original, kind) {
  return function () {
    loadNow(); // with the URL it loaded
    const r = original.apply(this, arguments);
    if (R) {
      alive();
      call(R.route, kind, location.href, cur);
    }
    return r;
  };
}

function onPop() {
  loadNow();
  alive();
  if (R) call(R.route, POP, location.href, cur);
}

function onActivity() {
  const now = Date.now();
  if (R && now - lastActivity >= ACTIVITY_EVERY_MS) {
    lastActivity = now;
    call(R.activity);
  }
}

// ---- resource timing -----------------------------------------------------

function onTimingWait() {
  timingTimer = 0;
  if (R && call(R.sweep)) armTimingWait();
}

/** Called by Rust when a span waits for its resource-timing entry. */
export function armTimingWait(ms) {
  if (!timingTimer && orig.setTimeout) timingTimer = orig.setTimeout.call(window, onTimingWait, ms || 250);
}

// ---- install -------------------------------------------------------------

/**
 * opts: { fetch, xhr, eventNames: string[], maxInteractionMs, documentLoad, navigation }
 * R: callbacks into Rust (start, header: `name\nvalue…` or nothing, send (XHR: its event, and
 *    header's answer when asked), end, interaction, boundary,
 *    workStart, workEnd, expire, hidden, entries, sweep, documentLoad, route, activity).
 */
export function install(callbacks, opts) {
  if (early) return attach(callbacks);
  if (R) uninstall();
  R = callbacks;
  hooks(opts);
}

/**
 * The loader's call, before the core exists: the same hooks, recording into a bounded log.
 * opts: install's, plus { cors: patterns for trace headers, ignore: ignoreUrls,
 *   sampled: the flag early spans get, max: spans kept (events: twice that) }.
 * A no-op when something is installed already.
 */
export function preinstall(opts) {
  if (R) return;
  early = recorder(opts);
  R = early.r;
  hooks(opts);
}

function hooks(opts) {
  channel = new MessageChannel();
  channel.port1.onmessage = onBoundary;
  orig.fetch = window.fetch;
  orig.then = Promise.prototype.then;
  orig.setTimeout = window.setTimeout;
  orig.setRequestHeader = XMLHttpRequest.prototype.setRequestHeader;

  if (opts.fetch && typeof window.fetch === 'function') {
    patch(window, 'fetch', makeFetch);
  }
  // The context follows async work wherever something records under it: interactions, and
  // requests made in a span the app made current (startActiveSpan), also with interactions off.
  if (opts.fetch || opts.xhr || opts.eventNames.length) {
    for (const m of ['json', 'text', 'arrayBuffer', 'blob', 'formData', 'bytes']) patch(Response.prototype, m, makeBodyRead);
    patch(window, 'setTimeout', (o) => makeScheduler(o, timers));
    patch(window, 'clearTimeout', (o) => makeCancel(o, timers));
    if (window.requestAnimationFrame) {
      patch(window, 'requestAnimationFrame', (o) => makeScheduler(o, frames));
      patch(window, 'cancelAnimationFrame', (o) => makeCancel(o, frames));
    }
    patch(window, 'queueMicrotask', makeQueueMicrotask);
    patch(Promise.prototype, 'then', makeThen);
  }
  if (opts.xhr) {
    const proto = XMLHttpRequest.prototype;
    patch(proto, 'open', makeOpen);
    patch(proto, 'setRequestHeader', makeSetRequestHeader);
    patch(proto, 'send', makeSend);
  }
  for (const name of opts.eventNames) listen(window, name, onInteraction, true);
  if (opts.navigation && window.history) {
    patch(history, 'pushState', (o) => makeHistory(o, PUSH));
    patch(history, 'replaceState', (o) => makeHistory(o, REPLACE));
    listen(window, 'popstate', onPop, true);
    listen(window, 'hashchange', onPop, true);
  }
  for (const t of ACTIVITY_EVENTS) listen(window, t, onActivity, { capture: true, passive: true });
  // Without the SDK core (tests), nobody else flushes what we hold on hide.
  listen(window, 'pagehide', onHide, true);
  listen(window, 'visibilitychange', onHide, true);

  if (typeof PerformanceObserver === 'function') {
    try {
      const observer = new PerformanceObserver((list) => R && call(R.entries, list.getEntries()));
      observer.observe({ type: 'resource', buffered: true });
      undo.push(() => observer.disconnect());
    } catch (_) {
      errors++;
    }
  }

  if (opts.documentLoad) {
    const run = () => orig.setTimeout.call(window, () => R && call(R.documentLoad), 0);
    if (document.readyState === 'complete') run();
    else listen(window, 'load', run, false);
  }
}

/** Schedules the check that caps interactions' durations (one timer). */
export function armExpiry(ms) {
  if (!expiryTimer && orig.setTimeout) expiryTimer = orig.setTimeout.call(window, onExpire, ms);
}

/** The core did not take over the loader's hooks (it failed, or runs without them): remove them. */
export function abandon() {
  if (early) uninstall();
}

export function uninstall() {
  early = null;
  loadLater = false;
  preMap = new Map();
  for (const u of undo.reverse()) {
    try {
      u();
    } catch (_) {
      errors++;
    }
  }
  undo = [];
  R = null;
  cur = 0;
  pendingH = [];
  pendingAt = [];
  clickEl = null;
  clickTimes = [];
  if (mutations) mutations.disconnect();
  mutations = null;
  if (channel) channel.port1.onmessage = null;
  channel = null;
  resetPending = false;
  timers.clear();
  frames.clear();
  if (expiryTimer) clearTimeout(expiryTimer);
  expiryTimer = 0;
  if (timingTimer) clearTimeout(timingTimer);
  timingTimer = 0;
}

export function errorCount() {
  return errors;
}

// Makes `ctx` current (the npm wrapper does, while app code runs inside one of its spans)
// and returns the previous context, which the caller restores the same way afterwards.
export function swapContext(ctx) {
  const prev = cur;
  cur = ctx;
  if (ctx) scheduleReset();
  return prev;
}

/** `fetch` before we patched it (the exporter's: its requests are never traced). */
export function originalFetch() {
  return orig.fetch || window.fetch;
}

export function currentContext() {
  return real(cur);
}

// ---- before the core ---------------------------------------------------------

// Handles issued before the core are PRE and up; Rust's own count from 1.
const PRE = 2 ** 31;
// The callbacks recorded as they come, with the argument that is a handle or context (-1: none).
const HANDLE_ARG = { end: 0, workEnd: 0, route: 2, frustration: 0, entries: -1, hidden: -1, boundary: -1, documentLoad: -1, activity: -1 };
let early = null; // { r: the recorder, log }
let preMap = new Map(); // early handle → the core's (0: not a span after all)
let at = -1; // the time `now` reports while a recorded call is replayed
let loadLater = false; // a recorded document load waits for idle time (attach)

function real(h) {
  return h >= PRE ? preMap.get(h) || 0 : h;
}

/** Sets the time `now` reports while `fast.js` replays a call made at `t` (-1: none). */
export function replayAt(t) {
  at = t;
}

/** The instrumentations' clock (`performance.now()` ms): a recorded call's own time during replay. */
export function now() {
  return at >= 0 ? at : perf.now();
}
// (`performance` is a getter of window: read once, not on every request's clock reads.)
const perf = performance;

function randomHex(bytes) {
  let s = '';
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** `patterns`: one or an array of strings (the whole URL) and RegExps (anywhere in it). */
function matches(patterns, href) {
  for (const p of [].concat(patterns || [])) {
    if (typeof p === 'string' ? p === href : ((p.lastIndex = 0), p.test(href))) return true;
  }
  return false;
}

/** The core's CORS rule: same origin, or a propagateTraceHeaderCorsUrls pattern. */
function allowed(href, patterns) {
  const o = new URL(href).origin;
  return (o !== 'null' && o === location.origin) || matches(patterns, href);
}

function recorder(o) {
  const log = [];
  const ids = new Map(); // early handle → trace id + span id (hex), and its request's URL
  const urls = new Map();
  const flag = o.sampled ? '1' : '0';
  let next = PRE;
  const put = (name, args, h) => {
    if (log.length < 2 * o.max) log.push([name, performance.now(), args, h]);
  };
  // A span's handle, or 0 when the log is full; `args` get its ids as the last one.
  const span = (name, args, parent) => {
    if (log.length >= o.max) return 0;
    const h = next++;
    const id = (parent ? parent.slice(0, 32) : randomHex(16)) + randomHex(8);
    ids.set(h, id);
    args.push(id + flag);
    put(name, args, h);
    return h;
  };
  const r = {
    start(api, method, url, ctx, input, init) {
      if (matches(o.ignore, url)) return 0;
      const h = span('start', [api, method, url, ctx, input, init], ids.get(ctx));
      urls.set(h, url);
      return h;
    },
    header(h) {
      const id = ids.get(h);
      return id && allowed(urls.get(h), o.cors) ? 'traceparent\n00-' + id.slice(0, 32) + '-' + id.slice(32) + '-0' + flag : null;
    },
    send(h, header) {
      put('send', [h, false]);
      return header ? r.header(h) : null;
    },
    interaction: (...args) => span('interaction', args),
    workStart(ctx) {
      put('workStart', [ctx]);
      return true;
    },
    expire: () => 0,
    sweep: () => false,
  };
  for (const name in HANDLE_ARG) r[name] = (...args) => put(name, args);
  return { r, log };
}

/** The core arrived: replay what was recorded, at its times, then hand the hooks to it. */
function attach(cb) {
  const log = early.log;
  early = null;
  R = log.length ? translating(cb) : cb;
  for (const [name, t, args, h] of log) {
    // The document load's spans are built when the page is idle, not in the core's start.
    if (name === 'documentLoad') {
      loadLater = true;
      continue;
    }
    // start: its context; interaction: none; workStart: its context.
    const i = name === 'start' ? 3 : name === 'interaction' ? -1 : HANDLE_ARG[name] || 0;
    if (i >= 0) args[i] = real(args[i]);
    at = t;
    const got = call(cb[name], ...args);
    if (h) preMap.set(h, got || 0);
  }
  at = -1;
  // Without requestIdleCallback, setTimeout reads the options as a delay of 0.
  if (loadLater) (window.requestIdleCallback || orig.setTimeout).call(window, loadNow, { timeout: 1000 });
}

/** Runs the document load attach put off (idle time, page hide, a flush): once. */
export function loadNow() {
  if (loadLater && R) call(R.documentLoad);
  loadLater = false;
}

/** Callbacks that take early handles too (held by requests and async work still running). */
function translating(cb) {
  const out = Object.assign({}, cb);
  for (const [name, i] of Object.entries(Object.assign({ start: 3, header: 0, send: 0, workStart: 0 }, HANDLE_ARG))) {
    if (i >= 0)
      out[name] = (...args) => {
        args[i] = real(args[i]);
        return cb[name](...args);
      };
  }
  return out;
}
