// TanStack Router (1.x): a `routeTemplate` for the navigation instrumentation from the app's
// router, so that `page.route` is the route's full path (`/orders/$id`), not the URL's path
// (`/orders/42`). The router matches; nothing is imported from TanStack here.
import { routerPath, underBase } from './route-path.js';

/** The part of a TanStack Router the template needs (`createRouter(...)`'s result). */
export interface TanStackRouterLike {
  /** `[matched routes, params, the route found]` for a path without the router's basepath. */
  getMatchedRoutes(pathname: string): readonly [unknown, unknown, { fullPath?: string } | undefined];
  basepath?: string;
}

export interface TanStackRouterTemplateOptions {
  /** A router on hash history (`createHashHistory()`): the path is in the URL's fragment. */
  hash?: boolean;
}

/**
 * `instrumentations.navigation.routeTemplate` for a TanStack Router app:
 *
 * ```ts
 * initTelemetry({ …, instrumentations: { navigation: { routeTemplate: tanstackRouterTemplate(() => router) } } });
 * ```
 *
 * `router`: the app's router, or a function returning it, for a router created after
 * `initTelemetry` (usual: the router module imports every route). The router's `basepath`
 * is kept in the template. A URL no route matches gets no template: the SDK then uses its
 * path.
 */
export function tanstackRouterTemplate(
  router: TanStackRouterLike | (() => TanStackRouterLike | undefined),
  options: TanStackRouterTemplateOptions = {},
): (url: string) => string | undefined {
  return (url) => {
    const r = typeof router === 'function' ? router() : router;
    if (typeof r?.getMatchedRoutes !== 'function') return undefined;
    let path = routerPath(url, options.hash);
    const base = (r.basepath ?? '').replace(/\/+$/, '');
    if (base) {
      if (path.slice(0, base.length).toLowerCase() !== base.toLowerCase()) return undefined;
      path = path.slice(base.length) || '/';
    }
    // An index route's full path ends in `/` (`/orders/`): the same page as `/orders`.
    const full = r.getMatchedRoutes(path)[2]?.fullPath;
    return full ? underBase(base, full) : undefined;
  };
}
