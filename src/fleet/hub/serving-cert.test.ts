import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { loadServingTls, selfSignedServingTls } from './serving-cert.js';

test('the fleet server names itself plinth-fleet-server and serves the hosts agents dial (the rest: src/kube/serving-cert.test.ts)', async () => {
  const tls = await selfSignedServingTls(['hub.example.test']);
  const cert = new X509Certificate(tls.cert);
  assert.match(cert.subject, /CN=plinth-fleet-server/);
  assert.equal(cert.checkHost('hub.example.test'), 'hub.example.test');
  assert.equal(cert.verify(new X509Certificate(tls.ca).publicKey), true);
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
