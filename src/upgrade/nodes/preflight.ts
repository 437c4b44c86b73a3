import type { V1Node } from '@kubernetes/client-node';
import { PlinthError } from '../../errors/index.js';
import { forEachLimit } from '../../kube/pool.js';
import { actionArgv, runProcess } from './action.js';
import type { UpgradeAction } from './options.js';
import type { KubeletSimulator } from './simulator.js';
import type { NodePhase } from './state.js';
import { kubeletVersion } from './world.js';

/** Nodes whose preflight runs at once. */
const PREFLIGHT_CONCURRENCY = 16;

/** The longest one node's preflight may take (ssh's own ConnectTimeout is 15 s). */
const PREFLIGHT_TIMEOUT_MS = 60_000;

/** How many failed nodes the error names one by one. */
const NAMED = 5;

export interface PreflightFailure {
  node: string;
  why: string;
}

/**
 * What the preflight of `a` runs for `node`: over ssh, `true` (or --preflight) on the node's host; with --exec,
 * the --preflight command locally. Undefined when the action has nothing to run (--exec without --preflight;
 * --simulate-version, whose nodes are checked by the simulator).
 */
export function preflightArgv(a: UpgradeAction, node: string): { file: string; args: string[] } | undefined {
  if (a.kind === 'ssh') return actionArgv({ ...a, command: a.preflight ?? 'true' }, node);
  if (a.kind === 'exec' && a.preflight !== undefined) return actionArgv({ kind: 'exec', command: a.preflight }, node);
  return undefined;
}

/** The nodes a run will still run the action on: not at the expected version, and not past their upgrade. */
export function stillToUpgrade(nodes: readonly V1Node[], expectVersion: string | undefined, phaseOf: (node: string) => NodePhase | undefined = () => 'pending'): V1Node[] {
  const before: readonly (NodePhase | undefined)[] = ['pending', 'cordon', 'drain', 'upgrade'];
  return nodes.filter((n) => before.includes(phaseOf(n.metadata?.name ?? '')) && (expectVersion === undefined || kubeletVersion(n) !== expectVersion));
}

/**
 * Reaches every node once the way the action will, before any node is cordoned: runs preflightArgv for each
 * (at most PREFLIGHT_CONCURRENCY at once, each within PREFLIGHT_TIMEOUT_MS), or asks the simulator whether it
 * simulates the node. Returns the nodes that failed and why, by name.
 */
export async function preflight(a: UpgradeAction, nodes: readonly V1Node[], simulator?: KubeletSimulator, timeoutMs = PREFLIGHT_TIMEOUT_MS): Promise<PreflightFailure[]> {
  const failures: PreflightFailure[] = [];
  const names = nodes.map((n) => n.metadata?.name ?? '');
  if (a.kind === 'simulate') {
    for (const n of nodes) {
      const why = simulator ? simulator.refuses(n) : 'no simulated kubelet: --simulate-version works on local clusters only';
      if (why !== undefined) failures.push({ node: n.metadata?.name ?? '', why });
    }
  } else {
    await forEachLimit(names, PREFLIGHT_CONCURRENCY, async (node) => {
      const argv = preflightArgv(a, node);
      if (!argv) return;
      const signal = AbortSignal.timeout(timeoutMs);
      const r = await runProcess(argv.file, argv.args, node, signal);
      if (!r.ok) failures.push({ node, why: signal.aborted ? `\`${argv.file}\` did not finish within ${timeoutMs / 1000}s` : r.detail });
    });
  }
  return failures.sort((x, y) => x.node.localeCompare(y.node));
}

/** The one-line error for a failed preflight: how many nodes, the first few by name with why, and what to check. */
export function preflightError(a: UpgradeAction, failures: readonly PreflightFailure[], total: number): PlinthError {
  const named = failures.slice(0, NAMED).map((f) => `${f.node}: ${f.why}`);
  if (failures.length > NAMED) named.push(`and ${failures.length - NAMED} more`);
  const fix =
    a.kind === 'ssh'
      ? `\`ssh -o BatchMode=yes ${a.target} ${a.preflight ?? 'true'}\` must work for every node: check the destination, DNS and keys`
      : a.kind === 'exec'
        ? 'the --preflight command must exit 0 for every node'
        : '--simulate-version works on the nodes of local clusters only';
  return new PlinthError('UPGRADE_NODES_PREFLIGHT_FAILED', { failed: failures.length, total, detail: named.join('; '), fix });
}
