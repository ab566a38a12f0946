import type { RouteDocument } from './document-fake.js';

/**
 * A large estate for `bench:scan` made of copies of a recorded fixture (test/scans/fixtures): every resource a
 * listing names (its `name` and `id`) is renamed in each copy everywhere it appears (its own documents such as its
 * metrics, its drive, its versions, and references from other resources), so each copy is a consistent set of
 * resources with the fixture's mix of idle and busy ones. Lists of the same path are merged into one (served in
 * pages of the service's real size); documents naming no resource (a subscription, the licence list) stay single.
 */
export interface ScaleOptions {
  /** About how many resources the estate should hold (each copy holds as many as the fixture's lists). */
  total: number;
  /** The size of a page of every list (the fixture's small pages exercise paging, not volume). */
  pageSize: number;
  /** Lists whose items are resources (not, say, a file's versions or the tenant's licences). */
  resourceList: (route: RouteDocument) => boolean;
  /** Text replacements for copy `k`, applied after the renaming (moving a copy to another region). */
  relocate?: (k: number) => Array<[string, string]>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Adds the `name`/`id` strings of the items of a document's arrays and objects of arrays (Google's aggregated
 * lists) to `names`; answers how many items there were.
 */
function itemNames(value: unknown, names: Set<string>, depth = 0): number {
  if (Array.isArray(value)) {
    for (const item of value)
      for (const key of ['name', 'id']) {
        const name = (item as Record<string, unknown> | null)?.[key];
        if (typeof name === 'string') names.add(name);
      }
    return value.length;
  }
  let items = 0;
  if (value && typeof value === 'object' && depth < 3)
    for (const v of Object.values(value)) items += itemNames(v, names, depth + 1);
  return items;
}

/** Arrays concatenated, objects merged key by key; a scalar keeps the first copy's value. */
function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return a;
}

export function scaleRoutes(
  routes: RouteDocument[],
  options: ScaleOptions,
): { routes: RouteDocument[]; copies: number } {
  const names = new Set<string>();
  let items = 0;
  for (const route of routes) if (options.resourceList(route)) items += itemNames(route.body, names);
  // A resource's own single documents (a user's drive) name further resources (the drive).
  for (const route of routes)
    for (const name of [...names])
      if (route.path.includes(`/${name}/`)) {
        const id = (route.body as { id?: unknown } | undefined)?.id;
        if (typeof id === 'string') names.add(id);
      }
  // Whole names only: renamed where one stands between quotes, slashes, commas, a query's = or a ' .
  const pattern = new RegExp(
    `(?<=["/,=' ])(${[...names]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|')})(?=["/,'?)]|$)`,
    'g',
  );
  const copies = Math.max(1, Math.ceil(options.total / items));
  const text = JSON.stringify(routes);
  const byKey = new Map<string, { route: RouteDocument; first: string }>();
  for (let k = 0; k < copies; k++) {
    // Google's numeric ids stay numeric.
    let copy = text.replace(pattern, (name) => (/^\d+$/.test(name) ? `${name}${k}` : `${name}-c${k}`));
    for (const [from, to] of options.relocate?.(k) ?? []) copy = copy.split(from).join(to);
    for (const route of JSON.parse(copy) as RouteDocument[]) {
      const key = `${route.method ?? 'GET'} ${route.path} ${JSON.stringify(route.query ?? {})}`;
      const body = JSON.stringify(route.body);
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, { route, first: body });
      // The same document in every copy (a subscription) stays one; a list gains each copy's items.
      else if (body !== seen.first) seen.route.body = merge(seen.route.body, route.body);
    }
  }
  return {
    copies,
    routes: [...byKey.values()].map(({ route }) =>
      route.paging ? { ...route, paging: { ...route.paging, size: options.pageSize } } : route,
    ),
  };
}
