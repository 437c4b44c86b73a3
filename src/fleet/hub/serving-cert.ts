// The fleet server's own serving certificate: loaded from files, or a self-signed CA and a serving
// certificate made at start for the names agents dial (the way the local clusters' PKI is made:
// keys from Node's crypto, openssl signs; see src/localenv/cluster/certs.ts).
import { execFile } from 'node:child_process';
import { generateKeyPairSync, X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PlinthError, errorMessage } from '../../errors/index.js';

const run = promisify(execFile);

/** PEM material the server presents: its certificate (chain), key, and the CA agents trust (`ca.crt` of the hub-info ConfigMap). */
export interface ServingTls {
  cert: string;
  key: string;
  ca: string;
}

/** What `--fleet-tls-cert/--fleet-tls-key` name; `caFile` defaults to the certificate file (its chain). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile?: string;
}

/** Loads and checks a certificate and key from files (the key must belong to the certificate). */
export async function loadServingTls(files: TlsFiles): Promise<ServingTls> {
  try {
    const [cert, key, ca] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8'), readFile(files.caFile ?? files.certFile, 'utf8')]);
    const x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key))) throw new Error(`the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`);
    return { cert, key, ca };
  } catch (err) {
    throw new PlinthError('FLEET_TLS_INVALID', { detail: errorMessage(err) }, { cause: err });
  }
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
    const detail = e.code === 'ENOENT' ? 'the openssl command was not found on PATH' : `openssl ${args[0] ?? ''} failed: ${(e.stderr ?? e.message).trim()}`;
    throw new PlinthError('FLEET_TLS_INVALID', { detail }, { cause: err });
  }
}

const ecPem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

/**
 * A fresh self-signed CA (valid 10 years, its key thrown away once it signed) and a serving
 * certificate for `hosts` (valid 1 year). Made in a private temporary directory that is removed after.
 */
export async function selfSignedServingTls(hosts: readonly string[]): Promise<ServingTls> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-fleet-tls-'));
  const p = (f: string): string => join(dir, f);
  try {
    await Promise.all([writeFile(p('ca.key'), ecPem(), { mode: 0o600 }), writeFile(p('server.key'), ecPem(), { mode: 0o600 })]);
    await writeFile(
      p('openssl.cnf'),
      [
        '[req]',
        'distinguished_name = dn',
        '[dn]',
        '[ca]',
        'basicConstraints = critical, CA:TRUE',
        'keyUsage = critical, digitalSignature, keyCertSign',
        'subjectKeyIdentifier = hash',
        '[server]',
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth',
        `subjectAltName = ${subjectAltNames(hosts).join(', ')}`,
        'authorityKeyIdentifier = keyid',
        '',
      ].join('\n'),
    );
    await openssl(['req', '-x509', '-new', '-key', p('ca.key'), '-subj', `/CN=plinth-fleet-ca@${Math.floor(Date.now() / 1000)}`, '-days', '3650', '-config', p('openssl.cnf'), '-extensions', 'ca', '-out', p('ca.crt')]);
    await openssl(['req', '-new', '-key', p('server.key'), '-subj', '/CN=plinth-fleet-server', '-config', p('openssl.cnf'), '-out', p('server.csr')]);
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
