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

const LIFECYCLE = 'https://github.com/kubernetes/api (zz_generated.prerelease-lifecycle.go; src/upgrade/assess/kb/lifecycle.json)';
const NEWER = 'a newer version of the same kind is served: move to it before the planned removal';

function prerelease(apiVersion: string, kind: string, resource: string, deprecatedIn: number, plannedRemoval: number, replacement: DeprecatedApi['replacement']): DeprecatedApi {
  return { apiVersion, kind, resource, deprecatedIn, plannedRemoval, replacement, advice: replacement ? NEWER : 'deprecated with no replacement announced', source: LIFECYCLE };
}

/** Prerelease versions deprecated (by Kubernetes' lifecycle data) but still served at the newest minor covered. */
const PRERELEASE_DEPRECATIONS: readonly DeprecatedApi[] = [
  prerelease('certificates.k8s.io/v1alpha1', 'ClusterTrustBundle', 'clustertrustbundles', 34, 37, { apiVersion: 'certificates.k8s.io/v1beta1', kind: 'ClusterTrustBundle', since: 33 }),
  prerelease('networking.k8s.io/v1beta1', 'IPAddress', 'ipaddresses', 34, 37, { apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', since: 33 }),
  prerelease('networking.k8s.io/v1beta1', 'ServiceCIDR', 'servicecidrs', 34, 37, { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', since: 33 }),
  prerelease('storage.k8s.io/v1alpha1', 'VolumeAttributesClass', 'volumeattributesclasses', 32, 35, { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass', since: 34 }),
  prerelease('storage.k8s.io/v1beta1', 'VolumeAttributesClass', 'volumeattributesclasses', 34, 37, { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass', since: 34 }),
  prerelease('storagemigration.k8s.io/v1alpha1', 'StorageVersionMigration', 'storageversionmigrations', 33, 36, null),
];

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
  ...PRERELEASE_DEPRECATIONS,
];

const BY_KEY = new Map<string, DeprecatedApi>(DEPRECATED_APIS.map((a) => [`${a.apiVersion}/${a.kind}`, a]));

/** The deprecation entry (no removal yet) for an apiVersion and kind. */
export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  return BY_KEY.get(`${apiVersion}/${kind}`);
}
