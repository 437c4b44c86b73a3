// Plinth's side of the fleet bench: the real `plinth manager` on the hub (fleet flags), each member joined the
// real way (`plinth fleet token create` / `fleet join` / `fleet accept`, as child processes of the CLI users run)
// and running a real `plinth agent` process; a GitSource on the bench's Git server (git://) and a FleetDelivery
// placing every member. `webhook()` is a forge's signed push (GitHub format) to the hub's fleet server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installCrds } from '../../src/api/install.js';
import { FLEET_GROUP, FLEET_VERSION } from '../../src/api/index.js';
import { FLEET_NAMESPACE, HUB_INFO_CONFIGMAP } from '../../src/fleet/names.js';
import { sleep } from '../../src/kube/clock.js';
import type { KubeClient } from '../../src/kube/http.js';
import { Informer } from '../../src/kube/informer.js';
import { forEachLimit } from '../../src/kube/pool.js';
import { ref, type KubeObject } from '../../src/kube/resource.js';
import type { LocalCluster } from '../../src/localenv/index.js';
import { processCpuSeconds, processMemory, type ProcessMemory } from './flux/controllers.js';
import { ConditionWatch } from './flux/watch.js';

const GV = `${FLEET_GROUP}/${FLEET_VERSION}`;
export const PLINTH_NAMESPACE = 'fleet';
export const PLINTH_SOURCE = 'bench';
export const PLINTH_DELIVERY = 'web';
const WEBHOOK_SECRET = 'bench-webhook';
const WEBHOOK_TOKEN = 'fleet-bench-webhook-token';

/** The CLI users run: the compiled `dist/app/cli/main.js` when `npm run build` made it, else the sources through tsx. */
export function cliCommand(): { argv: string[]; kind: 'dist' | 'tsx' } {
  const dist = resolve('dist/app/cli/main.js');
  if (existsSync(dist) && process.env['BENCH_FLEET_CLI'] !== 'tsx') return { argv: [process.execPath, dist], kind: 'dist' };
  return { argv: [process.execPath, '--import', 'tsx', resolve('src/app/cli/main.ts')], kind: 'tsx' };
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const [bin, ...pre] = cliCommand().argv;
  const child = spawn(bin!, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((res, rej) =>
    child.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`plinth ${args.slice(0, 3).join(' ')} exited ${code}: ${err.trim().slice(-800)}`)))),
  );
}

/** A long-running CLI process; the last lines of its output are kept for errors. */
function background(args: string[], env: NodeJS.ProcessEnv, tail: string[]): ChildProcess {
  const [bin, ...pre] = cliCommand().argv;
  const child = spawn(bin!, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const keep = (d: string): void => {
    tail.push(d);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  return child;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

interface FleetDeliveryLike {
  status?: { revision?: string; clusters?: { placed: number; healthy: number } };
}
interface ClusterDeliveryLike {
  spec?: { revision?: string };
  status?: { appliedRevision?: string; health?: string };
}
interface GitSourceLike {
  status?: { commit?: string };
}

/** Plinth's own view on the hub: the GitSource's commit, the FleetDelivery's and the ClusterDeliveries' status. */
export class PlinthHubWatch extends ConditionWatch {
  private readonly sources: Informer<KubeObject & GitSourceLike>;
  private readonly deliveries: Informer<KubeObject & FleetDeliveryLike>;
  private readonly clusters: Informer<KubeObject & ClusterDeliveryLike>;

  constructor(client: KubeClient) {
    super();
    this.sources = this.add(new Informer<KubeObject & GitSourceLike>({ client, resource: ref(GV, 'gitsources', PLINTH_NAMESPACE), name: 'gitsources' }));
    this.deliveries = this.add(new Informer<KubeObject & FleetDeliveryLike>({ client, resource: ref(GV, 'fleetdeliveries', PLINTH_NAMESPACE), name: 'fleetdeliveries' }));
    this.clusters = this.add(new Informer<KubeObject & ClusterDeliveryLike>({ client, resource: ref(GV, 'clusterdeliveries'), name: 'clusterdeliveries' }));
  }

  /** The GitSource has fetched `commit`. */
  fetched(commit: string, timeoutMs: number): Promise<number> {
    return this.when(`GitSource at ${commit}`, () => this.sources.get(`${PLINTH_NAMESPACE}/${PLINTH_SOURCE}`)?.status?.commit === commit, timeoutMs);
  }

  /** `count` ClusterDeliveries ask for `commit` (the delivery controller has rendered and fanned out). */
  fannedOut(commit: string, count: number, timeoutMs: number): Promise<number> {
    return this.when(`${count} ClusterDeliveries at ${commit}`, () => this.clusters.list().filter((c) => c.spec?.revision === commit).length >= count, timeoutMs);
  }

  /** `count` ClusterDeliveries report `commit` applied (the agents' status). */
  applied(commit: string, count: number, timeoutMs: number): Promise<number> {
    return this.when(`${count} ClusterDeliveries applied ${commit}`, () => this.clusters.list().filter((c) => c.status?.appliedRevision === commit).length >= count, timeoutMs);
  }

  /** `count` ClusterDeliveries report `commit` applied and Healthy (the agents' view, before the hub aggregates it). */
  clustersHealthy(commit: string, count: number, timeoutMs: number): Promise<number> {
    const test = (): boolean => this.clusters.list().filter((c) => c.status?.appliedRevision === commit && c.status.health === 'Healthy').length >= count;
    return this.when(`${count} ClusterDeliveries healthy at ${commit}`, test, timeoutMs);
  }

  /** The FleetDelivery reports `commit` healthy on `count` clusters (Plinth's own "done"). */
  healthy(commit: string, count: number, timeoutMs: number): Promise<number> {
    const test = (): boolean => {
      const d = this.deliveries.get(`${PLINTH_NAMESPACE}/${PLINTH_DELIVERY}`);
      const healthyAtCommit = this.clusters.list().filter((c) => c.status?.appliedRevision === commit && c.status.health === 'Healthy').length;
      return d?.status?.revision === commit && (d.status.clusters?.healthy ?? 0) >= count && healthyAtCommit >= count;
    };
    return this.when(`FleetDelivery healthy at ${commit} on ${count} clusters`, test, timeoutMs);
  }
}

export interface PlinthMember {
  name: string;
  cluster: LocalCluster;
}

export interface PlinthFleet {
  cli: 'dist' | 'tsx';
  hubWatch: PlinthHubWatch;
  /** A signed GitHub push webhook to the hub's fleet server; resolves with the HTTP status. */
  webhook(commit: string): Promise<number>;
  managerPid(): number;
  agentPids(): Record<string, number>;
  memory(): { manager?: ProcessMemory; agents: Record<string, ProcessMemory | undefined> };
  /** CPU seconds since start: the manager, and all agents together. */
  cpuSeconds(): { manager: number; agents: number };
  logTail(): string;
  stop(): Promise<void>;
}

export interface PlinthFleetOptions {
  hub: LocalCluster;
  hubClient: KubeClient;
  members: PlinthMember[];
  url: string;
  path: string;
  /** GitSource spec.interval (the webhook makes polling a fallback: default 10m). */
  interval?: string;
  /** Joins in parallel. */
  parallel?: number;
  onProgress?: (msg: string) => void;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, tail?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}${tail ? `\n${tail().slice(-3000)}` : ''}`);
    await sleep(250);
  }
}

export async function startPlinthFleet(o: PlinthFleetOptions): Promise<PlinthFleet> {
  const progress = o.onProgress ?? ((): void => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'plinth-bench-fleet-'));
  const managerTail: string[] = [];
  const agents = new Map<string, { child: ChildProcess; tail: string[] }>();
  let manager: ChildProcess | undefined;
  let hubWatch: PlinthHubWatch | undefined;
  const stop = async (): Promise<void> => {
    await hubWatch?.stop();
    await forEachLimit([...agents.values()], 8, (a) => stopChild(a.child));
    await stopChild(manager);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await installCrds(o.hubClient);
    progress(`plinth: starting the manager (${cliCommand().kind})`);
    manager = background(
      ['manager', '--no-leader-elect', '--metrics-port', '0', '--fleet-listen', '127.0.0.1:0', '--data-dir', dataDir, '--kubeconfig', o.hub.kubeconfigPath],
      { PLINTH_LOG_LEVEL: 'info' },
      managerTail,
    );
    const mtail = (): string => managerTail.join('');
    const info = await until(
      'the hub info ConfigMap',
      async () => {
        const cm = await o.hubClient.get<{ data?: Record<string, string> }>(ref('v1', 'configmaps', FLEET_NAMESPACE), HUB_INFO_CONFIGMAP);
        return cm.data?.['artifactURL'] ? cm.data : undefined;
      },
      120_000,
      mtail,
    );
    progress(`plinth: joining ${o.members.length} members (token create / join / accept) and starting their agents`);
    await forEachLimit(o.members, o.parallel ?? 4, async (m) => {
      const token = JSON.parse(await runCli(['fleet', 'token', 'create', '--ttl', '1h', '-o', 'json', '--kubeconfig', o.hub.kubeconfigPath])) as { token: string; hub: string; caData: string };
      await runCli(['fleet', 'join', m.name, '--hub', token.hub, '--token', token.token, '--hub-ca-data', token.caData, '--labels', 'bench=fleet', '--kubeconfig', m.cluster.kubeconfigPath]);
      const tail: string[] = [];
      agents.set(m.name, { child: background(['agent', '--cluster', m.name, '--kubeconfig', m.cluster.kubeconfigPath], { PLINTH_LOG_LEVEL: 'info' }, tail), tail });
      await until(`accept ${m.name}`, () => runCli(['fleet', 'accept', m.name, '--kubeconfig', o.hub.kubeconfigPath]), 120_000);
    });
    await until(
      `${o.members.length} members Ready`,
      async () => {
        const list = await o.hubClient.list<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(ref(GV, 'memberclusters'));
        const ready = list.items.filter((mc) => mc.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        return ready >= o.members.length ? ready : undefined;
      },
      300_000,
      mtail,
    );
    progress('plinth: creating the GitSource and the FleetDelivery');
    await o.hubClient.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: PLINTH_NAMESPACE } }).catch(() => undefined);
    await o.hubClient.create(ref('v1', 'secrets', PLINTH_NAMESPACE), { apiVersion: 'v1', kind: 'Secret', metadata: { name: WEBHOOK_SECRET, namespace: PLINTH_NAMESPACE }, stringData: { token: WEBHOOK_TOKEN } });
    await o.hubClient.create(ref(GV, 'gitsources', PLINTH_NAMESPACE), {
      apiVersion: GV,
      kind: 'GitSource',
      metadata: { name: PLINTH_SOURCE, namespace: PLINTH_NAMESPACE },
      spec: { url: o.url, ref: { branch: 'main' }, interval: o.interval ?? '10m', webhookSecretRef: { name: WEBHOOK_SECRET }, suspend: false },
    });
    await o.hubClient.create(ref(GV, 'fleetdeliveries', PLINTH_NAMESPACE), {
      apiVersion: GV,
      kind: 'FleetDelivery',
      metadata: { name: PLINTH_DELIVERY, namespace: PLINTH_NAMESPACE },
      spec: { sourceRef: { name: PLINTH_SOURCE }, path: o.path, placement: { clusterSelector: {} }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [] },
    });
    hubWatch = new PlinthHubWatch(o.hubClient);
    await hubWatch.start();
    const base = new URL(info['artifactURL']!);
    const ca = info['ca.crt'];
    const webhook = (commit: string): Promise<number> => {
      const body = JSON.stringify({ ref: 'refs/heads/main', after: commit });
      const sig = `sha256=${createHmac('sha256', WEBHOOK_TOKEN).update(body).digest('hex')}`;
      return new Promise((res, rej) => {
        const req = request(
          { host: base.hostname, port: base.port, path: `/hooks/git/${PLINTH_NAMESPACE}/${PLINTH_SOURCE}`, method: 'POST', ca, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sig } },
          (r) => {
            r.resume();
            res(r.statusCode ?? 0);
          },
        );
        req.on('error', rej);
        req.end(body);
      });
    };
    const m = manager;
    return {
      cli: cliCommand().kind,
      hubWatch,
      webhook,
      managerPid: () => m.pid ?? -1,
      agentPids: () => Object.fromEntries([...agents].map(([n, a]) => [n, a.child.pid ?? -1])),
      memory: () => ({ manager: processMemory(m.pid ?? -1), agents: Object.fromEntries([...agents].map(([n, a]) => [n, processMemory(a.child.pid ?? -1)])) }),
      cpuSeconds: () => ({
        manager: processCpuSeconds(m.pid ?? -1) ?? NaN,
        agents: [...agents.values()].reduce((s, a) => s + (processCpuSeconds(a.child.pid ?? -1) ?? 0), 0),
      }),
      logTail: () => [mtail(), ...[...agents].map(([n, a]) => `--- agent ${n}\n${a.tail.join('').slice(-1500)}`)].join('\n').slice(-8000),
      stop,
    };
  } catch (err) {
    process.stderr.write(`--- manager log tail\n${managerTail.join('').slice(-4000)}\n`);
    for (const [n, a] of agents) process.stderr.write(`--- agent ${n}\n${a.tail.join('').slice(-1000)}\n`);
    await stop();
    throw err;
  }
}
