// The config error class alone: the package entries export it without loading the checks
// (config.ts), which run off the page's critical path.

/** Thrown for a bad config; `field` is the offending config path. */
export class TelemetryConfigError extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`invalid config: ${field}: ${reason}`);
    this.name = 'TelemetryConfigError';
    this.field = field;
  }
}
