import { createInterface } from 'node:readline/promises';
import { PlinthError } from '../../../errors/index.js';

/** Ask before `plinth fleet recycle` deletes a cluster; `yes` skips; no terminal and no --yes refuses. */
export async function confirmRecycle(
  name: string,
  opts: { yes: boolean; input?: NodeJS.ReadableStream & { isTTY?: boolean }; output?: NodeJS.WritableStream },
): Promise<void> {
  if (opts.yes) return;
  const input = opts.input ?? process.stdin;
  if (input.isTTY !== true) throw new PlinthError('FLEET_RECYCLE_NOT_CONFIRMED', { cluster: name, why: 'there is no terminal to ask for confirmation' });
  const rl = createInterface({ input, output: opts.output ?? process.stderr, terminal: false });
  try {
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    const answer = await Promise.race([rl.question(`Recycle member cluster "${name}": delete its deliveries, its membership, the cluster and all its data? [y/N] `), closed]);
    if (!/^y(es)?$/i.test(answer.trim())) throw new PlinthError('FLEET_RECYCLE_NOT_CONFIRMED', { cluster: name, why: 'not confirmed' });
  } finally {
    rl.close();
  }
}
