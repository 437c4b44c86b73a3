/**
 * Joining a local member to its hub through the membership commands (double opt-in):
 * `plinth fleet token create` on the hub, `plinth fleet join NAME` on the member, `plinth fleet accept NAME`
 * on the hub. The stack and `plinth fleet create` call them through this interface; the commands run as
 * child processes of the same CLI, exactly as a person would type them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PlinthError, errorMessage } from '../../../errors/index.js';
import { labelsArg } from './plan.js';
import { sleep } from '../../../kube/clock.js';

const run = promisify(execFile);

export interface JoinTarget {
  /** The member's fleet name. */
  name: string;
  labels: Record<string, string>;
  /** Admin kubeconfig of the member cluster (join writes the agent's key and hub kubeconfig there). */
  memberKubeconfig: string;
  /** Admin kubeconfig of the hub (token create, accept). */
  hubKubeconfig: string;
  /** https://127.0.0.1:<port> of the hub's API server. */
  hubServer: string;
  /** The hub's CA certificate file. */
  hubCaFile: string;
}

export interface MemberJoiner {
  /** False when this build has no membership commands: members then run unjoined. */
  available(): Promise<boolean>;
  join(t: JoinTarget): Promise<void>;
}

/** The CLI entry of this process (node [its loader flags] main.js). */
export function cliEntry(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1] ?? ''];
}

async function plinth(args: string[]): Promise<string> {
  const [bin = process.execPath, ...pre] = cliEntry();
  try {
    const { stdout } = await run(bin, [...pre, ...args], { timeout: 180_000, maxBuffer: 4 << 20 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new PlinthError('INTERNAL', { detail: `plinth ${args.slice(0, 3).join(' ')} failed: ${stderr || errorMessage(err)}` }, { cause: err });
  }
}

/** The token out of `plinth fleet token create` output: the bare token, or `{token}` / `{status: {token}}` JSON. */
export function tokenOf(out: string): string {
  const text = out.trim();
  if (text.startsWith('{')) {
    const o = JSON.parse(text) as { token?: string; status?: { token?: string } };
    const t = o.token ?? o.status?.token;
    if (t) return t;
  }
  const last = text.split('\n').filter((l) => l.trim() !== '').at(-1)?.trim();
  if (!last) throw new PlinthError('INTERNAL', { detail: '`plinth fleet token create` printed no token' });
  return last;
}

/**
 * `plinth fleet accept NAME`, waiting (up to a minute) for the hub's MemberCluster controller to have
 * made the MemberCluster from the join's CSR: right after `join` it may not exist yet.
 */
async function acceptWhenListed(t: JoinTarget, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await plinth(['fleet', 'accept', t.name, '--kubeconfig', t.hubKubeconfig]);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

/** Joins by running `plinth fleet token create | join | accept`. */
export function cliMemberJoiner(): MemberJoiner {
  let known: boolean | undefined;
  return {
    async available(): Promise<boolean> {
      if (known === undefined) {
        const help = await plinth(['fleet', 'join', '--help']).catch(() => '');
        known = /Usage: .*fleet join/.test(help);
      }
      return known;
    },
    async join(t: JoinTarget): Promise<void> {
      const token = tokenOf(await plinth(['fleet', 'token', 'create', '-o', 'json', '--kubeconfig', t.hubKubeconfig]));
      await plinth([
        'fleet', 'join', t.name,
        '--hub', t.hubServer,
        '--token', token,
        '--hub-ca-file', t.hubCaFile,
        '--labels', labelsArg(t.labels),
        '--kubeconfig', t.memberKubeconfig,
      ]);
      await acceptWhenListed(t);
    },
  };
}
