import { NODE_UPGRADE_LOCK } from '../../api/release/releasepolicy.js';
import { isAlreadyExists, isNotFound } from '../../kube/api-error.js';
import { retry } from '../../kube/retry.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import type { Control, Decision, NodeState, RunState } from './state.js';

/** Labels and names of the run's objects in the state namespace. */
export const RUN_LABEL = 'upgrade.plinth.dev/nodes-run';
/** The run lock's Lease (release policies' conflict checks watch it too: NODE_UPGRADE_LOCK). */
export const LEASE_NAME = NODE_UPGRADE_LOCK.name;
export const configMapName = (run: string): string => `plinth-upgrade-nodes-${run}`;

const RUN_KEY = 'run.json';
const CONTROL_KEY = 'control';
/** In the main ConfigMap: how many more ConfigMaps (`<main>-1` … `<main>-N`) hold node keys. */
const SHARDS_KEY = 'shards';
/** In each further ConfigMap: the run it belongs to (its createdAt), so one left from an earlier run is never read. */
const SHARD_RUN_KEY = 'run';
const nodeKey = (n: string): string => `node.${n}`;
/** In the main ConfigMap: the people's decisions (pause, resume, abort) with who made them; see decide.ts. */
export const DECISIONS_KEY = 'decisions';
/** At most this many decisions are kept (the oldest go first). */
export const MAX_DECISIONS = 100;

/** Pure: the decisions of a run's main ConfigMap data (none when the key is absent or unreadable). */
export function decisionsOf(data: Record<string, string> | undefined): Decision[] {
  const raw = data?.[DECISIONS_KEY];
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? (v as Decision[]).filter((d) => typeof d?.by === 'string' && typeof d?.action === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Node keys per ConfigMap. A node's entry is about 1–1.5 KB (its workloads and blocking PDBs), and a
 * ConfigMap holds at most 1 MiB: 200 a ConfigMap stays far below it and keeps each patch small.
 */
export const NODES_PER_CONFIGMAP = 200;
export const shardName = (run: string, i: number): string => `${configMapName(run)}-${i}`;

/** How many ConfigMaps besides the main one a run of `nodes` nodes uses. */
export const shardsFor = (nodes: number, perConfigMap = NODES_PER_CONFIGMAP): number => Math.max(0, Math.ceil(nodes / perConfigMap) - 1);

/** Which ConfigMap (0 = main) holds each node: the sorted names in `shards + 1` equal chunks. */
export function shardOf(names: Iterable<string>, shards: number): Map<string, number> {
  const sorted = [...names].sort();
  const chunk = Math.max(1, Math.ceil(sorted.length / (shards + 1)));
  return new Map(sorted.map((n, i) => [n, Math.min(shards, Math.floor(i / chunk))]));
}

interface ConfigMapObj {
  metadata?: { name?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

/** Decode a run's ConfigMap (undefined when it holds no run). */
export function decodeRun(cm: ConfigMapObj): { state: RunState; control: Control } | undefined {
  const data = cm.data ?? {};
  const raw = data[RUN_KEY];
  if (raw === undefined) return undefined;
  const base = JSON.parse(raw) as Omit<RunState, 'nodes'>;
  const nodes: Record<string, NodeState> = {};
  for (const [k, v] of Object.entries(data)) if (k.startsWith('node.')) nodes[k.slice(5)] = JSON.parse(v) as NodeState;
  return { state: { ...base, nodes }, control: controlOf(data) };
}

/** A run's main ConfigMap, or undefined when there is none. */
async function getMain(client: KubeClient, namespace: string, run: string): Promise<ConfigMapObj | undefined> {
  try {
    return await client.get<ConfigMapObj>(inNamespace(CORE.configMaps, namespace), configMapName(run));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The control key of a run's main ConfigMap ('' unless it says pause or abort). */
function controlOf(data: Record<string, string>): Control {
  const c = data[CONTROL_KEY] ?? '';
  return c === 'pause' || c === 'abort' ? c : '';
}

/**
 * The data of every ConfigMap of a run: [main, 1, …, shards]. The main one holds run.json, control,
 * the shard count and the first nodes; the others hold the run's id and their nodes.
 */
export function splitRun(s: RunState, control: Control, shards: number): Record<string, string>[] {
  const all = encodeRun(s, control);
  const out = Array.from({ length: shards + 1 }, (_, i): Record<string, string> =>
    i === 0 ? { [RUN_KEY]: all[RUN_KEY]!, [CONTROL_KEY]: control, [SHARDS_KEY]: String(shards) } : { [SHARD_RUN_KEY]: s.createdAt },
  );
  for (const [name, i] of shardOf(Object.keys(s.nodes), shards)) out[i]![nodeKey(name)] = all[nodeKey(name)]!;
  return out;
}

/** Encode the whole run (one key per node so that updates patch only what changed). */
export function encodeRun(s: RunState, control: Control = ''): Record<string, string> {
  const { nodes, ...base } = s;
  const data: Record<string, string> = { [RUN_KEY]: JSON.stringify(base), [CONTROL_KEY]: control };
  for (const n of Object.values(nodes)) data[nodeKey(n.name)] = JSON.stringify(n);
  return data;
}

/**
 * The run's state in a ConfigMap. Node updates are coalesced and written as one merge patch at
 * most every `flushMs`; `flush()` writes at once (used before a step that must not be repeated).
 */
export class RunStore {
  private readonly cms;
  private readonly dirty = new Set<string>();
  private runDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** ConfigMaps besides the main one, and which one holds each node. */
  readonly shards: number;
  private readonly where: Map<string, number>;
  private readonly flushMs: number;

  /** `shards`: as read from an existing run; a new run derives it from its node count. */
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    readonly run: string,
    readonly state: RunState,
    opts: { shards?: number; flushMs?: number } = {},
  ) {
    this.cms = inNamespace(CORE.configMaps, namespace);
    this.shards = opts.shards ?? shardsFor(Object.keys(state.nodes).length);
    this.where = shardOf(Object.keys(state.nodes), this.shards);
    this.flushMs = opts.flushMs ?? 300;
  }

  private cmName(i: number): string {
    return i === 0 ? configMapName(this.run) : shardName(this.run, i);
  }

  static async ensureNamespace(client: KubeClient, namespace: string): Promise<void> {
    try {
      await client.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  /** Read a run from its ConfigMaps (undefined when there is none); `shards` is how many more than the main one it uses. */
  static async read(client: KubeClient, namespace: string, run: string): Promise<{ state: RunState; control: Control; shards: number; decisions: Decision[] } | undefined> {
    const cms = inNamespace(CORE.configMaps, namespace);
    const main = await getMain(client, namespace, run);
    if (!main) return undefined;
    const data = { ...(main.data ?? {}) };
    const shards = Number(data[SHARDS_KEY] ?? 0) || 0;
    if (shards > 0 && data[RUN_KEY] !== undefined) {
      const id = (JSON.parse(data[RUN_KEY]) as { createdAt?: string }).createdAt;
      const parts = await Promise.all(
        Array.from({ length: shards }, async (_, k) => {
          const name = shardName(run, k + 1);
          const cm = await client.get<ConfigMapObj>(cms, name).catch((err: unknown) => {
            if (isNotFound(err)) return undefined;
            throw err;
          });
          if (cm?.data?.[SHARD_RUN_KEY] !== id) throw new Error(`the state of run ${run} is incomplete: ConfigMap ${namespace}/${name} ${cm ? 'belongs to another run' : 'is missing'}`);
          return cm!.data!;
        }),
      );
      for (const p of parts) for (const [k, v] of Object.entries(p)) if (k.startsWith('node.')) data[k] = v;
    }
    const r = decodeRun({ data });
    return r && { ...r, shards, decisions: decisionsOf(main.data) };
  }

  /**
   * Write the whole run, replacing any earlier run of that name. The further ConfigMaps go first and
   * the main one last: until it is written, the earlier run (or none) is what a reader sees.
   */
  async create(): Promise<void> {
    const parts = splitRun(this.state, '', this.shards);
    const put = async (i: number): Promise<void> => {
      const body = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: this.cmName(i), namespace: this.namespace, labels: { [RUN_LABEL]: this.run } },
        data: parts[i],
      };
      try {
        await this.client.create(this.cms, body);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        await this.client.replace(this.cms, this.cmName(i), body);
      }
    };
    await Promise.all(Array.from({ length: this.shards }, (_, k) => put(k + 1)));
    await put(0);
    // ConfigMaps an earlier, larger run of this name left behind.
    const mine = new Set(Array.from({ length: this.shards + 1 }, (_, i) => this.cmName(i)));
    const old = await this.client.list<ConfigMapObj>(this.cms, { labelSelector: `${RUN_LABEL}=${this.run}` }).catch(() => ({ items: [] as ConfigMapObj[] }));
    for (const cm of old.items) {
      const name = cm.metadata?.name ?? '';
      if (!mine.has(name) && name.startsWith(`${configMapName(this.run)}-`)) await this.client.delete(this.cms, name).catch(() => undefined);
    }
  }

  static async setControl(client: KubeClient, namespace: string, run: string, control: Control): Promise<void> {
    await client.patch(inNamespace(CORE.configMaps, namespace), configMapName(run), { data: { [CONTROL_KEY]: control } }, 'merge');
  }

  /**
   * The run's control key. It lives in the main ConfigMap, so only that one is read: at 1,000 nodes a whole
   * run is five ConfigMaps of about 250 KB each, and the runner asks every second.
   */
  async control(): Promise<Control> {
    return controlOf((await getMain(this.client, this.namespace, this.run))?.data ?? {});
  }

  nodeChanged(name: string): void {
    this.dirty.add(name);
    this.schedule();
  }

  runChanged(): void {
    this.runDirty = true;
    this.schedule();
  }

  /** Write pending changes now; rethrows a failed write. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(() => this.write());
    await this.writing;
    if (this.failure !== undefined) {
      const f = this.failure;
      this.failure = undefined;
      throw f;
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, this.flushMs);
  }

  /** One merge patch per ConfigMap that has changes (run.json lives in the main one). */
  private async write(): Promise<void> {
    if (this.dirty.size === 0 && !this.runDirty) return;
    const names = [...this.dirty];
    this.dirty.clear();
    const writeRun = this.runDirty;
    this.runDirty = false;
    const byCm = new Map<number, { names: string[]; data: Record<string, string> }>();
    const part = (i: number): { names: string[]; data: Record<string, string> } => {
      let p = byCm.get(i);
      if (!p) byCm.set(i, (p = { names: [], data: {} }));
      return p;
    };
    for (const n of names) {
      const ns = this.state.nodes[n];
      if (!ns) continue;
      const p = part(this.where.get(n) ?? 0);
      p.names.push(n);
      p.data[nodeKey(n)] = JSON.stringify(ns);
    }
    if (writeRun) part(0).data[RUN_KEY] = encodeRun({ ...this.state, nodes: {} })[RUN_KEY]!;
    await Promise.all(
      [...byCm].map(async ([i, p]) => {
        try {
          await patchRetrying(() => this.client.patch(this.cms, this.cmName(i), { data: p.data }, 'merge'));
        } catch (err) {
          for (const n of p.names) this.dirty.add(n);
          if (i === 0 && writeRun) this.runDirty = true;
          this.failure = err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
  }
}

/**
 * A merge patch is idempotent: a busy or briefly unreachable API server is asked again (kube/retry.ts),
 * for about 15 s in all before the failure is kept.
 */
async function patchRetrying(patch: () => Promise<unknown>): Promise<void> {
  await retry(patch, { attempts: 6, initialMs: 500, maxMs: 8_000 });
}
