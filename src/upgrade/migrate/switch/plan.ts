import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { PlinthError } from '../../../errors/index.js';
import { parseKubeVersion } from '../../assess/kb/version.js';
import { EXECUTOR_TYPES, FIX_BY_FIELD, PlanSchema, type ExecutorDoc, type PlanDoc } from './plan-schema.js';

/** A validated plan with paths resolved against the plan's directory and defaults filled in. */
export interface Plan {
  file: string;
  /** sha256 of the plan text: a state file refuses to resume under a changed plan. */
  digest: string;
  targetVersion: string;
  targetMinor: number;
  workDir: string;
  old: { kubeconfig: string; context?: string };
  new: { kubeconfig: string; context?: string };
  hosts: PlanHost[];
  export: { namespaces?: string[]; includeStatus: boolean };
  /** For an etcd snapshot during backup (paths resolved). */
  etcd?: { endpoints: string[]; cacert?: string; cert?: string; key?: string };
  timeouts: { commandMs: number; healthyMs: number; verifyMs: number };
}

export interface PlanHost {
  name: string;
  executor: ExecutorDoc;
  old: { stop: string[]; start: string[] };
  new: { stop: string[]; start: string[] };
}

function planError(file: string, detail: string, fix: string): PlinthError {
  return new PlinthError('UPGRADE_SWITCH_PLAN_INVALID', { file, detail, fix });
}

/** `/hosts/0/executor/type` -> ['hosts', 0, 'executor', 'type'] */
function segments(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `hosts[0].executor.type` */
function dotted(segs: readonly (string | number)[]): string {
  return segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(top level)';
}

/** The line of the deepest node of `segs` that exists in the document. */
function lineOf(doc: Document, lc: LineCounter, segs: readonly (string | number)[]): number | undefined {
  for (let n = segs.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

const abs = (base: string, p: string): string => (isAbsolute(p) ? p : resolve(base, p));

/** Validate plan text (pure; `file` names it in messages). */
export function parsePlan(text: string, file: string): Plan {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const yamlErr = doc.errors[0];
  if (yamlErr) {
    const pos = lc.linePos(yamlErr.pos[0]);
    throw planError(`${file}:${pos.line}:${pos.col}`, `malformed YAML: ${yamlErr.message.split('\n')[0]}`, 'fix the YAML syntax at that line');
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw planError(file, 'the plan is not a YAML mapping', 'start from the example in docs/upgrade-switch.md');
  }
  // An unknown executor first: the schema's union message would be vaguer.
  const hosts = (data as { hosts?: unknown }).hosts;
  if (Array.isArray(hosts)) {
    hosts.forEach((h: unknown, i) => {
      const t = (h as { executor?: { type?: unknown } } | null)?.executor?.type;
      if (t !== undefined && !(EXECUTOR_TYPES as readonly unknown[]).includes(t)) {
        const segs = ['hosts', i, 'executor', 'type'];
        throw planError(`${file}:${lineOf(doc, lc, segs) ?? 1}`, `${dotted(segs)}: unknown executor ${JSON.stringify(t)}`, FIX_BY_FIELD.type ?? '');
      }
    });
  }
  const first = Value.Errors(PlanSchema, data).First();
  if (first) {
    const segs = segments(first.path);
    const last = [...segs].reverse().find((s): s is string => typeof s === 'string') ?? '';
    const extra = /unexpected property/i.test(first.message);
    const missing = /required property/i.test(first.message);
    const known = FIX_BY_FIELD[last] ?? 'see docs/upgrade-switch.md for the plan format';
    const fix = extra ? 'remove it or check its spelling against docs/upgrade-switch.md' : missing ? `add ${last}: ${known}` : known;
    throw planError(`${file}:${lineOf(doc, lc, segs) ?? 1}`, `${dotted(segs)}: ${first.message.toLowerCase()}`, fix);
  }
  const p = data as PlanDoc;
  const base = dirname(resolve(file));
  const names = new Set<string>();
  p.hosts.forEach((h, i) => {
    if (names.has(h.name)) throw planError(`${file}:${lineOf(doc, lc, ['hosts', i, 'name']) ?? 1}`, `hosts[${i}].name: host "${h.name}" is listed twice`, 'give every host a unique name');
    names.add(h.name);
    if (h.executor.type === 'ssh' && !h.executor.host) {
      throw planError(`${file}:${lineOf(doc, lc, ['hosts', i, 'executor']) ?? 1}`, `hosts[${i}].executor: an ssh executor needs host`, 'add host: <name or address> (and user, port, identityFile as needed)');
    }
    if (h.executor.type === 'local' && (h.executor.host || h.executor.user || h.executor.port || h.executor.identityFile)) {
      throw planError(`${file}:${lineOf(doc, lc, ['hosts', i, 'executor']) ?? 1}`, `hosts[${i}].executor: host/user/port/identityFile only apply to type ssh`, 'set type: ssh or remove them');
    }
  });
  const target = parseKubeVersion(p.targetVersion);
  if (!target) throw planError(`${file}:${lineOf(doc, lc, ['targetVersion']) ?? 1}`, `targetVersion "${p.targetVersion}" is not a Kubernetes version`, FIX_BY_FIELD.targetVersion ?? '');
  const t = p.timeouts ?? {};
  return {
    file: resolve(file),
    digest: createHash('sha256').update(text).digest('hex'),
    targetVersion: p.targetVersion,
    targetMinor: target.minor,
    workDir: abs(base, p.workDir),
    old: { kubeconfig: abs(base, p.old.kubeconfig), ...(p.old.context ? { context: p.old.context } : {}) },
    new: { kubeconfig: abs(base, p.new.kubeconfig), ...(p.new.context ? { context: p.new.context } : {}) },
    hosts: p.hosts.map((h) => ({
      name: h.name,
      executor: h.executor.identityFile ? { ...h.executor, identityFile: abs(base, h.executor.identityFile) } : h.executor,
      old: h.old,
      new: h.new,
    })),
    export: { ...(p.export?.namespaces ? { namespaces: p.export.namespaces } : {}), includeStatus: p.export?.includeStatus ?? false },
    ...(p.etcd
      ? {
          etcd: {
            endpoints: p.etcd.endpoints,
            ...(p.etcd.cacert ? { cacert: abs(base, p.etcd.cacert) } : {}),
            ...(p.etcd.cert ? { cert: abs(base, p.etcd.cert) } : {}),
            ...(p.etcd.key ? { key: abs(base, p.etcd.key) } : {}),
          },
        }
      : {}),
    timeouts: { commandMs: (t.commandSeconds ?? 300) * 1000, healthyMs: (t.healthySeconds ?? 300) * 1000, verifyMs: (t.verifySeconds ?? 300) * 1000 },
  };
}

/** Read and validate a plan file. */
export async function loadPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw planError(file, `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'pass the path of an existing plan file with --plan');
  }
  return parsePlan(text, file);
}
