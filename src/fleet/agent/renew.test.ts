import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringifyKubeYaml, parseKubeYaml } from '../../kube/yaml.js';
import { MIN_RENEW_INTERVAL_MS, inlineClientCert, renewDelayMs, withClientCert } from './renew.js';

const DAY = 86_400_000;

test('renewal is due at the fraction of the certificate life, not sooner than the minimum interval after the last one', () => {
  const life = { notBefore: 0, notAfter: 10 * DAY };
  assert.equal(renewDelayMs(life, 0.8, 0), 8 * DAY);
  assert.equal(renewDelayMs(life, 0.8, 9 * DAY), 0, 'overdue: now');
  assert.equal(renewDelayMs(life, 0, 5 * DAY), 0, 'a forced threshold of 0: now');
  assert.equal(renewDelayMs(life, 0, 5 * DAY, 5 * DAY), MIN_RENEW_INTERVAL_MS, 'just renewed: not again at once');
});

const kubeconfig = (user: Record<string, string>): string =>
  stringifyKubeYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hub', cluster: { server: 'https://hub:6443', 'certificate-authority-data': 'Q0E=' } }],
    users: [{ name: 'other', user: { token: 't' } }, { name: 'plinth-agent', user }],
    contexts: [{ name: 'hub', context: { cluster: 'hub', user: 'plinth-agent' } }],
    'current-context': 'hub',
  });

test('only an inline client certificate is renewed; the new one replaces it and nothing else changes', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const text = kubeconfig({ 'client-certificate-data': b64('OLD CERT'), 'client-key-data': b64('OLD KEY') });
  assert.equal(inlineClientCert(text), 'OLD CERT');
  assert.equal(inlineClientCert(kubeconfig({ token: 'abc' })), undefined);
  assert.equal(inlineClientCert(kubeconfig({ 'client-certificate': '/x.crt', 'client-key': '/x.key' })), undefined);
  const next = withClientCert(text, 'NEW CERT', 'NEW KEY');
  assert.equal(inlineClientCert(next), 'NEW CERT');
  const raw = parseKubeYaml(next) as { users: Array<{ name: string; user: Record<string, string> }>; clusters: unknown };
  assert.equal(Buffer.from(raw.users[1]!.user['client-key-data']!, 'base64').toString(), 'NEW KEY');
  assert.deepEqual(raw.users[0], { name: 'other', user: { token: 't' } });
  assert.deepEqual(raw.clusters, (parseKubeYaml(text) as { clusters: unknown }).clusters);
});
