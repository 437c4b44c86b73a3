import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer } from './git-server.js';

const run = promisify(execFile);

test('one bare repository is served over smart HTTP and git daemon, and a pushed commit shows on both', async () => {
  const server = await startGitServer();
  const scratch = mkdtempSync(join(tmpdir(), 'plinth-git-server-test-'));
  try {
    const first = await server.createRepo('fleet', { 'app/cm.yaml': 'value: one\n' });
    const second = await server.commit('fleet', { 'app/cm.yaml': 'value: two\n' }, 'change the value');
    assert.notEqual(first, second);
    for (const url of [server.httpUrl('fleet'), server.daemonUrl('fleet')]) {
      const { stdout } = await run('git', ['ls-remote', url, 'refs/heads/main']);
      assert.equal(stdout.split('\t')[0], second, `ls-remote ${url}`);
    }
    const dest = join(scratch, 'clone');
    await run('git', ['clone', '-q', '--depth', '1', server.httpUrl('fleet'), dest]);
    assert.equal(readFileSync(join(dest, 'app/cm.yaml'), 'utf8'), 'value: two\n');
    await assert.rejects(run('git', ['ls-remote', server.httpUrl('missing')]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await server.stop();
  }
});
