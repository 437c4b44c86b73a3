import type { CellDeployment } from '../../api/index.js';
import { isAlreadyExists, isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace, type KubeObject } from '../../kube/resource.js';
import { templateHash, type PodTemplateLike } from '../plan/index.js';
import { KEYS, RELEASE_API_VERSION, RES } from '../keys.js';

export type PodTemplateT = PodTemplateLike;

/** The CellDeployment's template as the planners read it (the CRD types its pod spec as opaque). */
export function templateOf(cd: CellDeployment): PodTemplateT {
  return cd.spec.template as PodTemplateT;
}

/** An apps/v1 ControllerRevision holding one revision's pod template (as StatefulSet and DaemonSet keep theirs). */
export interface ControllerRevisionT extends KubeObject {
  data?: { template?: PodTemplateT };
  revision?: number;
}

/** The templates of a CellDeployment's revisions: spec.template for the update revision, ControllerRevisions for older ones. */
export class Revisions {
  private readonly byRevision = new Map<string, ControllerRevisionT>();

  constructor(
    readonly cd: CellDeployment,
    readonly updateRevision: string,
    readonly stored: readonly ControllerRevisionT[],
  ) {
    for (const cr of stored) {
      const rev = cr.metadata?.labels?.[KEYS.revision];
      if (rev && cr.data?.template && templateHash(cr.data.template) === rev) this.byRevision.set(rev, cr);
    }
  }

  /** The template of a revision, or undefined when it is not known (its ControllerRevision was removed). */
  template(revision: string): PodTemplateT | undefined {
    if (revision === this.updateRevision) return templateOf(this.cd);
    return this.byRevision.get(revision)?.data?.template;
  }

  has(revision: string): boolean {
    return this.byRevision.has(revision);
  }

  /** Stored revisions, oldest first. */
  oldestFirst(): ControllerRevisionT[] {
    return [...this.stored].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  }
}

export function revisionObjectName(cdName: string, revision: string): string {
  return `${cdName.slice(0, 253 - revision.length - 1)}-${revision}`;
}

/** Stores the update revision's template in a ControllerRevision (idempotent). Returns the object created, if any. */
export async function ensureRevision(client: KubeClient, revs: Revisions, signal: AbortSignal): Promise<ControllerRevisionT | undefined> {
  if (revs.has(revs.updateRevision)) return undefined;
  const cd = revs.cd;
  const next = Math.max(0, ...revs.stored.map((r) => r.revision ?? 0)) + 1;
  const body: ControllerRevisionT = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionObjectName(cd.metadata.name ?? '', revs.updateRevision),
      namespace: cd.metadata.namespace,
      labels: { [KEYS.cellDeployment]: cd.metadata.name ?? '', [KEYS.revision]: revs.updateRevision },
      ownerReferences: [
        { apiVersion: RELEASE_API_VERSION, kind: 'CellDeployment', name: cd.metadata.name ?? '', uid: cd.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    data: { template: templateOf(cd) },
    revision: next,
  };
  try {
    return await client.create<ControllerRevisionT>(inNamespace(RES.controllerRevisions, cd.metadata.namespace), body, { signal });
  } catch (err) {
    if (isAlreadyExists(err)) return undefined;
    throw err;
  }
}

/**
 * Deletes the oldest ControllerRevisions beyond spec.revisionHistoryLimit, never one in `inUse` (revisions
 * pods run, the latest order's from and to revisions, the update revision). Returns how many it deleted.
 */
export async function pruneRevisions(client: KubeClient, revs: Revisions, inUse: ReadonlySet<string>, signal: AbortSignal): Promise<number> {
  const limit = revs.cd.spec.revisionHistoryLimit ?? 10;
  const removable = revs.oldestFirst().filter((cr) => !inUse.has(cr.metadata?.labels?.[KEYS.revision] ?? ''));
  const excess = removable.length - limit;
  let deleted = 0;
  for (const cr of removable.slice(0, Math.max(0, excess))) {
    try {
      await client.delete(inNamespace(RES.controllerRevisions, cr.metadata?.namespace), cr.metadata?.name ?? '', { signal });
      deleted++;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return deleted;
}
