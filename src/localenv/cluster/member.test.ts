import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLine, type Layout } from './components.js';
import { MEMBER_CONTROLLERS, memberEtcdPrefix } from './member.js';

function layout(extra: Partial<Layout> = {}): Layout {
  const bin = { version: 'v1.34.4', etcd: 'etcd', kubeApiserver: 'kube-apiserver', kubeControllerManager: 'kcm', kubeScheduler: 'ks', kwok: 'kwok' };
  return {
    name: 'm1',
    stateDir: '/s',
    bin: bin,
    pki: { dir: '/s/pki', caCert: 'ca', caKey: 'cak', apiserverCert: 'a', apiserverKey: 'ak', saPub: 'sp', saKey: 'sk' } as unknown as Layout['pki'],
    ports: { etcdClient: 1, etcdPeer: 2, apiserver: 3, controllerManager: 4, scheduler: 5, kwok: 6 },
    kubeconfigs: { controllerManager: 'cm', scheduler: 'sc', kwok: 'kw' },
    kwokConfig: 'k.yaml',
    apiserverArgs: [],
    controllerManagerArgs: [],
    nodeLeaseSeconds: 300,
    ...extra,
  };
}

test('a member runs only the member controllers (one --controllers flag: a repeated one would add to the list)', () => {
  const args = commandLine('kube-controller-manager', layout({ member: true })).args;
  const flags = args.filter((a) => a.startsWith('--controllers='));
  assert.deepEqual(flags, [`--controllers=${MEMBER_CONTROLLERS.join(',')}`]);
  assert.ok(MEMBER_CONTROLLERS.includes('deployment') && MEMBER_CONTROLLERS.includes('nodelifecycle'));
  assert.deepEqual(commandLine('kube-controller-manager', layout()).args.filter((a) => a.startsWith('--controllers=')), ['--controllers=*']);
});

test("a member's API server stores under its prefix of the shared etcd; Go limits apply to members only", () => {
  const api = commandLine('kube-apiserver', layout({ member: true, sharedEtcd: true, etcdPrefix: memberEtcdPrefix('m1') }));
  assert.ok(api.args.includes('--etcd-prefix=/plinth-members/m1'));
  assert.ok(api.args.includes('--etcd-servers=http://127.0.0.1:1'));
  assert.ok(api.args.includes('--enable-priority-and-fairness=false'));
  assert.deepEqual(api.env, { GOMAXPROCS: '1', GOMEMLIMIT: '200MiB' });
  assert.equal(commandLine('kwok', layout({ member: true, goGC: 50 })).env.GOGC, '50');
  const full = commandLine('kube-apiserver', layout());
  assert.deepEqual(full.env, {});
  assert.ok(!full.args.some((a) => a.startsWith('--etcd-prefix')));
});
