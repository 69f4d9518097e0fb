/**
 * Accept-header parsing for the two "as=" conversions kube-apiserver negotiates: Tables
 * (`application/json;as=Table;v=v1;g=meta.k8s.io`) and aggregated discovery
 * (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`).
 * apiserver `pkg/endpoints/handlers/negotiation` picks the first range, by descending `q` and then
 * in the client's order, that the server can produce.
 */

export interface MediaRange {
  /** `application/json`, lower case */
  type: string;
  /** parameters other than `q`, names lower case, values as sent */
  params: Record<string, string>;
  q: number;
}

/**
 * Splits an Accept header into media ranges, best first (stable among equal `q`), dropping
 * ranges with `q=0` (not acceptable).
 * @example
 * mediaRanges('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')[0].params.as; // 'Table'
 */
export function mediaRanges(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [type = '', ...rawParams] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 1;
      else params[name] = value;
    }
    if (q > 0) ranges.push({ type: type.toLowerCase(), params, q });
  }
  return ranges.map((r, i) => ({ r, i })).sort((a, b) => b.r.q - a.r.q || a.i - b.i).map(({ r }) => r);
}

/** What a media range asks the server to convert its answer to (`as`, `g`, `v`), if anything. */
export interface Conversion {
  as: string;
  group: string;
  version: string;
}

/**
 * The first media range the server can produce, as `plain` JSON or one of `conversions`
 * (matched on `application/json` plus as/g/v); undefined when none fits.
 * @example
 * const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
 * negotiate(accept, [{ as: 'APIGroupDiscoveryList', group: 'apidiscovery.k8s.io', version: 'v2' }]); // that conversion
 */
export function negotiate(accept: string | undefined, conversions: readonly Conversion[]): Conversion | 'plain' | undefined {
  for (const r of mediaRanges(accept)) {
    const jsonish = r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*';
    if (!jsonish) continue;
    if (r.params.as === undefined) return 'plain';
    if (r.type !== 'application/json') continue;
    const hit = conversions.find((c) => c.as === r.params.as && c.group === r.params.g && c.version === r.params.v);
    if (hit) return hit;
  }
  return undefined;
}
