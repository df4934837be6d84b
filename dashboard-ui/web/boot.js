// Starts the dashboard. A file, not an inline script, so the page's Content-Security-Policy
// can allow scripts from 'self' only. build.sh fills in the hashed names.
import init from "/__JS__";

// On a trace page the trace's (large) reply need not wait for the app to boot: ask for it
// now with the stored token; the app takes `window.__tracePrefetch` instead of asking again
// (and asks itself if this one failed). Not when the dashboard traces its own calls
// (otel-endpoint set): those requests carry a traceparent only the app can make.
const route = location.pathname.match(/^\/trace\/([^/]+)$/);
const token = localStorage.getItem("AUTH_TOKEN");
const meta = (name) => document.querySelector(`meta[name=${name}]`)?.getAttribute("content") || "";
if (route && token && !meta("otel-endpoint")) {
  const base = (meta("api-base") || "/api").replace(/\/+$/, "");
  window.__tracePrefetch = {
    id: decodeURIComponent(route[1]),
    reply: fetch(`${base}/v1/traces/${route[1]}`, { headers: { Authorization: `Bearer ${token}` } })
      .then((r) => (r.ok ? r.arrayBuffer().then((b) => new Uint8Array(b)) : null))
      .catch(() => null),
  };
}
init({ module_or_path: "/__WASM__" });
