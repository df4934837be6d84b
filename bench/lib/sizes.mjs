// Transfer size of files as a server would send them: raw, gzip -9, brotli q11.
import fs from 'node:fs';
import zlib from 'node:zlib';

export function transferSizes(paths) {
  const total = { raw: 0, gzip: 0, brotli: 0, files: [] };
  for (const p of paths) {
    const buf = fs.readFileSync(p);
    const gzip = zlib.gzipSync(buf, { level: 9 }).length;
    const brotli = zlib.brotliCompressSync(buf, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length;
    total.raw += buf.length;
    total.gzip += gzip;
    total.brotli += brotli;
    total.files.push({ file: p.split('/').slice(-1)[0], raw: buf.length, gzip, brotli });
  }
  return total;
}
