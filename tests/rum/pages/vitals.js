// The web-vitals scenario (tests/rum/vitals.test.mjs), loaded by basic.html?script=vitals.js.
// Timeline: text paints (FCP); 300 ms after start a large noise image is added (the LCP
// candidate: noise, so Chromium does not skip it as a low-entropy placeholder); then a banner
// is inserted above the content with no input (a layout shift, CLS). window.scripted resolves
// when both have painted. #slow's click handler busy-waits 250 ms (an interaction for INP,
// and a long task).
const busy = (ms) => { const end = performance.now() + ms; while (performance.now() < end) { /* block */ } };
const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const later = (ms) => new Promise((r) => setTimeout(r, ms));
window.busy = busy;
// For the background-tab test: whether the page started hidden.
window.visibilityAtStart = document.visibilityState;

document.body.insertAdjacentHTML('beforeend', `<p>Web vitals test page.</p>
  <div id="content"><p>Content that the banner pushes down.</p><button id="slow">slow</button></div>`);
document.getElementById('slow').addEventListener('click', () => { busy(250); document.title = 'slow done'; });

function noiseImage(w, h) {
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (Math.random() * 256) | 0;
  ctx.putImageData(img, 0, 0);
  return c.toDataURL('image/png');
}

window.scripted = (async () => {
  await window.ready;
  await later(300);
  const hero = new Image();
  hero.src = noiseImage(400, 250);
  hero.style.cssText = 'display:block;width:800px;height:500px';
  await hero.decode();
  document.body.append(hero);
  await frames();
  await later(200);
  const banner = document.createElement('div');
  banner.style.cssText = 'height:300px;background:#fc0';
  document.getElementById('content').before(banner);
  await frames();
  return true;
})();

// Counts restores from the back/forward cache (the test checks the browser did one).
window.restores = 0;
window.addEventListener('pageshow', (e) => { if (e.persisted) window.restores++; });
