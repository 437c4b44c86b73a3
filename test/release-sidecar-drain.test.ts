// SidecarSet in-place upgrades through the release's lossless sequence, on real clusters: a watcher on the
// EndpointSlices and the pods, running through the whole upgrade, finds no pod whose sidecar image changed while
// an EndpointSlice listed it ready or serving; the application container never restarts; a failing ReleasePolicy
// check pauses the upgrade with an Event naming it; the manager SIGKILLed several times during the webhook's life
// and during an upgrade — the upgrade finishes, no pod is left out of the endpoints, held or half-updated.
// NEW (1.34): the sidecar is a native sidecar (init container), which the local kwok kubelet restarts in place;
// OLD (1.24): the sidecar is the first container.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../src/api/index.js';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { KEYS, RELEASE_API_VERSION } from '../src/release/keys.js';
import { inTraffic, type EndpointSliceLike } from '../src/release/pod/endpoints.js';
import { RELEASE_POLICIES } from '../src/release/policy/checks.js';
import { createService, ensureNamespace, eventually, sleep, startReleaseCluster, type ReleaseEnv } from './support/release-env.js';
import { ManagerProcess } from './support/manager-process.js';
import { DEPLOYMENTS, SETS, deployment, podsOf, sidecarSet, startInjector, waitInjecting } from './support/sidecar-env.js';
import { SidecarWatcher } from './support/sidecar-watcher.js';
import { RES } from '../src/release/keys.js';

const ns = 'shop';

function sidecarOf(p: V1Pod): V1Container | undefined {
  return [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].find((c) => c.name === 'proxy');
}
function statusOf(p: V1Pod, name: string): V1ContainerStatus | undefined {
  return [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].find((c) => c.name === name);
}
const isReady = (p: V1Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const gateTrue = (p: V1Pod): boolean => p.status?.conditions?.some((c) => c.type === KEYS.gate && c.status === 'True') === true;

/** Whole and back: the sidecar on `image` in spec and status, ready, gate True, no hold, no drain, Ready. */
function settled(p: V1Pod, image: string): boolean {
  const s = statusOf(p, 'proxy');
  return (
    sidecarOf(p)?.image === image &&
    s?.image === image &&
    s.ready === true &&
    gateTrue(p) &&
    isReady(p) &&
    p.metadata?.annotations?.[KEYS.heldBy] === undefined &&
    p.metadata?.annotations?.[KEYS.drainStarted] === undefined
  );
}

async function setImage(env: ReleaseEnv, image: string): Promise<void> {
  const cur = await env.client.get<SidecarSet>(SETS, 'mesh');
  await env.client.patch(SETS, 'mesh', { spec: { containers: cur.spec.containers.map((c) => ({ ...c, image })) } }, 'merge');
}

async function allSettled(env: ReleaseEnv, image: string, n: number, timeoutMs = 120_000): Promise<V1Pod[]> {
  return eventually(`${n} pods settled on ${image}`, async () => {
    const ps = await podsOf(env.client, ns, 'web');
    return ps.length === n && ps.every((p) => settled(p, image)) ? ps : undefined;
  }, timeoutMs, 250);
}

/** Every pod listed ready by some EndpointSlice of the Service. */
async function allInEndpoints(env: ReleaseEnv, pods: V1Pod[]): Promise<void> {
  await eventually('every pod listed ready in the EndpointSlices', async () => {
    const slices = (await env.client.list<EndpointSliceLike>(inNamespace(RES.endpointSlices, ns))).items;
    return pods.every((p) => inTraffic(p, slices)) ? true : undefined;
  });
}

function suite(version: 'new' | 'old'): void {
  describe(`SidecarSet upgrade through the lossless sequence on the ${version.toUpperCase()} cluster`, () => {
    let env: ReleaseEnv;
    let injector: { stop: () => Promise<void> } | undefined;
    let manager: ManagerProcess | undefined;
    let log: WriteStream | undefined;
    let uids: Map<string, string>;
    before(async () => {
      env = await startReleaseCluster({ nodes: 2, version });
      await ensureNamespace(env.client, ns);
      await createService(env.client, ns, 'web');
      injector = startInjector(env.client);
    });
    after(async () => {
      await injector?.stop();
      await manager?.kill();
      log?.end();
      await env?.stop();
    });

    test('each pod leaves the EndpointSlices before its sidecar changes; the app container never restarts', async () => {
      const { client } = env;
      await client.create(SETS, sidecarSet('mesh', { updateStrategy: { batchSize: 2, paused: false, drainSeconds: 1 } }));
      await waitInjecting(client, ns, 'web', 'mesh');
      await client.create(inNamespace(DEPLOYMENTS, ns), deployment(ns, 'web', 'web', 4));
      // The webhook added the traffic gate; the SidecarSet controller admits the new pods.
      const before = await allSettled(env, 'registry.local/proxy:1', 4);
      for (const p of before) assert.ok((p.spec?.readinessGates ?? []).some((g) => g.conditionType === KEYS.gate), 'the webhook added the traffic gate');
      await allInEndpoints(env, before);
      uids = new Map(before.map((p) => [p.metadata!.name!, p.metadata!.uid!]));

      const watcher = await new SidecarWatcher(client, ns, 'proxy').start();
      await setImage(env, 'registry.local/proxy:2');
      const after = await allSettled(env, 'registry.local/proxy:2', 4);
      await allInEndpoints(env, after);
      const report = await watcher.stop();

      assert.deepEqual(report.violations, []);
      assert.equal(report.changes, 4, 'the watcher saw every sidecar change');
      for (const p of after) {
        assert.ok(report.drained.has(p.metadata!.name!), `pod ${p.metadata!.name} was seen out of the EndpointSlices`);
        assert.equal(p.metadata!.uid, uids.get(p.metadata!.name!), 'the same pod, updated in place');
        assert.equal(statusOf(p, 'app')!.restartCount, 0, 'the application container was not restarted');
        assert.equal(statusOf(p, 'proxy')!.restartCount, 1, 'the sidecar restarted once, on its new image (as the kubelet reports it)');
      }
      const set = await eventually('status updated 4, Upgrading False', async () => {
        const s = await client.get<SidecarSet>(SETS, 'mesh');
        return s.status?.updated === 4 && s.status.conditions?.find((c) => c.type === 'Upgrading')?.reason === 'Updated' ? s : undefined;
      });
      assert.equal(set.status!.ready, 4);
    });

    test('a failing ReleasePolicy check pauses the upgrade with an Event naming the check; resumed after the fix', async () => {
      const { client } = env;
      await client.create(inNamespace(RELEASE_POLICIES, ns), {
        apiVersion: RELEASE_API_VERSION,
        kind: 'ReleasePolicy',
        metadata: { name: 'images', namespace: ns },
        spec: { selector: { matchLabels: { app: 'web' } }, preChecks: { parameters: { imagePattern: '^registry\\.local/(web|proxy):[0-3]$', requireResources: false } } },
      });
      await setImage(env, 'registry.local/proxy:9');
      const set = await eventually('the set paused', async () => {
        const s = await client.get<SidecarSet>(SETS, 'mesh');
        const c = s.status?.conditions?.find((x) => x.type === 'Upgrading');
        return s.spec.updateStrategy?.paused === true && c?.reason === 'CheckFailed' ? s : undefined;
      });
      assert.match(set.status!.conditions!.find((c) => c.type === 'Upgrading')!.message, /check images\/parameters failed: .*registry\.local\/proxy:9/);
      const ev = await eventually('a CheckFailed Event', async () => {
        const evs = (await client.list<{ reason?: string; note?: string; message?: string; regarding?: { name?: string }; involvedObject?: { name?: string } }>(inNamespace(CORE.events, 'default'))).items;
        return evs.find((e) => e.reason === 'CheckFailed' && (e.involvedObject?.name ?? e.regarding?.name) === 'mesh');
      });
      assert.match(ev.message ?? ev.note ?? '', /check images\/parameters failed/);
      await sleep(1500);
      for (const p of await podsOf(client, ns, 'web')) assert.equal(sidecarOf(p)!.image, 'registry.local/proxy:2', 'no pod started while paused');

      await setImage(env, 'registry.local/proxy:3');
      await client.patch(SETS, 'mesh', { spec: { updateStrategy: { paused: false } } }, 'merge');
      const after = await allSettled(env, 'registry.local/proxy:3', 4);
      for (const p of after) assert.equal(statusOf(p, 'app')!.restartCount, 0);
      await client.delete(inNamespace(RELEASE_POLICIES, ns), 'images');
    });

    test('the manager SIGKILLed during the webhook’s life and during an upgrade: the upgrade finishes, no pod left out or half-updated', async () => {
      const { client } = env;
      await injector!.stop();
      injector = undefined;
      log = createWriteStream(join(env.cluster.stateDir, 'sidecar-manager-kill.log'));
      manager = new ManagerProcess({ kubeconfig: env.cluster.kubeconfigPath, log, controllers: ['sidecar-injector'] });
      manager.start();
      await manager.working;
      // The webhook's life: pods created (a scale-up) while the manager is killed and restarted.
      await client.patch(inNamespace(DEPLOYMENTS, ns), 'web', { spec: { replicas: 6 } }, 'merge');
      for (let i = 0; i < 2; i++) {
        await sleep(300 + i * 400);
        await manager.kill();
        manager.start();
        await manager.working;
      }
      const six = await allSettled(env, 'registry.local/proxy:3', 6, 180_000);
      await allInEndpoints(env, six);
      const watcher = await new SidecarWatcher(client, ns, 'proxy').start();
      await setImage(env, 'registry.local/proxy:2');
      let kills = 0;
      const done = async (): Promise<boolean> => (await podsOf(client, ns, 'web')).every((p) => settled(p, 'registry.local/proxy:2'));
      while (kills < 8 && !(await done())) {
        await manager.working;
        await sleep(200 + ((kills * 577) % 1300));
        await manager.kill();
        kills++;
        manager.start();
      }
      const after = await allSettled(env, 'registry.local/proxy:2', 6, 180_000);
      await allInEndpoints(env, after);
      const report = await watcher.stop();
      process.stdout.write(`# sidecar kill test (${version}): ${kills} SIGKILLs during the upgrade, ${report.changes} sidecar changes\n`);
      assert.ok(kills >= 3, `only ${kills} kills happened during the upgrade`);
      assert.deepEqual(report.violations, []);
      for (const p of after) {
        assert.equal(statusOf(p, 'app')!.restartCount, 0, `pod ${p.metadata!.name}: the application container was not restarted`);
        assert.equal(JSON.parse(p.metadata!.annotations!['apps.plinth.dev/sidecar-hash']!).mesh.length, 10);
      }
      // Whole pods only: every pod carries the sidecar on one image in spec and status (checked by settled()).
      const set = await eventually('status updated 6', async () => {
        const s = await client.get<SidecarSet>(SETS, 'mesh');
        return s.status?.updated === 6 && s.status.matched === 6 ? s : undefined;
      });
      assert.equal(set.status!.ready, 6);
    });
  });
}

suite('new');
suite('old');
