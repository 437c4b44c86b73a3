import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { makeServingCert } from './serving-cert.js';

test('the serving certificate is signed by the CA and names the loopback address', async () => {
  const c = await makeServingCert({ ips: ['127.0.0.1'], dns: ['plinth-webhook.plinth-system.svc'] });
  const ca = new X509Certificate(c.ca);
  const leaf = new X509Certificate(c.cert);
  assert.ok(leaf.verify(ca.publicKey), 'signed by the CA');
  assert.ok(leaf.checkIssued(ca));
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(leaf.checkHost('plinth-webhook.plinth-system.svc'), 'plinth-webhook.plinth-system.svc');
  assert.equal(leaf.ca, false);
  assert.ok(ca.ca);
  assert.match(c.key, /BEGIN PRIVATE KEY/);
});
