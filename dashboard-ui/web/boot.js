// Starts the dashboard. A file, not an inline script, so the page's Content-Security-Policy
// can allow scripts from 'self' only. build.sh fills in the hashed names.
import init from "/__JS__";

// On a trace page the trace's (large) reply need not wait for the app to boot: ask for it
// now with the stored token; the app takes `window.__tracePrefetch` instead of asking again
// (and asks itself if this one failed). Our server's compact reply first (smaller, faster to
// parse; it names its format in a header and in its first bytes), SigNoz v0.39's route when
// the server has no such route. Not when the dashboard traces its own calls (otel-endpoint
// set): those requests carry a traceparent only the app can make.
const route = location.pathname.match(/^\/trace\/([^/]+)$/);
const token = localStorage.getItem("AUTH_TOKEN");
const meta = (name) => document.querySelector(`meta[name=${name}]`)?.getAttribute("content") || "";
if (route && token && !meta("otel-endpoint")) {
  const base = (meta("api-base") || "/api").replace(/\/+$/, "");
  const get = (path) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const bytes = (r) => r.arrayBuffer().then((b) => new Uint8Array(b));
  const compactHead = new TextEncoder().encode('{"format":"compact-1"');
  const isCompact = (r, b) =>
    r.headers.get("x-trace-format") === "compact-1" || compactHead.every((c, i) => b[i] === c);
  window.__tracePrefetch = {
    id: decodeURIComponent(route[1]),
    reply: get(`/v1/traces/${route[1]}/compact`)
      .then((r) => (r.ok ? bytes(r).then((b) => (isCompact(r, b) ? b : null)) : null))
      .catch(() => null)
      .then((b) => b || get(`/v1/traces/${route[1]}`).then((r) => (r.ok ? bytes(r) : null)))
      .catch(() => null),
  };
}
init({ module_or_path: "/__WASM__" });
