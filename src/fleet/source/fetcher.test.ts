import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { fetchKey, SourceFetcher } from './fetcher.js';
import type { FetchRequest, GitCache } from './git.js';

/** A Git cache whose server head the test moves; counts what the fetcher asks of it. */
function fakeGit(): { git: GitCache; calls: string[]; setHead: (sha: string) => void; fail: (err?: Error) => void } {
  let head = 'a'.repeat(40);
  let failure: Error | undefined;
  const calls: string[] = [];
  const git = {
    lsRemote: async (req: FetchRequest): Promise<string> => {
      calls.push(`ls-remote ${req.url}`);
      await new Promise((r) => setImmediate(r));
      if (failure) throw failure;
      return head;
    },
    fetch: async (req: FetchRequest, known?: string): Promise<string> => {
      calls.push(`fetch ${req.url} ${known ?? req.ref.name}`);
      await new Promise((r) => setImmediate(r));
      return known ?? req.ref.name;
    },
    checkout: (_url: string, commit: string): Promise<string> => Promise.resolve(`/content/${commit}`),
  } as unknown as GitCache;
  return { git, calls, setHead: (sha) => (head = sha), fail: (err) => (failure = err) };
}

const req: FetchRequest = { url: 'git://h/r.git', ref: { kind: 'branch', name: 'main' } };

test('callers of one URL and ref share a check in flight and a recent one; a new head is fetched once', async () => {
  let now = 1_000_000;
  const { git, calls, setHead } = fakeGit();
  const f = new SourceFetcher(git, () => now);
  const [a, b] = await Promise.all([f.resolve(req, 60_000), f.resolve({ ...req }, 60_000)]);
  assert.equal(a, b);
  assert.deepEqual(calls, [`ls-remote ${req.url}`, `fetch ${req.url} ${'a'.repeat(40)}`]);
  now += 30_000;
  await f.resolve(req, 60_000);
  assert.equal(calls.length, 2, 'a check younger than maxAge is reused');
  now += 31_000;
  await f.resolve(req, 60_000);
  assert.equal(calls.length, 3, 'an older one makes a new ls-remote; the head did not move, so no fetch');
  setHead('b'.repeat(40));
  const r = await f.resolve(req, 0);
  assert.equal(r.commit, 'b'.repeat(40));
  assert.equal(r.dir, `/content/${'b'.repeat(40)}`);
  assert.deepEqual(calls.slice(3), [`ls-remote ${req.url}`, `fetch ${req.url} ${'b'.repeat(40)}`]);
  assert.deepEqual(f.stats(fetchKey(req)), { lsRemotes: 3, fetches: 2 });
});

test('different credentials never share; a failure is shared until maxAge like a success', async () => {
  const now = 5_000_000;
  const { git, calls, fail } = fakeGit();
  const f = new SourceFetcher(git, () => now);
  const withToken: FetchRequest = { ...req, credentials: { secret: 'ns/t', password: 'x' } };
  assert.notEqual(fetchKey(req), fetchKey(withToken));
  fail(new PlinthError('FLEET_GIT_UNREACHABLE', { url: req.url, detail: 'down' }));
  await assert.rejects(f.resolve(req, 60_000), /cannot reach/);
  await assert.rejects(f.resolve(req, 60_000), /cannot reach/);
  assert.equal(calls.length, 1, 'the second caller got the cached failure');
  await assert.rejects(f.resolve(withToken, 60_000), /cannot reach/);
  assert.equal(calls.length, 2, 'other credentials check on their own');
});

test('a commit ref is fetched once and then served from the cache', async () => {
  const { git, calls } = fakeGit();
  const f = new SourceFetcher(git, () => 0);
  const byCommit: FetchRequest = { url: req.url, ref: { kind: 'commit', name: 'c'.repeat(40) } };
  await f.resolve(byCommit, 0);
  await f.resolve(byCommit, 0);
  assert.deepEqual(calls, [`fetch ${req.url} ${'c'.repeat(40)}`]);
});
