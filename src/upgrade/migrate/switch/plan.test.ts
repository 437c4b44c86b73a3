import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../../errors/index.js';
import { parsePlan } from './plan.js';

const GOOD = `apiVersion: plinth.dev/v1alpha1
kind: SwitchPlan
targetVersion: v1.34
workDir: ./work
old: { kubeconfig: old.kubeconfig }
new: { kubeconfig: /abs/new.kubeconfig, context: admin }
hosts:
  - name: master-1
    executor: { type: local }
    old: { stop: ["systemctl stop kube-apiserver"], start: ["systemctl start kube-apiserver"] }
    new: { stop: ["echo a"], start: ["echo b"] }
  - name: master-2
    executor: { type: ssh, host: 10.0.0.2, user: ops, port: 2222, identityFile: keys/id }
    old: { stop: [], start: [] }
    new: { stop: [], start: [] }
etcd: { endpoints: ["https://10.0.0.1:2379"], cacert: pki/ca.crt }
timeouts: { commandSeconds: 30 }
`;

function err(text: string): PlinthError {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (e) {
    assert.ok(e instanceof PlinthError);
    return e;
  }
  assert.fail('expected the plan to be refused');
}

test('a valid plan resolves paths against its directory and fills defaults', () => {
  const p = parsePlan(GOOD, '/srv/plans/plan.yaml');
  assert.equal(p.targetMinor, 34);
  assert.equal(p.workDir, '/srv/plans/work');
  assert.equal(p.old.kubeconfig, '/srv/plans/old.kubeconfig');
  assert.deepEqual(p.new, { kubeconfig: '/abs/new.kubeconfig', context: 'admin' });
  assert.equal(p.hosts[1]?.executor.identityFile, '/srv/plans/keys/id');
  assert.equal(p.etcd?.cacert, '/srv/plans/pki/ca.crt');
  assert.deepEqual(p.timeouts, { commandMs: 30_000, healthyMs: 300_000, verifyMs: 300_000 });
  assert.equal(p.export.includeStatus, false);
  assert.match(p.digest, /^[0-9a-f]{64}$/);
});

test('malformed YAML names file:line:col', () => {
  const e = err(GOOD.replace('kind: SwitchPlan', 'kind: [SwitchPlan'));
  assert.equal(e.code, 'UPGRADE_SWITCH_PLAN_INVALID');
  assert.match(e.message, /^invalid switch plan plan\.yaml:\d+:\d+: malformed YAML/);
});

test('an unknown executor names the host path, the line and the accepted types', () => {
  const e = err(GOOD.replace('type: local', 'type: telnet'));
  assert.match(e.message, /plan\.yaml:9: hosts\[0\]\.executor\.type: unknown executor "telnet"/);
  assert.match(e.hint, /local, ssh/);
});

test('a wrong type, a missing field and an unknown field each name the path and the fix', () => {
  const wrong = err(GOOD.replace('stop: ["systemctl stop kube-apiserver"]', 'stop: "systemctl stop kube-apiserver"'));
  assert.match(wrong.message, /plan\.yaml:10: hosts\[0\]\.old\.stop: expected array/);
  assert.match(wrong.hint, /list the shell commands/);
  const missing = err(GOOD.replace('old: { kubeconfig: old.kubeconfig }\n', ''));
  assert.match(missing.message, /old: expected required property/);
  assert.match(missing.hint, /^add old:/);
  const extra = err(`${GOOD}bogus: 1\n`);
  assert.match(extra.message, /plan\.yaml:18: bogus: unexpected property/);
  const port = err(GOOD.replace('port: 2222', 'port: 70000'));
  assert.match(port.message, /hosts\[1\]\.executor\.port/);
});

test('semantic checks: ssh needs a host, local takes no ssh fields, host names unique, a real version', () => {
  assert.match(err(GOOD.replace('host: 10.0.0.2, ', '')).message, /hosts\[1\]\.executor: an ssh executor needs host/);
  assert.match(err(GOOD.replace('{ type: local }', '{ type: local, user: root }')).message, /only apply to type ssh/);
  assert.match(err(GOOD.replace('name: master-2', 'name: master-1')).message, /listed twice/);
  assert.match(err(GOOD.replace('targetVersion: v1.34', 'targetVersion: latest')).message, /targetVersion/);
  assert.match(err('- a\n- b\n').message, /not a YAML mapping/);
});
