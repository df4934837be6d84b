// Benchmark (not a test): size and fetch time of a 100 000-span trace's reply, the v0.39 route
// against our compact route, straight from the server and through nginx (gzip level 1), in
// Node (no browser): how much of the trace view's time is the reply itself.
//   SERVER_BIN=target/release/server node bench/dashboard/trace-reply.mjs [spans, default 100000]
import { startStack } from '../../tests/dashboard/harness.mjs';
import { bigTrace, post } from '../../tests/dashboard/seed.mjs';

const spans = Number(process.argv[2] || 100000);
const stack = await startStack(process.env.SERVER_BIN ? { serverBin: process.env.SERVER_BIN } : {});
try {
  const t = bigTrace(spans, Date.now(), 'reply-bench');
  for (const p of t.payloads) await post(`${stack.otlp}/v1/traces`, p);
  const j = async (path, body) => (await fetch(`${stack.api}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  await j('register', { name: 'b', orgName: 'b', email: 'b@b.test', password: 'benchmark-pw' });
  const login = await j('login', { email: 'b@b.test', password: 'benchmark-pw' });
  const ways = [['v0.39, server', stack.api, ''], ['compact, server', stack.api, '/compact'], ['v0.39, nginx gzip', stack.web, ''], ['compact, nginx gzip', stack.web, '/compact']];
  for (let r = 0; r < 3; r++) {
    for (const [name, base, suffix] of ways) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/traces/${t.traceId}${suffix}`, { headers: { Authorization: `Bearer ${login.accessJwt}` } });
      const bytes = (await res.arrayBuffer()).byteLength;
      console.log(`${spans} spans, ${name}: ${Math.round(performance.now() - t0)} ms, ${bytes} bytes`);
    }
  }
} finally {
  stack.stop();
}
