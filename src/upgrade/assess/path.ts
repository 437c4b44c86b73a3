/**
 * The suggested way from the current minor to the target. In place, the control plane moves one minor at
 * a time (and nodes follow within the skew policy). Beyond SWITCH_THRESHOLD minors the suggestion is the
 * switch-style migration instead: export the workloads, convert them to the target's APIs, start a new
 * control plane of the target version on the same machines, import, verify — one hop, and the old control
 * plane (whose data is untouched) is the rollback.
 */
import { changesBetween } from './kb/behaviour.js';
import { minorText, parseKubeVersion } from './kb/version.js';
import type { Finding, PathStep, SuggestedPath } from './types.js';

/** More minors than this: suggest switch-style. */
export const SWITCH_THRESHOLD = 3;

const removedMinor = (f: Finding): number | undefined => (f.removedIn ? parseKubeVersion(f.removedIn)?.minor : undefined);

export function suggestPath(from: number | undefined, target: number, findings: readonly Finding[]): SuggestedPath {
  const to = minorText(target);
  const blockers = findings.filter((f) => f.severity === 'blocker');
  if (from === undefined) {
    return {
      strategy: 'unknown-current',
      to,
      steps: [{ to, blockers: blockers.length, notes: [] }],
      explanation: 'the current version is unknown (manifests only): give --from VERSION, or assess the live cluster, for a minor-by-minor path',
    };
  }
  if (from >= target) {
    return {
      strategy: 'none',
      from: minorText(from),
      to,
      steps: [],
      explanation: from === target ? `the cluster already runs ${to}; the findings say what must change before its writers and nodes are current` : `the cluster runs ${minorText(from)}, newer than the target ${to}: nothing to upgrade (downgrades are not supported in place)`,
    };
  }
  const hops = target - from;
  const notesAt = (m: number): string[] => changesBetween(m - 1, m).map((c) => c.title);
  if (hops > SWITCH_THRESHOLD) {
    const notes = changesBetween(from, target).map((c) => `${minorText(c.minor)}: ${c.title}`);
    return {
      strategy: 'switch',
      from: minorText(from),
      to,
      steps: [{ to, blockers: blockers.length, notes }],
      explanation:
        `${hops} minors: in place that is ${hops} control-plane upgrades, each followed by node upgrades within the skew policy. ` +
        `Switch-style goes straight to ${to}: fix the blockers (convert manifests with \`plinth upgrade convert --to ${to}\`), export the workloads, ` +
        `start a ${to} control plane on the same machines, import and verify; rolling back means starting the old control plane again (its data is untouched). ` +
        `The minor-by-minor path is ${Array.from({ length: hops }, (_, i) => minorText(from + i + 1)).join(' → ')} if switch-style is not possible.`,
    };
  }
  const steps: PathStep[] = [];
  for (let m = from + 1; m <= target; m++) {
    const count = blockers.filter((f) => {
      const r = removedMinor(f);
      return r === undefined ? m === target : r === m || (m === from + 1 && r <= m);
    }).length;
    steps.push({ to: minorText(m), blockers: count, notes: notesAt(m) });
  }
  return {
    strategy: 'minor-by-minor',
    from: minorText(from),
    to,
    steps,
    explanation: `${hops} minor${hops > 1 ? 's' : ''} (at most ${SWITCH_THRESHOLD}): upgrade in place one minor at a time; before each step fix the blockers whose API or flag goes away at that minor, then upgrade the control plane, then the nodes within the skew policy`,
  };
}
