// What a GitSource names, checked before anything reaches `git`: refs, repository paths, polling intervals.
import { posix } from 'node:path';
import { PlinthError } from '../../errors/index.js';

export type RefKind = 'branch' | 'tag' | 'commit';
export interface GitRef {
  kind: RefKind;
  name: string;
}

/** The one ref a GitSource's `spec.ref` names (the API allows exactly one of branch, tag, commit). */
export function sourceRef(ref: { branch?: string; tag?: string; commit?: string }): GitRef {
  const set = (['branch', 'tag', 'commit'] as const).filter((k) => ref[k] !== undefined);
  if (set.length !== 1) throw new PlinthError('FLEET_GIT_REF_INVALID', { kind: 'ref', ref: JSON.stringify(ref), detail: 'set exactly one of branch, tag, commit' });
  const kind = set[0]!;
  const name = ref[kind]!;
  const problem = kind === 'commit' ? commitProblem(name) : refNameProblem(name);
  if (problem) throw new PlinthError('FLEET_GIT_REF_INVALID', { kind, ref: name, detail: problem });
  return { kind, name };
}

/** "branch main", "tag v1.2", "commit 1a2b3c4" — for messages. */
export function describeRef(ref: GitRef): string {
  return `${ref.kind} ${ref.name}`;
}

/** The full ref on the server (`refs/heads/...`, `refs/tags/...`); undefined for a commit. */
export function remoteRef(ref: GitRef): string | undefined {
  if (ref.kind === 'branch') return `refs/heads/${ref.name}`;
  if (ref.kind === 'tag') return `refs/tags/${ref.name}`;
  return undefined;
}

function commitProblem(sha: string): string | undefined {
  return /^[0-9a-f]{7,64}$/.test(sha) ? undefined : 'a commit is 7 to 64 lowercase hex digits';
}

/**
 * Why `git check-ref-format` would refuse a branch or tag name (undefined when it is fine). A name that starts
 * with "-" is refused too: it must never read as an option.
 */
export function refNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name === '@') return 'it is "@"';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'it starts or ends with "/"';
  if (name.endsWith('.')) return 'it ends with "."';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('//')) return 'it contains "//"';
  if (name.includes('@{')) return 'it contains "@{"';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `the component "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `the component "${part}" ends with ".lock"`;
  }
  return undefined;
}

/**
 * A directory of the repository, normalised ("" = the root): `base` (the GitSource's spec.path) joined with
 * `sub` (a FleetDelivery's spec.path). Refuses absolute paths and paths that leave the repository.
 */
export function repoDir(base: string | undefined, sub = ''): string {
  for (const p of [base ?? '', sub]) {
    if (p.startsWith('/')) throw new PlinthError('FLEET_SOURCE_PATH_INVALID', { path: p, detail: 'it is absolute' });
    if (p.includes('\0')) throw new PlinthError('FLEET_SOURCE_PATH_INVALID', { path: p, detail: 'it holds a NUL character' });
  }
  const joined = posix.normalize(posix.join('.', base ?? '', sub));
  if (joined === '..' || joined.startsWith('../')) throw new PlinthError('FLEET_SOURCE_PATH_INVALID', { path: posix.join(base ?? '', sub), detail: 'it leaves the repository' });
  const out = joined.replace(/\/+$/, '');
  return out === '.' ? '' : out;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration as the API allows it (`1m`, `30s`, `1h30m`, `1.5s`, `500ms`) in milliseconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  if (!/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}
