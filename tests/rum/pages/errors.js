// Error sources for tests/rum/errors.test.mjs, loaded by basic.html?script=errors.js. Kept in
// a file of their own so the error events carry its URL and line numbers. Everything thrown
// or rejected is created here: browsers do not report rejections of promises or errors made
// by WebDriver's injected scripts (they count as "muted" scripts without a URL).
export function throwLater(message) {
  setTimeout(() => { throw new TypeError(message); }, 0);
}
export function rejectLater(message, errorType) {
  setTimeout(() => { Promise.reject(errorType ? new globalThis[errorType](message) : message); }, 0);
}
export function storm(n, distinct) {
  for (let i = 0; i < n; i++) setTimeout(() => { throw new Error(`storm ${i % distinct}`); }, 0);
}

// The page's own handlers: the SDK must not take their calls away.
window.pageSaw = [];
window.onerror = () => { window.pageSaw.push('onerror'); };
window.addEventListener('unhandledrejection', () => window.pageSaw.push('unhandledrejection'));

const button = document.createElement('button');
button.id = 'throw';
button.textContent = 'throw';
button.addEventListener('click', () => { throw new Error('click handler failed'); });
document.body.append(button);
