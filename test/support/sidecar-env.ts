// Shared setup of test/release-sidecar*.test.ts: the sidecar injector in this process (stoppable, as the
// manager stopping would), SidecarSet / Deployment builders and a probe that the API server calls the webhook.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../src/api/index.js';
import type { KubeClient } from '../../src/kube/http.js';
import { logger } from '../../src/kube/log.js';
import { CORE, inNamespace, ref } from '../../src/kube/resource.js';
import { RELEASE_API_VERSION } from '../../src/release/keys.js';
import { runSidecarInjector } from '../../src/release/modules.js';
import { SIDECAR_KEYS } from '../../src/release/sidecar/inject.js';
import { MUTATING_WEBHOOKS, WEBHOOK_CONFIG_NAME } from '../../src/release/sidecar/webhook-config.js';
import { eventually } from './release-env.js';

export const SETS = ref(RELEASE_API_VERSION, 'sidecarsets');
export const DEPLOYMENTS = ref('apps/v1', 'deployments');

/** Starts the injector as the manager would; `stop` ends it (the webhook server closes, its configuration stays). */
export function startInjector(client: KubeClient): { stop: () => Promise<void> } {
  const ac = new AbortController();
  const running = runSidecarInjector({ client, signal: ac.signal, log: logger('test-sidecar') });
  return {
    stop: async () => {
      ac.abort();
      await running;
    },
  };
}

export function sidecarSet(name: string, spec: Partial<SidecarSet['spec']> = {}): SidecarSet {
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'SidecarSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      containers: [
        {
          name: 'proxy',
          image: 'registry.local/proxy:1',
          ports: [{ containerPort: 15021 }],
          readinessProbe: { httpGet: { port: 15021, path: '/ready' } },
          volumeMounts: [{ name: 'mesh-certs', mountPath: '/etc/mesh' }],
        },
      ],
      volumes: [{ name: 'mesh-certs', emptyDir: {} }],
      launchOrder: 'BeforeApp',
      ...spec,
    },
  };
}

export function deployment(ns: string, name: string, app: string, replicas = 2): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app, deploy: name } },
      template: {
        metadata: { labels: { app, deploy: name } },
        spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }], terminationGracePeriodSeconds: 0 },
      },
    },
  };
}

export function barePod(ns: string, name: string, app: string): V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app } }, spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }] } };
}

export async function podsOf(client: KubeClient, ns: string, deploy: string): Promise<V1Pod[]> {
  return (await client.list<V1Pod>(inNamespace(CORE.pods, ns), { labelSelector: `deploy=${deploy}` })).items;
}

/**
 * Waits until the API server injects the sets `expected` (comma-joined names) into a dry-run pod of `app`:
 * the webhook configuration is written and the API server's copy of it caught up.
 */
export async function waitInjecting(client: KubeClient, ns: string, app: string, expected: string): Promise<void> {
  await eventually(`the API server injecting ${expected} into app=${app} pods`, async () => {
    const p = await client.create<V1Pod>(inNamespace(CORE.pods, ns), barePod(ns, `probe-${Date.now()}`, app), { dryRun: true });
    return p.metadata?.annotations?.[SIDECAR_KEYS.sets] === expected ? true : undefined;
  }, 30_000, 250);
}

/** The webhook configuration's entry names. */
export async function webhookNames(client: KubeClient): Promise<string[]> {
  const c = await client.get<{ webhooks?: { name: string }[] }>(MUTATING_WEBHOOKS, WEBHOOK_CONFIG_NAME);
  return (c.webhooks ?? []).map((w) => w.name);
}
