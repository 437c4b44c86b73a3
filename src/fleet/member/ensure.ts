// Make a list of objects exist as given (server-side apply, one field manager), in order.
import { apply, type ApplyObject } from '../../kube/apply.js';
import { isAlreadyExists } from '../../kube/api-error.js';
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

/**
 * Make each object exist, in turn (namespaces before what lives in them: the list's order). Namespaces are only
 * created, never changed (so the manager needs no `patch` on namespaces, which RBAC cannot limit to member
 * namespaces); the other kinds are server-side applied, so a changed rule set reaches existing members.
 */
export async function ensureObjects(client: KubeClient, objects: readonly KubeObject[], opts: { signal?: AbortSignal; dryRun?: boolean } = {}): Promise<void> {
  for (const obj of objects) {
    const r = resourceOfKind(obj.kind);
    if (obj.kind === 'Namespace') {
      await client.create(r, obj, { fieldManager: FIELD_MANAGER, ...opts }).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
      continue;
    }
    await apply(client, r, obj as ApplyObject, { fieldManager: FIELD_MANAGER, force: true, ...opts });
  }
}
