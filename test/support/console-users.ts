// The people and the service identity of the console tests: the console's own ServiceAccount with only its
// shipped ClusterRole, users as ServiceAccounts bound to Kubernetes' roles, their tokens, and a browser-like
// caller of the console's HTTP API (keeps its session cookie, sends the CSRF header on writes).
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { consoleManifest } from '../../src/app/console/rbac.js';
import { apply } from '../../src/kube/apply.js';
import { KubeClient } from '../../src/kube/http.js';
import { ref, resourcePath } from '../../src/kube/resource.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

/** A token for a ServiceAccount (TokenRequest), valid an hour. */
export async function saToken(client: KubeClient, namespace: string, name: string): Promise<string> {
  const r = await client.request<{ status: { token: string } }>({
    method: 'POST',
    path: resourcePath(ref('v1', 'serviceaccounts', namespace), name, 'token'),
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return r.status.token;
}

/**
 * The ServiceAccount `namespace/name` (created when missing), bound to the ClusterRole `role` in `bindingNs`,
 * or cluster-wide when `bindingNs` is null.
 */
export async function boundServiceAccount(client: KubeClient, namespace: string, name: string, role: string, bindingNs: string | null): Promise<void> {
  await apply(client, ref('v1', 'serviceaccounts', namespace), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  const cluster = bindingNs === null;
  await apply(client, ref(RBAC, cluster ? 'clusterrolebindings' : 'rolebindings', bindingNs ?? undefined), {
    apiVersion: RBAC,
    kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: { name: `${namespace}-${name}-${role}`, ...(cluster ? {} : { namespace: bindingNs }) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  });
}

/** Installs the console's own identity (deploy/rbac/console.yaml) and returns a client that is only that identity. */
export async function consoleIdentityClient(admin: KubeClient, adminConfig: KubeConfig): Promise<KubeClient> {
  for (const obj of consoleManifest()) {
    const kind = obj.kind as string;
    const plural = kind === 'ServiceAccount' ? 'serviceaccounts' : kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
    await apply(admin, ref(kind === 'ServiceAccount' ? 'v1' : RBAC, plural, obj.metadata?.namespace), obj);
  }
  const sa = consoleManifest().find((o) => o.kind === 'ServiceAccount')!;
  const token = await saToken(admin, sa.metadata?.namespace ?? 'plinth-system', sa.metadata?.name ?? 'plinth-console');
  const kc = new KubeConfig();
  const cluster = adminConfig.getCurrentCluster()!;
  kc.loadFromOptions({ clusters: [cluster], users: [{ name: 'console', token }], contexts: [{ name: 'c', cluster: cluster.name, user: 'console' }], currentContext: 'c' });
  return KubeClient.fromKubeConfig(kc);
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A browser-like caller of the console at `base()`: keeps its cookie, sends the CSRF header on writes. */
export class ConsoleCaller {
  cookie = '';
  csrf = '';

  constructor(private readonly base: () => string) {}

  /** A caller signed in with `token`; fails the test when the console refuses it. */
  static async signedIn(base: () => string, token: string): Promise<ConsoleCaller> {
    const c = new ConsoleCaller(base);
    const r = await c.signIn(token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return c;
  }

  async call(method: string, path: string, body?: unknown, opts: { csrf?: boolean } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if ((opts.csrf ?? true) && this.csrf && method !== 'GET') headers['x-plinth-csrf'] = this.csrf;
    const res = await fetch(this.base() + path, { method, headers, redirect: 'manual', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const set = res.headers.getSetCookie().find((c) => c.startsWith('plinth_session='));
    if (set) this.cookie = set.split(';')[0]!;
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
  }

  async signIn(token: string): Promise<Reply> {
    const r = await this.call('POST', '/api/v1/session', { token });
    if (r.status === 200) this.csrf = String(r.body.csrfToken);
    return r;
  }
}

/** The group `group` (as an OIDC ID token names it) bound to the ClusterRole `role` in `namespace`. */
export async function boundGroup(client: KubeClient, group: string, role: string, namespace: string): Promise<void> {
  await apply(client, ref(RBAC, 'rolebindings', namespace), {
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: `${group}-${role}`, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  });
}
