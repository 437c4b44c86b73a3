import type { V1Service } from '@kubernetes/client-node';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { FIELD_MANAGER, KEYS } from '../keys.js';
import type { CheckContext, CheckMoment, CheckVerdict } from './checks.js';

/**
 * The blue-green Service moves: the active Service's selector gets the revision label (one merge patch each).
 * `pin` selects fromRevision before the green set comes up, `switch` selects toRevision, `switchBack`
 * fromRevision again. A missing Service, or one whose selector does not select the CellDeployment's pods, fails
 * (onFailure Pause: the order pauses and says why; resuming tries again).
 */
export type ServiceMoves = Record<Extract<CheckMoment, 'pin' | 'switch' | 'switchBack'>, (ctx: CheckContext) => Promise<CheckVerdict>>;

export function serviceMoves(client: KubeClient): ServiceMoves {
  const select = async (ctx: CheckContext, revision: string): Promise<CheckVerdict> => {
    const ns = ctx.cd.metadata.namespace ?? '';
    const name = ctx.cd.spec.strategy?.blueGreen?.activeService ?? '';
    const res = inNamespace(CORE.services, ns);
    let svc: V1Service;
    try {
      svc = await client.get<V1Service>(res, name, { signal: ctx.signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return failed(`Service ${ns}/${name} (strategy.blueGreen.activeService) does not exist; create it or fix the name, then resume`);
    }
    const labels = ctx.cd.spec.template.metadata?.labels ?? {};
    const selector = svc.spec?.selector ?? {};
    const foreign = Object.entries(selector).filter(([k, v]) => k !== KEYS.revision && labels[k] !== v);
    if (Object.keys(selector).length === 0 || foreign.length > 0) {
      const why = foreign.length > 0 ? `its selector ${foreign.map(([k, v]) => `${k}=${v}`).join(',')} does not match the pod template's labels` : 'it has no selector';
      return failed(`Service ${ns}/${name} cannot be switched: ${why}; make it select the CellDeployment's pods, then resume`);
    }
    if (selector[KEYS.revision] !== revision) {
      await client.patch(res, name, { spec: { selector: { [KEYS.revision]: revision } } }, 'merge', { fieldManager: FIELD_MANAGER, signal: ctx.signal });
    }
    return { result: 'Passed' };
  };
  return {
    pin: (ctx) => select(ctx, ctx.order.spec.fromRevision),
    switch: (ctx) => select(ctx, ctx.order.spec.toRevision),
    switchBack: (ctx) => select(ctx, ctx.order.spec.fromRevision),
  };
}

function failed(message: string): CheckVerdict {
  return { result: 'Failed', message, onFailure: 'Pause' };
}
