import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PlinthError } from '../../errors/index.js';
import { confirmPurge } from './confirm.js';

const targets = [{ name: 'plinth', stateDir: '/cache/clusters/plinth' }];

function terminal(answer: string | undefined): { input: PassThrough & { isTTY?: boolean }; output: PassThrough; asked: () => string } {
  const input: PassThrough & { isTTY?: boolean } = new PassThrough();
  input.isTTY = true;
  const output = new PassThrough();
  let asked = '';
  output.on('data', (d: Buffer) => {
    asked += d.toString();
    if (answer !== undefined) input.write(`${answer}\n`);
  });
  return { input, output, asked: () => asked };
}

function refused(why: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof PlinthError && err.code === 'CLUSTER_PURGE_NOT_CONFIRMED' && why.test(err.message);
}

test('--yes deletes without asking, even without a terminal', async () => {
  const input: PassThrough & { isTTY?: boolean } = new PassThrough();
  await confirmPurge(targets, { yes: true, input });
});

test('without a terminal and without --yes it refuses', async () => {
  const input: PassThrough & { isTTY?: boolean } = new PassThrough();
  await assert.rejects(confirmPurge(targets, { yes: false, input }), refused(/no terminal/));
});

test('on a terminal it asks, naming the cluster and its data, and goes on only on yes', async () => {
  const yes = terminal('y');
  await confirmPurge(targets, { yes: false, input: yes.input, output: yes.output });
  assert.match(yes.asked(), /Delete local cluster "plinth" and all its data \(\/cache\/clusters\/plinth\)\?.*\[y\/N\]/);
  const typed = terminal('YES');
  await confirmPurge(targets, { yes: false, input: typed.input, output: typed.output });
  for (const answer of ['', 'n', 'no', 'maybe']) {
    const t = terminal(answer);
    await assert.rejects(confirmPurge(targets, { yes: false, input: t.input, output: t.output }), refused(/not confirmed/));
  }
});

test('end of input before an answer is a no', async () => {
  const t = terminal(undefined);
  t.output.once('data', () => t.input.end());
  await assert.rejects(confirmPurge(targets, { yes: false, input: t.input, output: t.output }), refused(/not confirmed/));
});
