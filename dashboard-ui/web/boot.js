// Starts the dashboard. A file, not an inline script, so the page's Content-Security-Policy
// can allow scripts from 'self' only. build.sh fills in the hashed names.
import init from "/__JS__";

// On a trace page the trace's (large) reply need not wait for the app to boot: ask for it
// now with the stored token; the app takes `window.__tracePrefetch` instead of asking again
// (and asks itself if this one failed). Our server's compact reply first (smaller, and read
// as it arrives: the app gets the Response and shows the first rows while the rest streams
// in; it names its format in a header), SigNoz v0.39's route (read whole) when the server has
// no such route. Not when the dashboard traces its own calls (otel-endpoint set): those
// requests carry a traceparent only the app can make.
const route = location.pathname.match(/^\/trace\/([^/]+)$/);
const token = localStorage.getItem("AUTH_TOKEN");
const meta = (name) => document.querySelector(`meta[name=${name}]`)?.getAttribute("content") || "";
if (route && token && !meta("otel-endpoint")) {
  const base = (meta("api-base") || "/api").replace(/\/+$/, "");
  const get = (path) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const bytes = (r) => r.arrayBuffer().then((b) => new Uint8Array(b));
  const compact = (r) => {
    if (r.ok && r.headers.get("x-trace-format") === "compact-2") return r;
    r.body?.cancel();
    return null;
  };
  window.__tracePrefetch = {
    id: decodeURIComponent(route[1]),
    reply: get(`/v1/traces/${route[1]}/compact`)
      .then(compact)
      .catch(() => null)
      .then((r) => r || get(`/v1/traces/${route[1]}`).then((r) => (r.ok ? bytes(r) : null)))
      .catch(() => null),
  };
}
init({ module_or_path: "/__WASM__" });
