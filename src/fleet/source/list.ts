// `plinth fleet sources`: the GitSources as rows (pure) and the one list call that reads them.
import type { GitSource } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { age } from '../../term/age.js';
import { render, type Column, type OutputFormat } from '../../term/output.js';
import { SOURCE_RES } from './controller.js';

/** One GitSource as `-o json|yaml` prints it (a stable, documented shape). */
export interface SourceRow {
  namespace: string;
  name: string;
  url: string;
  /** "branch main", "tag v1", "commit 1a2b3c4". */
  ref: string;
  commit?: string;
  /** "True", "False" or "Unknown" (no check yet). */
  ready: string;
  reason?: string;
  message?: string;
  fetchedAt?: string;
  suspended: boolean;
  artifacts: Array<{ path: string; digest?: string; objects?: number; commit?: string; error?: string }>;
}

export function sourceRow(gs: GitSource): SourceRow {
  const ref = gs.spec.ref;
  const refText = ref.branch !== undefined ? `branch ${ref.branch}` : ref.tag !== undefined ? `tag ${ref.tag}` : `commit ${ref.commit ?? ''}`;
  const ready = gs.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    namespace: gs.metadata.namespace ?? '',
    name: gs.metadata.name ?? '',
    url: gs.spec.url,
    ref: refText,
    ...(gs.status?.commit ? { commit: gs.status.commit } : {}),
    ready: ready?.status ?? 'Unknown',
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(ready?.message ? { message: ready.message } : {}),
    ...(gs.status?.fetchedAt ? { fetchedAt: gs.status.fetchedAt } : {}),
    suspended: gs.spec.suspend === true,
    artifacts: gs.status?.artifacts ?? [],
  };
}

/** The table (kubectl style; NAMESPACE only with -A), json ({items}) or yaml of the rows. */
export function renderSources(rows: readonly SourceRow[], format: OutputFormat, allNamespaces: boolean, now = new Date()): string {
  const columns: Column<SourceRow>[] = [
    ...(allNamespaces ? [{ header: 'namespace', value: (r: SourceRow) => r.namespace }] : []),
    { header: 'name', value: (r) => r.name },
    { header: 'url', value: (r) => r.url },
    { header: 'ref', value: (r) => r.ref },
    { header: 'commit', value: (r) => r.commit?.slice(0, 12) },
    { header: 'ready', value: (r) => (r.suspended ? `${r.ready} (suspended)` : r.ready) },
    { header: 'fetched', value: (r) => age(r.fetchedAt, now) },
    { header: 'message', value: (r) => r.message, wide: true },
  ];
  return render(format, { items: rows, json: { items: rows }, columns, name: (r) => `gitsource/${r.name}` });
}

/** The GitSources of a namespace (or all), sorted by namespace and name. */
export async function listSources(client: KubeClient, namespace: string | undefined): Promise<SourceRow[]> {
  const list = await client.list<GitSource>(namespace === undefined ? SOURCE_RES.gitSources : inNamespace(SOURCE_RES.gitSources, namespace));
  return list.items.map(sourceRow).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
