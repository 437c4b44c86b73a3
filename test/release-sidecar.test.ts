// SidecarSet injection on real clusters: the manager's mutating webhook (served in this process over TLS, its CA
// bundle in the MutatingWebhookConfiguration it writes) injects the sidecars into pods a Deployment creates —
// native sidecars on the NEW cluster (1.34), first containers with a postStart wait on the OLD one (1.24); pods no
// set selects are untouched; with the webhook down, selected pods are refused (failurePolicy Fail) and others
// created, never half-injected; two overlapping sets injecting one container name are flagged and refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Container, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { SidecarSet } from '../src/api/index.js';
import { CORE, inNamespace, ref } from '../src/kube/resource.js';
import { SIDECAR_KEYS } from '../src/release/sidecar/inject.js';
import { eventually, ensureNamespace, sleep, startReleaseCluster, type ReleaseEnv } from './support/release-env.js';
import { DEPLOYMENTS, SETS, barePod, deployment, podsOf, sidecarSet, startInjector, waitInjecting, webhookNames } from './support/sidecar-env.js';

const REPLICASETS = ref('apps/v1', 'replicasets');

function names(cs: V1Container[] | undefined): string[] {
  return (cs ?? []).map((c) => c.name);
}

/** Every pod carries all of the set's containers and volumes and the annotations — or none of them. */
function assertWhole(p: V1Pod, injected: boolean): void {
  const all = [...names(p.spec?.initContainers), ...names(p.spec?.containers)];
  const vols = (p.spec?.volumes ?? []).map((v) => v.name);
  if (injected) {
    assert.ok(all.includes('proxy') && vols.includes('mesh-certs') && p.metadata?.annotations?.[SIDECAR_KEYS.sets] === 'mesh', `pod ${p.metadata?.name} fully injected: ${all.join(',')} / ${vols.join(',')}`);
  } else {
    assert.ok(!all.includes('proxy') && !vols.includes('mesh-certs') && p.metadata?.annotations?.[SIDECAR_KEYS.sets] === undefined, `pod ${p.metadata?.name} untouched: ${all.join(',')}`);
  }
}

describe('sidecar injection on the NEW cluster (native sidecars)', () => {
  let env: ReleaseEnv;
  let injector: { stop: () => Promise<void> } | undefined;
  const ns = 'shop';
  before(async () => {
    env = await startReleaseCluster({ nodes: 2 });
    await ensureNamespace(env.client, ns);
    injector = startInjector(env.client);
  });
  after(async () => {
    await injector?.stop();
    await env?.stop();
  });

  test('a Deployment’s pods get the sidecar as a native sidecar; a pod no set selects gets nothing', async () => {
    const { client } = env;
    await client.create(SETS, sidecarSet('mesh'));
    await waitInjecting(client, ns, 'web', 'mesh');
    assert.deepEqual(await webhookNames(client), ['mesh.sidecar.plinth.dev']);
    await client.create(inNamespace(DEPLOYMENTS, ns), deployment(ns, 'web', 'web', 2));
    const pods = await eventually('2 web pods', async () => {
      const ps = await podsOf(client, ns, 'web');
      return ps.length === 2 ? ps : undefined;
    });
    for (const p of pods) {
      assertWhole(p, true);
      assert.deepEqual(names(p.spec!.initContainers), ['proxy']);
      assert.equal((p.spec!.initContainers![0] as V1Container & { restartPolicy?: string }).restartPolicy, 'Always', 'a native sidecar');
      assert.deepEqual(names(p.spec!.containers), ['app']);
      assert.match(JSON.parse(p.metadata!.annotations![SIDECAR_KEYS.hash]!).mesh as string, /^[0-9a-f]{10}$/);
    }
    await client.create(inNamespace(DEPLOYMENTS, ns), deployment(ns, 'db', 'db', 1));
    const [db] = await eventually('1 db pod', async () => {
      const ps = await podsOf(client, ns, 'db');
      return ps.length === 1 ? ps : undefined;
    });
    assertWhole(db!, false);
    assert.deepEqual(names(db!.spec!.containers), ['app']);
    const set = await eventually('status matched 2', async () => {
      const s = await client.get<SidecarSet>(SETS, 'mesh');
      return s.status?.matched === 2 && s.status.updated === 2 ? s : undefined;
    });
    assert.equal(set.status!.conditions!.find((c) => c.type === 'Valid')!.status, 'True');
  });

  test('two sets whose selectors overlap inject one container name: the newer is not Valid, and pods both select are refused', async () => {
    const { client } = env;
    await client.create(SETS, sidecarSet('mesh-v2', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }));
    const cond = await eventually('mesh-v2 Valid=False', async () => {
      const s = await client.get<SidecarSet>(SETS, 'mesh-v2');
      const c = s.status?.conditions?.find((x) => x.type === 'Valid');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(cond.reason, 'Conflict');
    assert.match(cond.message, /injects container "proxy" as the older SidecarSet mesh does/);
    assert.match(cond.message, /rename the container, or narrow spec.selector/);
    const older = await client.get<SidecarSet>(SETS, 'mesh');
    assert.equal(older.status!.conditions!.find((c) => c.type === 'Valid')!.status, 'True', 'the older set stays valid');

    await eventually('both entries in the webhook configuration', async () => ((await webhookNames(client)).length === 2 ? true : undefined));
    // The API server may still call only the first entry for a moment: retry until the refusal shows.
    const err = await eventually('the conflicting pod refused', async () => {
      try {
        await client.create(inNamespace(CORE.pods, ns), barePod(ns, `both-${Date.now()}`, 'web'), { dryRun: true });
        return undefined;
      } catch (e) {
        return e as Error;
      }
    }, 30_000, 250);
    assert.match(err.message, /SidecarSets mesh and mesh-v2 both inject a container named "proxy"/);
    assert.match(err.message, /rename the container in one of them, or change the selector of one \(mesh-v2\)/);
    // A pod only the newer set selects is injected (the pair is refused only where it meets).
    const api = await client.create<V1Pod>(inNamespace(CORE.pods, ns), barePod(ns, 'api-1', 'api'));
    assert.equal(api.metadata!.annotations![SIDECAR_KEYS.sets], 'mesh-v2');

    await client.delete(SETS, 'mesh-v2');
    await client.delete(inNamespace(CORE.pods, ns), 'api-1', { gracePeriodSeconds: 0 });
    await eventually('the entry of mesh-v2 removed', async () => ((await webhookNames(client)).length === 1 ? true : undefined));
  });

  test('a new image of a native sidecar is patched in place onto the init container; the pods are kept', async () => {
    const { client } = env;
    const before = await podsOf(client, ns, 'web');
    assert.equal(before.length, 2);
    const cur = await client.get<SidecarSet>(SETS, 'mesh');
    // batchSize 2, one batch (the local kwok kubelet restarts native sidecars in place too; batching through the
    // lossless sequence is tested in test/release-sidecar-drain.test.ts).
    await client.patch(SETS, 'mesh', { spec: { updateStrategy: { batchSize: 2, paused: false }, containers: cur.spec.containers.map((c) => ({ ...c, image: 'registry.local/proxy:2' })) } }, 'merge');
    const after = await eventually('both web pods on proxy:2', async () => {
      const ps = await podsOf(client, ns, 'web');
      return ps.length === 2 && ps.every((p) => p.spec!.initContainers![0]!.image === 'registry.local/proxy:2') ? ps : undefined;
    });
    for (const p of after) {
      assert.ok(before.some((b) => b.metadata!.uid === p.metadata!.uid), 'the same pod, updated in place');
      assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:1');
      assert.equal(p.status!.containerStatuses!.find((c) => c.name === 'app')!.restartCount, 0, 'the application container was not restarted');
    }
    await eventually('status updated 2', async () => ((await client.get<SidecarSet>(SETS, 'mesh')).status?.updated === 2 ? true : undefined));
  });

  test('webhook down (injector stopped): selected pods are refused as failurePolicy Fail says, others created; none half-injected', async () => {
    const { client } = env;
    await injector!.stop();
    injector = undefined;
    const cfg = await client.get<{ webhooks: { failurePolicy: string }[] }>(ref('admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations'), 'plinth-sidecar-injector');
    assert.equal(cfg.webhooks[0]!.failurePolicy, 'Fail');

    await client.create(inNamespace(DEPLOYMENTS, ns), deployment(ns, 'web2', 'web', 2));
    await assert.rejects(client.create(inNamespace(CORE.pods, ns), barePod(ns, 'web-direct', 'web')), /failed calling webhook "mesh.sidecar.plinth.dev"/);
    const other = await client.create<V1Pod>(inNamespace(CORE.pods, ns), barePod(ns, 'db-direct', 'db'));
    assertWhole(other, false);
    // The ReplicaSet tries and is refused: it records the webhook failure, and no pod exists.
    const rsFailure = await eventually('web2 ReplicaSet ReplicaFailure', async () => {
      const rss = (await client.list<V1ReplicaSet>(inNamespace(REPLICASETS, ns), { labelSelector: 'deploy=web2' })).items;
      return rss[0]?.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    });
    assert.match(rsFailure.message ?? '', /mesh.sidecar.plinth.dev/);
    await sleep(1000);
    assert.equal((await podsOf(client, ns, 'web2')).length, 0, 'no pod created without its sidecar');

    injector = startInjector(env.client);
    const pods = await eventually('2 web2 pods after the injector is back', async () => {
      const ps = await podsOf(client, ns, 'web2');
      return ps.length === 2 ? ps : undefined;
    }, 90_000);
    for (const p of pods) assertWhole(p, true);
    for (const p of await podsOf(client, ns, 'web')) assertWhole(p, true);
  });
});

describe('sidecar injection on the OLD cluster (1.24: first container, postStart wait)', () => {
  let env: ReleaseEnv;
  let injector: { stop: () => Promise<void> } | undefined;
  const ns = 'shop';
  before(async () => {
    env = await startReleaseCluster({ nodes: 2, version: 'old' });
    await ensureNamespace(env.client, ns);
    injector = startInjector(env.client);
  });
  after(async () => {
    await injector?.stop();
    await env?.stop();
  });

  test('a Deployment’s pods get the sidecar first, holding the app until it is ready; a pod no set selects gets nothing', async () => {
    const { client } = env;
    await client.create(SETS, sidecarSet('mesh'));
    await waitInjecting(client, ns, 'web', 'mesh');
    await client.create(inNamespace(DEPLOYMENTS, ns), deployment(ns, 'web', 'web', 2));
    const pods = await eventually('2 web pods', async () => {
      const ps = await podsOf(client, ns, 'web');
      return ps.length === 2 ? ps : undefined;
    });
    for (const p of pods) {
      assertWhole(p, true);
      assert.deepEqual(names(p.spec!.containers), ['proxy', 'app'], 'the sidecar is the first container');
      assert.equal(p.spec!.initContainers, undefined);
      const hook = p.spec!.containers[0]!.lifecycle?.postStart?.exec?.command ?? [];
      assert.match(hook.join(' '), /until wget -q -O \/dev\/null 'http:\/\/127.0.0.1:15021\/ready'/, 'postStart waits for the readiness endpoint');
    }
    const db = await client.create<V1Pod>(inNamespace(CORE.pods, ns), barePod(ns, 'db-1', 'db'));
    assertWhole(db, false);
  });

  test('a new sidecar image is updated in place in batches of batchSize; the application container never restarts', async () => {
    const { client } = env;
    await client.patch(SETS, 'mesh', { spec: { updateStrategy: { batchSize: 2, paused: false } } }, 'merge');
    await client.create(inNamespace(DEPLOYMENTS, ns), deployment(ns, 'api', 'web', 4));
    const before = await eventually('6 injected pods running ready', async () => {
      const ps = [...(await podsOf(client, ns, 'web')), ...(await podsOf(client, ns, 'api'))];
      return ps.length === 6 && ps.every((p) => p.status?.containerStatuses?.length === 2 && p.status.containerStatuses.every((c) => c.ready)) ? ps : undefined;
    });
    const uids = new Map(before.map((p) => [p.metadata!.name!, p.metadata!.uid!]));
    await eventually('status matched 6', async () => ((await client.get<SidecarSet>(SETS, 'mesh')).status?.matched === 6 ? true : undefined));

    let maxInFlight = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const ps = [...(await podsOf(client, ns, 'web')), ...(await podsOf(client, ns, 'api'))];
        const inFlight = ps.filter((p) => {
          const spec = p.spec!.containers.find((c) => c.name === 'proxy')!.image;
          const st = p.status?.containerStatuses?.find((c) => c.name === 'proxy');
          return spec === 'registry.local/proxy:2' && !(st?.image === spec && st.ready);
        }).length;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(50);
      }
    })();
    try {
      const cur = await client.get<SidecarSet>(SETS, 'mesh');
      const containers = cur.spec.containers.map((c) => (c.name === 'proxy' ? { ...c, image: 'registry.local/proxy:2' } : c));
      await client.patch(SETS, 'mesh', { spec: { containers } }, 'merge');
      await eventually('every pod runs proxy:2 ready', async () => {
        const ps = [...(await podsOf(client, ns, 'web')), ...(await podsOf(client, ns, 'api'))];
        return ps.length === 6 && ps.every((p) => p.status?.containerStatuses?.find((c) => c.name === 'proxy')?.image === 'registry.local/proxy:2' && p.status.containerStatuses.every((c) => c.ready)) ? true : undefined;
      }, 90_000);
    } finally {
      polling = false;
      await poller;
    }
    const after = [...(await podsOf(client, ns, 'web')), ...(await podsOf(client, ns, 'api'))];
    for (const p of after) {
      assert.equal(uids.get(p.metadata!.name!), p.metadata!.uid, `pod ${p.metadata!.name} kept (in place, not recreated)`);
      const app = p.status!.containerStatuses!.find((c) => c.name === 'app')!;
      const proxy = p.status!.containerStatuses!.find((c) => c.name === 'proxy')!;
      assert.equal(app.restartCount, 0, 'the application container was not restarted');
      assert.equal(proxy.restartCount, 1, 'the sidecar restarted once, on its new image');
    }
    assert.ok(maxInFlight >= 1 && maxInFlight <= 2, `at most batchSize (2) pods updating at once, saw ${maxInFlight}`);
    // A pod counts as updated once its new hash is recorded, and as ready once it is back in traffic (the upgrade
    // drains it first, test/release-sidecar-drain.test.ts): the last batch may still be on its way back.
    const set = await eventually('status updated 6 and ready 6', async () => {
      const s = await client.get<SidecarSet>(SETS, 'mesh');
      return s.status?.updated === 6 && s.status.matched === 6 && s.status.ready === 6 ? s : undefined;
    });
    assert.equal(set.status!.ready, 6);
  });
});
