import type { SidecarSet } from '../../api/release/sidecarset.js';
import { apply } from '../../kube/apply.js';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import { EXCLUDED_NAMESPACES } from './inject.js';

export const WEBHOOK_CONFIG_NAME = 'plinth-sidecar-injector';
export const MUTATING_WEBHOOKS = ref('admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations');
const FIELD_MANAGER = 'plinth-sidecar-injector';

/**
 * `Fail`: a pod a SidecarSet selects is never created without its sidecars (a mesh proxy or log agent missing
 * silently is worse than a pod retried later: its ReplicaSet retries with backoff). Each set has its own entry
 * whose objectSelector and namespaceSelector are the set's own, so an outage of the webhook refuses only the
 * pods some SidecarSet selects; every other pod, and kube-system and plinth-system, are created as usual.
 */
export const FAILURE_POLICY = 'Fail';

/** The MutatingWebhookConfiguration for `sets`: one entry per set, all served by `url` (or a Service). */
export function webhookConfiguration(sets: readonly SidecarSet[], client: { url: string } | { service: { namespace: string; name: string; port: number } }, caBundle: string): Record<string, unknown> {
  const ca = Buffer.from(caBundle).toString('base64');
  const clientConfig = 'url' in client ? { url: client.url, caBundle: ca } : { service: { ...client.service, path: '/mutate-pods' }, caBundle: ca };
  const exclude = { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...EXCLUDED_NAMESPACES] };
  const webhooks = [...sets]
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
    .map((s) => ({
      name: `${s.metadata.name!}.sidecar.plinth.dev`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: FAILURE_POLICY,
      matchPolicy: 'Equivalent',
      reinvocationPolicy: 'Never',
      timeoutSeconds: 10,
      clientConfig,
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
      objectSelector: s.spec.selector,
      namespaceSelector: {
        ...(s.spec.namespaceSelector?.matchLabels ? { matchLabels: s.spec.namespaceSelector.matchLabels } : {}),
        matchExpressions: [...(s.spec.namespaceSelector?.matchExpressions ?? []), exclude],
      },
    }));
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: WEBHOOK_CONFIG_NAME, labels: { 'app.kubernetes.io/managed-by': 'plinth' } },
    webhooks,
  };
}

/** Creates or updates the configuration (server-side apply; entries of deleted sets disappear). */
export async function applyWebhookConfiguration(kube: KubeClient, config: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
  await apply(kube, MUTATING_WEBHOOKS, config as Parameters<typeof apply>[2], { fieldManager: FIELD_MANAGER, force: true, signal });
}
