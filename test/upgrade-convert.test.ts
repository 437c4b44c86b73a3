// plinth upgrade convert against a real NEW (1.34) API server: a fixture set with one manifest of every
// convertible old kind is converted to 1.34 and every output object must pass a server-side dry-run
// create with strict field validation. PodSecurityPolicies are left out with a warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { Discovery } from '../src/kube/discovery.js';
import { resourcePath } from '../src/kube/resource.js';
import { isKubeApiError } from '../src/kube/api-error.js';
import { runConvert } from '../src/upgrade/migrate/convert/run.js';

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

const FIXTURES = 'test/fixtures/upgrade-convert';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out.sort();
}

/** Every object in a converted output file (Lists flattened). */
function objectsOf(text: string, file: string): Obj[] {
  const docs = file.endsWith('.json') ? [JSON.parse(text) as unknown] : parseAllDocuments(text).map((d) => d.toJS() as unknown);
  return docs.flatMap((d) => {
    if (d === null || typeof d !== 'object') return [];
    const o = d as Obj & { items?: Obj[] };
    return o.kind.endsWith('List') && Array.isArray(o.items) ? o.items : [o];
  });
}

/** What a suite converts into a temp dir, and the cluster it checks the output against (set by `before`). */
interface Converted {
  cluster: LocalCluster;
  client: KubeClient;
  discovery: Discovery;
  out: string;
  code: number;
  stderr: string;
}

/** Call inside a describe(): starts a local cluster and converts the fixtures to `to` before the tests; cleans up after. */
function convertedOn(version: 'new' | 'old', nodes: number, to: string, tmpPrefix: string): Converted {
  const cv = { stderr: '' } as Converted;
  before(async () => {
    cv.cluster = await startCluster({ version, nodes });
    cv.client = await KubeClient.fromKubeConfig(cv.cluster.kubeConfig);
    cv.discovery = new Discovery(cv.client);
    cv.out = await mkdtemp(join(tmpdir(), tmpPrefix));
    cv.code = await runConvert({ to, files: [FIXTURES], outputDir: cv.out }, { stdout: () => undefined, stderr: (t) => void (cv.stderr += t) });
  });
  after(async () => {
    (cv.client as KubeClient | undefined)?.close();
    await (cv.cluster as LocalCluster | undefined)?.stop();
    if (cv.out) await rm(cv.out, { recursive: true, force: true });
  });
  return cv;
}

describe('plinth upgrade convert: every converted object is accepted by a NEW API server', () => {
  const cv = convertedOn('new', 1, '1.34', 'plinth-convert-');
  const accepted = new Map<string, Obj>();

  test('one output file per input file, same relative names; exit code 3 because PSPs were left out', async () => {
    assert.equal(cv.code, 3, cv.stderr);
    const inputs = (await files(FIXTURES)).map((f) => relative(FIXTURES, f));
    const outputs = (await files(cv.out)).map((f) => relative(cv.out, f));
    assert.deepEqual(outputs, inputs);
  });

  test('every converted object passes server-side dry-run create (fieldValidation=Strict) on 1.34', async () => {
    assert.match(cv.cluster.version, /^v1\.34\./);
    const all: { file: string; o: Obj }[] = [];
    for (const f of await files(cv.out)) for (const o of objectsOf(await readFile(f, 'utf8'), f)) all.push({ file: relative(cv.out, f), o });
    // namespaces are created for real first: the namespaced objects need them
    for (const { o } of all.filter((x) => x.o.kind === 'Namespace')) {
      await cv.client.request({ method: 'POST', path: '/api/v1/namespaces', body: o });
    }
    const failures: string[] = [];
    for (const { file, o } of all) {
      if (o.kind === 'Namespace') continue;
      const who = `${file}: ${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const ref = await cv.discovery.refFor(o.apiVersion, o.kind, o.metadata.namespace);
      if (!ref) {
        failures.push(`${who}: not served by 1.34`);
        continue;
      }
      try {
        const created = await cv.client.request<Obj>({
          method: 'POST',
          path: resourcePath(ref),
          query: { dryRun: 'All', fieldValidation: 'Strict' },
          body: o,
        });
        accepted.set(`${o.kind}/${o.metadata.name}`, created);
      } catch (err) {
        failures.push(`${who}: ${isKubeApiError(err) ? err.message : String(err)}`);
      }
    }
    assert.deepEqual(failures, []);
    // one of every convertible kind of the fixtures made it
    const kinds = new Set(all.map((x) => x.o.kind));
    for (const k of [
      'Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'CronJob', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress', 'IngressClass',
      'NetworkPolicy', 'EndpointSlice', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
      'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'PriorityClass', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
      'CSIStorageCapacity', 'RuntimeClass', 'Lease', 'FlowSchema', 'PriorityLevelConfiguration', 'Event',
    ]) {
      assert.ok(kinds.has(k), `${k} in the converted output`);
    }
    assert.ok(!kinds.has('PodSecurityPolicy'));
    assert.equal(all.length, 47);
  });

  test('control: the same objects with only their apiVersion changed are rejected (the field changes matter)', async () => {
    const naive: Obj[] = [];
    for (const f of await files(FIXTURES)) {
      const inputs = objectsOf(await readFile(f, 'utf8'), f);
      const converted = objectsOf(await readFile(join(cv.out, relative(FIXTURES, f)), 'utf8'), f);
      for (const o of inputs) {
        const c = converted.find((x) => x.kind === o.kind && x.metadata.name === o.metadata.name);
        if (c && c.apiVersion !== o.apiVersion) naive.push({ ...o, apiVersion: c.apiVersion });
      }
    }
    const rejected = new Set<string>();
    for (const o of naive) {
      const ref = await cv.discovery.refFor(o.apiVersion, o.kind, o.metadata.namespace);
      assert.ok(ref);
      try {
        await cv.client.request({ method: 'POST', path: resourcePath(ref), query: { dryRun: 'All', fieldValidation: 'Strict' }, body: o });
      } catch (err) {
        assert.ok(isKubeApiError(err), String(err));
        rejected.add(`${o.kind}/${o.metadata.name}`);
      }
    }
    for (const k of [
      'Deployment/web-ext', 'DaemonSet/agent-b2', 'StatefulSet/db-b1', 'ReplicaSet/rs-b2', 'Ingress/shop', 'Ingress/admin', 'HorizontalPodAutoscaler/web-v2beta1',
      'CustomResourceDefinition/crontabs.stable.example.com', 'CustomResourceDefinition/widgets.example.com', 'CustomResourceDefinition/gadgets.example.com',
      'ValidatingWebhookConfiguration/pod-policy',
      'PriorityLevelConfiguration/shop-batch', 'EndpointSlice/web-manual', 'Event/web-ext.scaled',
    ]) {
      assert.ok(rejected.has(k), `${k} with only its apiVersion changed should be rejected`);
    }
  });

  test('the API server sees the meaning the old objects had', () => {
    const get = (key: string): Obj => {
      const o = accepted.get(key);
      assert.ok(o, `${key} was accepted`);
      return o;
    };
    const spec = (key: string): Record<string, any> => get(key).spec as Record<string, any>;
    // an empty PDB selector selected no pods in v1beta1: the converted PDB has no selector (still none)
    assert.equal(spec('PodDisruptionBudget/nothing').selector, undefined);
    assert.deepEqual(spec('PodDisruptionBudget/web').selector, { matchLabels: { app: 'web-ext' } });
    // webhooks keep their v1beta1 defaults instead of getting v1's
    const hook = (get('ValidatingWebhookConfiguration/pod-policy').webhooks as Record<string, unknown>[])[0];
    assert.equal(hook?.failurePolicy, 'Ignore');
    assert.equal(hook?.matchPolicy, 'Exact');
    assert.equal(hook?.timeoutSeconds, 30);
    assert.deepEqual(hook?.admissionReviewVersions, ['v1beta1']);
    assert.equal((get('MutatingWebhookConfiguration/sidecar-injector').webhooks as Record<string, unknown>[])[0]?.failurePolicy, 'Fail');
    // extensions/v1beta1 Deployment keeps its rolling update and history settings
    assert.deepEqual(spec('Deployment/web-ext').strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
    assert.equal(spec('Deployment/web-ext').revisionHistoryLimit, 2147483647);
    assert.deepEqual(spec('DaemonSet/agent-ext').updateStrategy, { type: 'OnDelete' });
    assert.deepEqual(spec('StatefulSet/db-b1').updateStrategy, { type: 'OnDelete' });
    // CRDs: scope explicit, columns per version, schema structural
    const crd = spec('CustomResourceDefinition/crontabs.stable.example.com');
    assert.equal(crd.scope, 'Namespaced');
    assert.deepEqual(
      crd.versions.map((v: any) => v.additionalPrinterColumns.map((c: any) => c.jsonPath)),
      [
        ['.spec.cronSpec', '.spec.replicas', '.metadata.creationTimestamp'],
        ['.spec.cronSpec', '.spec.replicas', '.metadata.creationTimestamp'],
      ],
    );
    assert.deepEqual(crd.versions[0].subresources.scale.labelSelectorPath, '.status.labelSelector');
    assert.equal(spec('CustomResourceDefinition/widgets.example.com').versions[0].schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields'], true);
    const gadget = spec('CustomResourceDefinition/gadgets.example.com').versions[0].schema.openAPIV3Schema.properties.spec.properties;
    assert.equal(gadget.port['x-kubernetes-int-or-string'], true);
    assert.equal(gadget.size['x-kubernetes-preserve-unknown-fields'], true);
    // Ingress backends
    assert.deepEqual(spec('Ingress/shop').defaultBackend, { service: { name: 'fallback', port: { number: 8080 } } });
    assert.deepEqual(spec('Ingress/admin').rules[0].http.paths[0].backend, { service: { name: 'admin', port: { name: 'https' } } });
    // flowcontrol: a 0 share meant 30
    assert.equal(spec('PriorityLevelConfiguration/shop-zero').limited.nominalConcurrencyShares, 30);
    assert.equal(spec('PriorityLevelConfiguration/shop-batch').limited.nominalConcurrencyShares, 5);
    // EndpointSlice topology
    const ep = (get('EndpointSlice/web-manual').endpoints as Record<string, unknown>[])[0];
    assert.equal(ep?.nodeName, 'node-1');
    assert.equal(ep?.zone, 'zone-a');
  });

  test('warnings on stderr name file:line: PSPs left out, the empty PDB selector, the schemaless CRD', () => {
    assert.match(cv.stderr, /warning: test\/fixtures\/upgrade-convert\/policy\.yaml:22: PodSecurityPolicy restricted \(policy\/v1beta1\) left out: .*Pod Security Admission/);
    assert.match(cv.stderr, /warning: test\/fixtures\/upgrade-convert\/policy\.yaml:34: PodSecurityPolicy legacy \(extensions\/v1beta1\) left out/);
    assert.match(cv.stderr, /warning: test\/fixtures\/upgrade-convert\/policy\.yaml:13: PodDisruptionBudget shop\/nothing: its empty selector \{\} selected NO pods/);
    assert.match(cv.stderr, /warning: test\/fixtures\/upgrade-convert\/crds\.yaml:44: CustomResourceDefinition widgets\.example\.com: had no validation schema/);
    assert.match(cv.stderr, /converted \d+ of 49 objects in 11 file\(s\) to the APIs of 1\.34 into .*; 2 left out/);
  });
});

describe('plinth upgrade convert --to 1.24: only what 1.24 does not serve moves, and an OLD API server accepts it', () => {
  const cv = convertedOn('old', 0, '1.24', 'plinth-convert-old-');

  test('deprecated versions 1.24 still serves are left alone; removed ones are converted; the server accepts every object', async () => {
    assert.equal(cv.code, 0, cv.stderr);
    assert.match(cv.cluster.version, /^v1\.24\./);
    const all: { file: string; o: Obj }[] = [];
    for (const f of await files(cv.out)) for (const o of objectsOf(await readFile(f, 'utf8'), f)) all.push({ file: relative(cv.out, f), o });
    const version = (kind: string, name: string): string | undefined => all.find((x) => x.o.kind === kind && x.o.metadata.name === name)?.o.apiVersion;
    assert.equal(version('CronJob', 'nightly-report'), 'batch/v1beta1');
    assert.equal(version('PodDisruptionBudget', 'nothing'), 'policy/v1beta1');
    assert.equal(version('HorizontalPodAutoscaler', 'web-v2beta1'), 'autoscaling/v2beta1');
    assert.equal(version('PodSecurityPolicy', 'restricted'), 'policy/v1beta1');
    assert.equal(version('PodSecurityPolicy', 'legacy'), 'policy/v1beta1');
    assert.equal(version('Deployment', 'web-ext'), 'apps/v1');
    assert.equal(version('Ingress', 'shop'), 'networking.k8s.io/v1');
    assert.equal(version('CustomResourceDefinition', 'widgets.example.com'), 'apiextensions.k8s.io/v1');
    assert.equal(await readFile(join(cv.out, 'batch.yaml'), 'utf8'), await readFile(join(FIXTURES, 'batch.yaml'), 'utf8'));

    for (const { o } of all.filter((x) => x.o.kind === 'Namespace')) await cv.client.request({ method: 'POST', path: '/api/v1/namespaces', body: o });
    const original = new Map<string, Obj>();
    for (const f of await files(FIXTURES)) for (const o of objectsOf(await readFile(f, 'utf8'), f)) original.set(`${o.kind}/${o.metadata.name}`, o);
    const failures: string[] = [];
    let checked = 0;
    for (const { file, o } of all) {
      const before = original.get(`${o.kind}/${o.metadata.name}`);
      assert.ok(before);
      if (before.apiVersion === o.apiVersion) {
        // not converted: the object is exactly the input (what it needs from 1.24 is the author's business)
        assert.deepEqual(o, before);
        continue;
      }
      const ref = await cv.discovery.refFor(o.apiVersion, o.kind, o.metadata.namespace);
      assert.ok(ref, `${o.apiVersion} ${o.kind} is served by 1.24`);
      try {
        await cv.client.request({ method: 'POST', path: resourcePath(ref), query: { dryRun: 'All' }, body: o });
        checked++;
      } catch (err) {
        failures.push(`${file}: ${o.apiVersion} ${o.kind} ${o.metadata.name}: ${isKubeApiError(err) ? err.message : String(err)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(checked >= 20, `checked ${checked}`);
  });
});
