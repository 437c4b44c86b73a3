/**
 * `plinth upgrade import`: apply an export to a target cluster in dependency order with server-side
 * apply (field manager `plinth-import`, forced), converting objects the target no longer serves at
 * their exported version. Idempotent (applying the same content again changes nothing) and resumable
 * (DIR/import-progress.json records what was applied; a rerun skips what is applied and present).
 */
import type { KubeClient } from '../../kube/http.js';
import { isKubeApiError, isNotFound } from '../../kube/api-error.js';
import { retry } from '../../kube/retry.js';
import { PlinthError } from '../../errors/index.js';
import { listPages } from '../../kube/pager.js';
import { Discovery, type ApiResourceInfo } from '../../kube/discovery.js';
import { serverVersion, servedResources, type ServerVersion } from './discover.js';
import { forEachLimit } from '../../kube/pool.js';
import { NEEDS, STEPS, stepOf, type Step } from './order.js';
import { forTarget, TargetApis, type Converter, type Obj } from './target.js';
import { importConverter } from './converter.js';
import { ImportProgress } from './progress-file.js';
import { readIndex } from './store.js';
import { loadCheckedItems, type Item } from './load.js';
import { isReleaseHistory, RELEASE_HISTORY_REASON } from './transient.js';
import type { ExportIndex, ImportObjectResult, ImportReport, ImportStepTiming, MigrateProgress } from './types.js';
import { waitEstablished } from './crds.js';

export const IMPORT_FIELD_MANAGER = 'plinth-import';

export interface ImportOptions {
  client: KubeClient;
  dir: string;
  onProgress?: (p: MigrateProgress) => void;
  /** Requests in flight at once (default 32). */
  concurrency?: number;
  /** How long to wait for CRDs to become Established (default 60 s). */
  crdTimeoutMs?: number;
  /**
   * Ask for each Service's source cluster IPs (default true). Where the target's service range does not
   * have an IP, or it is taken, the target allocates a new one. Keeping them keeps what running pods were
   * told (the `<SVC>_SERVICE_HOST` variables, cached DNS answers) true, and the API server allocates a
   * requested IP without the serial section a dynamic allocation waits in.
   */
  keepClusterIps?: boolean;
  /** Override the conversion (tests). */
  convert?: Converter;
  /**
   * Apply an export whose files differ from its index (modified, added or removed files) instead of
   * refusing it; the report's `integrity.warnings` name them.
   */
  allowModified?: boolean;
}


/** Refuse a target older than the export's source before anything is written. */
export function checkTargetVersion(index: ExportIndex, target: ServerVersion): void {
  if (target.minor < index.source.minor) {
    throw new PlinthError('UPGRADE_MIGRATE_TARGET_OLDER', { source: index.source.gitVersion, target: target.gitVersion, server: target.server });
  }
}

/** What the apply sends: no status (it belongs to the target's controllers), owner uids filled in. */
function body(o: Obj): Obj {
  const { status: _s, ...rest } = o;
  return rest;
}

/** The import's tally: counts per outcome, and the objects worth naming in the report. */
class Outcomes {
  readonly counts = { applied: 0, unchanged: 0, skipped: 0, failed: 0 };
  readonly notable: ImportObjectResult[] = [];

  /** Records one object's outcome; skipped, failed and converted objects are listed in the report. */
  add(it: Item, outcome: ImportObjectResult['outcome'], extra: Partial<ImportObjectResult> = {}): void {
    this.counts[outcome]++;
    const r: ImportObjectResult = { path: it.entry.path, apiVersion: it.entry.apiVersion, kind: it.entry.kind, name: it.entry.name, outcome, ...extra };
    if (it.entry.namespace) r.namespace = it.entry.namespace;
    if (outcome === 'skipped' || outcome === 'failed' || (extra.targetApiVersion && extra.targetApiVersion !== it.entry.apiVersion)) this.notable.push(r);
  }
}

/** Everything the steps of one import share. */
interface ImportRun {
  o: ImportOptions;
  client: KubeClient;
  target: ServerVersion;
  items: Item[];
  progress: ImportProgress;
  outcomes: Outcomes;
  initialApis: TargetApis;
  owners: OwnerCache;
  clusterIPs: { kept: number; reassigned: number };
  started: number;
  done: number;
  report: (p: MigrateProgress) => void;
}

interface Planned {
  it: Item;
  object: Obj;
  info: ApiResourceInfo;
}

/** Which dependency step (order.ts) applies each object: by kind, and last for objects with owners. */
function byDependencyStep(items: readonly Item[]): Map<Step, Item[]> {
  const byStep = new Map<Step, Item[]>(STEPS.map((s) => [s, []]));
  for (const it of items) byStep.get(stepOf(it.object.apiVersion ?? '', it.object.kind ?? '', (it.object.metadata?.ownerReferences?.length ?? 0) > 0))!.push(it);
  return byStep;
}

/** The version each object is applied through on the target (converted where needed); objects the target cannot take are skipped with the reason. */
function planForTarget(run: ImportRun, list: readonly Item[], apis: TargetApis): Planned[] {
  const planned: Planned[] = [];
  for (const it of list) {
    if (isReleaseHistory(it.entry.apiVersion, it.entry.kind)) {
      run.outcomes.add(it, 'skipped', { reason: RELEASE_HISTORY_REASON });
      run.done++;
      continue;
    }
    const c = forTarget(it.object, run.target.minor, apis, run.o.convert ?? importConverter);
    if ('skip' in c) {
      run.outcomes.add(it, 'skipped', { reason: c.skip });
      run.done++;
      continue;
    }
    planned.push({ it, object: c.object, info: c.info });
  }
  return planned;
}

/** Applies one object (asking for its source cluster IPs if it is a Service); a refusal by the API server fails that object only. */
async function applyOne(run: ImportRun, p: Planned, ns: string | undefined, targetApiVersion: string): Promise<void> {
  try {
    const send = await withOwnerUids(run.client, body(p.object), run.owners);
    const ips = (run.o.keepClusterIps ?? true) && isService(p.info) ? p.it.entry.clusterIPs : undefined;
    if (ips) run.clusterIPs[(await applyAskingForIps(run.client, p.info, ns, send, ips)) ? 'kept' : 'reassigned']++;
    else await applyWithRetry(run.client, p.info, ns, send);
    run.progress.record(p.it.entry.path, p.it.hash);
    run.outcomes.add(p.it, 'applied', { targetApiVersion });
  } catch (err) {
    if (!isKubeApiError(err)) throw err;
    run.progress.forget(p.it.entry.path);
    run.outcomes.add(p.it, 'failed', { targetApiVersion, reason: err.message });
  }
}

/**
 * One dependency step: plan each object for the target, skip those an earlier run applied with the same
 * content and that still exist, apply the rest, and (for CRDs) wait until they are Established.
 */
async function applyStep(run: ImportRun, step: Step, list: readonly Item[]): Promise<ImportStepTiming | undefined> {
  if (list.length === 0) return undefined;
  const t0 = Date.now();
  const total = run.items.length;
  // CRDs were installed (and Established) before these steps: discover their resources.
  const apis = step === 'custom' || step === 'owned' ? new TargetApis((await servedResources(run.client)).byGroupVersion) : run.initialApis;
  const planned = planForTarget(run, list, apis);
  const present = await presentOnTarget(run.client, planned.filter((p) => run.progress.appliedHash(p.it.entry.path) === p.it.hash));
  const crdNames: string[] = [];
  await forEachLimit(planned, run.o.concurrency ?? 32, async (p) => {
    const targetApiVersion = p.object.apiVersion ?? '';
    const ns = p.info.namespaced ? p.object.metadata?.namespace : undefined;
    if (step === 'crds') crdNames.push(p.object.metadata?.name ?? '');
    if (present.has(presenceKey(p.info, ns, p.object.metadata?.name ?? ''))) run.outcomes.add(p.it, 'unchanged', { targetApiVersion });
    else await applyOne(run, p, ns, targetApiVersion);
    run.done++;
    if (run.done % 50 === 0 || run.done === total) run.report({ phase: 'apply', step, done: run.done, total });
  });
  await run.progress.flush();
  run.report({ phase: 'apply', step, done: run.done, total });
  if (step === 'crds' && crdNames.length > 0) {
    run.report({ phase: 'wait', step: 'crds', done: 0, total: crdNames.length });
    await waitEstablished(run.client, crdNames, run.o.crdTimeoutMs ?? 60_000);
  }
  return { step, objects: list.length, startMs: t0 - run.started, durationMs: Date.now() - t0 };
}

export async function importCluster(o: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const report = (p: MigrateProgress): void => o.onProgress?.(p);
  const index = await readIndex(o.dir);
  const target = await serverVersion(o.client);
  checkTargetVersion(index, target);
  report({ phase: 'prepare', done: 0, total: index.objects.length });
  // What the target is asked while the files load (the loading rarely yields, but each answer needs only one turn).
  const kubeSystemP = o.client.get<Obj>({ group: '', version: 'v1', plural: 'namespaces' }, 'kube-system');
  const servedP = servedResources(o.client);
  for (const p of [kubeSystemP, servedP]) p.catch(() => undefined);
  const { items, integrity } = await loadCheckedItems(o.dir, index, o.allowModified ?? false, (n) => report({ phase: 'prepare', done: n, total: index.objects.length }));
  const kubeSystem = await kubeSystemP;
  const run: ImportRun = {
    o,
    client: o.client,
    target,
    items,
    progress: await ImportProgress.load(o.dir, kubeSystem.metadata?.uid ?? '', target.server),
    outcomes: new Outcomes(),
    initialApis: new TargetApis((await servedP).byGroupVersion),
    owners: { uids: new Map(), discovery: new Discovery(o.client) },
    clusterIPs: { kept: 0, reassigned: 0 },
    started,
    done: 0,
    report,
  };
  const byStep = byDependencyStep(items);
  const steps: ImportStepTiming[] = [];
  try {
    await runSteps(async (step) => {
      const t = await applyStep(run, step, byStep.get(step)!);
      if (t) steps.push(t);
    });
  } finally {
    await run.progress.flush();
  }
  report({ phase: 'done', done: items.length, total: items.length });
  return {
    dir: o.dir,
    source: index.source,
    target,
    total: items.length,
    ...run.outcomes.counts,
    notable: run.outcomes.notable,
    clusterIPs: run.clusterIPs,
    steps: steps.sort((a, b) => a.startMs - b.startMs),
    integrity,
    durationMs: Date.now() - started,
  };
}

/**
 * Runs every step once its NEEDS are done, independent steps at the same time. The first failure stops
 * steps from starting (the running ones finish) and is thrown.
 */
export async function runSteps(run: (step: Step) => Promise<void>): Promise<void> {
  const finished = new Map<Step, Promise<void>>();
  const notStarted = new Error('not started: an earlier step failed');
  let failed = false;
  for (const step of STEPS) {
    const needs = NEEDS[step].map((n) => finished.get(n)!);
    const p = Promise.all(needs).then(async () => {
      if (failed) throw notStarted;
      try {
        await run(step);
      } catch (err) {
        failed = true;
        throw err;
      }
    });
    p.catch(() => undefined);
    finished.set(step, p);
  }
  const outcomes = await Promise.allSettled([...finished.values()]);
  const first = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason !== notStarted);
  if (first) throw first.reason;
}

function isService(info: ApiResourceInfo): boolean {
  return info.group === '' && info.plural === 'services';
}

function withClusterIps(o: Obj, ips: readonly string[]): Obj {
  return { ...o, spec: { ...(o.spec ?? {}), clusterIP: ips[0], clusterIPs: [...ips] } };
}

/**
 * Applies a Service asking for its source cluster IPs; when the target refuses them, applies it without
 * and the target allocates new ones. True when the IPs were kept.
 */
async function applyAskingForIps(client: KubeClient, info: ApiResourceInfo, ns: string | undefined, svc: Obj, ips: readonly string[]): Promise<boolean> {
  try {
    await applyWithRetry(client, info, ns, withClusterIps(svc, ips));
    return true;
  } catch (err) {
    if (!clusterIpRefused(err)) throw err;
    await applyWithRetry(client, info, ns, svc);
    return false;
  }
}

/**
 * The target refused the requested cluster IPs (outside its service range, taken, another IP family, or
 * the Service exists with other IPs): a 422 that names spec.clusterIP(s).
 */
export function clusterIpRefused(err: unknown): boolean {
  if (!isKubeApiError(err) || err.status !== 422) return false;
  const causes = err.statusObject?.details?.causes ?? [];
  return causes.some((c) => /^spec\.clusterIPs?\b/.test(c.field ?? '')) || /spec\.clusterIPs?\b/.test(err.apiMessage);
}

function presenceKey(info: ApiResourceInfo, ns: string | undefined, name: string): string {
  return `${info.group}|${info.plural}|${ns ?? ''}|${name}`;
}

/** Which of the objects recorded as applied still exist on the target (one list per resource). */
async function presentOnTarget(client: KubeClient, recorded: Array<{ object: Obj; info: ApiResourceInfo }>): Promise<Set<string>> {
  const out = new Set<string>();
  const resources = new Map<string, ApiResourceInfo>();
  for (const r of recorded) resources.set(`${r.info.group}|${r.info.version}|${r.info.plural}`, r.info);
  await forEachLimit([...resources.values()], 4, async (info) => {
    for await (const page of listPages<Obj>(client, { group: info.group, version: info.version, plural: info.plural }, { limit: 1000 })) {
      for (const it of page.items) out.add(presenceKey(info, info.namespaced ? it.metadata?.namespace : undefined, it.metadata?.name ?? ''));
    }
  });
  return out;
}

/** Fill the uids of owner references from the owners as they exist on the target; drop owners that do not. */
interface OwnerCache {
  uids: Map<string, Promise<string | undefined>>;
  discovery: Discovery;
}

async function withOwnerUids(client: KubeClient, o: Obj, cache: OwnerCache): Promise<Obj> {
  const refs = o.metadata?.ownerReferences;
  if (!refs || refs.length === 0) return o;
  const ns = o.metadata?.namespace;
  const filled = [];
  for (const r of refs) {
    const key = `${r.apiVersion}|${r.kind}|${ns ?? ''}|${r.name}`;
    let uid = cache.uids.get(key);
    if (!uid) {
      uid = ownerUid(client, cache.discovery, r.apiVersion, r.kind, ns, r.name);
      cache.uids.set(key, uid);
    }
    const found = await uid;
    if (found) filled.push({ ...r, uid: found });
  }
  const metadata = { ...o.metadata };
  if (filled.length > 0) metadata.ownerReferences = filled;
  else delete metadata.ownerReferences;
  return { ...o, metadata };
}

async function ownerUid(client: KubeClient, discovery: Discovery, apiVersion: string, kind: string, ns: string | undefined, name: string): Promise<string | undefined> {
  const ref = await discovery.refFor(apiVersion, kind, ns);
  if (!ref) return undefined;
  try {
    return (await client.get<Obj>(ref, name)).metadata?.uid;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function applyWithRetry(client: KubeClient, info: ApiResourceInfo, ns: string | undefined, obj: Obj): Promise<void> {
  const ref = { group: info.group, version: info.version, plural: info.plural, ...(ns ? { namespace: ns } : {}) };
  // fieldValidation Ignore: the body is JSON.stringify's (no duplicate keys), and unknown fields still
  // fail the apply's typed conversion; it spares the API server a second YAML parse of every body.
  // Retried as kube/retry.ts says, and once more on a first NotFound: a namespace or CRD applied a
  // moment ago may not be served yet.
  await retry(
    () => client.patchNoResult(ref, obj.metadata?.name ?? '', obj, 'apply', { fieldManager: IMPORT_FIELD_MANAGER, force: true, fieldValidation: 'Ignore' }),
    { attempts: 4, initialMs: 200, also: (err, attempt) => attempt === 1 && isNotFound(err) },
  );
}
