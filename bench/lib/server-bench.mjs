// Issue 7 item 4, server side: ingest rate and query latencies from the server's
// own benchmark (`cargo run --release -p server --example bench`, server/README.md),
// parsed from its output. Nothing in server/ is changed.
import { runCommand } from './run-cmd.mjs';

// Goals of issue 5: ingest ≥ 50 000 spans/s (protobuf batches of 512); with
// 1 000 000 spans stored, trace lookup < 50 ms and services < 300 ms (judged on p99 here).
export const SERVER_GOALS = { ingestSpansPerS: 50_000, traceLookupMs: 50, servicesMs: 300 };
export const SERVER_BENCH_SPANS = 1_000_000;

const num = (s) => Number(s);
const latency = (m) => ({ p50: num(m.p50), p99: num(m.p99), max: num(m.max) });
const LAT = String.raw`p50 (?<p50>[\d.]+) ms, p99 (?<p99>[\d.]+) ms, max (?<max>[\d.]+) ms`;

// The figures the example prints, one line each (see server/examples/bench.rs).
export function parseServerBench(text) {
  const one = (re) => text.match(re)?.groups ?? null;
  const head = one(/bench: (?<spans>\d+) spans in (?<batches>\d+) protobuf batches of (?<batch>\d+), (?<senders>\d+) concurrent senders/);
  const first = one(/^ingest: (?<spans>\d+) spans in (?<s>[\d.]+) s = (?<rate>\d+) spans\/s/m);
  const fill = one(/^ingest \(filling to \d+\): (?<spans>\d+) spans in (?<s>[\d.]+) s = (?<rate>\d+) spans\/s/m);
  const db = one(/^database: (?<mb>[\d.]+) MB/m);
  const services = one(new RegExp(`^services \\(1 h window\\): ${LAT}`, 'm'));
  const traces = one(new RegExp(`^traces/\\{id\\} \\((?<n>\\d+) lookups\\): ${LAT}`, 'm'));
  const queryRange = [...text.matchAll(new RegExp(`^query_range (?<label>.+?): ${LAT}`, 'gm'))].map((m) => ({ label: m.groups.label, ...latency(m.groups) }));
  if (!head || !first || !services || !traces) throw new Error(`server bench: unexpected output:\n${text.slice(-800)}`);
  return {
    spansStored: num(head.spans), batchSize: num(head.batch), senders: num(head.senders),
    ingest: { spans: num(first.spans), seconds: num(first.s), spansPerS: num(first.rate) },
    ingestFill: fill && num(fill.spans) > 0 ? { spans: num(fill.spans), seconds: num(fill.s), spansPerS: num(fill.rate) } : null,
    databaseMB: db ? num(db.mb) : null,
    services: latency(services),
    traceLookup: { lookups: num(traces.n), ...latency(traces) },
    queryRange,
  };
}

// The release server binary and its bench example in one build: built apart,
// the example's dev-dependencies change the feature resolution and each build
// would recompile the other's dependencies.
export function buildServer(root, log) {
  return runCommand('cargo', ['build', '--release', '-p', 'server', '--bin', 'server', '--example', 'bench', '--quiet'], { cwd: root, log, prefix: '  server build: ' });
}

export async function benchServer({ root, spans = SERVER_BENCH_SPANS, log }) {
  const t0 = Date.now();
  await buildServer(root, log);
  const t1 = Date.now();
  const out = await runCommand('cargo', ['run', '--release', '--quiet', '-p', 'server', '--example', 'bench', '--', '--spans', String(spans)], { cwd: root, log, prefix: '  server bench: ' });
  return { command: `cargo run --release -p server --example bench -- --spans ${spans}`, buildS: Math.round((t1 - t0) / 1000), measureS: Math.round((Date.now() - t1) / 1000), ...parseServerBench(out), goals: SERVER_GOALS };
}
