import { execFile } from 'node:child_process';
import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the PKI of one cluster (all PEM). */
export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  /** Service-account token signing key pair. */
  saKey: string;
  saPub: string;
  /** Client certificates by identity. */
  clients: Record<ClientName, { cert: string; key: string }>;
}

export type ClientName = 'admin' | 'controller-manager' | 'scheduler' | 'kwok';

/** Subject of each client certificate: CN is the user, O the groups. */
const CLIENT_SUBJECTS: Record<ClientName, string> = {
  admin: '/O=system:masters/CN=plinth-admin',
  'controller-manager': '/CN=system:kube-controller-manager',
  scheduler: '/CN=system:kube-scheduler',
  // kwok patches node and pod status, leases and events for every node: give it the admin group.
  kwok: '/O=system:masters/CN=system:kwok-controller',
};

/** The API server's names: loopback plus the in-cluster names of the kubernetes Service. */
const APISERVER_SANS = [
  'IP:127.0.0.1',
  'IP:10.96.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

function ecKey(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * The CA's key: RSA-2048, as kubeadm makes by default. The API server verifies the client certificate's
 * signature on every request (the x509 authenticator keeps no cache); against a P-256 CA that verification
 * was 9 % of its CPU under a bulk import, against RSA-2048 it is a fraction (docs/adr/0014-local-ca-rsa.md).
 * Leaf keys stay P-256: a TLS handshake signs with them once per connection. Generated off the event loop
 * (about 0.2 s).
 */
async function rsaCaKey(): Promise<string> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return privateKey;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('the openssl command was not found on PATH (needed for cluster certificates)', { cause: err });
    throw new Error(`openssl ${args[0] ?? ''} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
  }
}

/**
 * A fresh PKI for one cluster: an RSA-2048 CA valid 10 years, the API server's serving
 * certificate (P-256 key, as all leaves), client certificates (admin in system:masters, controller-manager, scheduler, kwok)
 * and the service-account signing key. Keys come from Node's crypto; openssl signs.
 */
export async function createPki(dir: string, clusterName: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pki = pkiPaths(dir);
  const p = (f: string): string => join(dir, f);

  await writeFile(pki.caKey, await rsaCaKey(), { mode: 0o600 });
  const sa = ecKey();
  await writeFile(pki.saKey, sa.privateKey, { mode: 0o600 });
  await writeFile(pki.saPub, sa.publicKey);

  await writeFile(
    p('openssl.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign',
      'subjectKeyIdentifier = hash',
      '[server]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${APISERVER_SANS.join(', ')}`,
      'authorityKeyIdentifier = keyid',
      '[client]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = clientAuth',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const cnf = p('openssl.cnf');
  await openssl([
    'req', '-x509', '-new', '-key', pki.caKey, '-subj', `/CN=plinth-${clusterName}-ca`, '-days', '3650',
    '-config', cnf, '-extensions', 'ca', '-out', pki.caCert,
  ]);

  // Leaf certificates are independent of each other: sign them in parallel.
  const leaf = async (cert: string, key: string, subj: string, ext: 'server' | 'client', serial: number): Promise<void> => {
    const k = ecKey();
    await writeFile(key, k.privateKey, { mode: 0o600 });
    await openssl([
      'req', '-x509', '-new', '-key', key, '-subj', subj, '-days', '3650', '-CA', pki.caCert, '-CAkey', pki.caKey,
      '-set_serial', String(serial), '-config', cnf, '-extensions', ext, '-out', cert,
    ]).catch(async (err: unknown) => {
      // OpenSSL < 3.0 has no `req -CA`: fall back to a CSR signed by `x509 -req`.
      const csr = `${cert}.csr`;
      await openssl(['req', '-new', '-key', key, '-subj', subj, '-config', cnf, '-out', csr]).catch(() => {
        throw err;
      });
      await openssl([
        'x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-set_serial', String(serial),
        '-days', '3650', '-extfile', cnf, '-extensions', ext, '-out', cert,
      ]);
    });
  };
  const jobs: Promise<void>[] = [
    leaf(pki.apiserverCert, pki.apiserverKey, '/CN=kube-apiserver', 'server', 2),
  ];
  let serial = 3;
  for (const [name, files] of Object.entries(pki.clients)) {
    jobs.push(leaf(files.cert, files.key, CLIENT_SUBJECTS[name as ClientName], 'client', serial++));
  }
  await Promise.all(jobs);
  return pki;
}

/** The PKI paths of an existing state dir (no generation). */
export function pkiPaths(dir: string): Pki {
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    apiserverCert: p('apiserver.crt'),
    apiserverKey: p('apiserver.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
    clients: {
      admin: { cert: p('admin.crt'), key: p('admin.key') },
      'controller-manager': { cert: p('controller-manager.crt'), key: p('controller-manager.key') },
      scheduler: { cert: p('scheduler.crt'), key: p('scheduler.key') },
      kwok: { cert: p('kwok.crt'), key: p('kwok.key') },
    },
  };
}

/** PEM contents for an HTTPS client acting as `who`. */
export async function tlsMaterial(pki: Pki, who: ClientName): Promise<{ ca: string; cert: string; key: string }> {
  const [ca, cert, key] = await Promise.all([
    readFile(pki.caCert, 'utf8'),
    readFile(pki.clients[who].cert, 'utf8'),
    readFile(pki.clients[who].key, 'utf8'),
  ]);
  return { ca, cert, key };
}
