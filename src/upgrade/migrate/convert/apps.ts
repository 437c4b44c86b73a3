import type { Converter, Obj, Step } from './types.js';
import { clone, identity, obj, setAfter, withApiVersion } from './util.js';

const MAX_INT32 = 2147483647;

/**
 * Deployment, DaemonSet, StatefulSet, ReplicaSet from extensions/v1beta1, apps/v1beta1, apps/v1beta2 to
 * apps/v1: the selector becomes required (defaulted from the template's labels, as the old versions did),
 * rollbackTo and templateGeneration are gone, and the defaults apps/v1 changed are written out so the
 * workload keeps behaving as before.
 */
export const appsConverter: Converter = (o: Obj, to: string): Step => {
  const from = String(o.apiVersion);
  const kind = String(o.kind);
  const changes = [`apiVersion ${from} -> ${to}`];
  const warnings: string[] = [];
  const out = withApiVersion(clone(o), to);
  let spec = obj(out.spec) ?? {};

  if (spec.selector === undefined || spec.selector === null) {
    const labels = obj(obj(obj(spec.template)?.metadata)?.labels);
    if (labels && Object.keys(labels).length > 0) {
      spec = setAfter(spec, 'selector', { matchLabels: clone(labels) }, 'replicas');
      changes.push('spec.selector set to spec.template.metadata.labels (the old default; required in apps/v1)');
    } else {
      warnings.push(`${identity(o)}: no spec.selector and no template labels; apps/v1 requires both — add labels to spec.template.metadata.labels and a matching spec.selector.matchLabels`);
    }
  }
  if ('rollbackTo' in spec) {
    const { rollbackTo: _dropped, ...rest } = spec;
    spec = rest;
    changes.push('spec.rollbackTo removed (gone in apps/v1)');
    warnings.push(`${identity(o)}: spec.rollbackTo was dropped; use \`kubectl rollout undo\` to roll back`);
  }
  if ('templateGeneration' in spec) {
    const { templateGeneration: _dropped, ...rest } = spec;
    spec = rest;
    changes.push('spec.templateGeneration removed (gone in apps/v1)');
  }
  spec = keepOldDefaults(from, kind, spec, changes);
  out.spec = spec;
  return { object: out, changes, warnings };
};

/** Write out the defaults of the old version where apps/v1's differ. */
function keepOldDefaults(from: string, kind: string, spec: Obj, changes: string[]): Obj {
  const s = { ...spec };
  const set = (key: string, value: unknown, why: string): void => {
    if (s[key] !== undefined) return;
    s[key] = value;
    changes.push(`spec.${key}: ${JSON.stringify(value)} written out (${from} default; ${why})`);
  };
  if (kind === 'Deployment' && from === 'extensions/v1beta1') {
    set('revisionHistoryLimit', MAX_INT32, 'apps/v1 defaults to 10');
    set('progressDeadlineSeconds', MAX_INT32, 'apps/v1 defaults to 600');
    const strategy = obj(s.strategy) ?? {};
    if (strategy.type === undefined || strategy.type === 'RollingUpdate') {
      const ru = { ...(obj(strategy.rollingUpdate) ?? {}) };
      const added: string[] = [];
      for (const key of ['maxUnavailable', 'maxSurge']) {
        if (ru[key] !== undefined) continue;
        ru[key] = 1;
        added.push(`${key}: 1`);
      }
      if (added.length > 0) {
        s.strategy = { ...strategy, type: 'RollingUpdate', rollingUpdate: ru };
        changes.push(`spec.strategy.rollingUpdate ${added.join(', ')} written out (${from} default; apps/v1 defaults to 25%)`);
      }
    }
  }
  if (kind === 'Deployment' && from === 'apps/v1beta1') {
    set('revisionHistoryLimit', 2, 'apps/v1 defaults to 10');
  }
  if ((kind === 'DaemonSet' && from === 'extensions/v1beta1') || (kind === 'StatefulSet' && from === 'apps/v1beta1')) {
    set('updateStrategy', { type: 'OnDelete' }, 'apps/v1 defaults to RollingUpdate');
  }
  return s;
}
