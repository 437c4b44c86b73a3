import { spawn } from 'node:child_process';
import type { KubeClient } from '../../kube/http.js';
import type { UpgradeAction } from './options.js';
import type { KubeletSimulator } from './simulator.js';

/** Quote a word for `sh` (single quotes; a single quote becomes '\''). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command template with every `{node}` replaced by the node's name, shell-quoted. */
export function renderCommand(template: string, node: string): string {
  return template.replaceAll('{node}', shellQuote(node));
}

/** An ssh destination with `{node}` replaced (node names are DNS names; no quoting needed for argv). */
export function renderTarget(template: string, node: string): string {
  return template.replaceAll('{node}', node);
}

/** The argv of a local or ssh action for a node. */
export function actionArgv(a: Exclude<UpgradeAction, { kind: 'simulate' }>, node: string): { file: string; args: string[] } {
  if (a.kind === 'exec') return { file: 'sh', args: ['-c', renderCommand(a.command, node)] };
  return {
    file: 'ssh',
    args: ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15', renderTarget(a.target, node), renderCommand(a.command, node)],
  };
}

export interface ActionResult {
  ok: boolean;
  /** The last lines of output, or why it failed. */
  detail: string;
}

export function runProcess(file: string, args: string[], node: string, signal: AbortSignal): Promise<ActionResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PLINTH_NODE: node }, signal });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ ok: false, detail: signal.aborted ? 'interrupted' : `${file}: ${err.message}` }));
    child.on('close', (code, sig) => {
      const last = tail.trim().split('\n').slice(-3).join(' | ');
      if (code === 0) resolve({ ok: true, detail: last });
      else resolve({ ok: false, detail: `${file} exited with ${code ?? sig}${last ? `: ${last}` : ''}` });
    });
  });
}

/**
 * Upgrade one node. Simulated nodes are told the kubelet version to report by the simulator the command was
 * given (the local clusters' kwok kubelet); without one, --simulate-version fails the node.
 */
export async function runAction(client: KubeClient, a: UpgradeAction, node: string, signal: AbortSignal, simulator?: KubeletSimulator): Promise<ActionResult> {
  if (a.kind === 'simulate') {
    if (!simulator) return { ok: false, detail: '--simulate-version needs a simulated cluster, and none was given' };
    await simulator.setKubeletVersion(client, node, a.version, signal);
    return { ok: true, detail: `kubelet version set to ${a.version}` };
  }
  const { file, args } = actionArgv(a, node);
  return runProcess(file, args, node, signal);
}
