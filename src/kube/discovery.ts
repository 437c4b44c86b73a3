import { isNotFound } from './api-error.js';
import type { KubeClient } from './http.js';
import type { ResourceRef } from './resource.js';

/** What discovery knows about one resource. */
export interface ApiResourceInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: readonly string[];
  /** Subresources served, e.g. ['status', 'scale']. */
  subresources: readonly string[];
}

interface APIResourceList {
  groupVersion: string;
  resources: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}
interface APIGroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }>; preferredVersion?: { groupVersion: string; version: string } }>;
}

/**
 * Maps kinds to resources (plural, namespaced) using /api and /apis, with a cache per group
 * version. A miss refreshes once (a CRD may have just been installed), then caches the miss
 * for `negativeTtlMs`.
 */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Promise<ApiResourceInfo[] | undefined>>();
  private groups: Promise<APIGroupList> | undefined;
  private readonly misses = new Map<string, number>();

  constructor(
    private readonly client: KubeClient,
    private readonly negativeTtlMs = 10_000,
  ) {}

  /** Forget everything (e.g. after CRDs were installed or removed). */
  invalidate(): void {
    this.byGroupVersion.clear();
    this.groups = undefined;
    this.misses.clear();
  }

  /** Resources served in one group version (`v1`, `apps/v1`), or undefined if not served. */
  async resources(apiVersion: string): Promise<ApiResourceInfo[] | undefined> {
    let p = this.byGroupVersion.get(apiVersion);
    if (!p) {
      p = this.fetchGroupVersion(apiVersion);
      this.byGroupVersion.set(apiVersion, p);
      p.catch(() => this.byGroupVersion.delete(apiVersion));
    }
    return p;
  }

  /** Whether a group version is served (e.g. `events.k8s.io/v1`). */
  async serves(apiVersion: string): Promise<boolean> {
    return (await this.resources(apiVersion)) !== undefined;
  }

  /** Look up a kind in a group version, e.g. `resolve('apps/v1', 'Deployment')`. */
  async resolve(apiVersion: string, kind: string): Promise<ApiResourceInfo | undefined> {
    const find = async (): Promise<ApiResourceInfo | undefined> =>
      (await this.resources(apiVersion))?.find((r) => r.kind === kind);
    let info = await find();
    if (info) return info;
    const missKey = `${apiVersion}/${kind}`;
    const missedAt = this.misses.get(missKey);
    if (missedAt !== undefined && Date.now() - missedAt < this.negativeTtlMs) return undefined;
    this.byGroupVersion.delete(apiVersion);
    info = await find();
    if (!info) this.misses.set(missKey, Date.now());
    return info;
  }

  /** Look up a kind in any group (preferred versions first); `group` narrows the search. */
  async resolveKind(kind: string, group?: string): Promise<ApiResourceInfo | undefined> {
    const candidates: string[] = group === undefined || group === '' ? ['v1'] : [];
    for (const g of (await this.groupList()).groups) {
      if (group !== undefined && g.name !== group) continue;
      const preferred = g.preferredVersion?.groupVersion;
      if (preferred) candidates.push(preferred);
      for (const v of g.versions) if (v.groupVersion !== preferred) candidates.push(v.groupVersion);
    }
    for (const gv of candidates) {
      const info = (await this.resources(gv))?.find((r) => r.kind === kind);
      if (info) return info;
    }
    return undefined;
  }

  /** The ResourceRef for an object's apiVersion/kind in a namespace (ignored for cluster-scoped kinds). */
  async refFor(apiVersion: string, kind: string, namespace?: string): Promise<ResourceRef | undefined> {
    const info = await this.resolve(apiVersion, kind);
    if (!info) return undefined;
    const base = { group: info.group, version: info.version, plural: info.plural };
    return info.namespaced && namespace ? { ...base, namespace } : base;
  }

  private groupList(): Promise<APIGroupList> {
    this.groups ??= this.client.request<APIGroupList>({ method: 'GET', path: '/apis', target: 'discovery /apis' });
    this.groups.catch(() => {
      this.groups = undefined;
    });
    return this.groups;
  }

  private async fetchGroupVersion(apiVersion: string): Promise<ApiResourceInfo[] | undefined> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: APIResourceList;
    try {
      list = await this.client.request<APIResourceList>({ method: 'GET', path, target: `discovery ${path}` });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    return parseResourceList(list);
  }
}

/** Turn an APIResourceList into resource infos (subresources attached to their parents). */
export function parseResourceList(list: APIResourceList): ApiResourceInfo[] {
  const slash = list.groupVersion.indexOf('/');
  const group = slash < 0 ? '' : list.groupVersion.slice(0, slash);
  const version = slash < 0 ? list.groupVersion : list.groupVersion.slice(slash + 1);
  const out = new Map<string, ApiResourceInfo & { subresources: string[] }>();
  for (const r of list.resources) {
    if (r.name.includes('/')) continue;
    out.set(r.name, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [], subresources: [] });
  }
  for (const r of list.resources) {
    const i = r.name.indexOf('/');
    if (i < 0) continue;
    out.get(r.name.slice(0, i))?.subresources.push(r.name.slice(i + 1));
  }
  return [...out.values()];
}
