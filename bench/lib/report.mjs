// The figures of issue 7 item 2 and their goals, and the markdown report.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ratio } from './stats.mjs';

// theirs: the OTel JS figure a row is compared with (OTel JS exports JSON only), shown
// beside the row's own OTel JS cell as "(<theirsNote>: …)".
// goal: {maxRatio} for ours / OTel JS, {zero} for counts that must be 0 for us,
// {maxAbs} for an absolute cap on ours.
export const FIGURES = {
  'size.raw': { label: 'transfer size, raw', unit: 'B' },
  'size.gzip': { label: 'transfer size, gzip -9', unit: 'B', goal: { maxRatio: 1.0, maxAbs: 55000 } },
  'size.tracing_gzip': { label: 'transfer size, tracing-only flavour (`otel-wasm/tracing`), gzip -9', unit: 'B', theirs: 'size.gzip', theirsNote: 'its SDK', goal: { maxAbs: 28000 } },
  'size.brotli': { label: 'transfer size, brotli q11', unit: 'B' },
  'size.loader': { label: 'loader: the SDK on the critical path (entry + its static chunks), gzip -9', unit: 'B', goal: { maxAbs: 5000 } },
  'init.cpu_ms': { label: 'init: main-thread CPU from import to ready (wasm compile+instantiate incl.)', unit: 'ms', digits: 2, goal: { maxRatio: 1.0 } },
  'init.wall_ms': { label: 'init: wall time from import to ready', unit: 'ms', digits: 2 },
  'heap.after_init_kib': { label: 'JS heap + wasm memory after init (after GC)', unit: 'KiB', digits: 0, goal: { maxRatio: 1.0 } },
  'fetch.cpu_us': { label: 'fetch: main-thread CPU per call', unit: 'µs', digits: 0, goal: { maxRatio: 0.2 } },
  'fetch.wall_us': { label: 'fetch: wall time per call', unit: 'µs', digits: 0 },
  'xhr.cpu_us': { label: 'XHR: main-thread CPU per call', unit: 'µs', digits: 0, goal: { maxRatio: 0.2 } },
  'xhr.wall_us': { label: 'XHR: wall time per call', unit: 'µs', digits: 0 },
  'click.cpu_us': { label: 'click: main-thread CPU per click', unit: 'µs', digits: 1, goal: { maxRatio: 0.5 } },
  'click.wall_us': { label: 'click: wall time per click', unit: 'µs', digits: 1 },
  'manual.cpu_us': { label: 'manual span (start, 2 attributes, end): main-thread CPU per span', unit: 'µs', digits: 1 },
  'manual.wall_us': { label: 'manual span: wall time per span', unit: 'µs', digits: 1 },
  'manual.flushed_cpu_us': { label: 'manual span: main-thread CPU per span until all are exported (loop + flush)', unit: 'µs', digits: 1 },
  'manual.delivered_cpu_us': { label: 'manual span: the same CPU per span delivered (an SDK whose full queue drops spans pays for fewer)', unit: 'µs', digits: 1 },
  'wire.fetch_bytes_per_span.protobuf': { label: 'wire bytes per fetch span, protobuf', unit: 'B', digits: 0, theirs: 'wire.fetch_bytes_per_span.json', theirsNote: 'JSON', goal: { maxRatio: 0.35 } },
  'wire.fetch_bytes_per_span.json': { label: 'wire bytes per fetch span, JSON', unit: 'B', digits: 0, goal: { maxRatio: 0.4 } },
  'wire.xhr_bytes_per_span.protobuf': { label: 'wire bytes per XHR span, protobuf', unit: 'B', digits: 0, theirs: 'wire.xhr_bytes_per_span.json', theirsNote: 'JSON', goal: { maxRatio: 0.35 } },
  'wire.xhr_bytes_per_span.json': { label: 'wire bytes per XHR span, JSON', unit: 'B', digits: 0 },
  'wire.click_bytes_per_span.protobuf': { label: 'wire bytes per click span, protobuf', unit: 'B', digits: 0, theirs: 'wire.click_bytes_per_span.json', theirsNote: 'JSON', goal: { maxRatio: 0.35 } },
  'wire.click_bytes_per_span.json': { label: 'wire bytes per click span, JSON', unit: 'B', digits: 0 },
  'wire.manual_bytes_per_span.protobuf': { label: 'wire bytes per manual span (2 attributes), protobuf', unit: 'B', digits: 0, theirs: 'wire.manual_bytes_per_span.json', theirsNote: 'JSON', goal: { maxRatio: 0.35 } },
  'wire.manual_bytes_per_span.json': { label: 'wire bytes per manual span (2 attributes), JSON', unit: 'B', digits: 0 },
  'loss.click_burst': { label: 'click-burst spans lost (of clicks+warm-up)', unit: 'spans', digits: 0, goal: { zero: true } },
  'loss.navigation_leaving_page': { label: 'navigation after a burst: request spans lost, counting what the leaving page delivered alone', unit: 'spans', digits: 0 },
  'loss.navigation': { label: 'navigation after a burst: request spans lost once the next page (same SDK, same config) started and flushed', unit: 'spans', digits: 0, goal: { zero: true } },
  'loss.navigation_duplicates': { label: 'navigation after a burst: request spans received twice', unit: 'spans', digits: 0 },
  'memory.retained_bytes_per_span': { label: 'retained JS heap + wasm memory per buffered span (after GC)', unit: 'B', digits: 0, goal: { maxRatio: 0.25 } },
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
  if (goal.maxRatio === undefined) return `≤ ${fmt(goal.maxAbs)} B`;
  return `≤ ${goal.maxRatio}${goal.maxAbs ? ` and ≤ ${fmt(goal.maxAbs)} B` : ''}`;
}

// The workload a figure measures, if it is one an SDK may or may not instrument.
function workloadOf(key) {
  if (key.startsWith('loss.navigation')) return 'fetch';
  if (key === 'loss.click_burst') return 'click';
  return ['fetch', 'xhr', 'click'].find((k) => key.startsWith(`${k}.`) || key.includes(`.${k}_`));
}

function verdict(goal, ours, r, instrumented) {
  if (instrumented === false) return 'no spans: not instrumented';
  if (!goal || !ours) return '';
  if (goal.zero) return ours.max === 0 ? 'met' : 'missed';
  if (goal.maxRatio === undefined) return ours.median <= goal.maxAbs ? 'met' : 'missed';
  if (r === null) return '';
  const ok = r <= goal.maxRatio && (goal.maxAbs === undefined || ours.median <= goal.maxAbs);
  return ok ? 'met' : 'missed';
}

const met = (ok) => (ok ? 'met' : 'missed');
const ms = (v) => `${fmt(v, 1)} ms`;

// Issue 7 item 4: the dashboard's and the server's absolute figures against their goals.
function componentsSection(res) {
  const L = ['## Dashboard and server (issue 7 item 4)', ''];
  const c = res.components ?? {};
  if (!c.dashboard && !c.server) {
    L.push('Not measured in this run (`--with dashboard,server`, the default of a full run, measures them).', '');
    return L;
  }
  L.push('Absolute figures (no OpenTelemetry JS counterpart), measured after the SDK rounds through the components\' own entry points.', '');
  L.push('| figure | value | goal | |');
  L.push('|---|---:|---|---|');
  const d = c.dashboard;
  if (d?.status === 'measured') {
    L.push(`| dashboard first load, gzip -9 (${d.firstLoad.files.length} files) | ${fmt(d.firstLoad.gzip)} B | ≤ ${fmt(d.goals.gzipBytes)} B | ${met(d.firstLoad.gzip <= d.goals.gzipBytes)} |`);
    L.push(`| dashboard first load, brotli q11 | ${fmt(d.firstLoad.brotli)} B |  |  |`);
    L.push(`| dashboard first load, raw | ${fmt(d.firstLoad.raw)} B |  |  |`);
    for (const t of d.tti) {
      const v = t.runs.map((r) => r.tti_ms);
      L.push(`| trace view first rows interactive, ${fmt(t.spans)} spans, median (min–max) of ${v.length} | ${fmt(t.median_tti_ms)} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))}) ms | < ${fmt(d.goals.ttiMs)} ms | ${met(t.median_tti_ms < d.goals.ttiMs)} |`);
      if (Number.isFinite(t.median_all_loaded_ms)) L.push(`| trace view all spans loaded, ${fmt(t.spans)} spans, median | ${fmt(t.median_all_loaded_ms)} ms |  |  |`);
    }
    for (const t of d.tti) {
      if (Number.isFinite(t.median_filter_ms)) L.push(`| trace view in-trace filter (errors) applied, ${fmt(t.spans)} spans, median | ${fmt(t.median_filter_ms)} ms |  |  |`);
      if (Number.isFinite(t.peak_renderer_mb)) L.push(`| trace view renderer peak memory, ${fmt(t.spans)} spans | ${fmt(t.peak_renderer_mb)} MB |  |  |`);
    }
  } else if (d) L.push(`| dashboard | ${d.status}: ${d.reason} |  |  |`);
  const s = c.server;
  if (s?.status === 'measured') {
    L.push(`| server ingest, protobuf batches of ${s.batchSize}, ${s.senders} senders, first ${fmt(s.ingest.spans)} spans | ${fmt(s.ingest.spansPerS)} spans/s | ≥ ${fmt(s.goals.ingestSpansPerS)} spans/s | ${met(s.ingest.spansPerS >= s.goals.ingestSpansPerS)} |`);
    if (s.ingestFill) L.push(`| server ingest while filling to ${fmt(s.spansStored)} spans | ${fmt(s.ingestFill.spansPerS)} spans/s |  |  |`);
    L.push(`| \`GET /api/v1/traces/{id}\` with ${fmt(s.spansStored)} spans stored, p50 / p99 (${s.traceLookup.lookups} lookups) | ${ms(s.traceLookup.p50)} / ${ms(s.traceLookup.p99)} | p99 < ${s.goals.traceLookupMs} ms | ${met(s.traceLookup.p99 < s.goals.traceLookupMs)} |`);
    L.push(`| \`POST /api/v1/services\`, 1 h window, p50 / p99 | ${ms(s.services.p50)} / ${ms(s.services.p99)} | p99 < ${s.goals.servicesMs} ms | ${met(s.services.p99 < s.goals.servicesMs)} |`);
    for (const q of s.queryRange) L.push(`| \`query_range\` ${q.label}, p50 / p99 | ${ms(q.p50)} / ${ms(q.p99)} |  |  |`);
  } else if (s) L.push(`| server | ${s.status}: ${s.reason} |  |  |`);
  L.push('');
  if (d?.status === 'measured') {
    L.push(`Dashboard: ${d.distBuilt === false ? '`dist/` newer than its sources, so `dashboard-ui/build.sh` was not rerun' : '`dashboard-ui/build.sh`'} (build step ${d.buildS} s, the release server build included), then the files of \`dashboard-ui/dist\` that \`index.html\` names and those name in turn: ${d.firstLoad.files.map((f) => `\`${f.file}\` ${fmt(f.gzip)} B`).join(', ')} (gzip -9). The browser fetched ${d.fetchedMatchesIndex ? 'exactly these files' : `other files: ${d.fetchedByBrowser.join(', ')}`} on its first load. Time to interactive: \`bench/dashboard/trace-tti.mjs\` through nginx + \`dist/\` + the release server, from navigation to a ready waterfall with rows (first rows) and to the whole trace in (all loaded), a fresh browser context per run (${d.measureS} s).`);
    L.push('');
    L.push('| trace | run | first rows ms | all loaded ms | API reply complete at ms | client work after reply ms | keypress → paint ms | DOM rows |');
    L.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const t of d.tti) t.runs.forEach((r, i) => L.push(`| ${fmt(t.spans)} | ${i + 1} | ${fmt(r.tti_ms)} | ${fmt(r.all_loaded_ms)} | ${fmt(r.api_reply_done_ms)} | ${fmt(r.client_after_reply_ms)} | ${fmt(r.key_ms)} | ${r.dom_rows} |`));
    L.push('');
  }
  if (s?.status === 'measured') {
    L.push(`Server: \`${s.command}\` (server/README.md; build ${s.buildS} s, run ${s.measureS} s), database ${fmt(s.databaseMB)} MB at the end. Goals from issue 5 (server/README.md gives the command and figures, not goals); latencies are judged on p99.`);
    L.push('');
  }
  return L;
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
    L.push(`| ${def.label} | ${def.unit} | ${cell(res.figures[key]?.['otel-js'], def.digits)}${def.theirs ? ` (${def.theirsNote}: ${cell(theirs, def.digits)})` : ''} | ${has('ours') ? cell(ours, def.digits) : (res.sdks.ours?.status ?? 'not run')} | ${r === null ? '–' : r.toFixed(2)} | ${goalText(def.goal)} | ${verdict(def.goal, ours, r, res.instrumented?.ours?.[workloadOf(key)])} |`);
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
  L.push(`| main-thread CPU per manual-span loop iteration (no tracer) | ${cell(B['manual.cpu_us'], 2)} µs |`);
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
    for (const phase of ['fetch', 'xhr', 'click', 'manual']) {
      const e = r.main[phase]?.export;
      if (!e) continue;
      L.push(`| ${sdk} | ${phase} | ${e.delivered} / ${e.expected} | ${e.spansTotal} | ${e.posts} | ${e.preflights} | ${kv(e.encodings)} | ${kv(e.contentEncodings)} | ${r.main[phase].withTraceparent ?? '–'} | ${fmt(e.bytesPerSpan)} |`);
    }
    for (const [enc, e] of Object.entries(r.wire ?? {})) {
      L.push(`| ${sdk} | fetch (${enc} session) | ${e.delivered} / ${e.expected} | ${e.spansTotal} | ${e.posts} | ${e.preflights} | ${kv(e.encodings)} | ${kv(e.contentEncodings)} | – | ${fmt(e.bytesPerSpan)} |`);
    }
    const nav = r.navigation;
    if (nav.deliveredByLeavingPage === undefined) L.push(`| ${sdk} | navigation burst (next page without SDK) | ${nav.delivered} / ${nav.created} | | | | | | | |`);
    else L.push(`| ${sdk} | navigation burst: leaving page alone, + next page | ${nav.deliveredByLeavingPage} + ${nav.deliveredAfterNextPage - nav.deliveredByLeavingPage} / ${nav.created} | | | | | | ${nav.withTraceparent} | |`);
    L.push(`| ${sdk} | ${r.heap.spans} buffered spans, then flush | ${r.heap.delivered} / ${r.heap.spans} | | | | | | | |`);
  }
  L.push('');
  L.push('Wire bytes = compressed body as sent + HTTP/1.1 request line and headers, over all spans in the phase\'s exports; CORS preflights are counted, not added.');
  L.push('');
  L.push(`Navigation burst: the page leaves for \`${'next.html'}\`, a page of the same app that starts the same SDK bundle with the same config and flushes (our SDK re-sends there what the leaving page stashed in \`localStorage\`). A span counts as delivered when its trace and span id match the \`traceparent\` of one of the burst's requests (so other runs' spans never count, and a span received twice counts once); the Referer of its export tells whether the leaving page or the next page sent it.${res.navCollectorDelayMs ? ` **In this run the collector answered every export of the navigation session ${res.navCollectorDelayMs} ms late** (\`--nav-collector-delay-ms\`), as one farther away than loopback would.` : ''}`);
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
  L.push('Batch processor for this run: queue and batch size 2× the span count, scheduled delay 1 h, so no export is due by time or count; an SDK that bounds a batch by bytes too (ours: ≈ 56 KiB, one keepalive request) exports during the loop, so what stays is its peak, not every span. wasm memory is every `WebAssembly.Memory` the SDK instantiated (found by wrapping `WebAssembly.instantiate*` in the page); it never shrinks, so growth is what the spans cost.');
  L.push('');
  L.push('## Transfer size: files loaded for telemetry');
  L.push('');
  L.push('| SDK | file | raw B | gzip -9 B | brotli q11 B |');
  L.push('|---|---|---:|---:|---:|');
  for (const [sdk, s] of Object.entries(res.sizes)) {
    for (const f of s.files) L.push(`| ${sdk} | ${f.file} | ${fmt(f.raw)} | ${fmt(f.gzip)} | ${fmt(f.brotli)} |`);
  }
  L.push('');
  const tr = res.sdks.ours?.tracing;
  if (tr) {
    L.push(`ours, tracing-only flavour (\`otel-wasm/tracing\`, sized from its bundle, not run): loader ${fmt(tr.loader)} B gzip -9, everything fetched by the time \`initTelemetry\` resolves ${fmt(tr.gzip)} B gzip -9 (${tr.files.map((f) => `${f.file} ${fmt(f.gzip)}`).join(', ')}).`);
    L.push('');
  }
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
  L.push(...componentsSection(res));
  L.push('## Machine');
  L.push('');
  L.push(`${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Linux ${m.kernel}, load average at the end ${m.loadavg.join(' / ')}; Node ${m.node}; Chromium ${m.chromium} headless via playwright-core ${res.versions['playwright-core']}; esbuild ${res.versions.esbuild}. ` +
    `Workloads: ${res.counts.fetches} fetches, ${res.counts.xhrs} XHRs, ${res.counts.clicks} clicks, ${res.counts.manualSpans ?? 0} manual spans, ${res.counts.heapSpans} buffered spans, navigation burst of ${res.counts.burst} requests, each loop after ${res.counts.warmup} untimed warm-up iterations; ${res.settleMs} ms settle before each flush.`);
  L.push('');
  return L.join('\n');
}

// `node lib/report.mjs results/<run>.json` re-renders that run's markdown.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    fs.writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(JSON.parse(fs.readFileSync(file, 'utf8'))));
  }
}
