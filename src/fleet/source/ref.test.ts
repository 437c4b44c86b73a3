import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PlinthError } from '../../errors/index.js';
import { parseInterval, refNameProblem, remoteRef, repoDir, sourceRef } from './ref.js';
import { classifyGitFailure } from './exec.js';
import { parseLsRemote } from './git.js';
import { credentialsFromSecret, credentialsKey, gitAuthEnv, httpAuthConfig } from './auth.js';
import { existsSync, mkdtempSync, readFileSync as read, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUSTOMIZE_VERSION } from './kustomize.js';

test('refs are checked as git check-ref-format would, and never read as an option', () => {
  for (const ok of ['main', 'release/1.2', 'v1.0.0', 'feature/x-y_z']) assert.equal(refNameProblem(ok), undefined, ok);
  for (const bad of ['', '-rf', 'a..b', 'a b', 'x.lock', 'a/.b', '/a', 'a/', 'a@{1}', 'a~1', 'a:b', 'a\\b', 'end.']) assert.notEqual(refNameProblem(bad), undefined, bad);
  assert.deepEqual(sourceRef({ tag: 'v1' }), { kind: 'tag', name: 'v1' });
  assert.deepEqual(sourceRef({ commit: 'abc1234' }), { kind: 'commit', name: 'abc1234' });
  assert.throws(() => sourceRef({ commit: 'XYZ' }), (e: unknown) => e instanceof PlinthError && e.code === 'FLEET_GIT_REF_INVALID');
  assert.throws(() => sourceRef({ branch: '--upload-pack=evil' }), /starts with "-"/);
  assert.throws(() => sourceRef({ branch: 'a', tag: 'b' }), /exactly one/);
  assert.equal(remoteRef({ kind: 'branch', name: 'main' }), 'refs/heads/main');
  assert.equal(remoteRef({ kind: 'commit', name: 'abc1234' }), undefined);
});

test('repository paths are normalised and may not leave the repository', () => {
  assert.equal(repoDir(undefined, ''), '');
  assert.equal(repoDir('deploy/', './apps/web/'), 'deploy/apps/web');
  assert.equal(repoDir('deploy', 'apps/../base'), 'deploy/base');
  assert.throws(() => repoDir('deploy', '../../etc'), /leaves the repository/);
  assert.throws(() => repoDir('/etc', ''), /absolute/);
});

test('intervals are Go durations', () => {
  assert.equal(parseInterval('1m'), 60_000);
  assert.equal(parseInterval('1h30m'), 5_400_000);
  assert.equal(parseInterval('1.5s'), 1500);
  assert.equal(parseInterval('500ms'), 500);
  assert.equal(parseInterval('5'), undefined);
});

test("git's failures are told apart: auth refused, unreachable, unknown ref", () => {
  assert.equal(classifyGitFailure("fatal: could not read Username for 'https://h': terminal prompts disabled"), 'auth');
  assert.equal(classifyGitFailure('git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.'), 'auth');
  assert.equal(classifyGitFailure("fatal: unable to access 'https://h/r.git/': The requested URL returned error: 403"), 'auth');
  assert.equal(classifyGitFailure('fatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: 127.0.0.1]: errno=Connection refused'), 'unreachable');
  assert.equal(classifyGitFailure("fatal: remote error: access denied or repository not exported: /nope.git"), 'unreachable');
  assert.equal(classifyGitFailure('fatal: remote error: no such repository: /nope.git'), 'unreachable');
  assert.equal(classifyGitFailure("fatal: unable to access 'https://nowhere.invalid/': Could not resolve host: nowhere.invalid"), 'unreachable');
  assert.equal(classifyGitFailure("fatal: couldn't find remote ref refs/heads/nope"), 'unknown-ref');
  assert.equal(classifyGitFailure('error: something else'), 'other');
});

test('ls-remote output: a branch, and an annotated tag by its peeled commit', () => {
  const out = 'aaa\trefs/heads/main\nbbb\trefs/tags/v1\nccc\trefs/tags/v1^{}\n';
  assert.equal(parseLsRemote(out, 'refs/heads/main'), 'aaa');
  assert.equal(parseLsRemote(out, 'refs/tags/v1'), 'ccc');
  assert.equal(parseLsRemote(out, 'refs/heads/none'), undefined);
});

test('credentials: a token becomes a header scoped to the URL, and sharing is keyed by a digest of them', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const creds = credentialsFromSecret('ns/git', { username: b64('bot'), password: b64('s3cret') });
  const env = httpAuthConfig('https://git.example/r.git', creds.username, creds.password!);
  assert.equal(env.GIT_CONFIG_KEY_0, 'http.https://git.example/r.git.extraHeader');
  assert.equal(env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${b64('bot:s3cret')}`);
  assert.equal(credentialsKey(undefined), 'anonymous');
  assert.notEqual(credentialsKey(creds), credentialsKey({ ...creds, password: 'other' }));
  assert.doesNotMatch(credentialsKey(creds), /s3cret/);
  assert.throws(() => credentialsFromSecret('ns/empty', {}), (e: unknown) => e instanceof PlinthError && e.code === 'FLEET_GIT_SECRET_INVALID');
});

test('.ci/install-kustomize builds the version the renderer pins', () => {
  const script = readFileSync(new URL('../../../.ci/install-kustomize', import.meta.url), 'utf8');
  assert.match(script, new RegExp(`^KUSTOMIZE_VERSION=${KUSTOMIZE_VERSION.replace(/\./g, '\\.')}$`, 'm'));
});

test('an SSH key goes to a 0600 file named only by GIT_SSH_COMMAND, and is removed after', async () => {
  const root = mkdtempSync(join(tmpdir(), 'plinth-auth-'));
  try {
    const auth = await gitAuthEnv('git@git.example:team/repo.git', { secret: 'ns/ssh', identity: 'KEY-MATERIAL', knownHosts: 'git.example ssh-ed25519 AAAA' }, root);
    const cmd = auth.env.GIT_SSH_COMMAND ?? '';
    const key = /-i '([^']+)'/.exec(cmd)?.[1];
    assert.ok(key, cmd);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(read(key, 'utf8'), 'KEY-MATERIAL\n');
    assert.match(cmd, /IdentitiesOnly=yes .*BatchMode=yes .*StrictHostKeyChecking=yes .*UserKnownHostsFile='[^']+known_hosts'/);
    assert.doesNotMatch(cmd, /KEY-MATERIAL/);
    await auth.cleanup();
    assert.equal(existsSync(key), false);
    // An https URL needs a token: a Secret holding only an SSH key is refused for it.
    await assert.rejects(gitAuthEnv('https://git.example/r.git', { secret: 'ns/ssh', identity: 'K' }, root), /needs `password`/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
