// A wasm module's functions in an order that compresses better: similar bodies side by side,
// where gzip's and brotli's windows find their matches (shared by scripts/wasm-opt-ordered.mjs
// and scripts/wasm-opt-many.mjs). Hand-written: wasm-opt has no such order
// (`--reorder-functions` sorts by call count, which compresses worse).
import { WasmReader } from './wasm-reader.mjs';

/** The code section's function bodies, in order. */
export function codeBodies(buf) {
  const r = new WasmReader(buf);
  while (r.pos < buf.length) {
    const id = r.byte();
    const end = r.uleb() + r.pos;
    if (id === 10) {
      const out = [];
      for (let n = r.uleb(); n > 0; n--) {
        const size = r.uleb();
        out.push(buf.subarray(r.pos, r.pos + size));
        r.pos += size;
      }
      return out;
    }
    r.pos = end;
  }
  return [];
}

/** Greedy: the next function is the one with the largest share of its 4-byte sequences among
 *  those of the last 4 placed (about what a compressor's window still holds of small bodies).
 *  Returns the bodies' indexes in the new order. */
export function similarityOrder(codes) {
  const K = 4, WINDOW = 4;
  const ids = new Map(); // 4-byte sequence → dense id
  const grams = codes.map((b) => {
    const s = new Set();
    for (let i = 0; i + K <= b.length; i++) {
      const g = b.readInt32LE(i);
      let id = ids.get(g);
      if (id === undefined) ids.set(g, (id = ids.size));
      s.add(id);
    }
    return Int32Array.from(s);
  });
  const seen = new Int32Array(ids.size); // how many of the window's functions have the sequence
  const left = new Set(codes.keys());
  const order = [];
  const place = (f) => {
    left.delete(f);
    order.push(f);
    for (const g of grams[f]) seen[g]++;
    if (order.length > WINDOW) for (const g of grams[order[order.length - 1 - WINDOW]]) seen[g]--;
  };
  if (codes.length) place(0);
  while (left.size) {
    let best = -1, bestScore = -1;
    for (const f of left) {
      const gs = grams[f];
      let hits = 0;
      for (let i = 0; i < gs.length; i++) if (seen[gs[i]]) hits++;
      const score = hits / (gs.length + 1);
      if (score > bestScore) (bestScore = score), (best = f);
    }
    place(best);
  }
  return order;
}
