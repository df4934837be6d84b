// Development defaults; a deployment (or the e2e test) serves its own /env.js.
window.__ENV = window.__ENV || {};
