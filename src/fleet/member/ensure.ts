// Make a list of objects exist as given (server-side apply, one field manager), in order.
import { apply, type ApplyObject } from '../../kube/apply.js';
import type { KubeClient } from '../../kube/http.js';
import type { KubeObject, ResourceRef } from '../../kube/resource.js';
import { FIELD_MANAGER, RES } from './keys.js';

const BY_KIND: Record<string, ResourceRef> = {
  Namespace: RES.namespaces,
  ServiceAccount: RES.serviceAccounts,
  Role: RES.roles,
  RoleBinding: RES.roleBindings,
  ClusterRole: RES.clusterRoles,
  ClusterRoleBinding: RES.clusterRoleBindings,
};

/** The resource of one of the kinds membership writes. */
export function resourceOfKind(kind: string | undefined): ResourceRef {
  const r = BY_KIND[kind ?? ''];
  if (!r) throw new Error(`membership does not write ${kind ?? 'objects without a kind'}`);
  return r;
}

/** Apply each object in turn (namespaces before what lives in them: the list's order). */
export async function ensureObjects(client: KubeClient, objects: readonly KubeObject[], opts: { signal?: AbortSignal; dryRun?: boolean } = {}): Promise<void> {
  for (const obj of objects) {
    await apply(client, resourceOfKind(obj.kind), obj as ApplyObject, { fieldManager: FIELD_MANAGER, force: true, ...opts });
  }
}
