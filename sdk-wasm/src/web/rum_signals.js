// Browser glue for real-user monitoring: PerformanceObservers for the web vitals and long
// tasks, and `error` / `unhandledrejection` listeners, forwarding plain numbers and strings
// to Rust (the `R` callbacks, see web/rum_signals.rs), which owns every decision. Rules:
// - Never break the page: a missing API (no PerformanceObserver, an entry type the browser
//   lacks) means that part is off; every call into R is in try/catch.
// - Never change the page's error handling: listeners only (no window.onerror), no
//   preventDefault, nothing rethrown.

// R.vital(kind, a, b, c) kinds:
const LCP = 0, STOP_LCP = 1, SHIFT = 2, EVENT = 3, FCP = 4, TTFB = 5, RESTORE = 6, RESTORED_PAINT = 7;

let R = null;
let observers = [];
let undo = [];
let lcpObserver = null;
let activationStart = 0;
// Paints after the page was first hidden do not count (FCP, LCP): a page loaded in a
// background tab reports neither. 0 when hidden from the start.
let firstHidden = Infinity;
// What the reported vitals point at, taken (and reset) with each report.
let attribution = {};

function call(f, a, b, c, d, e, g, h) {
  try {
    f(a, b, c, d, e, g, h);
  } catch (_) { /* contained: never into the page */ }
}

function listen(target, type, fn, capture) {
  target.addEventListener(type, fn, capture);
  undo.push(() => target.removeEventListener(type, fn, capture));
}

function observe(type, onEntries, extra) {
  try {
    const types = PerformanceObserver.supportedEntryTypes || [];
    if (!types.includes(type)) return null;
    const o = new PerformanceObserver((list) => onEntries(list.getEntries()));
    o.observe({ type, buffered: true, ...extra });
    observers.push([o, onEntries]);
    return o;
  } catch (_) {
    return null;
  }
}

const sinceActivation = (t) => Math.max(t - activationStart, 0);

/** A short CSS selector: tag, #id or first class, up to the nearest ancestor with an id. */
function selector(node) {
  let out = '';
  for (let n = node, depth = 0; n && n.nodeType === 1 && n !== document.documentElement && depth < 5; n = n.parentElement, depth++) {
    let part = n.localName;
    if (n.id) part += '#' + n.id;
    else if (typeof n.className === 'string' && n.className.trim()) part += '.' + n.className.trim().split(/\s+/)[0];
    out = out ? part + ' > ' + out : part;
    if (n.id) break;
  }
  return out;
}

/** The attribution of the vitals since the last call (Rust reports it with them). */
export function takeAttribution() {
  const a = attribution;
  attribution = {};
  return a;
}

function onLcp(e) {
  if (!(e.startTime < firstHidden)) return; // as web-vitals: only paints before the first hide
  call(R.vital, LCP, sinceActivation(e.startTime), 0, 0);
  try {
    attribution.lcpElement = e.element ? selector(e.element) : '';
    // A data: URL is the image itself: its scheme and type are enough.
    attribution.lcpUrl = (e.url || '').startsWith('data:') ? e.url.slice(0, Math.max(e.url.indexOf(','), 0)) : e.url || '';
  } catch (_) { /* ignore */ }
}

function stopLcp() {
  if (!lcpObserver) return; // once
  // Candidates painted before this input may not have been delivered yet.
  const pending = lcpObserver.takeRecords();
  for (const e of pending) onLcp(e);
  lcpObserver = null;
  call(R.vital, STOP_LCP, 0, 0, 0);
}

function installVitals() {
  const nav = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : undefined;
  activationStart = (nav && nav.activationStart) || 0;
  if (nav && nav.responseStart > 0) {
    // navigation type as the entry says; prerendered pages have an activationStart.
    call(R.vital, TTFB, sinceActivation(nav.responseStart), activationStart > 0 ? 1 : 0, String(nav.type || ''));
  }
  firstHidden = document.visibilityState === 'hidden' && !document.prerendering ? 0 : Infinity;
  listen(document, 'visibilitychange', (e) => {
    if (document.visibilityState === 'hidden') firstHidden = Math.min(firstHidden, e.timeStamp);
  }, true);
  const lcp = observe('largest-contentful-paint', (es) => {
    for (const e of es) onLcp(e);
  });
  lcpObserver = lcp;
  // The browser itself stops LCP at user input and scroll; we stop at the first trusted
  // key, click or pointer press too (a programmatic scroll must not end LCP).
  const onInput = (e) => { if (e.isTrusted) stopLcp(); };
  for (const t of ['keydown', 'click', 'pointerdown']) listen(window, t, onInput, { capture: true, passive: true });
  observe('paint', (es) => {
    for (const e of es) if (e.name === 'first-contentful-paint' && e.startTime < firstHidden) call(R.vital, FCP, sinceActivation(e.startTime), 0, 0);
  });
  const shifts = observe('layout-shift', (es) => {
    for (const e of es) {
      call(R.vital, SHIFT, e.value, e.startTime, e.hadRecentInput ? 1 : 0);
      if (!e.hadRecentInput && !(e.value <= (attribution.clsValue || 0))) {
        const src = (e.sources || []).find((s) => s.node && s.node.nodeType === 1);
        attribution.clsValue = e.value;
        attribution.clsElement = src ? selector(src.node) : '';
      }
    }
  });
  if (shifts) call(R.vital, SHIFT, 0, -1, 1); // CLS is observable: 0 without shifts
  const onEvents = (es) => {
    for (const e of es) {
      if (!e.interactionId) continue;
      call(R.vital, EVENT, e.interactionId, e.duration, 0);
      // The slowest interaction; its events (pointerdown, pointerup, click) together.
      const a = attribution;
      if (e.interactionId === a.inpId) {
        a.inpStart = Math.min(a.inpStart, e.startTime);
        a.inpFrom = Math.min(a.inpFrom, e.processingStart);
        a.inpTo = Math.max(a.inpTo, e.processingEnd);
        a.inpEnd = Math.max(a.inpEnd, e.startTime + e.duration);
        if (!a.inpElement && e.target) a.inpElement = selector(e.target);
      } else if (!(e.duration <= (a.inpDuration || 0))) {
        Object.assign(a, { inpId: e.interactionId, inpDuration: e.duration, inpElement: e.target ? selector(e.target) : '',
          inpStart: e.startTime, inpFrom: e.processingStart, inpTo: e.processingEnd, inpEnd: e.startTime + e.duration });
      } else continue;
      a.inpInputDelay = Math.max(a.inpFrom - a.inpStart, 0);
      a.inpProcessing = Math.max(a.inpTo - a.inpFrom, 0);
      a.inpPresentation = Math.max(a.inpEnd - a.inpTo, 0);
    }
  };
  observe('event', onEvents, { durationThreshold: 40 });
  observe('first-input', onEvents);
  listen(window, 'pageshow', (e) => {
    if (!e.persisted) return;
    // Restored from the back/forward cache: a new page view. Its paint is the next frame.
    call(R.vital, RESTORE, 0, 0, 0);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      // Also the LCP of the restored view, where the browser measures LCP at all.
      call(R.vital, RESTORED_PAINT, Math.max(performance.now() - e.timeStamp, 0), lcp ? 1 : 0, 0);
    }));
  }, true);
}

function errorParts(err, fallback) {
  let type = '', message = '', stack = '';
  try {
    if (err !== null && typeof err === 'object') {
      type = typeof err.name === 'string' ? err.name : '';
      message = err.message === undefined ? '' : String(err.message);
      stack = typeof err.stack === 'string' ? err.stack : '';
    } else if (err !== undefined && err !== null) {
      message = String(err);
    }
  } catch (_) { /* a throwing getter or toString: keep what we have */ }
  return [type, message || fallback || '', stack];
}

function onError(e) {
  // Capture phase on window: also the load failures of elements, which do not bubble.
  const t = e.target;
  if (t && t !== window && t.tagName) {
    const url = t.currentSrc || t.src || t.href || '';
    const tag = String(t.tagName).toLowerCase();
    call(R.error, 'resource', tag, `${tag} failed to load`, '', String(url), 0, 0);
    return;
  }
  const [type, message, stack] = errorParts(e.error, e.message);
  call(R.error, 'error', type, message, stack, e.filename || '', e.lineno || 0, e.colno || 0);
}

function onRejection(e) {
  const [type, message, stack] = errorParts(e.reason, 'unhandled rejection');
  call(R.error, 'unhandledrejection', type, message, stack, '', 0, 0);
}

function text(args) {
  let out = '';
  for (const a of args) {
    let s;
    try {
      s = typeof a === 'string' ? a : a instanceof Error ? (a.stack || String(a)) : JSON.stringify(a);
    } catch (_) {
      s = Object.prototype.toString.call(a);
    }
    out += (out ? ' ' : '') + s;
  }
  return out;
}

let inConsole = false;

function wrapConsole(name, isError) {
  const c = globalThis.console;
  const orig = c && c[name];
  if (typeof orig !== 'function') return;
  const wrapped = function (...args) {
    if (!inConsole && R) {
      inConsole = true; // a console call made while recording one is not recorded again
      try { call(R.console, isError, text(args)); } finally { inConsole = false; }
    }
    return orig.apply(this, args);
  };
  c[name] = wrapped;
  undo.push(() => { if (c[name] === wrapped) c[name] = orig; });
}

export function installRum(callbacks, opts) {
  uninstallRum();
  if (typeof window === 'undefined') return;
  R = callbacks;
  if (opts.errors) {
    listen(window, 'error', onError, true);
    listen(window, 'unhandledrejection', onRejection, false);
  }
  if (opts.console) {
    wrapConsole('error', true);
    wrapConsole('warn', false);
  }
  if (typeof PerformanceObserver !== 'function' || typeof performance === 'undefined') return;
  if (opts.vitals) installVitals();
  if (opts.longTasks) {
    observe('longtask', (es) => { for (const e of es) call(R.entry, 0, e); });
    observe('long-animation-frame', (es) => { for (const e of es) call(R.entry, 1, e); });
  }
}

/** Delivers what the observers hold but have not called back with yet (before a report). */
export function takeRecords() {
  for (const [o, onEntries] of observers) {
    try {
      onEntries(o.takeRecords());
    } catch (_) { /* ignore */ }
  }
}

/** `performance.interactionCount` where the browser has it, else -1. */
export function interactionCount() {
  const n = typeof performance !== 'undefined' ? performance.interactionCount : undefined;
  return typeof n === 'number' ? n : -1;
}

export function uninstallRum() {
  for (const [o] of observers) {
    try { o.disconnect(); } catch (_) { /* ignore */ }
  }
  observers = [];
  lcpObserver = null;
  for (const u of undo) u();
  undo = [];
  R = null;
}
