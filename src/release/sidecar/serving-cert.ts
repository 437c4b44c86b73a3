import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServingCert {
  /** PEM of the CA that signed `cert`: the webhook configuration's caBundle. */
  ca: string;
  cert: string;
  key: string;
}

function ecKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('the openssl command was not found on PATH (needed for the webhook serving certificate)', { cause: err });
    throw new Error(`openssl ${args[0] ?? ''} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
  }
}

/**
 * A fresh CA and a serving certificate it signed for `names` (IP addresses and DNS names), valid one year:
 * made in memory at every manager start (keys from Node's crypto, openssl signs; nothing stays on disk), so the
 * CA bundle the manager writes into its webhook configuration always matches the certificate it serves.
 */
export async function makeServingCert(names: { ips: string[]; dns: string[] }, commonName = 'plinth-webhook'): Promise<ServingCert> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-webhook-cert-'));
  try {
    const p = (f: string): string => join(dir, f);
    const san = [...names.ips.map((i) => `IP:${i}`), ...names.dns.map((d) => `DNS:${d}`)].join(', ');
    await writeFile(
      p('openssl.cnf'),
      [
        '[req]', 'distinguished_name = dn', '[dn]',
        '[ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, digitalSignature, keyCertSign', 'subjectKeyIdentifier = hash',
        '[server]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth', `subjectAltName = ${san}`, 'authorityKeyIdentifier = keyid', '',
      ].join('\n'),
    );
    await writeFile(p('ca.key'), ecKeyPem(), { mode: 0o600 });
    await writeFile(p('tls.key'), ecKeyPem(), { mode: 0o600 });
    await openssl(['req', '-x509', '-new', '-key', p('ca.key'), '-subj', `/CN=${commonName}-ca`, '-days', '365', '-config', p('openssl.cnf'), '-extensions', 'ca', '-out', p('ca.crt')]);
    await openssl(['req', '-new', '-key', p('tls.key'), '-subj', `/CN=${commonName}`, '-config', p('openssl.cnf'), '-out', p('tls.csr')]);
    await openssl([
      'x509', '-req', '-in', p('tls.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-set_serial', String(Date.now()),
      '-days', '365', '-extfile', p('openssl.cnf'), '-extensions', 'server', '-out', p('tls.crt'),
    ]);
    const [ca, cert, key] = await Promise.all([readFile(p('ca.crt'), 'utf8'), readFile(p('tls.crt'), 'utf8'), readFile(p('tls.key'), 'utf8')]);
    return { ca, cert, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
