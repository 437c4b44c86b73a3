import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditItems, mergeAudit, nodeRunAuditItems, type HistoryOwner } from './audit.js';

const obj = (namespace: string, name: string, history: NonNullable<HistoryOwner['status']>['history']): HistoryOwner => ({ metadata: { namespace, name }, status: { history } });

const orders = auditItems('ReleaseOrder', [
  obj('shop', 'web-1', [
    { at: '2026-12-07T10:00:00Z', by: 'system:plinth', action: 'Start' },
    { at: '2026-12-07T10:05:00Z', by: 'alice', action: 'Confirm', batch: 0, message: 'batch 1 confirmed' },
  ]),
  obj('shop', 'no-history', undefined),
]);
const plans = auditItems('ReleasePlan', [obj('shop', 'plan', [{ at: '2026-12-07T10:03:00Z', by: 'bob', action: 'Pause', stage: 1, app: 'api' }])]);
const fleet = auditItems('FleetDelivery', [
  obj('ops', 'app', [
    { at: '2026-12-07T10:04:00Z', by: 'alice', action: 'Pause' },
    { at: '2026-12-07T10:04:00Z', by: 'alice', action: 'Resume', wave: 'canary' },
  ]),
]);
const all = [...orders, ...plans, ...fleet];

test('audit items carry kind, object, cluster and what the entry is about', () => {
  assert.equal(orders.length, 2);
  assert.deepEqual(orders[1], { at: '2026-12-07T10:05:00Z', by: 'alice', action: 'Confirm', kind: 'ReleaseOrder', namespace: 'shop', name: 'web-1', cluster: 'hub', message: 'batch 1 confirmed', detail: 'batch 1' });
  assert.equal(plans[0]!.detail, 'stage 2 (api)');
  assert.equal(fleet[1]!.detail, 'wave canary');
  assert.equal(fleet[0]!.message, null);
});

test('merged newest first; equal times keep the later entry of a history first', () => {
  const got = mergeAudit(all, { limit: 100 }).map((i) => `${i.at.slice(11, 16)} ${i.kind} ${i.action}`);
  assert.deepEqual(got, ['10:05 ReleaseOrder Confirm', '10:04 FleetDelivery Resume', '10:04 FleetDelivery Pause', '10:03 ReleasePlan Pause', '10:00 ReleaseOrder Start']);
});

test('filters by user, kind, namespace, name and action (case-insensitive), and cuts at limit', () => {
  assert.deepEqual(mergeAudit(all, { limit: 100, user: 'alice' }).map((i) => i.action), ['Confirm', 'Resume', 'Pause']);
  assert.deepEqual(mergeAudit(all, { limit: 100, kind: 'ReleasePlan' }).map((i) => i.by), ['bob']);
  assert.deepEqual(mergeAudit(all, { limit: 100, namespace: 'ops' }).length, 2);
  assert.deepEqual(mergeAudit(all, { limit: 100, name: 'web-1', user: 'system:plinth' }).map((i) => i.action), ['Start']);
  assert.deepEqual(mergeAudit(all, { limit: 100, action: 'pause' }).map((i) => i.kind), ['FleetDelivery', 'ReleasePlan']);
  assert.deepEqual(mergeAudit(all, { limit: 2 }).map((i) => i.action), ['Confirm', 'Resume']);
  assert.deepEqual(mergeAudit(all, { limit: 100, user: 'carol' }), []);
});

test('an entry with an unreadable time sorts last', () => {
  const odd = auditItems('ReleaseOrder', [obj('a', 'b', [{ at: 'garbage', by: 'x', action: 'A' }, { at: '2020-01-01T00:00:00Z', by: 'x', action: 'B' }])]);
  assert.deepEqual(mergeAudit(odd, { limit: 10 }).map((i) => i.action), ['B', 'A']);
});

test('node run decisions become audit items of kind NodeRun, merged with the histories', () => {
  const runs = [{ name: 'r1', decisions: [{ at: '2026-12-08T01:00:00Z', by: 'alice', action: 'pause' as const, phase: 'Running' as const }] }];
  const items = nodeRunAuditItems('plinth-system', runs);
  assert.deepEqual(items.map((i) => [i.kind, i.namespace, i.name, i.by, i.action, i.cluster]), [['NodeRun', 'plinth-system', 'r1', 'alice', 'pause', 'hub']]);
  assert.match(items[0]!.message ?? '', /Running/);
  const merged = mergeAudit([...items, ...auditItems('ReleaseOrder', [{ metadata: { namespace: 'shop', name: 'o' }, status: { history: [{ at: '2026-12-08T00:00:00Z', by: 'bob', action: 'Confirm' }] } }])], { limit: 10, user: 'alice' });
  assert.deepEqual(merged.map((i) => i.kind), ['NodeRun']);
});
