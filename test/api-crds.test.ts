// Plinth's CRDs on real API servers: both versions accept them (structural schemas), serve the
// printer columns, and the NEW API server rejects bad CellDeployments with our CEL messages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { isKubeApiError } from '../src/kube/api-error.js';
import { ref } from '../src/kube/resource.js';
import { installCrds } from '../src/api/install.js';
import { RELEASE_GROUP, RELEASE_VERSION } from '../src/api/index.js';
import { sleep } from '../src/kube/clock.js';

const CD = ref(`${RELEASE_GROUP}/${RELEASE_VERSION}`, 'celldeployments', 'default');
const RO = ref(`${RELEASE_GROUP}/${RELEASE_VERSION}`, 'releaseorders', 'default');

function cellDeployment(name: string, patch: (spec: Record<string, any>) => void = () => undefined): unknown {
  const spec: Record<string, any> = {
    replicas: 6,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    topology: { units: ['zone-a', 'zone-b', 'zone-c'] },
    strategy: { beta: true, batchSize: 2 },
  };
  patch(spec);
  return { apiVersion: `${RELEASE_GROUP}/${RELEASE_VERSION}`, kind: 'CellDeployment', metadata: { name, namespace: 'default' }, spec };
}

async function rejection(client: KubeClient, obj: unknown): Promise<string> {
  try {
    await client.create(CD, obj, { dryRun: true });
  } catch (err) {
    assert.ok(isKubeApiError(err), String(err));
    assert.equal(err.status, 422, err.message);
    return err.message;
  }
  assert.fail('the API server accepted an invalid CellDeployment');
}

/** A kubectl on the PATH (the local Kubernetes build does not make one). */
function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const version of ['new', 'old'] as const) {
  describe(`CRDs on the ${version} API server`, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    before(async () => {
      cluster = await startCluster({ version, nodes: 0 });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    });
    after(async () => {
      client?.close();
      await cluster?.stop();
    });

    test('install is idempotent and every CRD becomes Established', async () => {
      const first = await installCrds(client);
      const second = await installCrds(client);
      assert.deepEqual(first, second);
      assert.ok(first.includes('celldeployments.apps.plinth.dev'));
    });

    test('a valid CellDeployment is stored with defaults applied', async () => {
      const created = await client.create<any>(CD, cellDeployment('web'));
      assert.equal(created.spec.strategy.type, 'InPlaceIfPossible');
      assert.equal(created.spec.strategy.drainSeconds, 3);
      assert.equal(created.spec.topology.unitKey, 'topology.kubernetes.io/zone');
      assert.equal(created.spec.paused, false);
    });

    test('printer columns are served for kubectl get', async () => {
      const table = await client.request<{ columnDefinitions: { name: string }[] }>({
        method: 'GET',
        path: '/apis/apps.plinth.dev/v1alpha1/namespaces/default/celldeployments',
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      });
      const names = table.columnDefinitions.map((c) => c.name);
      for (const col of ['Name', 'Desired', 'Ready', 'Updated', 'Phase', 'Release', 'Age']) assert.ok(names.includes(col), `${col} in ${names.join(',')}`);
    });

    test('the schema rejects structurally bad input on every version', async () => {
      const msg = await rejection(client, cellDeployment('bad-replicas', (s) => (s.replicas = -1)));
      assert.match(msg, /replicas/);
      const msg2 = await rejection(client, cellDeployment('bad-type', (s) => (s.strategy.type = 'Sideways')));
      assert.match(msg2, /Unsupported value: "Sideways"/);
      // batchSize: the answer names the value given (an int-or-string value is otherwise shown as "").
      assert.match(await rejection(client, cellDeployment('bad-batch-int', (s) => (s.strategy.batchSize = 0))), /batchSize: Invalid value: 0: .*greater than or equal to 1/);
      assert.match(await rejection(client, cellDeployment('bad-batch-str', (s) => (s.strategy.batchSize = 'abc'))), /batchSize: Invalid value: "abc": .*should match/);
    });

    test('image references are checked at admission (a pattern, so on every version)', async () => {
      for (const image of ['nginx:::bad tag', 'registry.local/Web:2']) {
        const msg = await rejection(client, cellDeployment('bad-image', (s) => (s.template.spec.containers[0].image = image)));
        assert.match(msg, /spec\.template\.spec\.containers\[0\]\.image/, image);
        assert.ok(msg.includes(`Invalid value: "${image}"`), `${image}: ${msg}`);
      }
      const init = await rejection(client, cellDeployment('bad-init', (s) => (s.template.spec.initContainers = [{ name: 'init', image: 'Init' }])));
      assert.match(init, /initContainers\[0\]\.image/);
      // The tag may have upper case; a registry with a port and a digest are fine.
      await client.create(CD, cellDeployment('good-image', (s) => (s.template.spec.containers[0].image = `registry.local:5000/team/web:V2@sha256:${'a'.repeat(64)}`)), { dryRun: true });
    });

    test('a ReleasePolicy cron blackout window needs five fields', async () => {
      const RP = ref(`${RELEASE_GROUP}/${RELEASE_VERSION}`, 'releasepolicies', 'default');
      const policy = (cron: string): unknown => ({
        apiVersion: `${RELEASE_GROUP}/${RELEASE_VERSION}`,
        kind: 'ReleasePolicy',
        metadata: { name: 'p', namespace: 'default' },
        spec: { selector: {}, preChecks: { blackoutWindows: [{ name: 'w', cron, durationMinutes: 60 }] } },
      });
      await assert.rejects(client.create(RP, policy('0 9 * * 1 2'), { dryRun: true }), (err: Error) => /cron/.test(err.message) && err.message.includes('"0 9 * * 1 2"'));
      await client.create(RP, policy('0 9 * * 1-5'), { dryRun: true });
    });

    test('the scale subresource: read and write replicas, the selector from status; kubectl scale', async () => {
      await client.create(CD, cellDeployment('scaled'));
      const path = '/apis/apps.plinth.dev/v1alpha1/namespaces/default/celldeployments/scaled/scale';
      await client.patch(CD, 'scaled', { status: { replicas: 6, selector: 'app=scaled' } }, 'merge', { subresource: 'status' });
      const scale = await client.request<{ kind: string; spec: { replicas: number }; status: { replicas: number; selector?: string } }>({ method: 'GET', path });
      assert.equal(scale.kind, 'Scale');
      assert.equal(scale.spec.replicas, 6);
      assert.equal(scale.status.replicas, 6);
      assert.equal(scale.status.selector, 'app=scaled');
      await client.request({ method: 'PUT', path, body: { ...scale, spec: { replicas: 7 } } });
      assert.equal((await client.get<any>(CD, 'scaled')).spec.replicas, 7);
      if (hasKubectl()) {
        execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '-n', 'default', 'scale', 'cd', 'scaled', '--replicas=9'], { stdio: 'pipe' });
        assert.equal((await client.get<any>(CD, 'scaled')).spec.replicas, 9);
      }
    });

    test('a HorizontalPodAutoscaler targeting a CellDeployment raises it to minReplicas (no metrics needed)', async () => {
      await client.create(CD, cellDeployment('autoscaled', (s) => (s.replicas = 2)));
      const HPA = ref('autoscaling/v2', 'horizontalpodautoscalers', 'default');
      await client.create(HPA, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'autoscaled', namespace: 'default' },
        spec: {
          scaleTargetRef: { apiVersion: `${RELEASE_GROUP}/${RELEASE_VERSION}`, kind: 'CellDeployment', name: 'autoscaled' },
          minReplicas: 4,
          maxReplicas: 8,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
        },
      });
      const end = Date.now() + 120_000;
      for (;;) {
        const cd = await client.get<any>(CD, 'autoscaled');
        if (cd.spec.replicas === 4) break;
        if (Date.now() > end) {
          const hpa = await client.get<any>(HPA, 'autoscaled');
          assert.fail(`spec.replicas is ${cd.spec.replicas}, not 4; HPA status: ${JSON.stringify(hpa.status)}`);
        }
        await sleep(1000);
      }
    });

    if (version === 'new') {
      test('CEL rules reject bad CellDeployments with a message saying how to fix them', async () => {
        const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
          ['sum', (s) => (s.topology.unitReplicas = { 'zone-a': 4, 'zone-b': 4 }), /unitReplicas add up to more than replicas/],
          ['unknown-unit', (s) => (s.topology.unitReplicas = { 'zone-x': 1 }), /names a unit that is not listed in topology.units/],
          ['batch-zero', (s) => (s.strategy.batchSize = 0), /batchSize must be a whole number >= 1/],
          ['batch-pct', (s) => (s.strategy.batchSize = '0%'), /batchSize must be a whole number >= 1 or a percent/],
          ['batch-echo-int', (s) => (s.strategy.batchSize = 0), /batchSize must be a whole number >= 1 or a percent from 1% to 100% \(e\.g\. 2 or "25%"\), not 0\]/],
          ['batch-echo-str', (s) => (s.strategy.batchSize = 'abc'), /, not "abc"/],
          ['selector', (s) => (s.selector.matchLabels = { app: 'other' }), /selector.matchLabels does not match template.metadata.labels/],
          ['bluegreen', (s) => (s.strategy.type = 'BlueGreen'), /BlueGreen needs strategy.blueGreen.activeService/],
        ];
        for (const [name, patch, expected] of cases) {
          assert.match(await rejection(client, cellDeployment(`bad-${name}`, patch)), expected, name);
        }
        // The boundary is accepted: unit replicas summing exactly to replicas, batch 100%.
        await client.create(CD, cellDeployment('edge', (s) => {
          s.topology.unitReplicas = { 'zone-a': 3, 'zone-b': 3 };
          s.strategy.batchSize = '100%';
        }), { dryRun: true });
      });

      test('ReleaseOrder transition rules: confirmations only grow, rollback cannot be withdrawn', async () => {
        const ro = await client.create<any>(RO, {
          apiVersion: `${RELEASE_GROUP}/${RELEASE_VERSION}`,
          kind: 'ReleaseOrder',
          metadata: { name: 'web-1', namespace: 'default' },
          spec: { target: { name: 'web' }, fromRevision: 'a', toRevision: 'b', confirmedBatches: 2, rollback: true },
        });
        for (const [patch, expected] of [
          [{ spec: { confirmedBatches: 1 } }, /confirmedBatches can only grow/],
          [{ spec: { rollback: false } }, /rollback cannot be cancelled/],
          [{ spec: { toRevision: 'c' } }, /revisions are immutable/],
        ] as const) {
          await assert.rejects(client.patch(RO, ro.metadata.name, patch, 'merge'), (err: Error) => expected.test(err.message));
        }
        const ok = await client.patch<any>(RO, ro.metadata.name, { spec: { confirmedBatches: 3 } }, 'merge');
        assert.equal(ok.spec.confirmedBatches, 3);
      });
    }
  });
}
