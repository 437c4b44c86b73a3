// A throw-away CA and a serving certificate it signed, for Plinth's own HTTPS servers (the fleet server, the
// sidecar injection webhook). Keys come from Node's crypto; openssl signs (Node cannot issue certificates).
// Made in a private temporary directory that is removed after; the CA key is thrown away once it signed.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM material a server presents: its certificate and key, and the CA its clients trust. */
export interface ServingCert {
  cert: string;
  key: string;
  ca: string;
}

/** The subjectAltName entries for the names given: IPs as IP:, the rest as DNS:; loopback is always included. */
export function subjectAltNames(hosts: readonly string[]): string[] {
  const names = new Set(['127.0.0.1', 'localhost', ...hosts.filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::')]);
  return [...names].map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`));
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('the openssl command was not found on PATH (install openssl)', { cause: err });
    throw new Error(`openssl ${args[0] ?? ''} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
  }
}

const ecPem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

/**
 * A fresh CA (valid `caDays`, default 10 years) and a serving certificate for `hosts` (IP addresses and DNS
 * names, plus loopback; valid 1 year, serverAuth only), named `commonName`.
 */
export async function makeServingCert(hosts: readonly string[], commonName: string, caDays = 3650): Promise<ServingCert> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-serving-cert-'));
  const p = (f: string): string => join(dir, f);
  try {
    await Promise.all([writeFile(p('ca.key'), ecPem(), { mode: 0o600 }), writeFile(p('server.key'), ecPem(), { mode: 0o600 })]);
    await writeFile(
      p('openssl.cnf'),
      [
        '[req]', 'distinguished_name = dn', '[dn]',
        '[ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, digitalSignature, keyCertSign', 'subjectKeyIdentifier = hash',
        '[server]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth', `subjectAltName = ${subjectAltNames(hosts).join(', ')}`, 'authorityKeyIdentifier = keyid', '',
      ].join('\n'),
    );
    const caSubject = `/CN=${commonName}-ca@${Math.floor(Date.now() / 1000)}`;
    await openssl(['req', '-x509', '-new', '-key', p('ca.key'), '-subj', caSubject, '-days', String(caDays), '-config', p('openssl.cnf'), '-extensions', 'ca', '-out', p('ca.crt')]);
    await openssl(['req', '-new', '-key', p('server.key'), '-subj', `/CN=${commonName}`, '-config', p('openssl.cnf'), '-out', p('server.csr')]);
    await openssl([
      'x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-set_serial', String(Date.now()),
      '-days', '365', '-extfile', p('openssl.cnf'), '-extensions', 'server', '-out', p('server.crt'),
    ]);
    const [cert, key, ca] = await Promise.all([readFile(p('server.crt'), 'utf8'), readFile(p('server.key'), 'utf8'), readFile(p('ca.crt'), 'utf8')]);
    return { cert, key, ca };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
