import { createInterface } from 'node:readline/promises';
import { PlinthError } from '../../errors/index.js';

/**
 * Ask on the terminal before deleting local clusters' data (`plinth down --purge`). `yes` skips the
 * question; without a terminal to ask on, or when the answer is not yes, CLUSTER_PURGE_NOT_CONFIRMED.
 */
export async function confirmPurge(
  targets: readonly { name: string; stateDir: string }[],
  opts: { yes: boolean; input?: NodeJS.ReadableStream & { isTTY?: boolean }; output?: NodeJS.WritableStream },
): Promise<void> {
  if (opts.yes) return;
  const clusters = targets.map((t) => `"${t.name}"`).join(', ');
  const input = opts.input ?? process.stdin;
  if (input.isTTY !== true) throw new PlinthError('CLUSTER_PURGE_NOT_CONFIRMED', { clusters, why: 'there is no terminal to ask for confirmation' });
  const rl = createInterface({ input, output: opts.output ?? process.stderr, terminal: false });
  try {
    const where = targets.map((t) => t.stateDir).join(', ');
    // End of input (Ctrl-D) before an answer is a no.
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    const answer = await Promise.race([rl.question(`Delete local cluster ${clusters} and all its data (${where})? This cannot be undone. [y/N] `), closed]);
    if (!/^y(es)?$/i.test(answer.trim())) throw new PlinthError('CLUSTER_PURGE_NOT_CONFIRMED', { clusters, why: 'not confirmed' });
  } finally {
    rl.close();
  }
}
