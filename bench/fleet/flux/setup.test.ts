import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fluxFleetObjects, kubeconfigSecretName, kustomizationName } from './setup.js';

test('one shared GitRepository; per member a kubeconfig Secret and a Kustomization that reconciles through it', () => {
  const objs = fluxFleetObjects({
    namespace: 'flux-bench',
    source: 'fleet',
    url: 'http://127.0.0.1:1234/fleet.git',
    branch: 'main',
    path: 'apps/web',
    interval: '1m',
    wait: true,
    timeout: '5m',
    members: [
      { name: 'm1', kubeconfig: 'kc-1' },
      { name: 'm2', kubeconfig: 'kc-2' },
    ],
  });
  assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata?.name}`), [
    'Namespace/flux-bench',
    'GitRepository/fleet',
    'Secret/member-m1-kubeconfig',
    'Kustomization/member-m1',
    'Secret/member-m2-kubeconfig',
    'Kustomization/member-m2',
  ]);
  const repo = objs[1] as { spec: { url: string; ref: { branch: string }; interval: string } };
  assert.deepEqual([repo.spec.url, repo.spec.ref.branch, repo.spec.interval], ['http://127.0.0.1:1234/fleet.git', 'main', '1m']);
  const secret = objs[4] as { stringData: Record<string, string> };
  assert.deepEqual(secret.stringData, { value: 'kc-2' });
  const ks = objs[5] as { spec: Record<string, unknown> };
  assert.deepEqual(ks.spec['kubeConfig'], { secretRef: { name: kubeconfigSecretName('m2'), key: 'value' } });
  assert.deepEqual(ks.spec['sourceRef'], { kind: 'GitRepository', name: 'fleet' });
  assert.equal(ks.spec['path'], './apps/web');
  assert.equal(ks.spec['prune'], true);
  assert.equal(ks.spec['targetNamespace'], undefined, 'no targetNamespace unless asked');
  assert.equal(kustomizationName('m2'), 'member-m2');
});

test('a targetNamespace moves Flux’s copy of the workload out of Plinth’s way', () => {
  const objs = fluxFleetObjects({
    namespace: 'flux-bench',
    source: 'fleet',
    url: 'http://x/fleet.git',
    branch: 'main',
    path: 'apps/web',
    interval: '1m',
    wait: false,
    timeout: '5m',
    targetNamespace: 'flux-fleet-bench',
    members: [{ name: 'm1', kubeconfig: 'kc' }],
  });
  const ks = objs.find((o) => o.kind === 'Kustomization') as { spec: Record<string, unknown> };
  assert.equal(ks.spec['targetNamespace'], 'flux-fleet-bench');
  assert.equal(ks.spec['wait'], false);
});
