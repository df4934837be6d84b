// Reads a WebAssembly binary's LEB128 numbers and names from a position that moves on
// (shared by scripts/minify-wasm-names.mjs and bench/lib/wasm-sizes.mjs).
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
