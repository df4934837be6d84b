// The figures of issue 7 item 2 and their goals, and the markdown report.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ratio } from './stats.mjs';

// theirs: the OTel JS figure a row is compared with (OTel JS exports JSON only).
// goal: {maxRatio} for ours / OTel JS, {zero} for counts that must be 0 for us,
// {maxAbs} for an absolute cap on ours.
export const FIGURES = {
  'size.raw': { label: 'transfer size, raw', unit: 'B' },
  'size.gzip': { label: 'transfer size, gzip -9', unit: 'B', goal: { maxRatio: 0.5, maxAbs: 25000 } },
  'size.brotli': { label: 'transfer size, brotli q11', unit: 'B' },
  'init.cpu_ms': { label: 'init: main-thread CPU from import to ready (wasm compile+instantiate incl.)', unit: 'ms', digits: 2, goal: { maxRatio: 1.0 } },
  'init.wall_ms': { label: 'init: wall time from import to ready', unit: 'ms', digits: 2 },
  'heap.after_init_kib': { label: 'JS heap + wasm memory after init (after GC)', unit: 'KiB', digits: 0 },
  'fetch.cpu_us': { label: 'fetch: main-thread CPU per call', unit: 'µs', digits: 0, goal: { maxRatio: 0.5 } },
  'fetch.wall_us': { label: 'fetch: wall time per call', unit: 'µs', digits: 0 },
  'xhr.cpu_us': { label: 'XHR: main-thread CPU per call', unit: 'µs', digits: 0, goal: { maxRatio: 0.5 } },
  'xhr.wall_us': { label: 'XHR: wall time per call', unit: 'µs', digits: 0 },
  'click.cpu_us': { label: 'click: main-thread CPU per click', unit: 'µs', digits: 1, goal: { maxRatio: 0.5 } },
  'click.wall_us': { label: 'click: wall time per click', unit: 'µs', digits: 1 },
  'wire.fetch_bytes_per_span.protobuf': { label: 'wire bytes per fetch span, protobuf', unit: 'B', digits: 0, theirs: 'wire.fetch_bytes_per_span.json', goal: { maxRatio: 0.4 } },
  'wire.fetch_bytes_per_span.json': { label: 'wire bytes per fetch span, JSON', unit: 'B', digits: 0, goal: { maxRatio: 0.4 } },
  'wire.xhr_bytes_per_span.protobuf': { label: 'wire bytes per XHR span, protobuf', unit: 'B', digits: 0, theirs: 'wire.xhr_bytes_per_span.json', goal: { maxRatio: 0.4 } },
  'wire.xhr_bytes_per_span.json': { label: 'wire bytes per XHR span, JSON', unit: 'B', digits: 0 },
  'wire.click_bytes_per_span.protobuf': { label: 'wire bytes per click span, protobuf', unit: 'B', digits: 0, theirs: 'wire.click_bytes_per_span.json', goal: { maxRatio: 0.4 } },
  'wire.click_bytes_per_span.json': { label: 'wire bytes per click span, JSON', unit: 'B', digits: 0 },
  'wire.manual_bytes_per_span.protobuf': { label: 'wire bytes per manual span (2 attributes), protobuf', unit: 'B', digits: 0, theirs: 'wire.manual_bytes_per_span.json', goal: { maxRatio: 0.4 } },
  'wire.manual_bytes_per_span.json': { label: 'wire bytes per manual span (2 attributes), JSON', unit: 'B', digits: 0 },
  'loss.click_burst': { label: 'click-burst spans lost (of clicks+warm-up)', unit: 'spans', digits: 0, goal: { zero: true } },
  'loss.navigation': { label: 'request spans lost when the page navigates away after a burst', unit: 'spans', digits: 0, goal: { zero: true } },
  'memory.retained_bytes_per_span': { label: 'retained JS heap + wasm memory per buffered span (after GC)', unit: 'B', digits: 0, goal: { maxRatio: 0.5 } },
  'memory.raw_bytes_per_span': { label: 'JS heap + wasm memory per span right after creating them (incl. garbage)', unit: 'B', digits: 0 },
};

// Published OpenTelemetry JS figures of /work/shared/anchor-js/RESULTS.md (5 reps, this VM).
export const ANCHOR = [
  { key: 'size.gzip', anchor: 55862, note: 'same package versions, esbuild minified ESM' },
  { key: 'size.brotli', anchor: 48686 },
  { key: 'fetch.cpu_us', anchor: 1091, note: 'anchor: 1091 (638–1427); issue text: 805' },
  { key: 'xhr.cpu_us', anchor: 1349 },
  { key: 'click.cpu_us', anchor: 30.7, note: 'anchor measured wall time of the synchronous loop' },
  { key: 'wire.fetch_bytes_per_span.json', anchor: 1464 },
  { key: 'wire.xhr_bytes_per_span.json', anchor: 1753 },
  { key: 'loss.click_burst', anchor: 2466, note: 'of 5 020 (BSP queue 2048 + batch 512 kept)' },
  { key: 'memory.retained_bytes_per_span', anchor: 725, note: 'anchor: JS heap only, queue ≥ 5000' },
];

const fmt = (v, digits = 0) => (v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace(/,/g, ' '));
const cell = (s, digits) => (s ? (s.n === 1 || s.min === s.max ? fmt(s.median, digits) : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`) : '–');

function goalText(goal) {
  if (!goal) return '';
  if (goal.zero) return '0';
  return `≤ ${goal.maxRatio}${goal.maxAbs ? ` and ≤ ${fmt(goal.maxAbs)} B` : ''}`;
}

// The workload a figure measures, if it is one an SDK may or may not instrument.
function workloadOf(key) {
  if (key === 'loss.navigation') return 'fetch';
  if (key === 'loss.click_burst') return 'click';
  return ['fetch', 'xhr', 'click'].find((k) => key.startsWith(`${k}.`) || key.includes(`.${k}_`));
}

function verdict(goal, ours, r, instrumented) {
  if (instrumented === false) return 'no spans: not instrumented';
  if (!goal || !ours) return '';
  if (goal.zero) return ours.max === 0 ? 'met' : 'missed';
  if (r === null) return '';
  const ok = r <= goal.maxRatio && (goal.maxAbs === undefined || ours.median <= goal.maxAbs);
  return ok ? 'met' : 'missed';
}

export function renderMarkdown(res) {
  const L = [];
  const has = (sdk) => res.sdks[sdk]?.status === 'built';
  const m = res.machine;
  L.push(`# Bench: our SDK vs OpenTelemetry JS, ${res.generated.slice(0, 10)} on ${m.hostname}`);
  L.push('');
  L.push(`\`${res.command}\` — ${res.reps} round(s)${res.quick ? ' **(quick: tiny counts, not for comparison)**' : ''}, ${res.durationS} s. ` +
    `Every runtime figure is **median (min–max) over rounds** of the per-round difference to the page with no SDK in the same round; sizes, bytes and counts are exact.`);
  L.push('');
  for (const [sdk, s] of Object.entries(res.sdks)) {
    if (sdk === 'ours' && s.status === 'not built') continue; // said below
    L.push(`- **${sdk}**: ${s.status === 'built' ? `built${s.version ? ` (otel-wasm ${s.version}, from ${s.source})` : ''}` : `${s.status} — ${s.reason ?? ''}`}`);
  }
  if (res.sdks.ours?.status === 'not built') L.push(`- **ours: not built** (${res.sdks.ours.reason}) — this run has OpenTelemetry JS and the no-SDK baseline only; the ratio column fills in once \`npm/\` produces the \`otel-wasm\` package.`);
  L.push('');
  L.push('## Figures (issue 7 item 2)');
  L.push('');
  L.push('| figure | unit | OTel JS | ours | ours / OTel JS | goal | |');
  L.push('|---|---|---:|---:|---:|---|---|');
  for (const [key, def] of Object.entries(FIGURES)) {
    const theirs = res.figures[def.theirs ?? key]?.['otel-js'];
    const ours = res.figures[key]?.ours;
    if (!theirs && !ours) continue;
    const r = ratio(ours, theirs);
    L.push(`| ${def.label} | ${def.unit} | ${cell(res.figures[key]?.['otel-js'], def.digits)}${def.theirs ? ` (JSON: ${cell(theirs, def.digits)})` : ''} | ${has('ours') ? cell(ours, def.digits) : (res.sdks.ours?.status ?? 'not run')} | ${r === null ? '–' : r.toFixed(2)} | ${goalText(def.goal)} | ${verdict(def.goal, ours, r, res.instrumented?.ours?.[workloadOf(key)])} |`);
  }
  L.push('');
  L.push('## No-SDK baseline (absolute, same page)');
  L.push('');
  L.push('| figure | median (min–max) |');
  L.push('|---|---:|');
  const B = res.baseline;
  L.push(`| main-thread CPU per fetch | ${cell(B['fetch.cpu_us'])} µs |`);
  L.push(`| wall time per fetch | ${cell(B['fetch.wall_us'])} µs |`);
  L.push(`| main-thread CPU per XHR | ${cell(B['xhr.cpu_us'])} µs |`);
  L.push(`| wall time per XHR | ${cell(B['xhr.wall_us'])} µs |`);
  L.push(`| main-thread CPU per click | ${cell(B['click.cpu_us'], 1)} µs |`);
  L.push(`| main-thread CPU of load() with nothing to load | ${cell(B['init.cpu_ms'], 2)} ms |`);
  L.push(`| JS heap of the page (after GC) | ${cell(B['heap.kib'])} KiB |`);
  L.push('');
  L.push('## Export details (first round)');
  L.push('');
  L.push('| SDK | phase | spans delivered / expected | spans in exports | trace POSTs | preflights | encodings | Content-Encoding | requests with traceparent | wire B / span |');
  L.push('|---|---|---:|---:|---:|---:|---|---|---:|---:|');
  const first = res.rounds[0]?.results ?? {};
  const kv = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k}×${v}`).join(', ') || '–';
  for (const [sdk, r] of Object.entries(first)) {
    if (sdk === 'none') continue;
    for (const phase of ['fetch', 'xhr', 'click']) {
      const e = r.main[phase].export;
      L.push(`| ${sdk} | ${phase} | ${e.delivered} / ${e.expected} | ${e.spansTotal} | ${e.posts} | ${e.preflights} | ${kv(e.encodings)} | ${kv(e.contentEncodings)} | ${r.main[phase].withTraceparent ?? '–'} | ${fmt(e.bytesPerSpan)} |`);
    }
    for (const [enc, e] of Object.entries(r.wire ?? {})) {
      L.push(`| ${sdk} | fetch (${enc} session) | ${e.delivered} / ${e.expected} | ${e.spansTotal} | ${e.posts} | ${e.preflights} | ${kv(e.encodings)} | ${kv(e.contentEncodings)} | – | ${fmt(e.bytesPerSpan)} |`);
    }
    L.push(`| ${sdk} | navigation burst | ${r.navigation.delivered} / ${r.navigation.created} | | | | | | | |`);
    L.push(`| ${sdk} | ${r.heap.spans} buffered spans, then flush | ${r.heap.delivered} / ${r.heap.spans} | | | | | | | |`);
  }
  L.push('');
  L.push('Wire bytes = compressed body as sent + HTTP/1.1 request line and headers, over all spans in the phase\'s exports; CORS preflights are counted, not added.');
  L.push('');
  L.push('## Memory (first round)');
  L.push('');
  L.push('| SDK | spans | create loop ms | raw B/span | retained B/span | of which JS heap | wasm memory after (growth) | wasm memories seen |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [sdk, r] of Object.entries(first)) {
    if (!r.heap) continue;
    const h = r.heap;
    L.push(`| ${sdk} | ${h.spans} | ${fmt(h.createMs, 1)} | ${fmt(h.rawBytesPerSpan)} | ${fmt(h.retainedBytesPerSpan)} | ${fmt(h.retainedJsBytesPerSpan)} | ${fmt(h.wasmBytes)} (${fmt(h.wasmGrowthBytes)}) | ${h.wasmMemories} |`);
  }
  if (first.ours?.heap && first.ours.heap.wasmMemories === 0) {
    L.push('');
    L.push('**Note:** no `WebAssembly.Memory` was seen for ours (the package did not instantiate through `WebAssembly.instantiate*`), so its figures are JS heap only.');
  }
  if (first.ours?.main.stats) {
    L.push('');
    L.push(`ours \`stats()\` after the main session: \`${JSON.stringify(first.ours.main.stats)}\``);
  }
  L.push('');
  L.push('Batch processor for this run: queue and batch size 2× the span count, scheduled delay 1 h, so every span stays buffered until the final flush. wasm memory is every `WebAssembly.Memory` the SDK instantiated (found by wrapping `WebAssembly.instantiate*` in the page); it never shrinks, so growth is what the spans cost.');
  L.push('');
  L.push('## Transfer size: files loaded for telemetry');
  L.push('');
  L.push('| SDK | file | raw B | gzip -9 B | brotli q11 B |');
  L.push('|---|---|---:|---:|---:|');
  for (const [sdk, s] of Object.entries(res.sizes)) {
    for (const f of s.files) L.push(`| ${sdk} | ${f.file} | ${fmt(f.raw)} | ${fmt(f.gzip)} | ${fmt(f.brotli)} |`);
  }
  L.push('');
  for (const [sdk, s] of Object.entries(res.sdks)) {
    if (!s.contributors) continue;
    L.push(`Largest parts of the ${sdk} bundle (minified bytes): ${s.contributors.slice(0, 8).map((c) => `${c.pkg} ${fmt(c.bytes)}`).join(', ')}.`);
    L.push('');
  }
  if (res.figures['size.gzip']?.['otel-js'] && !res.quick) {
    L.push('## Cross-check with /work/shared/anchor-js/RESULTS.md (OpenTelemetry JS)');
    L.push('');
    L.push('| figure | anchor-js | this run | Δ | note |');
    L.push('|---|---:|---:|---:|---|');
    for (const a of ANCHOR) {
      const def = FIGURES[a.key];
      const mine = res.figures[a.key]?.['otel-js'];
      const d = mine ? `${(((mine.median - a.anchor) / a.anchor) * 100).toFixed(0)} %` : '–';
      L.push(`| ${def.label} | ${fmt(a.anchor, def.digits)} | ${cell(mine, def.digits)} | ${d} | ${a.note ?? ''} |`);
    }
    L.push('');
  }
  L.push('## Dashboard and server (issue 7 item 4)');
  L.push('');
  L.push(res.later?.dashboard || res.later?.server ? '```json\n' + JSON.stringify(res.later, null, 1) + '\n```' :
    'Not measured yet: the dashboard\'s first-load transfer size, time to an interactive trace view for 10 000 and 100 000 spans, and the server\'s ingest rate and query latencies go here once `dashboard-ui/` and `server/` land (`later` in the JSON).');
  L.push('');
  L.push('## Machine');
  L.push('');
  L.push(`${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Linux ${m.kernel}, load average at the end ${m.loadavg.join(' / ')}; Node ${m.node}; Chromium ${m.chromium} headless via playwright-core ${res.versions['playwright-core']}; esbuild ${res.versions.esbuild}. ` +
    `Workloads: ${res.counts.fetches} fetches, ${res.counts.xhrs} XHRs, ${res.counts.clicks} clicks, ${res.counts.heapSpans} buffered spans, navigation burst of ${res.counts.burst} requests, each loop after ${res.counts.warmup} untimed warm-up iterations; ${res.settleMs} ms settle before each flush.`);
  L.push('');
  return L.join('\n');
}

// `node lib/report.mjs results/<run>.json` re-renders that run's markdown.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    fs.writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(JSON.parse(fs.readFileSync(file, 'utf8'))));
  }
}
