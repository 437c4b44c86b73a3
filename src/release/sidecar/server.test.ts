import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { review } from './server.js';

const mesh: SidecarSet = {
  apiVersion: 'apps.plinth.dev/v1alpha1',
  kind: 'SidecarSet',
  metadata: { name: 'mesh' },
  spec: { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'proxy', image: 'registry.local/proxy:1' }], launchOrder: 'BeforeApp' },
};
const pod = { metadata: { generateName: 'web-', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }] } };
const synced = (): { sets: SidecarSet[]; namespaceLabels: Record<string, string>; nativeSidecars: boolean } => ({ sets: [mesh], namespaceLabels: {}, nativeSidecars: true });

type Resp = { uid: string; allowed: boolean; patchType?: string; patch?: string; status?: { code: number; message: string } };
const resp = (r: Record<string, unknown>): Resp => r['response'] as Resp;

test('a selected pod is allowed with a base64 JSONPatch, echoing the request uid', () => {
  const r = resp(review({ uid: 'u1', operation: 'CREATE', namespace: 'shop', object: pod }, synced));
  assert.equal(r.uid, 'u1');
  assert.equal(r.allowed, true);
  assert.equal(r.patchType, 'JSONPatch');
  const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8')) as { path: string }[];
  assert.ok(ops.some((o) => o.path === '/spec/initContainers'));
});

test('before the caches synced the webhook refuses (the failure policy decides), and other operations pass unchanged', () => {
  const r = resp(review({ uid: 'u2', operation: 'CREATE', namespace: 'shop', object: pod }, () => undefined));
  assert.equal(r.allowed, false);
  assert.equal(r.status!.code, 503);
  assert.match(r.status!.message, /starting: retry/);
  const u = resp(review({ uid: 'u3', operation: 'UPDATE', namespace: 'shop', object: pod }, synced));
  assert.deepEqual(u, { uid: 'u3', allowed: true });
});

test('a conflicting pair is refused with the message, nothing patched', () => {
  const other = { ...mesh, metadata: { name: 'mesh-v2' } };
  const r = resp(review({ uid: 'u4', operation: 'CREATE', namespace: 'shop', object: pod }, () => ({ ...synced(), sets: [mesh, other] })));
  assert.equal(r.allowed, false);
  assert.equal(r.patch, undefined);
  assert.match(r.status!.message, /both inject a container named "proxy"/);
});
