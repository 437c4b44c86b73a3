// The runtime's write helpers against real API servers (1.24 and 1.34): discovery (including a
// CRD installed after the first lookup), status writes that skip unchanged status and retry
// conflicts, server-side apply (field ownership, force) for objects and status, and Events on
// both the core/v1 and events.k8s.io/v1 APIs with aggregation of repeats.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { isConflict, isKubeApiError } from '../src/kube/api-error.js';
import { apply, applyStatus } from '../src/kube/apply.js';
import { Discovery } from '../src/kube/discovery.js';
import { EventRecorder } from '../src/kube/events.js';
import { KubeClient } from '../src/kube/http.js';
import { CORE, inNamespace, ref, type KubeObject } from '../src/kube/resource.js';
import { setCondition, writeStatus, type Condition } from '../src/kube/status.js';
import { waitFor } from './fixtures/kube-helpers.js';

const GROUP = 'test.plinth.dev';
const WIDGETS = ref(`${GROUP}/v1`, 'widgets', 'default');
interface Widget extends KubeObject {
  spec?: { size?: number; color?: string };
  status?: { observedSize?: number; conditions?: Condition[] };
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
              status: {
                type: 'object',
                properties: {
                  observedSize: { type: 'integer' },
                  conditions: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['type'],
                    items: {
                      type: 'object',
                      required: ['type', 'status'],
                      properties: {
                        type: { type: 'string' },
                        status: { type: 'string' },
                        reason: { type: 'string' },
                        message: { type: 'string' },
                        lastTransitionTime: { type: 'string', format: 'date-time' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

for (const version of ['old', 'new'] as const) {
  describe(`write helpers on the ${version} API server`, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    let discovery: Discovery;
    before(async () => {
      cluster = await startCluster({ version, nodes: 0 });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
      discovery = new Discovery(client, 0);
    });
    after(async () => {
      client?.close();
      await cluster?.stop();
    });

    test('discovery maps kinds to resources and finds a CRD installed after a miss', async () => {
      const deploy = await discovery.resolve('apps/v1', 'Deployment');
      assert.equal(deploy?.plural, 'deployments');
      assert.equal(deploy?.namespaced, true);
      assert.ok(deploy?.subresources.includes('status') && deploy.subresources.includes('scale'));
      assert.equal((await discovery.resolve('v1', 'Node'))?.namespaced, false);
      assert.equal((await discovery.resolveKind('Lease'))?.group, 'coordination.k8s.io');
      assert.equal(await discovery.resolve(`${GROUP}/v1`, 'Widget'), undefined);
      await client.create(ref('apiextensions.k8s.io/v1', 'customresourcedefinitions'), crd);
      await waitFor(async () => (await discovery.resolve(`${GROUP}/v1`, 'Widget')) !== undefined, 'the CRD to be served', 30_000, 200);
      assert.deepEqual(await discovery.refFor(`${GROUP}/v1`, 'Widget', 'default'), WIDGETS);
      assert.equal(await discovery.serves('events.k8s.io/v1'), true);
      assert.equal(await discovery.serves('nope.example.com/v1'), false);
    });

    test('writeStatus writes only changes and retries conflicts with a fresh copy', async () => {
      await waitFor(async () => {
        try {
          await client.create(WIDGETS, { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec: { size: 3 } });
          return true;
        } catch (err) {
          if (isKubeApiError(err) && err.status === 404) return false; // CRD not ready yet
          throw err;
        }
      }, 'widget create', 20_000, 200);
      const desired = (w: Widget): Widget['status'] => ({
        observedSize: w.spec?.size,
        conditions: setCondition(w.status?.conditions, { type: 'Ready', status: 'True', reason: 'Sized' }),
      });
      const first = await writeStatus<Widget>({ client, resource: WIDGETS, name: 'w1', desired });
      assert.equal(first.changed, true);
      assert.equal(first.object.status?.observedSize, 3);
      const again = await writeStatus<Widget>({ client, resource: WIDGETS, name: 'w1', current: first.object, desired });
      assert.equal(again.changed, false, 'unchanged status is not written');
      const fresh = await client.get<Widget>(WIDGETS, 'w1');
      assert.equal(fresh.metadata?.resourceVersion, first.object.metadata?.resourceVersion, 'no write happened');

      // Someone changes the spec after we read the object: our PUT conflicts, is retried on a fresh copy.
      const stale = fresh;
      await client.patch(WIDGETS, 'w1', { spec: { size: 5 } }, 'merge');
      let calls = 0;
      const res = await writeStatus<Widget>({
        client,
        resource: WIDGETS,
        name: 'w1',
        current: { ...stale, status: { ...stale.status, observedSize: 0 } },
        desired: (w) => {
          calls++;
          return desired(w);
        },
      });
      assert.equal(res.changed, true);
      assert.equal(calls, 2, 'recomputed after the conflict');
      assert.equal(res.object.status?.observedSize, 5);
      const conds = res.object.status?.conditions ?? [];
      assert.equal(conds.length, 1);
      assert.equal(conds[0]!.lastTransitionTime, first.object.status?.conditions?.[0]?.lastTransitionTime, 'transition time kept');
    });

    test('server-side apply owns fields as "plinth"; conflicts need force; status apply', async () => {
      const cm = inNamespace(CORE.configMaps, 'default');
      const created = await apply(client, cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { a: '1' } });
      assert.equal(created.metadata?.managedFields?.find((m) => m.manager === 'plinth')?.operation, 'Apply');
      // Another manager takes field a.
      await client.patch(cm, 'ssa', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '2' } }, 'apply', { fieldManager: 'someone-else', force: true });
      await assert.rejects(
        apply(client, cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { a: '3' } }),
        (err) => isConflict(err),
      );
      const forced = await apply<KubeObject & { data?: Record<string, string> }>(
        client,
        cm,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { a: '3' } },
        { force: true },
      );
      assert.equal(forced.data?.a, '3');
      // Status through SSA on the status subresource.
      const st = await applyStatus<Widget>(client, WIDGETS, { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, status: { observedSize: 42 } }, { fieldManager: 'plinth-status', force: true });
      assert.equal(st.status?.observedSize, 42);
      assert.equal(st.spec?.size, 5, 'spec untouched');
    });

    for (const api of ['core', 'events.k8s.io'] as const) {
      test(`events on ${api}: repeats are aggregated`, async () => {
        const recorder = new EventRecorder({ client, component: 'plinth.dev/test', api });
        const w = await client.get<Widget>(WIDGETS, 'w1');
        for (let i = 0; i < 3; i++) recorder.normal(w, `Scaled-${api}`, 'scaled to 5');
        recorder.warning(w, `Failed-${api}`, 'could not do the thing');
        await recorder.flush();
        const list = await client.list<{ reason?: string; count?: number; series?: { count?: number }; type?: string; involvedObject?: { name?: string; kind?: string } }>(inNamespace(CORE.events, 'default'));
        const scaled = list.items.filter((e) => e.reason === `Scaled-${api}`);
        assert.equal(scaled.length, 1, 'one Event for three repeats');
        // core/v1 Events carry `count`; events.k8s.io/v1 ones `series.count` (also seen through core/v1).
        assert.equal(scaled[0]!.count ?? scaled[0]!.series?.count, 3);
        assert.equal(scaled[0]!.involvedObject?.kind, 'Widget');
        assert.equal(scaled[0]!.involvedObject?.name, 'w1');
        const failed = list.items.find((e) => e.reason === `Failed-${api}`);
        assert.equal(failed?.type, 'Warning');
      });
    }
  });
}
