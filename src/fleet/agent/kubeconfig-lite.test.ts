import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeConfigFromFile, kubeConfigFromText, memberKubeconfigPath } from './kubeconfig-lite.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('a client-certificate kubeconfig gives the server, CA, cert and key without client-node', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: hub',
    'clusters:',
    `- name: hub\n  cluster:\n    server: https://127.0.0.1:6443\n    certificate-authority-data: ${b64('CA')}\n    tls-server-name: kubernetes`,
    `users:\n- name: agent\n  user:\n    client-certificate-data: ${b64('CERT')}\n    client-key-data: ${b64('KEY')}`,
    'contexts:\n- name: hub\n  context:\n    cluster: hub\n    user: agent\n    namespace: plinth-member-a',
  ].join('\n');
  const kc = await kubeConfigFromText(text, 'test');
  assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
  assert.equal(kc.getCurrentUser()?.exec, undefined);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  assert.deepEqual([opts.ca, opts.cert, opts.key], [Buffer.from('CA'), Buffer.from('CERT'), Buffer.from('KEY')]);
  assert.equal(opts.servername, 'kubernetes');
  assert.deepEqual(opts.headers, {});
  assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'plinth-member-a');
});

test('a token from a file and insecure-skip-tls-verify; errors name the source', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  writeFileSync(join(dir, 'token'), 'secret-token\n');
  const file = join(dir, 'config');
  writeFileSync(file, JSON.stringify({
    'current-context': 'c',
    clusters: [{ name: 'x', cluster: { server: 'https://h:1', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { tokenFile: join(dir, 'token') } }],
    contexts: [{ name: 'c', context: { cluster: 'x', user: 'u' } }],
  }));
  const kc = await kubeConfigFromFile(file);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  assert.equal(opts.rejectUnauthorized, false);
  assert.deepEqual(opts.headers, { Authorization: 'Bearer secret-token' });
  await assert.rejects(kubeConfigFromText('current-context: none\ncontexts: []', 'Secret s'), /Secret s.*context "none" not found/);
  await assert.rejects(kubeConfigFromFile(join(dir, 'missing')), /KUBECONFIG|no such file/i);
  assert.equal(memberKubeconfigPath('/given', undefined, {}), '/given');
  assert.equal(memberKubeconfigPath(undefined, undefined, { KUBECONFIG: '/a:/b' }), '/a');
});
