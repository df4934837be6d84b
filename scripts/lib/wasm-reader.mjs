// Reads a WebAssembly binary's LEB128 numbers and names from a position that moves on, and
// encodes them (shared by scripts/minify-wasm-names.mjs, scripts/wasm-opt-ordered.mjs and
// bench/lib/wasm-sizes.mjs).
export class WasmReader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 8; // after the magic number and version
  }

  byte() {
    return this.buf[this.pos++];
  }

  uleb() {
    let result = 0, shift = 0, b;
    do {
      b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }

  str() {
    const n = this.uleb();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/** An unsigned LEB128 number. */
export function encodeUleb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

/** A name: its UTF-8 length, then its bytes. */
export function encodeName(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([encodeUleb(b.length), b]);
}
