/**
 * The local admin's one-time sign-in link that `plinth console` prints. The console creates a ServiceAccount
 * `plinth-console-admin` bound to Kubernetes' `admin` ClusterRole, mints a short-lived token for it
 * (TokenRequest), has the API server vouch for it (TokenReview), and keeps only that identity behind a random
 * one-time code: the link carries the code, never a token.
 */
import { randomBytes } from 'node:crypto';
import { isAlreadyExists } from '../../kube/api-error.js';
import { apply } from '../../kube/apply.js';
import type { KubeClient } from '../../kube/http.js';
import { ensureNamespace } from '../../kube/namespaces.js';
import { inNamespace, ref, resourcePath } from '../../kube/resource.js';
import { CONSOLE_NAMESPACE } from './rbac.js';
import type { ConsoleIdentity } from './session.js';
import { reviewToken } from './token-login.js';

export const ADMIN_ACCOUNT = 'plinth-console-admin';

/** One-time codes for sign-in links: each redeems once, within its lifetime. */
export class LinkCodes {
  private readonly codes = new Map<string, { identity: ConsoleIdentity; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(identity: ConsoleIdentity, ttlMs = 10 * 60_000): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { identity, until: this.now() + ttlMs });
    return code;
  }

  /** The identity of a valid code, which is then spent; undefined for an unknown, spent or expired code. */
  redeem(code: string): ConsoleIdentity | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    return c && this.now() < c.until ? c.identity : undefined;
  }
}

/** Ensures the admin ServiceAccount and its binding, and returns the identity its fresh token has. */
export async function localAdminIdentity(client: KubeClient): Promise<ConsoleIdentity> {
  await ensureNamespace(client, CONSOLE_NAMESPACE);
  const sas = inNamespace(ref('v1', 'serviceaccounts'), CONSOLE_NAMESPACE);
  try {
    await client.create(sas, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ADMIN_ACCOUNT, namespace: CONSOLE_NAMESPACE } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  await apply(client, ref('rbac.authorization.k8s.io/v1', 'clusterrolebindings'), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: ADMIN_ACCOUNT },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ kind: 'ServiceAccount', name: ADMIN_ACCOUNT, namespace: CONSOLE_NAMESPACE }],
  }, { force: true });
  const tr = await client.request<{ status?: { token?: string } }>({
    method: 'POST',
    path: resourcePath(sas, ADMIN_ACCOUNT, 'token'),
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    contentType: 'application/json',
    target: `serviceaccounts/token ${CONSOLE_NAMESPACE}/${ADMIN_ACCOUNT}`,
  });
  return reviewToken(client, tr.status?.token ?? '');
}
