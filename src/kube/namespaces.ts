import { isAlreadyExists } from './api-error.js';
import type { KubeClient } from './http.js';
import { CORE } from './resource.js';

/** Creates the namespace unless it exists (an existing one, even terminating, is left as it is). */
export async function ensureNamespace(client: KubeClient, name: string, signal?: AbortSignal): Promise<void> {
  try {
    await client.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, signal ? { signal } : {});
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}
