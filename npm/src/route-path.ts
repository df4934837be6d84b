// What the router helpers (react-router.ts, tanstack-router.ts) share: the path a router
// reads from a URL, and a template put under the router's base path.

/** The path a router sees in `url`: its pathname, or on hash history the fragment's path. */
export function routerPath(url: string, hash: boolean | undefined): string {
  const u = new URL(url);
  return hash ? u.hash.slice(1).split('?')[0] || '/' : u.pathname;
}

/** `template` under `base` (`''` for none), without a trailing `/`: `/app` + `/` is `/app`. */
export function underBase(base: string, template: string): string {
  const t = template.length > 1 ? template.replace(/\/+$/, '') : template;
  return base && t === '/' ? base : base + t;
}
