import type { ReleasePolicy } from '../../api/index.js';
import { DONE, runController, type Controller } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { inNamespace, type KubeObject } from '../../kube/resource.js';
import { setCondition, writeStatus } from '../../kube/status.js';
import { asKube } from '../informers.js';
import { COMPONENT } from '../keys.js';
import { RELEASE_POLICIES } from './checks.js';
import { VALID, validCondition } from './validity.js';


export interface ReleasePolicyControllerOptions {
  client: KubeClient;
  signal: AbortSignal;
}

/**
 * The ReleasePolicy controller (until an admission webhook exists): within seconds of an apply, a policy the
 * schema accepted but that cannot work (a cron expression out of range, an unknown time zone, an imagePattern
 * that does not compile) gets status condition Valid=False naming the field, the value and the fix, and a
 * Warning Event; Valid=True (and a Normal Event) once it is fixed. The releases it selects stay Blocked while
 * it is invalid (the pre-checks fail closed).
 */
export function startReleasePolicyController(opts: ReleasePolicyControllerOptions): Controller {
  const { client } = opts;
  const policies = new Informer<KubeObject>({ client, resource: RELEASE_POLICIES, name: 'releasepolicies' });
  const events = new EventRecorder({ client, component: COMPONENT, discovery: new Discovery(client) });
  const controller = runController({
    name: 'releasepolicy',
    informers: [policies],
    workers: 1,
    signal: opts.signal,
    reconcile: async (key, rc) => {
      const policy = policies.get(key) as unknown as ReleasePolicy | undefined;
      if (!policy) return DONE;
      const before = policy.status?.conditions?.find((c) => c.type === VALID);
      const valid = validCondition(policy);
      const res = await writeStatus({
        client,
        resource: inNamespace(RELEASE_POLICIES, policy.metadata.namespace),
        name: policy.metadata.name ?? '',
        current: asKube(policy),
        desired: (obj) => {
          const status = ((obj as unknown as ReleasePolicy).status ?? {});
          const conditions = setCondition(status.conditions, { ...valid, observedGeneration: policy.metadata.generation }, new Date());
          return { ...status, observedGeneration: policy.metadata.generation, conditions };
        },
        signal: rc.signal,
      });
      const changed = before?.status !== valid.status || (valid.status === 'False' && before.message !== valid.message);
      if (res.changed && changed) {
        if (valid.status === 'False') events.event(asKube(policy), 'Warning', 'InvalidPolicy', valid.message);
        else if (before) events.event(asKube(policy), 'Normal', 'Valid', valid.message);
      }
      return DONE;
    },
  });
  void controller.done.then(() => policies.stop());
  return controller;
}
