// Image pre-warm on a real API server (kwok nodes: a pull takes PULL_MS; images tagged :fail-pull never pull):
// an ImagePrewarm reaches Succeeded within its parallelism, fails bad pulls and timeouts with clear messages,
// refuses bad input; a release pre-warms each batch's nodes before the batch's first pod changes; a manager
// SIGKILLed during a pre-warm resumes it without pulling twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ImagePrewarm } from '../src/api/index.js';
import { installCrds } from '../src/api/install.js';
import { KubeClient } from '../src/kube/http.js';
import { Informer } from '../src/kube/informer.js';
import { logger } from '../src/kube/log.js';
import { CORE, inNamespace, type KubeObject } from '../src/kube/resource.js';
import { startCluster } from '../src/localenv/index.js';
import type { LocalCluster } from '../src/localenv/index.js';
import { runCellDeploymentController, runImagePrewarmController, runReleaseOrderController } from '../src/release/modules.js';
import { IMAGE_PREWARMS } from '../src/release/prewarm/controller.js';
import { PULL_POD_LABEL, pullOutcome } from '../src/release/prewarm/pull-pod.js';
import { nodeHasImage } from '../src/release/prewarm/plan.js';
import { KEYS } from '../src/release/keys.js';
import { cdRef, cellDeployment, createService, currentOrderName, ensureNamespace, eventually, getOrder, pods, setImage, sleep, waitPhase } from './support/release-env.js';
import { ManagerProcess } from './support/manager-process.js';

const PULL_MS = 1500;
const NS = 'warm';
const VERSION = (process.env.PLINTH_PREWARM_VERSION ?? 'new') as 'new' | 'old';

type PodObject = V1Pod & KubeObject;
type NodeObject = V1Node & KubeObject;

function prewarm(name: string, spec: Record<string, unknown>): ImagePrewarm {
  return { apiVersion: 'apps.plinth.dev/v1alpha1', kind: 'ImagePrewarm', metadata: { name, namespace: NS }, spec } as unknown as ImagePrewarm;
}

/** Follows the pull pods: the most pulls in progress at once, and every (name, uid) seen. */
class PullWatcher {
  readonly informer: Informer<PodObject>;
  maxPulling = 0;
  readonly uids = new Map<string, Set<string>>();
  constructor(client: KubeClient) {
    this.informer = new Informer<PodObject>({ client, resource: CORE.pods, name: 'test-pull-pods', labelSelector: PULL_POD_LABEL });
    const seen = (p: PodObject): void => {
      const name = p.metadata?.name ?? '';
      const set = this.uids.get(name) ?? new Set<string>();
      set.add(p.metadata?.uid ?? '');
      this.uids.set(name, set);
      const pulling = this.informer.list().filter((x) => !x.metadata?.deletionTimestamp && pullOutcome(x).state === 'running').length;
      this.maxPulling = Math.max(this.maxPulling, pulling);
    };
    this.informer.addHandler({ onAdd: seen, onUpdate: (_o, p) => seen(p) });
    this.informer.start();
  }
  reset(): void {
    this.maxPulling = 0;
  }
}

async function waitFinished(client: KubeClient, name: string, timeoutMs = 90_000): Promise<ImagePrewarm> {
  return eventually(
    `ImagePrewarm ${name} to finish`,
    async () => {
      const pw = await client.get<ImagePrewarm>(inNamespace(IMAGE_PREWARMS, NS), name);
      const phase = pw.status?.phase;
      return (phase === 'Succeeded' || phase === 'Failed') && pw.status?.observedGeneration === pw.metadata.generation ? pw : undefined;
    },
    timeoutMs,
  );
}

async function nodesIn(client: KubeClient, zones: string[]): Promise<NodeObject[]> {
  const all = (await client.list<NodeObject>(CORE.nodes)).items;
  return all.filter((n) => zones.includes(n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? ''));
}

describe(`image pre-warm (${VERSION})`, () => {
  let cluster: LocalCluster;
  let client: KubeClient;
  let pulls: PullWatcher;
  const inProcess = new AbortController();
  let prewarmController: Promise<void> | undefined;
  let releaseControllers: Promise<unknown> | undefined;

  before(async () => {
    cluster = await startCluster({ version: VERSION, nodes: 6, zones: 3, kwok: { inPlaceDelayMs: 300, pullMs: PULL_MS } });
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(client);
    await ensureNamespace(client, NS);
    pulls = new PullWatcher(client);
    const ctx = { client, signal: inProcess.signal, log: logger('test-prewarm') };
    prewarmController = runImagePrewarmController(ctx);
    releaseControllers = Promise.all([runCellDeploymentController(ctx), runReleaseOrderController(ctx)]);
  });
  after(async () => {
    inProcess.abort();
    await prewarmController;
    await releaseControllers;
    await pulls?.informer.stop();
    client?.close();
    await cluster?.stop();
  });

  test('an ImagePrewarm over a node selector pulls every image onto every node, never more than parallelism at once', async () => {
    pulls.reset();
    const selector = { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-b'] }] };
    const images = ['registry.local/app:1', 'registry.local/side:1'];
    await client.create(inNamespace(IMAGE_PREWARMS, NS), prewarm('sel', { images, nodeSelector: selector, parallelism: 3, timeoutSeconds: 60 }));
    const pw = await waitFinished(client, 'sel');
    const nodes = await nodesIn(client, ['zone-a', 'zone-b']);
    assert.equal(nodes.length, 4);
    assert.equal(pw.status?.phase, 'Succeeded', JSON.stringify(pw.status));
    assert.deepEqual([pw.status?.desired, pw.status?.pulled, pw.status?.failed, pw.status?.running], [8, 8, 0, 0]);
    assert.deepEqual(pw.status?.nodes, []);
    assert.equal(pw.status?.conditions?.find((c) => c.type === 'Complete')?.status, 'True');
    // What a kubelet reports: the selected nodes list both images; the other zone's nodes neither.
    for (const n of nodes) for (const i of images) assert.ok(nodeHasImage({ name: '', images: (n.status?.images ?? []).flatMap((x) => x.names ?? []) }, i), `${n.metadata?.name} lacks ${i}`);
    for (const n of await nodesIn(client, ['zone-c'])) assert.ok(!(n.status?.images ?? []).some((x) => x.names?.includes(images[0]!)), 'zone-c must not get the image');
    assert.ok(pulls.maxPulling <= 3, `at most 3 pulls at once, saw ${pulls.maxPulling}`);
    assert.ok(pulls.maxPulling >= 2, `parallel pulls expected, saw ${pulls.maxPulling}`);
    // Finished: the pull pods are gone.
    await eventually('pull pods of sel deleted', () => Promise.resolve(pulls.informer.list().some((p) => p.metadata?.labels?.[PULL_POD_LABEL] === pw.metadata.uid) ? undefined : true));

    // The same images again: every node has them, nothing is pulled.
    const before = pulls.uids.size;
    await client.create(inNamespace(IMAGE_PREWARMS, NS), prewarm('again', { images, nodeSelector: selector }));
    const again = await waitFinished(client, 'again');
    assert.deepEqual([again.status?.phase, again.status?.pulled, again.status?.desired], ['Succeeded', 8, 8]);
    assert.equal(pulls.uids.size, before, 'no pull pod for images the nodes report');
  });

  test('a :fail-pull image fails with the kubelet message per node; a slow pull fails at timeoutSeconds', async () => {
    const zoneA = { matchLabels: { 'topology.kubernetes.io/zone': 'zone-a' } };
    await client.create(inNamespace(IMAGE_PREWARMS, NS), prewarm('bad', { images: ['registry.local/app:fail-pull'], nodeSelector: zoneA, timeoutSeconds: 60 }));
    const bad = await waitFinished(client, 'bad');
    assert.equal(bad.status?.phase, 'Failed');
    assert.deepEqual([bad.status?.desired, bad.status?.pulled, bad.status?.failed], [2, 0, 2]);
    assert.equal(bad.status?.nodes?.length, 2);
    for (const n of bad.status?.nodes ?? []) assert.match(n.failed.join(), /registry\.local\/app:fail-pull: ErrImagePull: failed to pull and unpack image/);
    const cond = bad.status?.conditions?.find((c) => c.type === 'Complete');
    assert.equal(cond?.reason, 'PullsFailed');
    assert.match(cond?.message ?? '', /0\/2 pulls done.*2 failed.*first failure: node .*ErrImagePull/);

    await client.create(inNamespace(IMAGE_PREWARMS, NS), prewarm('slow', { images: ['registry.local/slow:1'], nodeSelector: zoneA, timeoutSeconds: 1 }));
    const slow = await waitFinished(client, 'slow');
    assert.equal(slow.status?.phase, 'Failed');
    for (const n of slow.status?.nodes ?? []) assert.match(n.failed.join(), /registry\.local\/slow:1: not pulled within 1s \(timeoutSeconds\)/);
    assert.equal(slow.status?.nodes?.length, 2);
  });

  test('bad input is refused with what to change: no images, parallelism 0', async () => {
    const refused = async (spec: Record<string, unknown>): Promise<string> => {
      try {
        await client.create(inNamespace(IMAGE_PREWARMS, NS), prewarm('refused', spec));
      } catch (err) {
        return (err as Error).message;
      }
      assert.fail(`accepted ${JSON.stringify(spec)}`);
    };
    const empty = await refused({ images: [] });
    assert.match(empty, /spec\.images/);
    assert.match(empty, /at least 1 item|list at least one image/);
    const zero = await refused({ images: ['registry.local/app:1'], parallelism: 0 });
    assert.match(zero, /spec\.parallelism/);
    assert.match(zero, /greater than or equal to 1|set it to 1 or more/);
    if (VERSION === 'new') {
      assert.match(empty, /list at least one image to pull/);
      assert.match(zero, /must be at least 1 \(pull pods at once\)/);
    }
  });

  test("a release pre-warms each batch's nodes before the batch's first pod changes", async () => {
    await createService(client, NS, 'web');
    const cd = cellDeployment(NS, 'web', { replicas: 6, strategy: { batchSize: 2, drainSeconds: 1, prewarm: { enabled: true, parallelism: 4, timeoutSeconds: 60 } } });
    await client.create(cdRef(NS), cd);
    await waitPhase(client, NS, 'web', 'Completed', 120_000);
    const image = 'registry.local/web:2';
    // When each node first listed the new image, and when each pod first changed (out of traffic or new image).
    const nodeHad = new Map<string, number>();
    const podChanged = new Map<string, { at: number; node: string }>();
    const nodes = new Informer<NodeObject>({ client, resource: CORE.nodes, name: 'test-nodes' });
    const webPods = new Informer<PodObject>({ client, resource: inNamespace(CORE.pods, NS), name: 'test-web-pods', labelSelector: 'app=web' });
    const onNode = (n: NodeObject): void => {
      const name = n.metadata?.name ?? '';
      if (!nodeHad.has(name) && (n.status?.images ?? []).some((i) => i.names?.includes(image))) nodeHad.set(name, Date.now());
    };
    const onPod = (p: PodObject): void => {
      const name = p.metadata?.name ?? '';
      const changed = p.metadata?.annotations?.[KEYS.drainStarted] !== undefined || p.spec?.containers.some((c) => c.image === image) || p.metadata?.deletionTimestamp;
      if (changed && !podChanged.has(name)) podChanged.set(name, { at: Date.now(), node: p.spec?.nodeName ?? '' });
    };
    nodes.addHandler({ onAdd: onNode, onUpdate: (_o, n) => onNode(n) });
    webPods.addHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p) });
    nodes.start();
    webPods.start();
    try {
      await eventually('watchers synced', () => Promise.resolve(nodes.hasSynced() && webPods.hasSynced() ? true : undefined));
      const before = await pods(client, NS, 'web');
      assert.ok(before.every((p) => !nodeHad.has(p.spec?.nodeName ?? '')), 'no node has the new image before the release');
      await setImage(client, NS, 'web', image);
      const order = await currentOrderName(client, NS, 'web');
      await waitPhase(client, NS, 'web', 'Completed', 180_000);
      await sleep(500);
      const o = await getOrder(client, NS, order);
      assert.equal(o.status?.batches?.length, 3);
      // Every pod changed only after its node listed the image.
      assert.equal(podChanged.size, 6, `pods changed: ${[...podChanged.keys()].join(', ')}`);
      for (const [pod, c] of podChanged) {
        const had = nodeHad.get(c.node);
        assert.ok(had !== undefined && had <= c.at, `pod ${pod} changed at ${c.at} but node ${c.node} listed ${image} at ${had ?? 'never'}`);
      }
      // One ImagePrewarm per batch, owned by the order, each Succeeded; the checks say so.
      const pws = (await client.list<ImagePrewarm>(inNamespace(IMAGE_PREWARMS, NS))).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === o.metadata.uid));
      assert.deepEqual(pws.map((p) => [p.metadata.name, p.status?.phase]).sort(), [0, 1, 2].map((i) => [`${order}-prewarm-${i}`, 'Succeeded']));
      const checks = (o.status?.checks ?? []).filter((c) => c.name === 'image-prewarm');
      assert.deepEqual(checks.map((c) => [c.batch, c.result]).sort(), [[0, 'Passed'], [1, 'Passed'], [2, 'Passed']]);
    } finally {
      await nodes.stop();
      await webPods.stop();
    }
  });

  test('a failed pre-warm does not stop the release: a Warning Event and a Failed check, and the batch starts', async () => {
    const cd = cellDeployment(NS, 'api', { replicas: 3, strategy: { batchSize: 3, drainSeconds: 1, prewarm: { enabled: true, timeoutSeconds: 60 } } });
    await client.create(cdRef(NS), cd);
    await waitPhase(client, NS, 'api', 'Completed', 120_000);
    // kwok's ordinary pods take any image; only the pull pods fail on :fail-pull.
    await setImage(client, NS, 'api', 'registry.local/api:fail-pull');
    const order = await currentOrderName(client, NS, 'api');
    await waitPhase(client, NS, 'api', 'Completed', 120_000);
    const o = await getOrder(client, NS, order);
    const check = (o.status?.checks ?? []).find((c) => c.name === 'image-prewarm' && c.batch === 0);
    assert.equal(check?.result, 'Failed');
    assert.match(check?.message ?? '', new RegExp(`ImagePrewarm ${order}-prewarm-0 failed \\(.*ErrImagePull.*\\); batch 1 starts without it`));
    const events = await client.list<{ reason?: string; note?: string; message?: string; regarding?: { name?: string }; involvedObject?: { name?: string } }>(inNamespace(CORE.events, NS));
    assert.ok(
      events.items.some((e) => e.reason === 'PrewarmFailed' && (e.regarding?.name ?? e.involvedObject?.name) === order),
      'a PrewarmFailed Event on the order',
    );
    const pw = await client.get<ImagePrewarm>(inNamespace(IMAGE_PREWARMS, NS), `${order}-prewarm-0`);
    assert.equal(pw.status?.conditions?.find((c) => c.type === 'Complete')?.reason, 'PullsFailed');
  });

  test('the manager SIGKILLed during a pre-warm resumes it: Succeeded, no pull twice, parallelism held', async () => {
    // From here the ImagePrewarm controller runs only in a child process that is killed and restarted.
    inProcess.abort();
    await prewarmController;
    await releaseControllers;
    const log: WriteStream = createWriteStream(join(cluster.stateDir, 'prewarm-manager.log'));
    const m = new ManagerProcess({ kubeconfig: cluster.kubeconfigPath, log, controllers: ['imageprewarm'] });
    pulls.reset();
    m.start();
    try {
      await m.working;
      await client.create(inNamespace(IMAGE_PREWARMS, NS), prewarm('killed', { images: ['registry.local/kill:1', 'registry.local/kill:2'], parallelism: 2, timeoutSeconds: 120 }));
      let kills = 0;
      for (; kills < 4; kills++) {
        await sleep(1200 + kills * 300);
        const pw = await client.get<ImagePrewarm>(inNamespace(IMAGE_PREWARMS, NS), 'killed');
        if (pw.status?.phase === 'Succeeded' || pw.status?.phase === 'Failed') break;
        await m.kill();
        m.start();
        await m.working;
      }
      assert.ok(kills >= 2, `killed ${kills} times during the pre-warm`);
      const pw = await waitFinished(client, 'killed', 120_000);
      assert.equal(pw.status?.phase, 'Succeeded', JSON.stringify(pw.status));
      assert.deepEqual([pw.status?.desired, pw.status?.pulled], [12, 12]);
      const twice = [...pulls.uids].filter(([, u]) => u.size > 1).map(([n]) => n);
      assert.deepEqual(twice, [], 'no pull pod created twice');
      assert.ok(pulls.maxPulling <= 2, `at most 2 pulls at once across restarts, saw ${pulls.maxPulling}`);
    } finally {
      await m.kill();
      log.end();
    }
  });
});
