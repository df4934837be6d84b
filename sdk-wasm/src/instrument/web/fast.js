// The fast path for requests made outside any context (no interaction, no active span of the
// app's) and without hooks: their start, send and end are recorded here, in JS, and replayed
// into the core in batches at the timing wait's tick (and at every flush and page hide), with
// their own times. Resource-timing entries are batched the same way. The npm package ships it
// next to the shim, whose module it shares, in its core chunk, and hands it to the core
// (`init(config, fastPath)`); without it the shim calls the core directly.
//
// Why: a call into the core in a task of its own runs cold. On the bench VM a fetch paid
// ≈ 40 µs (start), 20 (header), 20 (end) and 100 (its entry) that way, against a few µs each
// in a batch. The span's ids are issued here (the trace header cannot wait); the core keeps
// them (`given_ids`), as it keeps the npm loader's before the core starts. Whether a URL is
// traced and gets a `traceparent` the core says once per URL (`verdict`), and the sampling
// decision once: the fast path runs only when it is the same for every root span.
import { armTimingWait, replayAt } from './shim.js';

// Fast handles: above the core's own (counted from 1), below the loader's (shim.js PRE).
const FAST = 2 ** 30;
const MAX_LOG = 3 * 512; // three fields a call; beyond, requests go through the core
const MAX_ENTRIES = 256;
const MAX_VERDICTS = 256;
const HEX = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

/**
 * `cb`: the core's callbacks for the shim; `sampled`: the decision for every root span, or
 * undefined when it varies (then requests go through the core, and only entries are batched).
 * Returns the callbacks to install, and `drain`, which hands what the fast path holds
 * (requests, entries) to the core now.
 */
export function fastPath(cb, sampled) {
  const flag = sampled === true ? '1' : sampled === false ? '0' : '';
  let log = []; // name, time, args; in call order
  let entries = [];
  const started = new Map(); // fast handle → [ids, verdict] until its start is replayed
  const real = new Map(); // fast handle → the core's (0: untraced), from its replay to its end
  const verdicts = new Map();
  let next = FAST;
  let pool = '';
  let used = 0;

  // Random hex from one getRandomValues call per ~40 requests, not two calls each.
  const hex = (n) => {
    if (used + n > pool.length) {
      pool = '';
      for (const b of crypto.getRandomValues(new Uint8Array(1024))) pool += HEX[b];
      used = 0;
    }
    return pool.slice(used, (used += n));
  };

  const put = (name, args) => {
    log.push(name, performance.now(), args);
    armTimingWait();
  };

  const replay = () => {
    const l = log;
    log = [];
    for (let i = 0; i < l.length; i += 3) {
      const a = l[i + 2];
      replayAt(l[i + 1]);
      try {
        if (l[i] === 'start') {
          const h = a.pop();
          started.delete(h);
          real.set(h, cb.start(...a) || 0);
        } else {
          const h = real.get(a[0]);
          if (l[i] === 'end') real.delete(a[0]);
          if (h) cb[l[i]](h, ...a.slice(1));
        }
      } catch (_) {
        // as the shim's own calls: a failing callback loses its span, not the page
      }
    }
    replayAt(-1);
    const e = entries;
    entries = [];
    if (e.length) cb.entries(e);
  };
  const r = Object.assign({}, cb, {
    start(api, method, url, ctx, input, init, ids) {
      if (ctx || ids || !flag || log.length >= MAX_LOG) return cb.start(api, method, url, ctx, input, init, ids);
      const key = api + url;
      let v = verdicts.get(key);
      if (v === undefined) {
        if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
        verdicts.set(key, (v = cb.verdict(api, url)));
      }
      if (v === 3) return cb.start(api, method, url, ctx, input, init, ids);
      if (!v) return 0;
      const h = next++;
      const id = hex(48) + flag;
      started.set(h, [id, v]);
      // The page's request objects stay with the page: only hooks read them.
      put('start', [api, method, url, 0, undefined, undefined, id, h]);
      return h;
    },
    header(h) {
      const s = started.get(h);
      if (!s) return cb.header(real.get(h) ?? h);
      return s[1] === 2 ? 'traceparent\n00-' + s[0].slice(0, 32) + '-' + s[0].slice(32, 48) + '-0' + flag : undefined;
    },
    send(h, header) {
      if (!started.has(h)) return cb.send(real.get(h) ?? h, header);
      put('send', [h, false]);
      return header ? r.header(h) : undefined;
    },
    end(h, outcome, status, result) {
      if (started.has(h)) return put('end', [h, outcome, status]);
      if (h < FAST) return cb.end(h, outcome, status, result);
      const c = real.get(h);
      real.delete(h);
      if (c) cb.end(c, outcome, status, result);
    },
    entries(list) {
      for (let i = 0; i < list.length; i++) entries.push(list[i]);
      if (entries.length >= MAX_ENTRIES) replay();
      else armTimingWait();
    },
    sweep() {
      replay();
      return cb.sweep();
    },
    // What a span start records (the route, the session) changes: the recorded starts first.
    route(...a) {
      replay();
      return cb.route(...a);
    },
    activity() {
      replay();
      return cb.activity();
    },
  });
  return { callbacks: r, drain: replay };
}
