/**
 * Plinth's RBAC for people and for the console:
 * - ClusterRoles aggregated into Kubernetes' own `view`, `edit` and `admin` (deploy/rbac/aggregate.yaml): view
 *   reads every Plinth kind; edit also writes them, including the ReleaseOrder status history an action appends
 *   (confirm, pause, resume, rollback); admin also deletes collections.
 * - The console's own ClusterRole (deploy/rbac/console.yaml): impersonate users, groups and service accounts,
 *   review tokens and access, and watch releases, fleet deliveries, member clusters and pods for the live events.
 *   Nothing else.
 */
import { KINDS } from '../../api/index.js';
import { apply, type ApplyObject } from '../../kube/apply.js';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';

const CLUSTER_ROLES = ref('rbac.authorization.k8s.io/v1', 'clusterroles');
const AGG = 'rbac.authorization.k8s.io/aggregate-to-';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function clusterRole(name: string, labels: Record<string, string>, rules: PolicyRule[]): ApplyObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: { 'app.kubernetes.io/part-of': 'plinth', ...labels } }, rules };
}

/** Every Plinth resource by API group, e.g. apps.plinth.dev → [celldeployments, releaseorders, releasepolicies]. */
function resourcesByGroup(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const k of KINDS) m.set(k.group, [...(m.get(k.group) ?? []), k.plural]);
  return m;
}

function rulesFor(verbs: string[], extra: (group: string) => string[] = () => []): PolicyRule[] {
  return [...resourcesByGroup()].map(([group, plurals]) => ({ apiGroups: [group], resources: [...plurals, ...extra(group)], verbs }));
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];

/** Pure: the three aggregated ClusterRoles. */
export function aggregatedRoles(): ApplyObject[] {
  return [
    clusterRole('plinth-aggregate-view', { [`${AGG}view`]: 'true', [`${AGG}edit`]: 'true', [`${AGG}admin`]: 'true' }, rulesFor(READ)),
    clusterRole(
      'plinth-aggregate-edit',
      { [`${AGG}edit`]: 'true', [`${AGG}admin`]: 'true' },
      // Status: the history entry of each action (who did what) is appended to the ReleaseOrder's status.
      // (the same for a FleetDelivery's: `plinth fleet rollout ACTION` and the console append to its status.history).
      rulesFor(WRITE, (g) => (g === 'apps.plinth.dev' ? ['releaseorders/status'] : g === 'fleet.plinth.dev' ? ['fleetdeliveries/status'] : [])),
    ),
    clusterRole('plinth-aggregate-admin', { [`${AGG}admin`]: 'true' }, rulesFor(['deletecollection'])),
  ];
}

/** Pure: the console's own ClusterRole. */
export function consoleRole(): ApplyObject {
  return clusterRole('plinth-console', {}, [
    { apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    { apiGroups: ['apps.plinth.dev'], resources: ['celldeployments', 'releaseorders'], verbs: READ },
    // The fleet's live events, and which ClusterDeliveries exist (to count those a user may not read).
    { apiGroups: ['fleet.plinth.dev'], resources: ['fleetdeliveries', 'clusterdeliveries', 'memberclusters'], verbs: READ },
    // The release screen's live pod cells (one informer per namespace a stream is opened for).
    { apiGroups: [''], resources: ['pods'], verbs: READ },
    // GET /api/v1/namespaces: the namespaces each user may list releases in (asked per namespace by SubjectAccessReview).
    { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
  ]);
}

/** Applies the aggregated ClusterRoles (server-side apply; idempotent). Call it where the CRDs are installed. */
export async function installAggregatedRoles(client: KubeClient): Promise<void> {
  for (const role of aggregatedRoles()) await apply(client, CLUSTER_ROLES, role, { force: true });
}

/** The namespace the console's deployment and the local admin's ServiceAccount live in. */
export const CONSOLE_NAMESPACE = 'plinth-system';

/** Pure: the objects of deploy/rbac/console.yaml: the console's ServiceAccount, ClusterRole and binding. */
export function consoleManifest(): ApplyObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'plinth-console', namespace: CONSOLE_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'plinth' } } },
    consoleRole(),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'plinth-console', labels: { 'app.kubernetes.io/part-of': 'plinth' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'plinth-console' },
      subjects: [{ kind: 'ServiceAccount', name: 'plinth-console', namespace: CONSOLE_NAMESPACE }],
    },
  ];
}
