import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from '../../kube/api-error.js';
import { PlinthError } from '../../errors/index.js';
import type { ResourceRef } from '../../kube/resource.js';
import { identityFromKubeConfig, parseSubject, whoAmI } from './identity.js';

function kubeConfig(user: Record<string, unknown>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }],
    users: [{ name: 'c-admin', ...user }],
    contexts: [{ name: 'c', cluster: 'c', user: 'c-admin' }],
    currentContext: 'c',
  });
  return kc;
}

/** A client whose SelfSubjectReview answers per version: a user name, or an HTTP status to fail with. */
function fakeClient(answers: Record<string, string | number | Error>): { create: <T>(r: ResourceRef, body: unknown) => Promise<T>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    create: <T>(r: ResourceRef): Promise<T> => {
      asked.push(r.version);
      const a = answers[r.version] ?? 404;
      if (a instanceof Error) return Promise.reject(a);
      if (typeof a === 'number') return Promise.reject(new KubeApiError({ status: a, verb: 'create', target: 'selfsubjectreviews' }));
      return Promise.resolve({ status: { userInfo: { username: a, groups: ['system:masters', 'system:authenticated'] } } } as T);
    },
  };
}

test('SelfSubjectReview v1 first, then v1beta1, then v1alpha1', async () => {
  const kc = kubeConfig({ token: 't' });
  const v1 = fakeClient({ v1: 'alice' });
  assert.deepEqual(await whoAmI(v1, kc), { user: 'alice', groups: ['system:masters', 'system:authenticated'], source: 'SelfSubjectReview authentication.k8s.io/v1' });
  assert.deepEqual(v1.asked, ['v1']);
  const beta = fakeClient({ v1: 404, v1beta1: 'bob' });
  assert.equal((await whoAmI(beta, kc)).source, 'SelfSubjectReview authentication.k8s.io/v1beta1');
  const alpha = fakeClient({ v1: 404, v1beta1: 404, v1alpha1: 'carol' });
  assert.equal((await whoAmI(alpha, kc)).user, 'carol');
  assert.deepEqual(alpha.asked, ['v1', 'v1beta1', 'v1alpha1']);
});

test('without SelfSubjectReview (Kubernetes < 1.26, or forbidden): the kubeconfig user, then unknown', async () => {
  const none = fakeClient({ v1: 404, v1beta1: 403, v1alpha1: 404 });
  assert.deepEqual(await whoAmI(none, kubeConfig({ token: 't' })), { user: 'c-admin', groups: [], source: 'kubeconfig user' });
  assert.deepEqual(identityFromKubeConfig(kubeConfig({ username: 'dave', password: 'p' })), { user: 'dave', groups: [], source: 'kubeconfig user' });
  assert.deepEqual(identityFromKubeConfig(kubeConfig({ token: 't', impersonateUser: 'erin' })), { user: 'erin', groups: [], source: 'kubeconfig impersonation' });
  assert.deepEqual(identityFromKubeConfig({ getCurrentUser: () => null }), { user: 'unknown', groups: [], source: 'unknown' });
});

test('an unreachable server is an error, not a fallback', async () => {
  const down = fakeClient({ v1: new PlinthError('KUBE_UNREACHABLE', { server: 'x', detail: 'ECONNREFUSED' }) });
  await assert.rejects(whoAmI(down, kubeConfig({ token: 't' })), /cannot reach the Kubernetes API/);
});

test("a client certificate's CN and O are the identity x509 authentication would see", (t) => {
  assert.deepEqual(parseSubject('O=system:masters\nCN=plinth-admin'), { cn: 'plinth-admin', o: ['system:masters'] });
  assert.deepEqual(parseSubject('CN=alice\nO=team-a\nO=dev'), { cn: 'alice', o: ['team-a', 'dev'] });
  const dir = mkdtempSync(join(tmpdir(), 'plinth-id-'));
  try {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/O=team-a/CN=alice', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')], { stdio: 'ignore' });
    } catch {
      t.skip('openssl not available');
      return;
    }
    const certData = readFileSync(join(dir, 'c')).toString('base64');
    assert.deepEqual(identityFromKubeConfig(kubeConfig({ certData, keyData: 'x' })), { user: 'alice', groups: ['team-a'], source: 'client certificate' });
    assert.deepEqual(identityFromKubeConfig(kubeConfig({ certFile: join(dir, 'c'), keyFile: join(dir, 'k') })).user, 'alice');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
