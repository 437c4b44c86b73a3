/**
 * A small but complete set of workloads and configuration for rehearsing migrations on an OLD (1.24)
 * cluster, written through the API versions applications used then (batch/v1beta1 CronJobs,
 * policy/v1beta1 PDBs and PodSecurityPolicies, autoscaling/v2beta2 HPAs, a CRD with a CR written through
 * its older served version). Used by the migrate and switch tests.
 */
import type { KubeClient } from '../../src/kube/http.js';
import { Discovery } from '../../src/kube/discovery.js';
import type { KubeObject } from '../../src/kube/resource.js';
import { sleep } from '../../src/kube/clock.js';

type Obj = KubeObject & Record<string, unknown>;

const labels = (app: string): Record<string, string> => ({ app });
const container = (name: string): Obj => ({ name, image: `registry.example/${name}:1.0`, ports: [{ containerPort: 8080 }] });

/** The CRD of the sample: two served versions, v1 stored, v1alpha1 still served. */
export const WIDGET_CRD: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: ['v1', 'v1alpha1'].map((name) => ({
      name,
      served: true,
      storage: name === 'v1',
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } } } } },
    })),
  },
};

/** The sample's objects in creation order; namespace `shop` plus cluster-scoped objects prefixed `shop-`. */
export function sampleObjects(ns = 'shop'): Obj[] {
  const sel = (app: string): Obj => ({ matchLabels: labels(app) });
  const tpl = (app: string, extra: Record<string, unknown> = {}): Obj => ({ metadata: { labels: labels(app) }, spec: { containers: [container(app)], ...extra } });
  const o = (apiVersion: string, kind: string, name: string, body: Record<string, unknown>, namespaced = true): Obj =>
    ({ apiVersion, kind, metadata: { name, ...(namespaced ? { namespace: ns } : {}), labels: { 'sample.plinth.dev/set': 'shop' } }, ...body });
  return [
    WIDGET_CRD,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: 'shop' } } },
    o('scheduling.k8s.io/v1', 'PriorityClass', `${ns}-high`, { value: 100000, description: 'shop front' }, false),
    o('storage.k8s.io/v1', 'StorageClass', `${ns}-local`, { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain' }, false),
    o('v1', 'PersistentVolume', `${ns}-pv-data`, {
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: `${ns}-local`, hostPath: { path: `/tmp/${ns}-data` }, claimRef: { namespace: ns, name: 'data' }, persistentVolumeReclaimPolicy: 'Retain' },
    }, false),
    o('v1', 'ServiceAccount', 'web', {}),
    o('rbac.authorization.k8s.io/v1', 'Role', 'web-reader', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] }),
    o('rbac.authorization.k8s.io/v1', 'RoleBinding', 'web-reader', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: ns }] }),
    o('rbac.authorization.k8s.io/v1', 'ClusterRole', `${ns}-node-reader`, { rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }] }, false),
    o('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', `${ns}-node-reader`, { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${ns}-node-reader` }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: ns }] }, false),
    o('v1', 'ConfigMap', 'web-config', { data: { 'app.properties': 'color=blue\nsize=3\n', switch: 'on', mode: '0755', at: '1:20', n: '1e3', day: '2026-12-01', none: '~', y: 'y' } }),
    o('v1', 'Secret', 'web-secret', { type: 'Opaque', stringData: { password: 's3cret' } }),
    o('v1', 'PersistentVolumeClaim', 'data', { spec: { accessModes: ['ReadWriteOnce'], storageClassName: `${ns}-local`, volumeName: `${ns}-pv-data`, resources: { requests: { storage: '1Gi' } } } }),
    o('v1', 'Service', 'web', { spec: { selector: labels('web'), ports: [{ port: 80, targetPort: 8080 }] } }),
    o('v1', 'Service', 'db', { spec: { clusterIP: 'None', selector: labels('db'), ports: [{ port: 5432 }] } }),
    o('example.com/v1alpha1', 'Widget', 'blue', { spec: { size: 3, color: 'blue' } }),
    o('example.com/v1', 'Widget', 'red', { spec: { size: 5, color: 'red' } }),
    o('apps/v1', 'Deployment', 'web', { spec: { replicas: 2, selector: sel('web'), template: tpl('web', { serviceAccountName: 'web', priorityClassName: `${ns}-high` }) } }),
    o('apps/v1', 'StatefulSet', 'db', { spec: { replicas: 2, serviceName: 'db', selector: sel('db'), template: tpl('db') } }),
    o('apps/v1', 'DaemonSet', 'agent', { spec: { selector: sel('agent'), template: tpl('agent') } }),
    o('batch/v1beta1', 'CronJob', 'report', { spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [container('report')], restartPolicy: 'OnFailure' } } } } } }),
    o('policy/v1beta1', 'PodDisruptionBudget', 'web', { spec: { minAvailable: 1, selector: sel('web') } }),
    o('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'web', {
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    }),
    o('networking.k8s.io/v1', 'Ingress', 'web', { spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }),
    o('policy/v1beta1', 'PodSecurityPolicy', `${ns}-restricted`, {
      spec: { privileged: false, seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAsNonRoot' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: ['configMap', 'secret'] },
    }, false),
  ];
}

/** Create the sample on a cluster (waits for the CRD to be served before its custom resources). */
export async function createSample(client: KubeClient, ns = 'shop'): Promise<Obj[]> {
  const discovery = new Discovery(client);
  const objs = sampleObjects(ns);
  for (const obj of objs) {
    let ref = await discovery.refFor(obj.apiVersion!, obj.kind!, obj.metadata?.namespace);
    for (let i = 0; !ref && i < 100; i++) {
      await sleep(100);
      discovery.invalidate();
      ref = await discovery.refFor(obj.apiVersion!, obj.kind!, obj.metadata?.namespace);
    }
    if (!ref) throw new Error(`the cluster does not serve ${obj.apiVersion} ${obj.kind}`);
    await client.create(ref, obj);
  }
  return objs;
}
