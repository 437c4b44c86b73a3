// The agent renews its hub client certificate before it expires, as a kubelet does: a new key, a CSR for the same
// subject made with its current identity (the hub's MemberCluster controller approves it for an accepted member,
// decideRenewal), the issued certificate written back where the credential came from (the member Secret or the
// --hub-kubeconfig file). Only a kubeconfig whose user holds an inline client certificate (what the join writes) is
// renewed; other credentials (tokens, certificate files) are left alone.
import { X509Certificate } from 'node:crypto';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { writeAtomic } from '../../kube/atomic-file.js';
import { sleep } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import type { Logger } from '../../kube/log.js';
import { ref } from '../../kube/resource.js';
import { parseKubeYaml, stringifyKubeYaml } from '../../kube/yaml.js';
import { AGENT_GROUP, agentUser } from '../names.js';
import { buildCsr, csrName, generateMemberKey } from '../member/csr.js';
import { AGENT_HUB_SECRET, CERT_EXPIRATION_SECONDS, CLIENT_SIGNER, SECRET_KEYS } from '../member/keys.js';

/** Renew at this fraction of the certificate's life (kubelets renew at 70–90 %). */
export const DEFAULT_RENEW_FRACTION = 0.8;
/** Never renew again sooner than this after a renewal (a forced threshold must not loop). */
export const MIN_RENEW_INTERVAL_MS = 30_000;
/** The longest single timer (Node's limit is 2^31-1 ms). */
const MAX_TIMER_MS = 6 * 3_600_000;
/** After a failed attempt (hub away, denied), try again this much later. */
const RETRY_MS = 30_000;

const CSRS = ref('certificates.k8s.io/v1', 'certificatesigningrequests');

type RawUser = { name?: string; user?: Record<string, unknown> };
type RawKubeconfig = { users?: RawUser[]; contexts?: Array<{ name?: string; context?: { user?: string } }>; 'current-context'?: string };

function currentUser(raw: RawKubeconfig): Record<string, unknown> | undefined {
  const ctx = raw.contexts?.find((c) => c.name === raw['current-context'])?.context;
  return raw.users?.find((u) => u.name === ctx?.user)?.user;
}

/** The inline client certificate (PEM) of the kubeconfig's current user, or undefined (a token, a certificate file). */
export function inlineClientCert(text: string): string | undefined {
  const user = currentUser(parseKubeYaml(text) as RawKubeconfig);
  const data = user?.['client-certificate-data'];
  return typeof data === 'string' && data !== '' && typeof user?.['client-key-data'] === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

/** The kubeconfig with its current user's client certificate and key replaced (everything else kept). */
export function withClientCert(text: string, certPem: string, keyPem: string): string {
  const raw = parseKubeYaml(text) as RawKubeconfig;
  const user = currentUser(raw);
  if (!user) throw new Error('the kubeconfig has no current user');
  user['client-certificate-data'] = Buffer.from(certPem).toString('base64');
  user['client-key-data'] = Buffer.from(keyPem).toString('base64');
  return stringifyKubeYaml(raw);
}

/**
 * Milliseconds until the certificate should be renewed: at `fraction` of its life (notBefore → notAfter), not sooner
 * than MIN_RENEW_INTERVAL_MS after the last renewal, 0 when due.
 */
export function renewDelayMs(life: { notBefore: number; notAfter: number }, fraction: number, now: number, lastRenewal?: number): number {
  const at = Math.max(life.notBefore + fraction * (life.notAfter - life.notBefore), lastRenewal === undefined ? 0 : lastRenewal + MIN_RENEW_INTERVAL_MS);
  return Math.max(0, Math.round(at - now));
}

/** Whether the certificate is a member agent's own (CN plinth:member:NAME): only that identity may renew itself. */
export function isMemberCert(certPem: string, cluster: string): boolean {
  return new X509Certificate(certPem).subject.split('\n').includes(`CN=${agentUser(cluster)}`);
}

export function certLife(certPem: string): { notBefore: number; notAfter: number } {
  const c = new X509Certificate(certPem);
  return { notBefore: Date.parse(c.validFrom), notAfter: Date.parse(c.validTo) };
}

interface CsrT {
  status?: { certificate?: string; conditions?: Array<{ type: string; status?: string; reason?: string; message?: string }> };
}

/** Create the renewal CSR with the current identity and wait for the certificate (FLEET_CERT_RENEWAL_FAILED when denied or late). */
export async function requestCertificate(hub: KubeClient, cluster: string, opts: { signal: AbortSignal; timeoutMs?: number; pollMs?: number }): Promise<{ certPem: string; keyPem: string; csr: string }> {
  const { privateKeyPem } = generateMemberKey();
  const name = csrName(cluster);
  const request = buildCsr(privateKeyPem, { commonName: agentUser(cluster), organizations: [AGENT_GROUP] });
  await hub.create(CSRS, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(request).toString('base64'), signerName: CLIENT_SIGNER, usages: ['digital signature', 'client auth'], expirationSeconds: CERT_EXPIRATION_SECONDS },
  }, { signal: opts.signal });
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const csr = await hub.get<CsrT>(CSRS, name, { signal: opts.signal });
    const denied = csr.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False');
    if (denied) throw new PlinthError('FLEET_CERT_RENEWAL_FAILED', { cluster, detail: `${name} ${denied.type}: ${denied.reason ?? ''} ${denied.message ?? ''}`.trim() });
    if (csr.status?.certificate) return { certPem: Buffer.from(csr.status.certificate, 'base64').toString('utf8'), keyPem: privateKeyPem, csr: name };
    if (Date.now() >= deadline) throw new PlinthError('FLEET_CERT_RENEWAL_FAILED', { cluster, detail: `${name} was not approved within ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} s` });
    await sleep(opts.pollMs ?? 1_000, opts.signal);
  }
}

/** Where the hub kubeconfig lives: the --hub-kubeconfig file, else the member Secret. */
export type CredentialHome = { file: string } | { member: KubeClient; namespace: string };

/** Write the renewed kubeconfig back (the Secret also gets the new key and certificate under tls.key / tls.crt). */
export async function storeKubeconfig(home: CredentialHome, text: string, certPem: string, keyPem: string, signal: AbortSignal): Promise<void> {
  if ('file' in home) {
    await writeAtomic(home.file, text, { mode: 0o600 });
    return;
  }
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  await home.member.patch(
    ref('v1', 'secrets', home.namespace),
    AGENT_HUB_SECRET,
    { data: { [SECRET_KEYS.kubeconfig]: b64(text), [SECRET_KEYS.cert]: b64(certPem), [SECRET_KEYS.key]: b64(keyPem) } },
    'merge',
    { signal },
  );
}

export interface RenewalOptions {
  cluster: string;
  /** The hub client of the current identity. */
  hub: KubeClient;
  /** The current hub kubeconfig (text). */
  text: string;
  home: CredentialHome;
  fraction: number;
  lastRenewal?: number;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Wait until the certificate is due, renew it (retrying every 30 s while the hub is away or refuses) and return the new
 * kubeconfig text; undefined when the credential is not renewable or the signal aborts first.
 */
export async function renewWhenDue(o: RenewalOptions): Promise<string | undefined> {
  const certPem = inlineClientCert(o.text);
  if (!certPem) {
    o.log.info('the hub credential holds no inline client certificate; it is not renewed by the agent');
    return undefined;
  }
  if (!isMemberCert(certPem, o.cluster)) {
    o.log.info({ subject: new X509Certificate(certPem).subject.replace(/\n/g, ', ') }, `the hub certificate is not the member's own (${agentUser(o.cluster)}); it is not renewed by the agent`);
    return undefined;
  }
  const life = certLife(certPem);
  const delay = renewDelayMs(life, o.fraction, Date.now(), o.lastRenewal);
  o.log.info({ notAfter: new Date(life.notAfter).toISOString(), renewInSeconds: Math.round(delay / 1000) }, 'hub certificate renewal scheduled');
  try {
    // In steps: a timer longer than ~24.8 days fires at once in Node.
    for (let left = delay; left > 0; left = renewDelayMs(life, o.fraction, Date.now(), o.lastRenewal)) await sleep(Math.min(left, MAX_TIMER_MS), o.signal);
    for (;;) {
      try {
        const got = await requestCertificate(o.hub, o.cluster, { signal: o.signal });
        const text = withClientCert(o.text, got.certPem, got.keyPem);
        await storeKubeconfig(o.home, text, got.certPem, got.keyPem, o.signal);
        o.log.info({ csr: got.csr, notAfter: new Date(certLife(got.certPem).notAfter).toISOString() }, 'hub certificate renewed');
        return text;
      } catch (err) {
        if (o.signal.aborted) return undefined;
        o.log.warn({ err: errorMessage(err) }, 'hub certificate renewal failed; retrying');
        await sleep(RETRY_MS, o.signal);
      }
    }
  } catch (err) {
    if (o.signal.aborted) return undefined;
    throw err;
  }
}
