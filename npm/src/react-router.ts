// React Router (v6, v7, v8): a `routeTemplate` for the navigation instrumentation made from the
// app's route table, so that `page.route` is the pattern React Router matched (`/orders/:id`),
// not the path (`/orders/42`). React Router's own `matchRoutes` does the matching: its ranking
// (static before dynamic segments, index and layout routes, optional segments, splats) is
// not repeated here.
import { matchRoutes } from 'react-router';
import { routerPath, underBase } from './route-path.js';

/** The part of a React Router route object the template needs (`RouteObject` of any version). */
export interface RouteLike {
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: RouteLike[];
}

export interface ReactRouterTemplateOptions {
  /** The router's `basename` (`createBrowserRouter(routes, { basename })`): kept in the template. */
  basename?: string;
  /** A hash router (`createHashRouter`, `<HashRouter>`): the path is in the URL's fragment. */
  hash?: boolean;
}

/**
 * `instrumentations.navigation.routeTemplate` for a React Router app:
 *
 * ```ts
 * initTelemetry({ …, instrumentations: { navigation: { routeTemplate: reactRouterTemplate(routes) } } });
 * ```
 *
 * `routes`: the route objects given to `createBrowserRouter` (or
 * `createRoutesFromElements(<Route …/>)`), or a function returning them, for a router created
 * after `initTelemetry` (`() => router?.routes`). A URL no route matches gets no template: the
 * SDK then uses its path.
 */
export function reactRouterTemplate(
  routes: readonly RouteLike[] | (() => readonly RouteLike[] | undefined),
  options: ReactRouterTemplateOptions = {},
): (url: string) => string | undefined {
  const basename = trimEnd(options.basename ?? '');
  return (url) => {
    const table = typeof routes === 'function' ? routes() : routes;
    if (!table) return undefined;
    const path = routerPath(url, options.hash);
    const matches = matchRoutes(table as Parameters<typeof matchRoutes>[0], path, basename || '/');
    return matches ? underBase(basename, templateOf(matches)) : undefined;
  };
}

/** The matched routes' paths joined: a child's path is relative to its parent's unless it
 *  starts with `/`; layout and index routes (no path) add nothing. */
export function templateOf(matches: readonly { route: { path?: string } }[]): string {
  let t = '';
  for (const { route } of matches) {
    const p = route.path;
    if (!p) continue;
    t = p.startsWith('/') ? p : `${trimEnd(t)}/${p}`;
  }
  return trimEnd(t.replace(/\/\/+/g, '/')) || '/';
}

function trimEnd(path: string): string {
  return path.endsWith('/') ? path.replace(/\/+$/, '') : path;
}
