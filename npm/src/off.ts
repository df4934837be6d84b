// The no-op handle for a page whose core chunk did not load (a blocker, a deploy that removed it,
// the network). npm/build.sh replaces this module's output with a copy of noop.js, which has no
// runtime imports: a module of its own, so bundlers give it a chunk that shares nothing with the
// core's (a shared chunk would be one more request on every page, and a chunk that did not load
// cannot hand out its own no-op).
export { offTelemetry } from './noop.js';
