// `plinth fleet join` (member side): a key pair, a CSR on the hub, the member Secret; and completeJoin, which picks up
// the issued certificate and writes the hub kubeconfig into that Secret (`join --wait` and the agent at start call it).
// A join creates nothing on the hub but the CSR.
import { X509Certificate } from 'node:crypto';
import { PlinthError } from '../../errors/index.js';
import { isKubeApiError, isNotFound } from '../../kube/api-error.js';
import { sleep } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import { retry } from '../../kube/retry.js';
import { AGENT_GROUP, AGENT_NAMESPACE, agentUser } from '../names.js';
import { buildCsr, csrName, generateMemberKey } from './csr.js';
import { hubClient, hubKubeconfigYaml, type HubEndpoint } from './hub-client.js';
import { AGENT_HUB_SECRET, SECRET_KEYS, ANNOTATION_REQUESTED_LABELS, CERT_EXPIRATION_SECONDS, CLIENT_SIGNER, FIELD_MANAGER, RES } from './keys.js';

/** Keys of the member Secret AGENT_NAMESPACE/plinth-agent-hub. */

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface JoinOptions {
  name: string;
  hub: HubEndpoint;
  token: string;
  labels?: Record<string, string>;
  /** Replace a completed join's key and kubeconfig (re-join after leave, or another hub). */
  force?: boolean;
  signal?: AbortSignal;
}

export interface JoinStarted {
  name: string;
  csr: string;
  user: string;
}

interface SecretT {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');
const secretsRef = { ...RES.secrets, namespace: AGENT_NAMESPACE };

/** Check a member name: a DNS label of at most 63 - len('plinth-member-') characters (its hub namespace is a DNS label too). */
export function checkMemberName(name: string): void {
  if (!NAME_RE.test(name) || name.length > 63 - 'plinth-member-'.length) {
    throw new PlinthError('INVALID_ARGUMENT', { what: 'member name', detail: `"${name}"`, fix: 'use lower-case letters, digits and dashes, at most 49 characters, starting and ending with a letter or digit' });
  }
}

/**
 * Start a join: store a fresh key and the hub's address in the member Secret, then create the CSR on the hub with
 * the join token. The member is not yet usable: the hub admin accepts it (`plinth fleet accept NAME`).
 */
export async function startJoin(member: KubeClient, opts: JoinOptions): Promise<JoinStarted> {
  checkMemberName(opts.name);
  if (!opts.force && (await readAgentSecret(member, opts.signal))?.data?.[SECRET_KEYS.kubeconfig]) throw new PlinthError('FLEET_ALREADY_JOINED', {});
  const { privateKeyPem } = generateMemberKey();
  const name = csrName(opts.name);
  const request = buildCsr(privateKeyPem, { commonName: agentUser(opts.name), organizations: [AGENT_GROUP] });
  await ensureAgentNamespace(member, opts.signal);
  const data = { [SECRET_KEYS.key]: b64(privateKeyPem), [SECRET_KEYS.ca]: b64(opts.hub.caPem), [SECRET_KEYS.hub]: b64(opts.hub.server), [SECRET_KEYS.csr]: b64(name), [SECRET_KEYS.token]: b64(opts.token) };
  await writeSecret(member, data, opts.signal);

  const hub = await hubClient(opts.hub, { token: opts.token });
  try {
    await hub.create(RES.csrs, {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name, annotations: { [ANNOTATION_REQUESTED_LABELS]: JSON.stringify(opts.labels ?? {}) } },
      spec: { request: b64(request), signerName: CLIENT_SIGNER, usages: ['digital signature', 'client auth'], expirationSeconds: CERT_EXPIRATION_SECONDS },
    }, opts.signal ? { signal: opts.signal } : {});
  } catch (err) {
    throw hubError(err, opts.hub.server);
  } finally {
    hub.close();
  }
  return { name: opts.name, csr: name, user: agentUser(opts.name) };
}

export type JoinState =
  | { state: 'issued'; kubeconfig: string; notAfter: string; csr: string }
  | { state: 'pending'; csr: string };

export interface CompleteJoinOptions {
  /** Wait for the certificate (until timeoutMs, default 10 min) instead of answering `pending` at once. */
  wait?: boolean;
  timeoutMs?: number;
  /** Poll interval while waiting (default 1 s). */
  pollMs?: number;
  /** Reach the hub at this URL instead of the one the join stored (e.g. another route). */
  hubServer?: string;
  signal?: AbortSignal;
}

/**
 * Pick up the issued certificate of the member's join and write the complete hub kubeconfig into the member Secret
 * (key `kubeconfig`; the join token is then removed from it). Idempotent: once a kubeconfig is there it is returned.
 * Throws FLEET_JOIN_NOT_STARTED without a join, FLEET_JOIN_DENIED when the hub denied the CSR,
 * FLEET_JOIN_TOKEN_REJECTED when the join token no longer works (expired) before the certificate was picked up.
 */
export async function completeJoin(member: KubeClient, opts: CompleteJoinOptions = {}): Promise<JoinState> {
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const secret = await readAgentSecret(member, opts.signal);
  if (!secret?.data?.[SECRET_KEYS.key] || !secret.data[SECRET_KEYS.csr]) throw new PlinthError('FLEET_JOIN_NOT_STARTED', {});
  const d = secret.data;
  const csr = unb64(d[SECRET_KEYS.csr]);
  const hub: HubEndpoint = { server: opts.hubServer ?? unb64(d[SECRET_KEYS.hub]), caPem: unb64(d[SECRET_KEYS.ca]) };
  const existing = unb64(d[SECRET_KEYS.kubeconfig]);
  if (existing !== '' && d[SECRET_KEYS.cert]) {
    return { state: 'issued', kubeconfig: existing, notAfter: new X509Certificate(unb64(d[SECRET_KEYS.cert])).validTo, csr };
  }
  const client = await hubClient(hub, { token: unb64(d[SECRET_KEYS.token]) });
  try {
    for (;;) {
      const certPem = await issuedCertificate(client, csr, hub.server, opts.signal);
      if (certPem) {
        const keyPem = unb64(d[SECRET_KEYS.key]);
        const kubeconfig = hubKubeconfigYaml(hub, { certPem, keyPem });
        const data: Record<string, string> = { ...d, [SECRET_KEYS.cert]: b64(certPem), [SECRET_KEYS.kubeconfig]: b64(kubeconfig) };
        delete data[SECRET_KEYS.token];
        await writeSecret(member, data, opts.signal);
        return { state: 'issued', kubeconfig, notAfter: new X509Certificate(certPem).validTo, csr };
      }
      if (!opts.wait) return { state: 'pending', csr };
      if (Date.now() >= deadline) throw new PlinthError('FLEET_JOIN_TIMEOUT', { csr });
      await sleep(opts.pollMs ?? 1000, opts.signal);
    }
  } finally {
    client.close();
  }
}

/** The hub kubeconfig the join wrote into the member Secret, or undefined when the join is not complete. */
export async function readHubKubeconfig(member: KubeClient, signal?: AbortSignal): Promise<string | undefined> {
  const s = await readAgentSecret(member, signal);
  const k = unb64(s?.data?.[SECRET_KEYS.kubeconfig]);
  return k === '' ? undefined : k;
}

interface CsrT {
  status?: { certificate?: string; conditions?: { type: string; status?: string; reason?: string; message?: string }[] };
}

async function issuedCertificate(hub: KubeClient, csr: string, server: string, signal?: AbortSignal): Promise<string | undefined> {
  let obj: CsrT;
  try {
    obj = await retry(() => hub.get<CsrT>(RES.csrs, csr, signal ? { signal } : {}), signal ? { signal } : {});
  } catch (err) {
    if (isNotFound(err)) throw new PlinthError('FLEET_JOIN_DENIED', { csr, detail: 'the request is gone from the hub (left, or expired before it was accepted)' });
    throw hubError(err, server);
  }
  const denied = obj.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False');
  if (denied) throw new PlinthError('FLEET_JOIN_DENIED', { csr, detail: `${denied.reason ?? denied.type}: ${denied.message ?? ''}`.trim() });
  const cert = obj.status?.certificate;
  return cert ? unb64(cert) : undefined;
}

function hubError(err: unknown, server: string): unknown {
  if (isKubeApiError(err) && (err.status === 401 || err.status === 403)) return new PlinthError('FLEET_JOIN_TOKEN_REJECTED', { hub: server, status: String(err.status) }, { cause: err });
  return err;
}

async function ensureAgentNamespace(member: KubeClient, signal?: AbortSignal): Promise<void> {
  try {
    await member.get(RES.namespaces, AGENT_NAMESPACE, signal ? { signal } : {});
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await member.create(RES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: AGENT_NAMESPACE } }, { fieldManager: FIELD_MANAGER, ...(signal ? { signal } : {}) }).catch((e: unknown) => {
      if (!(isKubeApiError(e) && e.status === 409)) throw e;
    });
  }
}

async function readAgentSecret(member: KubeClient, signal?: AbortSignal): Promise<SecretT | undefined> {
  try {
    return await member.get<SecretT>(secretsRef, AGENT_HUB_SECRET, signal ? { signal } : {});
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Write the whole member Secret (a new join replaces the previous one's key and CSR). */
async function writeSecret(member: KubeClient, data: Record<string, string>, signal?: AbortSignal): Promise<void> {
  const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: AGENT_HUB_SECRET, namespace: AGENT_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'plinth' } }, type: 'Opaque', data };
  await retry(async () => {
    const current = await readAgentSecret(member, signal);
    if (!current) {
      await member.create(secretsRef, body, { fieldManager: FIELD_MANAGER, ...(signal ? { signal } : {}) });
      return;
    }
    await member.replace(secretsRef, AGENT_HUB_SECRET, { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } }, { fieldManager: FIELD_MANAGER, ...(signal ? { signal } : {}) });
  }, signal ? { signal } : {});
}
