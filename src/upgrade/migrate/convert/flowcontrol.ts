import type { Converter, Obj, Step } from './types.js';
import { obj, renameKey } from './util.js';
import { plainConverter } from './plain.js';

/** What an unset or zero concurrency share meant before v1 (and still means when unset in v1). */
const DEFAULT_SHARES = 30;

/**
 * FlowSchema and PriorityLevelConfiguration flowcontrol.apiserver.k8s.io v1beta1/v1beta2/v1beta3 to
 * v1beta3 or v1. FlowSchemas keep their fields. A priority level's limited.assuredConcurrencyShares
 * (v1beta1, v1beta2) is limited.nominalConcurrencyShares (v1beta3, v1); before v1 a 0 meant "the default,
 * 30", while v1 keeps a 0 as 0 — so a 0 is written as 30 to keep the level's share.
 */
export const flowControlConverter: Converter = (o: Obj, to: string): Step => {
  const base = plainConverter(o, to);
  const out = base.object as Obj;
  const changes = [...base.changes];
  if (o.kind !== 'PriorityLevelConfiguration') return { object: out, changes, warnings: [] };
  const spec = obj(out.spec);
  let limited = obj(spec?.limited);
  if (!spec || !limited) return { object: out, changes, warnings: [] };
  if ('assuredConcurrencyShares' in limited) {
    limited = renameKey(limited, 'assuredConcurrencyShares', 'nominalConcurrencyShares', limited.assuredConcurrencyShares);
    changes.push('spec.limited.assuredConcurrencyShares -> spec.limited.nominalConcurrencyShares');
  }
  if (limited.nominalConcurrencyShares === 0) {
    limited = { ...limited, nominalConcurrencyShares: DEFAULT_SHARES };
    changes.push(`spec.limited.nominalConcurrencyShares: 0 -> ${DEFAULT_SHARES} (0 meant the default ${DEFAULT_SHARES} before v1; v1 would keep 0)`);
  }
  spec.limited = limited;
  return { object: out, changes, warnings: [] };
};
