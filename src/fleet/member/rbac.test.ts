import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentClusterRoleObject, JOIN_RULES, memberAccessObjects } from './rbac.js';
import { parseTtl } from './token.js';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

test('a member gets its namespace and RBAC, all owned by its MemberCluster and bound to its agent user only', () => {
  const objs = memberAccessObjects('edge-1', { name: 'edge-1', uid: 'u-1' }) as Array<Record<string, any>>;
  assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`), [
    'Namespace//plinth-member-edge-1',
    'Role/plinth-fleet/plinth:member:edge-1',
    'ClusterRole//plinth:member:edge-1',
    'RoleBinding/plinth-member-edge-1/plinth-agent',
    'RoleBinding/plinth-fleet/plinth:member:edge-1',
    'ClusterRoleBinding//plinth:member:edge-1',
  ]);
  for (const o of objs) assert.deepEqual(o.metadata.ownerReferences.map((r: any) => `${r.kind}/${r.name}/${r.uid}`), ['MemberCluster/edge-1/u-1']);
  for (const o of objs.filter((x) => x.subjects)) assert.deepEqual(o.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'plinth:member:edge-1' }]);
  const cr = objs.find((o) => o.kind === 'ClusterRole')!;
  const [csrRules, own] = [(cr.rules as Rule[]).filter((r) => r.apiGroups.includes('certificates.k8s.io')), (cr.rules as Rule[]).filter((r) => !r.apiGroups.includes('certificates.k8s.io'))];
  for (const r of own) assert.deepEqual(r.resourceNames, ['edge-1']);
  // Certificate renewal: create a CSR and read it back (names unknown to RBAC beforehand), nothing more.
  assert.deepEqual(csrRules, [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] }]);
  const all = [...(cr.rules as Rule[]), ...(objs[1]!.rules as Rule[]), ...((agentClusterRoleObject() as any).rules as Rule[])];
  assert.ok(!all.some((r) => r.resources.includes('secrets') || r.verbs.includes('*') || r.resources.includes('*')));
  assert.ok(!all.some((r) => r.resources.includes('clusterdeliveries') && r.verbs.includes('create')));
  assert.deepEqual(JOIN_RULES, [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] }]);
});

test('--ttl durations: hours, minutes, seconds; at least 10 minutes', () => {
  assert.equal(parseTtl('1h'), 3600);
  assert.equal(parseTtl('2h30m'), 9000);
  assert.equal(parseTtl('90m'), 5400);
  assert.equal(parseTtl('600'), 600);
  assert.equal(parseTtl('700s'), 700);
  assert.throws(() => parseTtl('5m'), /invalid --ttl/);
  assert.throws(() => parseTtl('soon'), /invalid --ttl/);
  assert.throws(() => parseTtl(''), /invalid --ttl/);
});
