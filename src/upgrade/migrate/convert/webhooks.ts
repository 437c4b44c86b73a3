import type { Converter, Obj, Step } from './types.js';
import { clone, identity, obj, withApiVersion } from './util.js';

/** The admissionregistration.k8s.io/v1beta1 defaults that v1 changed or made required. */
const OLD_DEFAULTS: ReadonlyArray<readonly [string, unknown, string]> = [
  ['failurePolicy', 'Ignore', 'v1 defaults to Fail'],
  ['matchPolicy', 'Exact', 'v1 defaults to Equivalent'],
  ['timeoutSeconds', 30, 'v1 defaults to 10'],
  ['admissionReviewVersions', ['v1beta1'], 'required in v1'],
];

/**
 * Mutating/ValidatingWebhookConfiguration v1beta1 to v1. The old defaults are written out so each webhook
 * keeps behaving as before. sideEffects Unknown and Some (and a missing sideEffects, which meant Unknown)
 * are not allowed in v1, and only the webhook's author knows the right value: they are left as they are
 * and reported, and the apiserver rejects the object until someone sets None or NoneOnDryRun.
 */
export const webhookConverter: Converter = (o: Obj, to: string): Step => {
  const changes = [`apiVersion ${String(o.apiVersion)} -> ${to}`];
  const warnings: string[] = [];
  const out = withApiVersion(clone(o), to);
  const seen = new Set<string>();
  if (Array.isArray(out.webhooks)) {
    out.webhooks = out.webhooks.map((w: unknown, i: number): unknown => {
      const hook = obj(w);
      if (!hook) return w;
      const name = typeof hook.name === 'string' ? hook.name : `#${i}`;
      if (seen.has(name)) warnings.push(`${identity(o)}: webhook name ${name} is used twice; v1 requires unique names — rename one`);
      seen.add(name);
      const next = { ...hook };
      for (const [key, value, why] of OLD_DEFAULTS) {
        if (next[key] !== undefined) continue;
        next[key] = clone(value);
        changes.push(`webhooks[${name}].${key}: ${JSON.stringify(value)} written out (the v1beta1 default; ${why})`);
      }
      const se = next.sideEffects;
      if (se !== 'None' && se !== 'NoneOnDryRun') {
        warnings.push(
          `${identity(o)}: webhook ${name} has sideEffects ${se === undefined ? 'unset (v1beta1: Unknown)' : JSON.stringify(se)}; admissionregistration.k8s.io/v1 only allows None or NoneOnDryRun — ` +
            'set None if the webhook changes nothing outside the admitted object, NoneOnDryRun if it skips its side effects on dry-run requests; the apiserver rejects the object until then',
        );
      }
      return next;
    });
  }
  return { object: out, changes, warnings };
};
