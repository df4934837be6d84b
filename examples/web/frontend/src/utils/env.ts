// Run-time settings from /env.js (window.__ENV), else build-time VITE_* variables (Vite
// builds; webpack and esbuild builds have no import.meta.env), else
// local-development defaults.
declare global {
  interface Window { __ENV?: Record<string, string | undefined> }
}
const pick = (key: string, fallback: string) => window.__ENV?.[key] ?? (import.meta.env?.[`VITE_${key}`] as string | undefined) ?? fallback;

export const env = {
  environment: pick('ENVIRONMENT', 'development'),
  otlpEndpoint: pick('OTLP_ENDPOINT', 'http://localhost:4318'),
  /** How spans are sent: OTLP protobuf (the default) or JSON. */
  otlpEncoding: pick('OTLP_ENCODING', 'protobuf') === 'json' ? ('json' as const) : ('protobuf' as const),
  /** Our own second API on another origin: allowed to receive trace headers. */
  partnerApi: pick('PARTNER_API', 'http://localhost:8082'),
  /** A third-party API: must never receive trace headers. */
  thirdPartyApi: pick('THIRD_PARTY_API', 'http://localhost:8083'),
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const partnerApiPattern = new RegExp(`^${escapeRegExp(env.partnerApi)}/`);
