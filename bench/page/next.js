// The page the navigation session leaves to: the same app on the same origin, so
// it starts the same SDK bundle with the same config as the page it follows (both
// given in the query string). That start is when our SDK re-sends what the leaving
// page stashed. `window.nextPage.done` says it has started and flushed.
const query = new URLSearchParams(location.search);
const sdk = query.get('sdk') ?? 'none';
window.nextPage = { sdk, done: false, stats: null, error: null };
try {
  if (!/^[a-z-]+$/.test(sdk)) throw new Error(`bad sdk name ${JSON.stringify(sdk)}`);
  if (sdk !== 'none') {
    const mod = await import(`/sdk/${sdk}/index.js`);
    const handle = await mod.start(JSON.parse(query.get('config')));
    await handle.forceFlush();
    window.nextPage.stats = handle.stats();
  }
} catch (err) {
  window.nextPage.error = String(err?.message ?? err);
}
window.nextPage.done = true;
