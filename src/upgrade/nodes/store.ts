import { isAlreadyExists, isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import type { Control, NodeState, RunState } from './state.js';

/** Labels and names of the run's objects in the state namespace. */
export const RUN_LABEL = 'upgrade.plinth.dev/nodes-run';
export const LEASE_NAME = 'plinth-upgrade-nodes';
export const configMapName = (run: string): string => `plinth-upgrade-nodes-${run}`;

const RUN_KEY = 'run.json';
const CONTROL_KEY = 'control';
const nodeKey = (n: string): string => `node.${n}`;

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
  const c = data[CONTROL_KEY] ?? '';
  return { state: { ...base, nodes }, control: c === 'pause' || c === 'abort' ? c : '' };
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

  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    readonly run: string,
    readonly state: RunState,
    private readonly flushMs = 300,
  ) {
    this.cms = inNamespace(CORE.configMaps, namespace);
  }

  static async ensureNamespace(client: KubeClient, namespace: string): Promise<void> {
    try {
      await client.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  static async read(client: KubeClient, namespace: string, run: string): Promise<{ state: RunState; control: Control } | undefined> {
    try {
      return decodeRun(await client.get<ConfigMapObj>(inNamespace(CORE.configMaps, namespace), configMapName(run)));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Write the whole run, replacing any earlier run of that name. */
  async create(): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: configMapName(this.run), namespace: this.namespace, labels: { [RUN_LABEL]: this.run } },
      data: encodeRun(this.state),
    };
    try {
      await this.client.create(this.cms, body);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      await this.client.replace(this.cms, configMapName(this.run), body);
    }
  }

  static async setControl(client: KubeClient, namespace: string, run: string, control: Control): Promise<void> {
    await client.patch(inNamespace(CORE.configMaps, namespace), configMapName(run), { data: { [CONTROL_KEY]: control } }, 'merge');
  }

  async control(): Promise<Control> {
    return (await RunStore.read(this.client, this.namespace, this.run))?.control ?? '';
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

  private async write(): Promise<void> {
    if (this.dirty.size === 0 && !this.runDirty) return;
    const names = [...this.dirty];
    this.dirty.clear();
    const writeRun = this.runDirty;
    this.runDirty = false;
    const data: Record<string, string> = {};
    for (const n of names) {
      const ns = this.state.nodes[n];
      if (ns) data[nodeKey(n)] = JSON.stringify(ns);
    }
    if (writeRun) data[RUN_KEY] = encodeRun({ ...this.state, nodes: {} })[RUN_KEY]!;
    try {
      await this.client.patch(this.cms, configMapName(this.run), { data }, 'merge');
    } catch (err) {
      for (const n of names) this.dirty.add(n);
      if (writeRun) this.runDirty = true;
      this.failure = err instanceof Error ? err : new Error(String(err));
    }
  }
}
