import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, csrName, generateMemberKey, memberOfCsrName, parseCsr } from './csr.js';

test('a built CSR reads back with its subject and a valid signature (EC key)', () => {
  const { privateKeyPem } = generateMemberKey();
  const pem = buildCsr(privateKeyPem, { commonName: 'plinth:member:edge-1', organizations: ['plinth:members'] });
  assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  const parsed = parseCsr(pem);
  assert.deepEqual(parsed, { commonName: 'plinth:member:edge-1', organizations: ['plinth:members'], signatureValid: true });
  // spec.request is base64 of the PEM
  assert.equal(parseCsr(Buffer.from(pem).toString('base64')).commonName, 'plinth:member:edge-1');
});

test('an RSA key signs a CSR too', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = buildCsr(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { commonName: 'x', organizations: ['a', 'b'] });
  assert.deepEqual(parseCsr(pem), { commonName: 'x', organizations: ['a', 'b'], signatureValid: true });
});

test('a tampered request fails its signature check; garbage is refused', () => {
  const { privateKeyPem } = generateMemberKey();
  const pem = buildCsr(privateKeyPem, { commonName: 'plinth:member:aaaa', organizations: ['plinth:members'] });
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const i = der.indexOf(Buffer.from('aaaa'));
  der.write('bbbb', i);
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  const parsed = parseCsr(tampered);
  assert.equal(parsed.commonName, 'plinth:member:bbbb');
  assert.equal(parsed.signatureValid, false);
  assert.throws(() => parseCsr('hello'), /not a PEM certificate request/);
});

test('openssl accepts the request and reads the same subject (when openssl is installed)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-csr-'));
  try {
    const { privateKeyPem } = generateMemberKey();
    writeFileSync(join(dir, 'r.csr'), buildCsr(privateKeyPem, { commonName: 'plinth:member:m1', organizations: ['plinth:members'] }));
    let out: string;
    try {
      out = execFileSync('openssl', ['req', '-in', join(dir, 'r.csr'), '-noout', '-verify', '-subject'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.skip('no openssl');
      throw err;
    }
    assert.match(out, /O\s*=\s*plinth:members,\s*CN\s*=\s*plinth:member:m1/);
    // And it signs into a certificate whose subject Node reads back.
    writeFileSync(join(dir, 'k.pem'), privateKeyPem);
    execFileSync('openssl', ['x509', '-req', '-in', join(dir, 'r.csr'), '-signkey', join(dir, 'k.pem'), '-days', '1', '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    const cert = new X509Certificate(execFileSync('cat', [join(dir, 'c.pem')]));
    assert.match(cert.subject, /CN=plinth:member:m1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSR names carry the member and a random tail', () => {
  const a = csrName('edge-1');
  assert.match(a, /^plinth-member-edge-1-[0-9a-f]{8}$/);
  assert.notEqual(a, csrName('edge-1'));
  assert.equal(memberOfCsrName(a), 'edge-1');
  assert.equal(memberOfCsrName('something-else'), undefined);
});
