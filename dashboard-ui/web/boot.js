// Starts the dashboard. A file, not an inline script, so the page's Content-Security-Policy
// can allow scripts from 'self' only. build.sh fills in the hashed names.
import init from "/__JS__";
init({ module_or_path: "/__WASM__" });
