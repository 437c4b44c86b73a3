import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { makeServingCert, subjectAltNames } from './serving-cert.js';

test('subjectAltNames: IPs as IP:, names as DNS:, loopback always, wildcard binds dropped, no duplicates', () => {
  assert.deepEqual(subjectAltNames(['0.0.0.0', 'plinth-fleet.plinth-system.svc', '10.0.0.7', '127.0.0.1', '::1']), [
    'IP:127.0.0.1',
    'DNS:localhost',
    'DNS:plinth-fleet.plinth-system.svc',
    'IP:10.0.0.7',
    'IP:::1',
  ]);
});

test('a serving certificate: signed by the returned CA, for the names asked and loopback, for serving only', async () => {
  const tls = await makeServingCert(['hub.example.test', '10.1.2.3'], 'plinth-test');
  const cert = new X509Certificate(tls.cert);
  const ca = new X509Certificate(tls.ca);
  assert.equal(cert.verify(ca.publicKey), true, 'signed by the CA');
  assert.ok(cert.checkIssued(ca));
  assert.equal(ca.ca, true);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkPrivateKey(createPrivateKey(tls.key)));
  assert.equal(cert.checkHost('hub.example.test'), 'hub.example.test');
  assert.equal(cert.checkIP('10.1.2.3'), '10.1.2.3');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkHost('other.example.test'), undefined);
  assert.match(cert.subject, /CN=plinth-test/);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only: it cannot pass as a client certificate');
});
