// Integration test of `plinth upgrade assess` against a real OLD (1.24) local cluster: objects created
// through versions removed later (batch/v1beta1 CronJob, policy/v1beta1 PDB, autoscaling/v2beta2 HPA), an
// Ingress whose only trace of networking.k8s.io/v1beta1 is the last-applied annotation (1.24 no longer
// serves that version, so it cannot be written through it), Helm release records of both storage drivers
// (a release in Secrets, another in ConfigMaps whose newest revision failed), a webhook configuration
// naming a removed version, a node with an old kubelet, a kube-system control-plane pod with removed
// flags, a ClusterRole granting on PodSecurityPolicies and a CRD whose stored version is no longer served.
// The CLI is spawned as a user would run it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { encodeHelmRelease } from '../src/upgrade/assess/helm.js';
import type { Finding, Report } from '../src/upgrade/assess/types.js';
import { sleep } from '../src/kube/clock.js';

const ROOT = resolve(import.meta.dirname, '..');
const NS = 'legacy';

function assess(kubeconfig: string, args: string[]): { code: number; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', '--kubeconfig', kubeconfig, '-o', 'json', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.ok(r.stdout.length > 0, `no output; stderr: ${r.stderr}`);
  return { code: r.status ?? -1, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

const about = (fs: readonly Finding[], kind: string, name: string): Finding[] => fs.filter((f) => f.identity.kind === kind && f.identity.name === name);

const HELM_MANIFEST = `---
# Source: shop/templates/cronjob.yaml
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: shop-report
spec:
  schedule: "0 * * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: busybox}], restartPolicy: OnFailure}}}}
---
# Source: shop/templates/pdb.yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: shop-pdb
spec:
  minAvailable: 1
  selector: {matchLabels: {app: shop}}
`;

describe('upgrade assess on a live 1.24 cluster', () => {
  let cluster: LocalCluster;
  let client: KubeClient;
  let oldNode: string;

  before(async () => {
    cluster = await startCluster({ version: 'old', nodes: 3, zones: 1 });
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await client.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const w = { fieldManager: 'legacy-ci' };
    const podTemplate = { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } };
    await client.create(ref('batch/v1beta1', 'cronjobs', NS), { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: podTemplate } } } }, w);
    await client.create(ref('policy/v1beta1', 'poddisruptionbudgets', NS), { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }, w);
    await client.create(
      ref('autoscaling/v2beta2', 'horizontalpodautoscalers', NS),
      { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web-hpa' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] } },
      w,
    );
    const oldIngress = { apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress', metadata: { name: 'web', namespace: NS }, spec: { backend: { serviceName: 'web', servicePort: 80 } } };
    await client.create(
      ref('networking.k8s.io/v1', 'ingresses', NS),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(oldIngress) } },
        spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
      },
      { fieldManager: 'converted-by-hand' },
    );
    for (const [version, manifest] of [
      [1, HELM_MANIFEST.replace('policy/v1beta1', 'policy/v1')],
      [2, HELM_MANIFEST],
    ] as const) {
      await client.create(ref('v1', 'secrets', NS), {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'helm.sh/release.v1',
        metadata: { name: `sh.helm.release.v1.shop.v${version}`, labels: { owner: 'helm', name: 'shop', version: String(version), status: version === 2 ? 'deployed' : 'superseded' } },
        data: { release: encodeHelmRelease({ name: 'shop', namespace: NS, version, manifest }) },
      });
    }
    // HELM_DRIVER=configmap: revision 1 is deployed with the old APIs, revision 2 (the fix) failed, so 1 is what runs.
    const catalog = HELM_MANIFEST.replaceAll('shop', 'catalog');
    for (const [version, manifest, status] of [
      [1, catalog, 'deployed'],
      [2, catalog.replace('policy/v1beta1', 'policy/v1').replace('batch/v1beta1', 'batch/v1'), 'failed'],
    ] as const) {
      await client.create(ref('v1', 'configmaps', NS), {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `sh.helm.release.v1.catalog.v${version}`, labels: { owner: 'helm', name: 'catalog', version: String(version), status } },
        data: { release: encodeHelmRelease({ name: 'catalog', namespace: NS, version, manifest, status }, 'ConfigMap') },
      });
    }
    await client.create(ref('admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations'), {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'cron-policy' },
      webhooks: [
        {
          name: 'cron.policy.example.com',
          matchPolicy: 'Exact',
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          clientConfig: { url: 'https://127.0.0.1:9/validate' },
          namespaceSelector: { matchLabels: { 'no-such-label': 'x' } },
          rules: [{ apiGroups: ['batch'], apiVersions: ['v1beta1'], resources: ['cronjobs'], operations: ['CREATE'] }],
        },
      ],
    });
    await client.create(ref('v1', 'pods', 'kube-system'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kube-apiserver-cp1', labels: { component: 'kube-apiserver', tier: 'control-plane' } },
      spec: {
        containers: [
          {
            name: 'kube-apiserver',
            image: 'registry.k8s.io/kube-apiserver:v1.24.17',
            command: ['kube-apiserver', '--enable-admission-plugins=NodeRestriction,PodSecurityPolicy', '--feature-gates=TTLAfterFinished=true', '--logtostderr=true'],
          },
        ],
      },
    });
    await client.create(ref('rbac.authorization.k8s.io/v1', 'clusterroles'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'psp-restricted' },
      rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['restricted'] }],
    });
    const crds = ref('apiextensions.k8s.io/v1', 'customresourcedefinitions');
    const version = (name: string, served: boolean, storage: boolean): unknown => ({ name, served, storage, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } });
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' }, versions: [version('v1alpha1', true, true)] } };
    await client.create(crds, crd);
    for (let i = 0; ; i++) {
      try {
        await client.create(ref('example.com/v1alpha1', 'widgets', NS), { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'w1' } });
        break;
      } catch (err) {
        if (i > 100) throw err;
        await sleep(100);
      }
    }
    await client.patch(crds, 'widgets.example.com', { spec: { versions: [version('v1alpha1', false, false), version('v1', true, true)] } }, 'merge');
    const nodes = await client.list(ref('v1', 'nodes'));
    oldNode = nodes.items[0]!.metadata!.name!;
    await cluster.setNodeKubeletVersion(oldNode, 'v1.22.17');
  });

  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  test('--to 1.34: every old writer, release, webhook, node and flag is found with the right severity; exit 3', () => {
    const { code, report, stderr } = assess(cluster.kubeconfigPath, ['--to', '1.34', '--helm']);
    assert.equal(code, 3, stderr);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.current, 'v1.24.17');
    const f = report.findings;

    for (const [kind, name, apiVersion] of [
      ['CronJob', 'nightly', 'batch/v1beta1'],
      ['PodDisruptionBudget', 'web-pdb', 'policy/v1beta1'],
      ['HorizontalPodAutoscaler', 'web-hpa', 'autoscaling/v2beta2'],
    ] as const) {
      const hit = about(f, kind, name).find((x) => x.code === 'removed-api');
      assert.ok(hit, `${kind} ${name} found`);
      assert.equal(hit.severity, 'blocker');
      assert.equal(hit.identity.source, 'live');
      assert.equal(hit.identity.namespace, NS);
      assert.equal(hit.identity.apiVersion, apiVersion);
      assert.match(hit.identity.client ?? '', /legacy-ci/);
    }

    const ingress = about(f, 'Ingress', 'web');
    assert.deepEqual(ingress.map((x) => [x.code, x.severity]), [['last-applied-only', 'info']]);

    const helm = f.filter((x) => x.identity.source === 'helm');
    assert.deepEqual(helm.map((x) => [x.identity.kind, x.identity.name, x.identity.release?.revision, x.identity.file, x.severity]).sort(), [
      ['CronJob', 'catalog-report', 1, 'catalog/templates/cronjob.yaml', 'blocker'],
      ['CronJob', 'shop-report', 2, 'shop/templates/cronjob.yaml', 'blocker'],
      ['PodDisruptionBudget', 'catalog-pdb', 1, 'catalog/templates/pdb.yaml', 'blocker'],
      ['PodDisruptionBudget', 'shop-pdb', 2, 'shop/templates/pdb.yaml', 'blocker'],
    ]);
    assert.equal(report.sources.helmReleases, 2);
    assert.match(about(f, 'CronJob', 'shop-report')[0]!.message, /\(Helm record Secret legacy\/sh\.helm\.release\.v1\.shop\.v2\)$/);
    assert.match(about(f, 'CronJob', 'catalog-report')[0]!.message, /\(Helm record ConfigMap legacy\/sh\.helm\.release\.v1\.catalog\.v1\)$/);

    const webhook = about(f, 'ValidatingWebhookConfiguration', 'cron-policy');
    assert.equal(webhook.length, 1);
    assert.equal(webhook[0]!.severity, 'blocker');
    assert.equal(webhook[0]!.code, 'webhook-removed-version');

    const node = about(f, 'Node', oldNode).find((x) => x.code === 'kubelet-skew');
    assert.ok(node, 'old kubelet found');
    assert.equal(node.severity, 'blocker');
    assert.match(node.message, /v1\.22\.17/);

    const flags = about(f, 'Pod', 'kube-apiserver-cp1');
    assert.deepEqual(flags.map((x) => [x.code, x.subject, x.severity]).sort(), [
      ['removed-admission-plugin', 'PodSecurityPolicy', 'blocker'],
      ['removed-feature-gate', 'TTLAfterFinished', 'blocker'],
      ['removed-flag', '--logtostderr', 'blocker'],
    ]);

    const role = about(f, 'ClusterRole', 'psp-restricted');
    assert.deepEqual(role.map((x) => [x.code, x.severity, x.subject]), [['rbac-unserved-resource', 'warning', 'policy/podsecuritypolicies']]);
    const crd = about(f, 'CustomResourceDefinition', 'widgets.example.com');
    assert.deepEqual(crd.map((x) => [x.code, x.severity, x.subject]), [['crd-stored-version', 'warning', 'status.storedVersions v1alpha1']]);

    const metric = f.filter((x) => x.code === 'requested-deprecated-api');
    const named = metric.map((x) => x.subject);
    assert.ok(named.includes('batch/v1beta1 cronjobs'), `metric names cronjobs: ${named.join(', ')}`);
    assert.ok(named.includes('autoscaling/v2beta2 horizontalpodautoscalers'));
    assert.match(metric.find((x) => x.subject === 'batch/v1beta1 cronjobs')!.identity.client ?? '', /legacy-ci/);
    assert.equal(report.path.strategy, 'switch');
  });

  test('--to 1.24: none of them blocks; exit 0', () => {
    const { code, report, stderr } = assess(cluster.kubeconfigPath, ['--to', '1.24', '--helm']);
    assert.deepEqual(report.findings.filter((x) => x.severity === 'blocker'), [], stderr);
    assert.equal(code, 0);
    const cron = about(report.findings, 'CronJob', 'nightly').find((x) => x.code === 'removed-api');
    assert.equal(cron?.severity, 'warning', 'deprecated, removed after the target');
    assert.equal(about(report.findings, 'Node', oldNode).length, 0);
    assert.equal(report.path.strategy, 'none');
  });

  test('-f with --live assesses both; manifests alone do not touch the cluster', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', '--kubeconfig', cluster.kubeconfigPath, '--to', '1.25', '-f', '-', '--live', '-o', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      input: 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: from-stdin}\n',
    });
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.status, 3);
    assert.ok(report.findings.some((x) => x.identity.source === 'manifest' && x.identity.name === 'from-stdin'));
    assert.ok(report.findings.some((x) => x.identity.source === 'live' && x.identity.name === 'nightly'));
  });
});
