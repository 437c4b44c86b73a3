/**
 * Knowledge base: API versions that are deprecated but still served at the newest minor the knowledge base
 * covers, with their replacement and the planned removal (null: no removal announced). Versions that are
 * deprecated AND already scheduled for removal are in apis.ts (an entry there is "deprecated" for every
 * target older than its `removedIn`). Source: the Deprecated API Migration Guide and the release notes.
 */

export interface DeprecatedApi {
  readonly apiVersion: string;
  readonly kind: string;
  readonly resource: string;
  readonly deprecatedIn: number;
  /** Planned first minor that no longer serves it; null when no removal is announced. */
  readonly plannedRemoval: number | null;
  readonly replacement: { readonly apiVersion: string; readonly kind: string; readonly since: number } | null;
  readonly advice: string;
  readonly source: string;
}

export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  {
    apiVersion: 'v1',
    kind: 'Endpoints',
    resource: 'endpoints',
    deprecatedIn: 33,
    plannedRemoval: null,
    replacement: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', since: 21 },
    advice: 'still served (the API server answers with a deprecation warning); new clients should read EndpointSlices',
    source: 'https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/',
  },
  {
    apiVersion: 'v1',
    kind: 'ComponentStatus',
    resource: 'componentstatuses',
    deprecatedIn: 19,
    plannedRemoval: null,
    replacement: null,
    advice: 'reports nothing useful for most control planes; check the components\' /livez and /readyz endpoints instead',
    source: 'https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.19/#componentstatus-v1-core',
  },
];

const BY_KEY = new Map<string, DeprecatedApi>(DEPRECATED_APIS.map((a) => [`${a.apiVersion}/${a.kind}`, a]));

/** The deprecation entry (no removal yet) for an apiVersion and kind. */
export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  return BY_KEY.get(`${apiVersion}/${kind}`);
}
