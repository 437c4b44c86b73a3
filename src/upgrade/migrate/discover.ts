/**
 * Discovery for export and import: the server's version, and every served resource at the version to
 * read it through (the group's preferred version when it serves the resource, else the newest that does).
 */
import type { KubeClient } from '../../kube/http.js';
import { parseResourceList, type ApiResourceInfo } from '../../kube/discovery.js';
import { isKubeApiError } from '../../kube/api-error.js';
import { PlinthError } from '../../errors/index.js';
import { parseKubeVersion } from '../assess/kb/version.js';

export interface ServerVersion {
  server: string;
  gitVersion: string;
  minor: number;
}

export async function serverVersion(client: KubeClient): Promise<ServerVersion> {
  const v = await client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version', target: 'version' });
  const parsed = parseKubeVersion(v?.gitVersion ?? '');
  if (!parsed) throw new PlinthError('UPGRADE_MIGRATE_VERSION_UNKNOWN', { server: client.server, version: String(v?.gitVersion) });
  return { server: client.server, gitVersion: v.gitVersion!, minor: parsed.minor };
}

interface GroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }>; preferredVersion?: { groupVersion: string } }>;
}

export interface ServedResources {
  /** One entry per (group, plural), at the version to read it through. */
  resources: ApiResourceInfo[];
  /** Group versions whose discovery failed (e.g. an aggregated API that is down). */
  unavailable: Array<{ groupVersion: string; detail: string }>;
  /** Every served group version → its resources (for import: what the target serves). */
  byGroupVersion: Map<string, ApiResourceInfo[]>;
}

/**
 * Every served resource. Group versions served by an aggregated API server (an APIService with a
 * service) are left out when `localOnly`: their objects live in that server's own storage.
 */
export async function servedResources(client: KubeClient, opts: { localOnly?: boolean } = {}): Promise<ServedResources> {
  const [core, apis] = await Promise.all([
    client.request<{ versions: string[] }>({ method: 'GET', path: '/api', target: 'discovery /api' }),
    client.request<GroupList>({ method: 'GET', path: '/apis', target: 'discovery /apis' }),
  ]);
  let aggregated = new Set<string>();
  if (opts.localOnly) {
    const list = await client.list<{ metadata?: { name?: string }; spec?: { service?: unknown; group?: string; version?: string } }>({ group: 'apiregistration.k8s.io', version: 'v1', plural: 'apiservices' });
    aggregated = new Set(list.items.filter((a) => a.spec?.service).map((a) => (a.spec?.group ? `${a.spec.group}/${a.spec.version}` : `${a.spec?.version}`)));
  }
  const ordered: string[] = [...core.versions];
  for (const g of apis.groups) {
    const pref = g.preferredVersion?.groupVersion;
    if (pref) ordered.push(pref);
    for (const v of g.versions) if (v.groupVersion !== pref) ordered.push(v.groupVersion);
  }
  const unavailable: ServedResources['unavailable'] = [];
  const byGroupVersion = new Map<string, ApiResourceInfo[]>();
  await Promise.all(
    ordered.map(async (gv) => {
      if (aggregated.has(gv)) return;
      const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
      try {
        const list = await client.request<{ groupVersion: string; resources: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }> }>({ method: 'GET', path, target: `discovery ${path}` });
        byGroupVersion.set(gv, parseResourceList(list));
      } catch (err) {
        if (!isKubeApiError(err)) throw err;
        unavailable.push({ groupVersion: gv, detail: err.message });
      }
    }),
  );
  const chosen = new Map<string, ApiResourceInfo>();
  for (const gv of ordered) {
    for (const r of byGroupVersion.get(gv) ?? []) {
      const key = `${r.group}/${r.plural}`;
      if (!chosen.has(key)) chosen.set(key, r);
    }
  }
  return { resources: [...chosen.values()], unavailable, byGroupVersion };
}
