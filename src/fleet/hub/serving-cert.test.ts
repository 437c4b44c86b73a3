import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { loadServingTls, selfSignedServingTls } from './serving-cert.js';

test('a self-signed serving certificate: signed by the returned CA, for the names asked, for serving only', async () => {
  const tls = await selfSignedServingTls(['hub.example.test', '10.1.2.3']);
  const cert = new X509Certificate(tls.cert);
  const ca = new X509Certificate(tls.ca);
  assert.equal(cert.verify(ca.publicKey), true, 'signed by the CA');
  assert.equal(ca.ca, true);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkPrivateKey(createPrivateKey(tls.key)));
  assert.equal(cert.checkHost('hub.example.test'), 'hub.example.test');
  assert.equal(cert.checkIP('10.1.2.3'), '10.1.2.3');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkHost('other.example.test'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only: it cannot pass as a client certificate');
});

test('loading from files: the key must match the certificate; errors are FLEET_TLS_INVALID', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-tls-test-'));
  try {
    const a = await selfSignedServingTls([]);
    const b = await selfSignedServingTls([]);
    await writeFile(join(dir, 'a.crt'), a.cert);
    await writeFile(join(dir, 'a.key'), a.key);
    await writeFile(join(dir, 'b.key'), b.key);
    const loaded = await loadServingTls({ certFile: join(dir, 'a.crt'), keyFile: join(dir, 'a.key') });
    assert.equal(loaded.cert, a.cert);
    assert.equal(loaded.ca, a.cert, 'the CA defaults to the certificate file');
    await assert.rejects(loadServingTls({ certFile: join(dir, 'a.crt'), keyFile: join(dir, 'b.key') }), (e: unknown) => e instanceof PlinthError && e.code === 'FLEET_TLS_INVALID' && /does not belong/.test(e.message));
    await assert.rejects(loadServingTls({ certFile: join(dir, 'none.crt'), keyFile: join(dir, 'a.key') }), (e: unknown) => e instanceof PlinthError && e.code === 'FLEET_TLS_INVALID');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
