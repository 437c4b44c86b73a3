import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdForServer, parseServerVersion } from './compat.js';
import { allCrds } from './index.js';

test('server versions are read from /version, tolerating "24+" minors', () => {
  assert.deepEqual(parseServerVersion({ major: '1', minor: '24+' }), { major: 1, minor: 24 });
  assert.deepEqual(parseServerVersion({ major: '', minor: '', gitVersion: 'v1.34.4' }), { major: 1, minor: 34 });
  assert.throws(() => parseServerVersion({}), /cannot read the API server version/);
});

test('rule fields unknown to old servers are dropped, rules kept; new servers get the CRD unchanged', () => {
  const cd = allCrds().find((c) => c.metadata.name.startsWith('celldeployments'))!;
  assert.match(JSON.stringify(cd), /"fieldPath"/);
  const old = crdForServer(cd, { major: 1, minor: 24 });
  const text = JSON.stringify(old);
  assert.doesNotMatch(text, /"fieldPath"/);
  assert.match(text, /unitReplicas add up to more than replicas/);
  assert.equal(crdForServer(cd, { major: 1, minor: 34 }), cd);
  assert.match(JSON.stringify(crdForServer(cd, { major: 1, minor: 28 })), /"fieldPath"/);
});
