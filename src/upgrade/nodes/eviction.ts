import { isKubeApiError } from '../../kube/api-error.js';
import { Discovery } from '../../kube/discovery.js';
import type { KubeClient } from '../../kube/http.js';

interface CoreResourceList {
  resources: Array<{ name: string; group?: string; version?: string; kind: string }>;
}

/**
 * Which Eviction API the server serves, as kubectl drain finds out: the group/version that core
 * v1 discovery gives for the `pods/eviction` subresource, else policy/v1 when served, else
 * policy/v1beta1. Also which PodDisruptionBudget version to read.
 */
export async function discoverPolicyApis(client: KubeClient): Promise<{ evictionApi: string; pdbApi: string }> {
  const core = await client.request<CoreResourceList>({ method: 'GET', path: '/api/v1', target: 'discovery /api/v1' });
  const sub = core.resources.find((r) => r.name === 'pods/eviction');
  const discovery = new Discovery(client);
  const v1 = await discovery.serves('policy/v1');
  const pdbApi = v1 ? 'policy/v1' : 'policy/v1beta1';
  if (sub?.group === 'policy' && sub.version) return { evictionApi: `policy/${sub.version}`, pdbApi };
  return { evictionApi: v1 ? 'policy/v1' : 'policy/v1beta1', pdbApi };
}

export type EvictOutcome =
  | { kind: 'evicted' }
  | { kind: 'gone' }
  /** 429: a PodDisruptionBudget does not allow it now (retry later). */
  | { kind: 'blocked'; message: string }
  | { kind: 'error'; message: string };

/** POST an Eviction for one pod (never a delete). */
export async function evictPod(client: KubeClient, evictionApi: string, namespace: string, name: string, uid: string | undefined, signal: AbortSignal): Promise<EvictOutcome> {
  try {
    await client.request({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/eviction`,
      body: {
        apiVersion: evictionApi,
        kind: 'Eviction',
        metadata: { name, namespace },
        // Only this incarnation of the pod: a replacement of the same name is not evicted by accident.
        ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}),
      },
      contentType: 'application/json',
      signal,
      target: `pods ${namespace}/${name} (eviction)`,
    });
    return { kind: 'evicted' };
  } catch (err) {
    if (!isKubeApiError(err)) throw err;
    if (err.status === 404) return { kind: 'gone' };
    if (err.status === 409 && uid) return { kind: 'gone' }; // the uid precondition failed: a new pod took the name
    if (err.status === 429) return { kind: 'blocked', message: err.apiMessage };
    return { kind: 'error', message: `${err.status} ${err.reason}: ${err.apiMessage}` };
  }
}
