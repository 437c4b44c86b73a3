/**
 * The upgrade routes, every cluster call as the signed-in user: the readiness report (the live assess of
 * `plinth upgrade assess`), node runs (their state ConfigMaps) with pause/resume/abort (decide.ts, as the CLI),
 * and switch plans (the state files of the work directories given with --switch-dir).
 */
import type { FastifyInstance } from 'fastify';
import type { V1Node } from '@kubernetes/client-node';
import { PlinthError } from '../../errors/index.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { KubeLeaseLock } from '../../kube/leader.js';
import { runAssessment } from '../../upgrade/assess/assess.js';
import { abortOffline } from '../../upgrade/nodes/control.js';
import type { Ctx } from '../../upgrade/nodes/context.js';
import { decide } from '../../upgrade/nodes/decide.js';
import { holderLive } from '../../upgrade/nodes/lock.js';
import type { RunState } from '../../upgrade/nodes/state.js';
import { decodeRun, LEASE_NAME, RUN_LABEL, RunStore } from '../../upgrade/nodes/store.js';
import { parseTarget } from '../cli/upgrade/assess.js';
import { sessionOf, userClient, type ConsoleContext } from './context.js';
import { ErrorBodySchema } from './schemas.js';
import {
  NodeRunActionParams,
  NodeRunActionResult,
  NodeRunDetailSchema,
  NodeRunList,
  NodeRunNsQuery,
  NodeRunParams,
  NodeRunsQuery,
  ReadinessQuery,
  ReadinessSchema,
  SwitchItemSchema,
  SwitchList,
  SwitchParams,
  type NodeRunActionParamsT,
  type NodeRunNsQueryT,
  type NodeRunParamsT,
  type NodeRunsQueryT,
  type ReadinessQueryT,
  type SwitchParamsT,
} from './schemas-upgrade.js';
import { readSwitches, switchNames, type SwitchItem } from './switch-views.js';
import { nodeRunDetail, nodeRunItem, readiness, type NodeRunDetail, type NodeRunItem, type Readiness } from './upgrade-views.js';

const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };
/** Where `plinth upgrade nodes` keeps a run's state unless --state-namespace says otherwise. */
export const DEFAULT_STATE_NAMESPACE = 'plinth-system';

export interface UpgradeRouteOptions {
  /** Switch work directories the console shows (`--switch-dir`). */
  switchDirs?: readonly string[];
}

/** The client as the user, whose `close` leaves the console's shared connections alone (runAssessment closes it). */
function unclosable(c: KubeClient): KubeClient {
  return Object.assign(Object.create(c) as KubeClient, { close: (): void => undefined });
}

/** The assess report of the live cluster as the user (what `plinth upgrade assess --to TARGET` reads). */
export async function readinessOf(client: KubeClient, target: string): Promise<Readiness> {
  const report = await runAssessment({ target: parseTarget(target, 'target'), files: [], live: true, helm: false, connect: () => Promise.resolve({ client: unclosable(client), server: client.server }) });
  return readiness(report);
}

interface ConfigMapObj {
  metadata?: { name?: string };
  data?: Record<string, string>;
}

/** One page of node runs (their main ConfigMaps; a run spread over several is read whole). */
export async function listNodeRuns(client: KubeClient, q: NodeRunsQueryT): Promise<{ items: NodeRunItem[]; continue: string | null }> {
  const ns = q.namespace ?? DEFAULT_STATE_NAMESPACE;
  const page = await client.list<ConfigMapObj>(inNamespace(CORE.configMaps, ns), { labelSelector: RUN_LABEL, limit: q.limit ?? 100, continue: q.continue });
  const items: NodeRunItem[] = [];
  for (const cm of page.items) {
    const data = cm.data ?? {};
    if (data['run.json'] === undefined) continue;
    const shards = Number(data['shards'] ?? 0) || 0;
    const r = shards > 0 ? await RunStore.read(client, ns, (JSON.parse(data['run.json']) as { name: string }).name) : decodeRun(cm);
    if (r) items.push(nodeRunItem(r.state, r.control));
  }
  items.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return { items, continue: page.metadata.continue || null };
}

/** The zones of the nodes, when the user may list nodes (an empty map otherwise). */
async function zonesOf(client: KubeClient): Promise<Map<string, string>> {
  try {
    const nodes = await client.list<V1Node>(CORE.nodes);
    return new Map(nodes.items.map((n) => [n.metadata?.name ?? '', n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? '']));
  } catch {
    return new Map();
  }
}

export async function nodeRunOf(client: KubeClient, namespace: string, run: string): Promise<NodeRunDetail> {
  const r = await RunStore.read(client, namespace, run);
  if (!r) throw new PlinthError('UPGRADE_NODES_NO_RUN', { run, namespace });
  return nodeRunDetail(r.state, r.control, r.decisions, await zonesOf(client), Date.now());
}

export interface NodeRunActionResultT {
  name: string;
  action: string;
  phase: RunState['phase'];
  control: '' | 'pause' | 'abort';
  by: string;
  outcome: 'requested' | 'done' | 'withdrawn';
}

/**
 * Pause, resume or abort as `by` (the client acts as that user): the same decision the CLI records. An abort
 * no live process will carry out (the run crashed, or is Paused) is finished here, as `--abort` does; a Paused
 * run is resumed only by a process that acts on it (the CLI), so resume withdraws a pending pause and nothing else.
 */
export async function nodeRunAction(client: KubeClient, namespace: string, run: string, action: 'pause' | 'resume' | 'abort', by: string): Promise<NodeRunActionResultT> {
  const before = await RunStore.read(client, namespace, run);
  if (action === 'resume' && before?.state.phase === 'Paused') {
    throw new PlinthError('CONSOLE_CLI_ONLY', {
      action: 'resume',
      what: `node run "${run}"`,
      detail: 'a paused run goes on only in a process that acts on it (drains, the upgrade action, health gates) and holds its lease',
      command: `plinth upgrade nodes --resume --name ${run}${namespace === DEFAULT_STATE_NAMESPACE ? '' : ` --state-namespace ${namespace}`}`,
      where: 'where the run\'s upgrade action can reach the nodes',
    });
  }
  const d = await decide(client, namespace, run, action, by);
  if (action !== 'abort') return { name: run, action, phase: d.phase, control: d.control, by, outcome: action === 'resume' ? 'withdrawn' : 'requested' };
  const held = await new KubeLeaseLock(client, namespace, LEASE_NAME).get(AbortSignal.timeout(30_000));
  if (held && holderLive(held.record, Date.now())) return { name: run, action, phase: d.phase, control: d.control, by, outcome: 'requested' };
  const ctx: Ctx = { client, namespace, run, g: { output: 'json' } };
  const out = await abortOffline(ctx);
  const after = await RunStore.read(client, namespace, run);
  return { name: run, action, phase: after?.state.phase ?? d.phase, control: after?.control ?? d.control, by, outcome: out && out.by !== 'requested' ? 'done' : 'requested' };
}

export function registerUpgradeRoutes(app: FastifyInstance, ctx: ConsoleContext, opts: UpgradeRouteOptions = {}): void {
  app.get<{ Querystring: ReadinessQueryT }>(
    '/api/v1/upgrade/readiness',
    { schema: { summary: 'The upgrade assessment of the live cluster as the user (plinth upgrade assess --to TARGET): every finding with its fix', querystring: ReadinessQuery, response: { 200: ReadinessSchema, ...ERRORS } } },
    (req) => readinessOf(userClient(ctx, req), req.query.target),
  );
  app.get<{ Querystring: NodeRunsQueryT }>(
    '/api/v1/upgrade/node-runs',
    { schema: { summary: 'Node upgrade runs (their state ConfigMaps), paged by the API server', querystring: NodeRunsQuery, response: { 200: NodeRunList, ...ERRORS } } },
    (req) => listNodeRuns(userClient(ctx, req), req.query),
  );
  app.get<{ Params: NodeRunParamsT; Querystring: NodeRunNsQueryT }>(
    '/api/v1/upgrade/node-runs/:name',
    { schema: { summary: "A node run: each node's phase, time and what it waits for; who decided what", params: NodeRunParams, querystring: NodeRunNsQuery, response: { 200: NodeRunDetailSchema, ...ERRORS } } },
    (req) => nodeRunOf(userClient(ctx, req), req.query.namespace ?? DEFAULT_STATE_NAMESPACE, req.params.name),
  );
  app.post<{ Params: NodeRunActionParamsT; Querystring: NodeRunNsQueryT }>(
    '/api/v1/upgrade/node-runs/:name/:action',
    {
      schema: {
        summary: 'Pause, resume (withdraw a pending pause) or abort a node run as the user (recorded in its decisions); needs X-Plinth-CSRF',
        params: NodeRunActionParams,
        querystring: NodeRunNsQuery,
        response: { 200: NodeRunActionResult, ...ERRORS, 409: ErrorBodySchema },
      },
    },
    (req) => nodeRunAction(userClient(ctx, req), req.query.namespace ?? DEFAULT_STATE_NAMESPACE, req.params.name, req.params.action, sessionOf(req).identity.user),
  );

  const dirs = switchNames(opts.switchDirs ?? []);
  /** Switches are about the whole cluster: shown to users the API server lets list nodes. */
  const switches = async (client: KubeClient): Promise<SwitchItem[]> => {
    await client.list(CORE.nodes, { limit: 1 });
    return readSwitches(dirs);
  };
  const oneSwitch = async (client: KubeClient, name: string): Promise<SwitchItem> => {
    const item = (await switches(client)).find((s) => s.name === name);
    if (!item) throw new PlinthError('CONSOLE_SWITCH_UNKNOWN', { name, known: [...dirs.keys()].join(', ') || 'none' });
    return item;
  };
  app.get(
    '/api/v1/upgrade/switches',
    { schema: { summary: 'Switch plans (the work directories given with --switch-dir) with their phases and timings', response: { 200: SwitchList, ...ERRORS } } },
    async (req) => ({ items: await switches(userClient(ctx, req)), continue: null }),
  );
  app.get<{ Params: SwitchParamsT }>(
    '/api/v1/upgrade/switches/:name',
    { schema: { summary: "A switch plan's phases with timings, and whether it can be rolled back", params: SwitchParams, response: { 200: SwitchItemSchema, ...ERRORS } } },
    (req) => oneSwitch(userClient(ctx, req), req.params.name),
  );
  app.post<{ Params: SwitchParamsT }>(
    '/api/v1/upgrade/switches/:name/rollback',
    { schema: { summary: 'Roll back a switch: always 409 naming the CLI command (it runs host commands against the export of the work directory)', params: SwitchParams, response: { ...ERRORS, 409: ErrorBodySchema } } },
    async (req) => {
      const s = await oneSwitch(userClient(ctx, req), req.params.name);
      throw new PlinthError('CONSOLE_CLI_ONLY', {
        action: 'roll back',
        what: `switch "${s.name}"`,
        detail: s.canRollback
          ? "a rollback runs the plan's host commands (ssh or local) and checks the old cluster against the export in the work directory, so it runs from the machine holding them"
          : `nothing to roll back (its ${s.operation} is ${s.status})`,
        command: s.rollbackCommand,
        where: `on the machine holding ${s.workDir}`,
      });
    },
  );
}

