import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { currentHelmRecords, decodeHelmRecord, decodeHelmRelease, encodeHelmRelease, recordWhere, type HelmRecordRef } from './helm.js';
import { assessHelm } from './live/collect.js';
import { KubeApiError } from '../../kube/api-error.js';
import type { KubeClient, ListOptions } from '../../kube/http.js';
import type { ResourceRef } from '../../kube/resource.js';

const MANIFEST = '---\n# Source: shop/templates/cronjob.yaml\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: shop-report\n';

test('a Secret record is base64 of base64 of gzip; a ConfigMap record has no extra base64 layer', () => {
  const release = { name: 'shop', namespace: 'legacy', version: 3, manifest: MANIFEST };
  const secretValue = encodeHelmRelease(release);
  const configMapValue = encodeHelmRelease(release, 'ConfigMap');
  // The ConfigMap value is what Helm itself writes: base64 of gzip (starts with the gzip magic once decoded).
  assert.deepEqual([...Buffer.from(configMapValue, 'base64').subarray(0, 2)], [0x1f, 0x8b]);
  assert.equal(Buffer.from(secretValue, 'base64').toString('utf8'), configMapValue);

  for (const r of [decodeHelmRelease(secretValue), decodeHelmRecord('Secret', secretValue), decodeHelmRecord('ConfigMap', configMapValue)]) {
    assert.deepEqual([r.name, r.namespace, r.revision, r.status], ['shop', 'legacy', 3, 'deployed']);
    assert.match(r.manifest, /batch\/v1beta1/);
  }
  // The two encodings are not interchangeable.
  assert.throws(() => decodeHelmRecord('ConfigMap', secretValue));
  assert.throws(() => decodeHelmRecord('Secret', configMapValue));
});

test('records Helm wrote without gzip still decode; garbage does not', () => {
  const plain = Buffer.from(JSON.stringify({ name: 'raw', namespace: 'n', version: 1, manifest: '', info: { status: 'failed' } })).toString('base64');
  assert.deepEqual([decodeHelmRecord('ConfigMap', plain).name, decodeHelmRecord('ConfigMap', plain).status], ['raw', 'failed']);
  assert.equal(decodeHelmRecord('Secret', Buffer.from(plain).toString('base64')).revision, 1);
  assert.throws(() => decodeHelmRecord('ConfigMap', Buffer.from(gzipSync(Buffer.from('not json'))).toString('base64')));
  assert.throws(() => decodeHelmRecord('ConfigMap', ''));
});

const rec = (release: string, revision: number, status: string | undefined, storage: HelmRecordRef['storage'] = 'Secret', namespace = 'a'): HelmRecordRef => ({
  storage,
  namespace,
  name: `sh.helm.release.v1.${release}.v${revision}`, // both drivers use the same key
  release,
  revision,
  status,
});

test('the current record of a release is its newest deployed revision, else its newest', () => {
  const picked = currentHelmRecords([
    rec('shop', 1, 'superseded'),
    rec('shop', 2, 'deployed'),
    rec('shop', 3, 'failed'), // a failed upgrade: revision 2 is still what runs
    rec('shop', 4, 'pending-upgrade'),
    rec('new', 1, 'failed'), // never deployed: the newest is all there is
    rec('new', 2, 'pending-install'),
    rec('shop', 7, 'deployed', 'ConfigMap'), // another driver, another history
    rec('shop', 1, 'deployed', 'Secret', 'b'), // another namespace
  ]);
  assert.deepEqual(
    picked.map((r) => [r.namespace, r.release, r.storage, r.revision]),
    [
      ['a', 'new', 'Secret', 2],
      ['a', 'shop', 'ConfigMap', 7],
      ['a', 'shop', 'Secret', 2],
      ['b', 'shop', 'Secret', 1],
    ],
  );
  assert.equal(recordWhere(picked[1]!), 'ConfigMap a/sh.helm.release.v1.shop.v7');
  assert.deepEqual(currentHelmRecords([]), []);
});

// A fake of the one call assessHelm makes (listing); what it decides from the records is the subject here.
function fakeClient(secrets: unknown[], configMaps: unknown[], forbidden: string[] = []): KubeClient {
  const matches = (o: { metadata?: { labels?: Record<string, string> }; type?: string }, opts: ListOptions): boolean => {
    const [k, v] = (opts.labelSelector ?? '=').split('=');
    if (k && o.metadata?.labels?.[k] !== v) return false;
    if (opts.fieldSelector) return opts.fieldSelector === `type=${o.type}`;
    return true;
  };
  return {
    list: (r: ResourceRef, opts: ListOptions = {}) => {
      if (forbidden.includes(r.plural)) return Promise.reject(new KubeApiError({ status: 403, message: `${r.plural} is forbidden`, verb: 'list', target: r.plural }));
      const all = (r.plural === 'secrets' ? secrets : configMaps) as { metadata?: { labels?: Record<string, string> }; type?: string }[];
      return Promise.resolve({ items: all.filter((o) => matches(o, opts)), metadata: {} });
    },
  } as unknown as KubeClient;
}

const helmObject = (storage: 'Secret' | 'ConfigMap', release: string, revision: number, status: string, manifest: string): Record<string, unknown> => ({
  ...(storage === 'Secret' ? { type: 'helm.sh/release.v1' } : {}),
  metadata: {
    name: `sh.helm.release.v1.${release}.v${revision}`,
    namespace: 'legacy',
    labels: { owner: 'helm', name: release, version: String(revision), status },
  },
  data: { release: encodeHelmRelease({ name: release, namespace: 'legacy', version: revision, manifest, status }, storage) },
});

test('assessHelm reads Secret and ConfigMap records and names the record in every finding', async () => {
  const fixed = MANIFEST.replace('batch/v1beta1', 'batch/v1');
  const client = fakeClient(
    [helmObject('Secret', 'shop', 1, 'superseded', MANIFEST), helmObject('Secret', 'shop', 2, 'deployed', MANIFEST), { type: 'Opaque', metadata: { name: 'x', namespace: 'legacy', labels: { owner: 'helm' } }, data: {} }],
    [
      helmObject('ConfigMap', 'cms', 4, 'deployed', MANIFEST),
      helmObject('ConfigMap', 'cms', 5, 'failed', fixed), // the failed fix is not what runs
      { metadata: { name: 'unrelated', namespace: 'legacy', labels: { owner: 'helm' } }, data: { foo: 'bar' } },
    ],
  );
  const r = await assessHelm(client, 25);
  assert.deepEqual(r.errors, []);
  assert.equal(r.releases, 2);
  assert.deepEqual(
    r.findings.map((f) => [f.identity.release?.name, f.identity.release?.revision, f.identity.file, f.identity.kind, f.severity]),
    [
      ['cms', 4, 'shop/templates/cronjob.yaml', 'CronJob', 'blocker'],
      ['shop', 2, 'shop/templates/cronjob.yaml', 'CronJob', 'blocker'],
    ],
  );
  assert.match(r.findings[0]!.message, /\(Helm record ConfigMap legacy\/sh\.helm\.release\.v1\.cms\.v4\)$/);
  assert.match(r.findings[1]!.message, /\(Helm record Secret legacy\/sh\.helm\.release\.v1\.shop\.v2\)$/);
});

test('assessHelm: a release never deployed is read from its newest record and says so; unreadable parts become errors', async () => {
  const client = fakeClient([helmObject('Secret', 'x', 1, 'deployed', MANIFEST)], [helmObject('ConfigMap', 'first', 1, 'failed', MANIFEST)], ['secrets']);
  const r = await assessHelm(client, 25);
  assert.equal(r.releases, 1);
  assert.match(r.findings[0]!.message, /Helm record ConfigMap legacy\/sh\.helm\.release\.v1\.first\.v1, status failed: no revision of this release is deployed\)$/);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!.message, /^Helm release Secrets \(label owner=helm\): .*forbidden/);

  const broken = fakeClient([], [{ metadata: { name: 'sh.helm.release.v1.bad.v1', namespace: 'legacy', labels: { owner: 'helm', name: 'bad', version: '1', status: 'deployed' } }, data: { release: 'not a record' } }]);
  const b = await assessHelm(broken, 25);
  assert.deepEqual(b.findings, []);
  assert.deepEqual(b.errors.map((e) => [e.release?.name, e.release?.revision]), [['bad', 1]]);
  assert.match(b.errors[0]!.message, /cannot decode the release record in ConfigMap legacy\/sh\.helm\.release\.v1\.bad\.v1/);
});
