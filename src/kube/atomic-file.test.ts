import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from './atomic-file.js';

test('writeAtomic replaces the file whole, leaves no temporary file, and sets the mode asked for', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'record.json');
  await writeAtomic(file, '{"a":1}');
  await writeAtomic(file, '{"a":2}', { mode: 0o600 });
  assert.equal(await readFile(file, 'utf8'), '{"a":2}');
  assert.deepEqual(await readdir(dir), ['record.json']);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
});
