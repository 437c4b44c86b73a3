import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrites, totalOf, writesBetween } from './writes.js';

const line = (verb: string, group: string, resource: string, sub: string, v: number): string =>
  `apiserver_request_total{code="200",component="apiserver",dry_run="",group="${group}",resource="${resource}",scope="resource",subresource="${sub}",verb="${verb}",version="v1"} ${v}`;

test('writes are counted by verb, group, resource and subresource; reads and the hub’s own background writes are left out', () => {
  const text = [
    '# HELP apiserver_request_total x',
    line('PATCH', 'source.toolkit.fluxcd.io', 'gitrepositories', 'status', 3),
    line('PATCH', 'source.toolkit.fluxcd.io', 'gitrepositories', 'status', 2),
    line('POST', '', 'events', '', 4),
    line('PUT', 'coordination.k8s.io', 'leases', '', 50),
    line('POST', '', 'endpoints', '', 7),
    line('PUT', 'discovery.k8s.io', 'endpointslices', '', 2),
    line('GET', 'kustomize.toolkit.fluxcd.io', 'kustomizations', '', 9),
    line('APPLY', 'kustomize.toolkit.fluxcd.io', 'kustomizations', '', 1),
  ].join('\n');
  const w = parseWrites(text);
  assert.deepEqual([...w.entries()].sort(), [
    ['APPLY kustomize.toolkit.fluxcd.io/kustomizations', 1],
    ['PATCH source.toolkit.fluxcd.io/gitrepositories/status', 5],
    ['POST core/events', 4],
  ]);
  assert.equal(totalOf(w), 10);
});

test('a window is the difference of two scrapes', () => {
  const before = new Map([['POST core/events', 4], ['PATCH x/y', 1]]);
  const after = new Map([['POST core/events', 9], ['PATCH x/y', 1], ['PUT a/b', 2]]);
  assert.deepEqual([...writesBetween(before, after).entries()].sort(), [['POST core/events', 5], ['PUT a/b', 2]]);
});
