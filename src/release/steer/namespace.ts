import { PlinthError } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE } from '../../kube/resource.js';

/**
 * Throws NAMESPACE_NOT_FOUND when `namespace` does not exist, so that "no such object" is not said for a
 * mistyped -n. A caller not allowed to read namespaces learns nothing here (the usual not-found follows).
 */
export async function assertNamespaceExists(client: KubeClient, namespace: string): Promise<void> {
  try {
    await client.get(CORE.namespaces, namespace);
  } catch (err) {
    if (isNotFound(err)) throw new PlinthError('NAMESPACE_NOT_FOUND', { namespace }, { cause: err });
  }
}
