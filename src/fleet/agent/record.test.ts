import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecordConfigMap, recordConfigMap, recordId, recordName, type AgentRecord } from './record.js';

test('a record round-trips through its ConfigMap, the artifact gzipped in binaryData', () => {
  const record: AgentRecord = {
    delivery: 'plinth-member-a/apps.web',
    sequence: 4,
    revision: 'abc',
    digest: 'sha256:00',
    overrides: [{ replicas: 2 }],
    prune: true,
    drift: 'Correct',
    phase: 'Applied',
    inventory: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'a' }],
    driftCounts: { detected: 1, corrected: 1 },
  };
  const artifact = Buffer.from(JSON.stringify({ objects: Array.from({ length: 50 }, (_, i) => ({ name: `n${i}` })) }));
  const cm = recordConfigMap('plinth-system', { record, artifact });
  assert.equal(cm.metadata.name, recordName(record.delivery));
  assert.match(cm.metadata.name, /^plinth-delivery-[0-9a-f]{20}$/);
  assert.equal(cm.metadata.labels!['fleet.plinth.dev/agent-state'], recordId(record.delivery));
  assert.ok(Buffer.from(cm.binaryData!['artifact.json.gz']!, 'base64').length < artifact.length, 'gzipped');
  const back = parseRecordConfigMap(JSON.parse(JSON.stringify(cm)) as typeof cm);
  assert.deepEqual(back?.record, record);
  assert.deepEqual(back?.artifact, artifact);
  assert.equal(parseRecordConfigMap({ metadata: { name: 'other' }, data: {} }), undefined);
});
