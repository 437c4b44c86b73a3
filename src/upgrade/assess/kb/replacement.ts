import type { RemovedApi } from './api-types.js';
import { servedAt } from './apis.js';

/**
 * The version a finding tells a person to move to at `target`: the replacement when the target serves it,
 * else the interim version the target serves (flowcontrol's overlapping betas), else none — naming a
 * version the target does not serve (not yet, or no more: extensions/v1beta1 PodSecurityPolicy's
 * policy/v1beta1 from 1.25) would send them to a second failure.
 */
export function replacementAt(e: RemovedApi, target: number): { apiVersion: string; kind: string } | undefined {
  if (!e.replacement) return undefined;
  const served = (v: { apiVersion: string; kind: string; since: number }): boolean => v.since <= target && servedAt(v.apiVersion, v.kind, target);
  if (served(e.replacement)) return e.replacement;
  return e.interim?.find((i) => served(i) && target < i.until);
}
