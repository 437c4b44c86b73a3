import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REMOVED_APIS } from '../../assess/kb/apis.js';
import { convertObject } from './index.js';
import { converterFor } from './registry.js';

const md = { name: 'x', namespace: 'ns' };

test('every removed API with a replacement has a converter, and converting to the newest minor lands on a served version', () => {
  for (const e of REMOVED_APIS) {
    if (e.replacement === null) continue;
    assert.ok(converterFor(e.apiVersion, e.kind), `no converter for ${e.apiVersion} ${e.kind}`);
    const r = convertObject({ apiVersion: e.apiVersion, kind: e.kind, metadata: { name: 'x' }, spec: {} }, 34);
    if (e.kind === 'PodSecurityPolicy') {
      assert.equal(r.object, null);
      continue;
    }
    assert.ok(r.object, `${e.apiVersion} ${e.kind} was left out`);
    assert.equal(r.to, e.replacement.apiVersion);
    assert.equal(r.object.apiVersion, e.replacement.apiVersion);
    assert.equal(r.object.kind, e.kind);
    assert.ok(r.changes.length > 0);
  }
});

test('an object still served at the target comes back unchanged (also a deprecated one)', () => {
  const cron = { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: md, spec: { schedule: '* * * * *' } };
  const r = convertObject(cron, 24); // deprecated in 1.21, still served in 1.24
  assert.equal(r.object, cron);
  assert.equal(r.from, 'batch/v1beta1');
  assert.equal(r.to, 'batch/v1beta1');
  assert.deepEqual(r.changes, []);
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: md, spec: {} };
  assert.deepEqual(convertObject(dep, 34), { object: dep, from: 'apps/v1', to: 'apps/v1', changes: [], warnings: [] });
  const custom = { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: md };
  assert.equal(convertObject(custom, 34).object, custom);
});

test('PodSecurityPolicy: moved to policy/v1beta1 before 1.25, left out with a warning from 1.25', () => {
  const psp = { apiVersion: 'extensions/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'restricted' }, spec: { privileged: false } };
  const old = convertObject(psp, 20);
  assert.equal(old.to, 'policy/v1beta1');
  assert.equal(old.object?.apiVersion, 'policy/v1beta1');
  const gone = convertObject(psp, 25);
  assert.equal(gone.object, null);
  assert.equal(gone.to, null);
  assert.match(gone.warnings.join('\n'), /PodSecurityPolicy restricted .*left out.*Pod Security Admission/);
  const direct = convertObject({ ...psp, apiVersion: 'policy/v1beta1' }, 34);
  assert.equal(direct.object, null);
});

test('the input is never modified', () => {
  const ing = {
    apiVersion: 'extensions/v1beta1',
    kind: 'Ingress',
    metadata: md,
    spec: { backend: { serviceName: 's', servicePort: 80 }, rules: [{ http: { paths: [{ path: '/', backend: { serviceName: 's', servicePort: 'http' } }] } }] },
  };
  const before = structuredClone(ing);
  convertObject(ing, 34);
  assert.deepEqual(ing, before);
});

test('flowcontrol v1beta1 goes to v1beta3 for 1.26-1.28 (v1 is not served yet) and to v1 from 1.29', () => {
  const plc = {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name: 'batch' },
    spec: { type: 'Limited', limited: { assuredConcurrencyShares: 5, limitResponse: { type: 'Reject' } } },
  };
  const mid = convertObject(plc, 27);
  assert.equal(mid.to, 'flowcontrol.apiserver.k8s.io/v1beta3');
  assert.deepEqual(mid.object?.spec, { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } });
  const last = convertObject(plc, 34);
  assert.equal(last.to, 'flowcontrol.apiserver.k8s.io/v1');
  assert.equal(convertObject(plc, 25).object, plc);
});
