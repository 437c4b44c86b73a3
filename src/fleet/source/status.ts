// A GitSource's status, computed purely from what the last check found: the commit, the artifact of each path
// that a FleetDelivery uses, and the Ready condition. A failed fetch keeps the previous status (deliveries keep
// their artifacts); a path that fails to render keeps its previous good digest and carries the error.
import type { GitSource, GitSourceStatusT } from '../../api/index.js';
import { clipMessage, setCondition, type Condition } from '../../kube/status.js';
import { rfc3339 } from '../../kube/clock.js';

type Entry = NonNullable<GitSourceStatusT['artifacts']>[number];
type Conds = NonNullable<GitSourceStatusT['conditions']>;
/** setCondition over the API's condition type (reason and message always set here). */
const withCondition = (list: Conds | undefined, c: Omit<Condition, 'lastTransitionTime'> & { reason: string; message: string }, now: Date): Conds =>
  setCondition(list, { ...c, lastTransitionTime: rfc3339(now) }, now) as Conds;

/** What rendering one path at the fetched commit gave. */
export type PathResult = { path: string; digest: string; objects: number } | { path: string; error: string };

export type CheckOutcome =
  | { ok: true; commit: string; fetchedAt: Date; paths: PathResult[] }
  /** reason: Unreachable | UnknownRef | AuthRefused | InvalidSpec | FetchFailed */
  | { ok: false; reason: string; message: string };

const short = (sha: string): string => sha.slice(0, 12);

/** The status entries of the fetched commit: a failed path keeps the digest (and commit) it last rendered to. */
export function artifactEntries(prev: readonly Entry[] | undefined, prevCommit: string | undefined, commit: string, paths: readonly PathResult[]): Entry[] {
  const before = new Map((prev ?? []).map((e) => [e.path, e]));
  return [...paths]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((r): Entry => {
      if ('digest' in r) return { path: r.path, digest: r.digest, objects: r.objects, commit };
      const old = before.get(r.path);
      const keep = old?.digest ? { digest: old.digest, ...(old.objects !== undefined ? { objects: old.objects } : {}), commit: old.commit ?? prevCommit ?? '' } : {};
      return { path: r.path, ...keep, error: clipMessage(r.error, 2000) };
    });
}

/** The Ready condition of an outcome. */
export function readyCondition(outcome: CheckOutcome, entries: readonly Entry[]): Omit<Condition, 'lastTransitionTime'> & { reason: string; message: string } {
  if (!outcome.ok) return { type: 'Ready', status: 'False', reason: outcome.reason, message: clipMessage(outcome.message) };
  const failed = entries.filter((e) => e.error !== undefined);
  if (failed.length > 0) {
    const first = failed[0]!;
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more path(s))` : '';
    return { type: 'Ready', status: 'False', reason: 'RenderFailed', message: clipMessage(`${first.error}${more}`) };
  }
  return { type: 'Ready', status: 'True', reason: 'Succeeded', message: `commit ${short(outcome.commit)}: ${entries.length} path(s) rendered` };
}

/** The whole desired status of a GitSource after a check. */
export function sourceStatus(gs: Pick<GitSource, 'metadata' | 'status'>, outcome: CheckOutcome, now: Date): GitSourceStatusT {
  const prev = gs.status ?? {};
  const generation = gs.metadata?.generation;
  const base: GitSourceStatusT = { ...prev, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
  if (!outcome.ok) {
    return { ...base, conditions: withCondition(prev.conditions, readyCondition(outcome, prev.artifacts ?? []), now) };
  }
  const entries = artifactEntries(prev.artifacts, prev.commit, outcome.commit, outcome.paths);
  const root = entries.find((e) => e.path === '' && e.digest);
  const out: GitSourceStatusT = {
    ...base,
    commit: outcome.commit,
    fetchedAt: prev.commit === outcome.commit && prev.fetchedAt ? prev.fetchedAt : rfc3339(outcome.fetchedAt),
    artifacts: entries,
    conditions: withCondition(prev.conditions, readyCondition(outcome, entries), now),
  };
  if (root?.digest) out.artifact = { digest: root.digest, path: '' };
  else delete out.artifact;
  return out;
}
