import type { KubeClient } from '../../src/kube/http.js';
import { ref } from '../../src/kube/resource.js';
import { pool } from '../../test/fixtures/kube-helpers.js';
import { sleep } from '../../src/kube/clock.js';

export { pool };

/** A realistic pod (labels, resources, probes, env) bound to `node`. */
export function benchPod(namespace: string, name: string, node: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench', tier: 'web', 'app.kubernetes.io/name': 'bench', shard: String(name.length % 7) } },
    spec: {
      nodeName: node,
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.0.0',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
    },
  };
}

/** Create `count` pods spread round-robin over `nodes`. */
export async function createPods(client: KubeClient, namespace: string, count: number, nodes: readonly string[], concurrency = 64): Promise<void> {
  const pods = ref('v1', 'pods', namespace);
  const names = Array.from({ length: count }, (_, i) => `bench-${i}`);
  await pool(names, concurrency, async (name, i) => {
    await client.create(pods, benchPod(namespace, name, nodes[i % nodes.length]!));
  });
}

/** Wait until `count` pods in `namespace` are Running; returns the time it took. */
export async function waitRunning(client: KubeClient, namespace: string, count: number, timeoutMs = 600_000): Promise<number> {
  const started = Date.now();
  const pods = ref('v1', 'pods', namespace);
  for (;;) {
    let running = 0;
    let cont: string | undefined;
    do {
      const page = await client.list<{ status?: { phase?: string } }>(pods, { limit: 1000, continue: cont });
      running += page.items.filter((p) => p.status?.phase === 'Running').length;
      cont = page.metadata.continue || undefined;
    } while (cont);
    if (running >= count) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`only ${running}/${count} pods Running after ${timeoutMs} ms`);
    await sleep(1000);
  }
}
