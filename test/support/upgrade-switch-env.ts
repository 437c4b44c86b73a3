// Helpers for the switch rehearsal: local clusters stopped and started by plan commands, workloads.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/http.js';
import { ref, type ResourceRef } from '../../src/kube/resource.js';

export const REPO = resolve(import.meta.dirname, '../..');
/** `node --import tsx src/app/cli/main.ts` as a shell prefix. */
export const PLINTH = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(join(REPO, 'src/app/cli/main.ts'))}`;

export async function clientOf(kubeconfig: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return KubeClient.fromKubeConfig(kc);
}

/** Run the CLI; resolves with exit code, stdout and stderr. */
export function plinth(args: string[], timeoutMs = 600_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/app/cli/main.ts'), ...args], { cwd: REPO, env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      res({ code, stdout, stderr });
    });
  });
}

export interface LocalSide {
  name: string;
  stateDir: string;
  version: 'old' | 'new';
}

const q = (s: string): string => JSON.stringify(s);

export function stopCmd(s: LocalSide): string {
  return `${PLINTH} local stop --name ${s.name} --state-dir ${q(s.stateDir)} --keep-data`;
}

export function startCmd(s: LocalSide, nodes = 2): string {
  return `${PLINTH} local start --name ${s.name} --state-dir ${q(s.stateDir)} --kube-version ${s.version} --nodes ${nodes} --zones 2`;
}

/** A plan whose one local host stops and starts the two local clusters. */
export async function writePlan(
  file: string,
  o: { old: LocalSide; new: LocalSide; workDir: string; overrides?: { oldStop?: string[]; newStart?: string[] }; extraHosts?: string },
): Promise<void> {
  const list = (cmds: string[]): string => `[${cmds.map(q).join(', ')}]`;
  const text = `apiVersion: plinth.dev/v1alpha1
kind: SwitchPlan
targetVersion: v1.34
workDir: ${q(o.workDir)}
old:
  kubeconfig: ${q(join(o.old.stateDir, 'kubeconfig'))}
new:
  kubeconfig: ${q(join(o.new.stateDir, 'kubeconfig'))}
hosts:
  - name: master-1
    executor: { type: local }
    old:
      stop: ${list(o.overrides?.oldStop ?? [stopCmd(o.old)])}
      start: ${list([startCmd(o.old)])}
    new:
      stop: ${list([stopCmd(o.new)])}
      start: ${list(o.overrides?.newStart ?? [startCmd(o.new)])}
${o.extraHosts ?? ''}timeouts:
  commandSeconds: 180
  healthySeconds: 120
  verifySeconds: 120
`;
  await writeFile(file, text);
}

const NS = 'shop';

/** The OLD cluster's workloads, in the API versions a 1.24 cluster serves and 1.34 does not. */
export function workloads(): { r: ResourceRef; obj: Record<string, unknown> }[] {
  const labels = { app: 'web' };
  return [
    { r: ref('v1', 'namespaces'), obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } },
    { r: ref('v1', 'configmaps', NS), obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: NS }, data: { 'app.properties': 'color=blue\nsize=3\n' } } },
    { r: ref('v1', 'secrets', NS), obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-secret', namespace: NS }, type: 'Opaque', stringData: { password: 's3cr3t' } } },
    {
      r: ref('apps/v1', 'deployments', NS),
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: NS, labels },
        spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
      },
    },
    { r: ref('v1', 'services', NS), obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } } },
    {
      r: ref('batch/v1beta1', 'cronjobs', NS),
      obj: {
        apiVersion: 'batch/v1beta1',
        kind: 'CronJob',
        metadata: { name: 'nightly', namespace: NS },
        spec: { schedule: '0 3 * * *', suspend: true, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'job', image: 'busybox:1.36' }] } } } } },
      },
    },
    { r: ref('policy/v1beta1', 'poddisruptionbudgets', NS), obj: { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS }, spec: { minAvailable: 1, selector: { matchLabels: labels } } } },
    {
      r: ref('autoscaling/v2beta2', 'horizontalpodautoscalers', NS),
      obj: {
        apiVersion: 'autoscaling/v2beta2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: NS },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 2,
          maxReplicas: 5,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
    },
    {
      r: ref('networking.k8s.io/v1', 'ingresses', NS),
      obj: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: NS },
        spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
      },
    },
    {
      r: ref('apiextensions.k8s.io/v1', 'customresourcedefinitions'),
      obj: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } } } } } }],
        },
      },
    },
  ];
}

export const WIDGETS = ['small', 'large'].map((name, i) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace: NS },
  spec: { size: i + 1, color: i === 0 ? 'red' : 'green' },
}));
export const WIDGET_REF = ref('example.com/v1', 'widgets', NS);
export { NS };
