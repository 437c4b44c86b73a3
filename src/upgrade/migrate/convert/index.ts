import { removedApi, servedAt } from '../../assess/kb/apis.js';
import { converterFor, intermediateVersion } from './registry.js';
import type { Obj } from './types.js';
import { identity } from './util.js';

export type { Obj } from './types.js';

/** The outcome of converting one object to what a server of the target minor serves. */
export interface ConvertResult {
  /** The converted object (the input itself when nothing had to change); null when it was left out. */
  object: Record<string, unknown> | null;
  /** The apiVersion it had. */
  from: string;
  /** The apiVersion it has now; null when it was left out. */
  to: string | null;
  /** What was changed, one line each. */
  changes: string[];
  /** What a person must know or do (named by kind, namespace and name), one line each. */
  warnings: string[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** At most this many moves (extensions/v1beta1 PodSecurityPolicy -> policy/v1beta1 -> gone is two). */
const MAX_STEPS = 4;

/**
 * Convert an object to the apiVersion a server of minor `targetMinor` serves, applying the field changes
 * of the knowledge base. Objects still served (even if deprecated) come back unchanged; objects whose API
 * has no replacement come back as null with a warning. Pure: the input is never modified.
 */
export function convertObject(obj: Record<string, unknown>, targetMinor: number): ConvertResult {
  const from = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  let current: Obj = obj;
  const changes: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < MAX_STEPS; i++) {
    const apiVersion = str(current.apiVersion);
    if (servedAt(apiVersion, kind, targetMinor)) return { object: current, from, to: apiVersion, changes, warnings };
    const entry = removedApi(apiVersion, kind);
    if (!entry) break;
    if (entry.replacement === null) {
      warnings.push(
        `${identity(obj)} (${from}) left out: ${apiVersion} ${kind} is not served from 1.${entry.removedIn} and has no replacement${entry.advice ? ` — ${entry.advice}` : ''}`,
      );
      return { object: null, from, to: null, changes, warnings };
    }
    const to = entry.replacement.since <= targetMinor ? entry.replacement.apiVersion : intermediateVersion(apiVersion, kind, targetMinor);
    const convert = converterFor(apiVersion, kind);
    if (to === undefined || convert === undefined) {
      warnings.push(`${identity(obj)} (${from}) left out: no version of ${kind} that 1.${targetMinor} serves can hold it`);
      return { object: null, from, to: null, changes, warnings };
    }
    const step = convert(current, to);
    changes.push(...step.changes);
    warnings.push(...step.warnings);
    if (step.object === null) return { object: null, from, to: null, changes, warnings };
    current = step.object;
  }
  return { object: current, from, to: str(current.apiVersion), changes, warnings };
}
