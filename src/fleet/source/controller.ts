// The GitSource controller: checks each source's ref (one `git ls-remote` per URL + ref + credentials per
// interval, shared by every GitSource naming it), fetches a new commit once, renders every path that the
// FleetDeliveries referencing the source use, stores the artifacts and writes the source's status.
import { join } from 'node:path';
import { GitSourceKind, FleetDeliveryKind, ClusterDeliveryKind, type FleetDelivery, type GitSource } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import { DONE, requeueAfter, runController, type Controller, type ReconcileContext, type Result } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import type { ManagerContext } from '../../kube/module.js';
import { Informer } from '../../kube/informer.js';
import { logger } from '../../kube/log.js';
import { ref, inNamespace, type KubeObject } from '../../kube/resource.js';
import { writeStatus } from '../../kube/status.js';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { encodeArtifact } from '../artifact.js';
import { credentialsFromSecret, type GitCredentials } from './auth.js';
import { fetchKey, SourceFetcher, type FetchResult } from './fetcher.js';
import { GitCache, type FetchRequest } from './git.js';
import { parseInterval, repoDir, sourceRef, type GitRef } from './ref.js';
import { renderDirectory } from './render-dir.js';
import { sourceStatus, type CheckOutcome, type PathResult } from './status.js';
import { renderDuration } from './metrics.js';
import { ArtifactStore, type ArtifactOrigin } from './store.js';
import type { FetchTriggers } from './triggers.js';
import { PUSH_REQUESTED_ANNOTATION } from '../names.js';

const GV = `${GitSourceKind.group}/${GitSourceKind.version}`;
export const SOURCE_RES = {
  gitSources: ref(GV, GitSourceKind.plural),
  fleetDeliveries: ref(GV, FleetDeliveryKind.plural),
  clusterDeliveries: ref(GV, ClusterDeliveryKind.plural),
  secrets: ref('v1', 'secrets'),
};
const COMPONENT = 'plinth.dev/fleet-source-controller';
const DEFAULT_INTERVAL_MS = 60_000;
const GC_EVERY_MS = 60_000;

export interface GitSourceControllerOptions {
  client: KubeClient;
  signal: AbortSignal;
  /** The manager's data dir: Git caches under `<dataDir>/fleet/git`, artifacts under `<dataDir>/fleet/artifacts`. */
  dataDir: string;
  /** The artifact store the hub's HTTP server reads (default: a new one over dataDir). */
  store?: ArtifactStore;
  /** Webhook pushes arrive here (see triggers.ts). */
  triggers?: FetchTriggers;
  workers?: number;
}

export interface GitSourceController extends Controller {
  readonly store: ArtifactStore;
  readonly fetcher: SourceFetcher;
  /** Fetch a GitSource at once (what a verified webhook push does); false when it does not exist. */
  triggerFetch(namespace: string, name: string): boolean;
}

const reasonOf = (err: unknown): string => {
  if (!(err instanceof PlinthError)) return 'FetchFailed';
  switch (err.code) {
    case 'FLEET_GIT_UNREACHABLE':
      return 'Unreachable';
    case 'FLEET_GIT_UNKNOWN_REF':
      return 'UnknownRef';
    case 'FLEET_GIT_AUTH_REFUSED':
      return 'AuthRefused';
    case 'FLEET_GIT_REF_INVALID':
    case 'FLEET_GIT_SECRET_INVALID':
    case 'FLEET_SOURCE_PATH_INVALID':
      return 'InvalidSpec';
    default:
      return 'FetchFailed';
  }
};

/**
 * The paths (relative to the source's spec.path) that the source's FleetDeliveries use, exactly as they spell
 * them: status.artifacts[].path is what a delivery looks its artifact up by.
 */
function deliveryPaths(deliveries: readonly FleetDelivery[]): string[] {
  return [...new Set(deliveries.map((d) => d.spec.path ?? ''))].sort();
}

/** Status-only updates of a GitSource are the controller's own writes: they enqueue nothing; a webhook push does. */
const sourceChanged = (a: KubeObject, b: KubeObject): boolean =>
  a.metadata?.generation !== b.metadata?.generation ||
  a.metadata?.deletionTimestamp !== b.metadata?.deletionTimestamp ||
  a.metadata?.annotations?.[PUSH_REQUESTED_ANNOTATION] !== b.metadata?.annotations?.[PUSH_REQUESTED_ANNOTATION];
/** The GitSource key a FleetDelivery uses. */
const deliverySourceKey = (d: FleetDelivery): string => `${d.metadata?.namespace ?? ''}/${d.spec?.sourceRef?.name ?? ''}`;
/** A FleetDelivery matters here only for its source and path. */
const deliveryChanged = (a: KubeObject, b: KubeObject): boolean => {
  const x = a as FleetDelivery;
  const y = b as FleetDelivery;
  return x.spec?.path !== y.spec?.path || x.spec?.sourceRef?.name !== y.spec?.sourceRef?.name;
};

export function startGitSourceController(opts: GitSourceControllerOptions): GitSourceController {
  const { client } = opts;
  const git = new GitCache({ dataDir: join(opts.dataDir, 'fleet', 'git') });
  const fetcher = new SourceFetcher(git);
  const store = opts.store ?? new ArtifactStore(opts.dataDir);
  const sources = new Informer<GitSource & KubeObject>({ client, resource: SOURCE_RES.gitSources, name: 'gitsources' });
  const deliveries = new Informer<FleetDelivery & KubeObject>({
    client,
    resource: SOURCE_RES.fleetDeliveries,
    name: 'fleetdeliveries-by-source',
    indexers: { source: (d) => [deliverySourceKey(d)] },
  });
  const events = new EventRecorder({ client, component: COMPONENT, discovery: new Discovery(client) });
  const log = logger('fleet-source');
  const forced = new Set<string>();
  /** The push annotation each GitSource had when last checked: a new value forces a fetch. */
  const pushes = new Map<string, string>();
  /** fetch key → the GitSources that share it (to wake them when one of them sees a new commit). */
  const sharing = new Map<string, Set<string>>();
  const renders = new Map<string, Promise<{ bytes: Buffer; objects: number } | { error: string }>>();
  let lastGc = 0;

  const controller = runController({
    name: 'gitsource',
    informers: [
      { informer: sources, changed: sourceChanged },
      { informer: deliveries, keys: (d: KubeObject) => deliverySourceKey(d as FleetDelivery), changed: deliveryChanged },
    ],
    workers: opts.workers ?? 4,
    signal: opts.signal,
    reconcile: (key, rc) => reconcile(key, rc),
  });

  async function credentialsOf(gs: GitSource, signal: AbortSignal): Promise<GitCredentials | undefined> {
    const name = gs.spec.secretRef?.name;
    if (!name) return undefined;
    const ns = gs.metadata.namespace ?? '';
    try {
      const secret = await client.get<KubeObject & { data?: Record<string, string> }>(inNamespace(SOURCE_RES.secrets, ns), name, { signal });
      return credentialsFromSecret(`${ns}/${name}`, secret.data);
    } catch (err) {
      if (isNotFound(err)) throw new PlinthError('FLEET_GIT_SECRET_INVALID', { secret: `${ns}/${name}`, detail: 'it does not exist' });
      throw err;
    }
  }

  /** Renders one directory of a commit once, whichever sources ask (the memo keeps the newest 32). */
  function renderOnce(fetched: FetchResult, dir: string): Promise<{ bytes: Buffer; objects: number } | { error: string }> {
    const k = `${fetched.commit}\0${dir}`;
    let p = renders.get(k);
    if (!p) {
      p = (async (): Promise<{ bytes: Buffer; objects: number } | { error: string }> => {
        const end = renderDuration.startTimer();
        try {
          const objects = await renderDirectory(fetched.dir, dir, { onProgress: (line) => log.info({ line }, 'kustomize') });
          end({ result: 'ok' });
          return { bytes: encodeArtifact(objects).bytes, objects: objects.length };
        } catch (err) {
          end({ result: 'error' });
          // What the commit holds is an answer for good; anything else (no kustomize yet, a disk error) is retried.
          if (err instanceof PlinthError && (err.code === 'FLEET_RENDER_FAILED' || err.code === 'FLEET_SOURCE_PATH_INVALID')) return { error: err.message };
          throw err;
        }
      })();
      renders.set(k, p);
      if (renders.size > 32) renders.delete(renders.keys().next().value!);
      p.catch(() => renders.delete(k));
    }
    return p;
  }

  /** The artifact of one delivery path of a source at the fetched commit, stored with its origin. */
  async function renderPath(gs: GitSource, fetched: FetchResult, path: string): Promise<PathResult> {
    let dir: string;
    try {
      dir = repoDir(gs.spec.path, path);
    } catch (err) {
      return { path, error: errorMessage(err) };
    }
    const r = await renderOnce(fetched, dir);
    if ('error' in r) return { path, error: r.error };
    const digest = await store.put(r.bytes, { namespace: gs.metadata.namespace ?? '', source: gs.metadata.name ?? '', commit: fetched.commit, path });
    return { path, digest, objects: r.objects };
  }

  /** Re-renders an artifact that disappeared from disk (store.ensure). */
  store.setRerender(async (origin: ArtifactOrigin): Promise<Buffer> => {
    const gs = sources.get(`${origin.namespace}/${origin.source}`);
    if (!gs) throw new Error(`GitSource ${origin.namespace}/${origin.source} no longer exists`);
    const req: FetchRequest = { url: gs.spec.url, ref: { kind: 'commit', name: origin.commit }, credentials: await credentialsOf(gs, opts.signal), signal: opts.signal };
    const commit = await git.fetch(req);
    const dir = await git.checkout(gs.spec.url, commit);
    return encodeArtifact(await renderDirectory(dir, repoDir(gs.spec.path, origin.path))).bytes;
  });

  async function collectGarbage(signal: AbortSignal): Promise<void> {
    if (Date.now() - lastGc < GC_EVERY_MS) return;
    lastGc = Date.now();
    const referenced = new Set<string>();
    for (const s of sources.list()) for (const e of s.status?.artifacts ?? []) if (e.digest) referenced.add(e.digest);
    let cont: string | undefined;
    do {
      const page = await client.list<KubeObject & { spec?: { artifact?: { digest?: string } } }>(SOURCE_RES.clusterDeliveries, { limit: 500, continue: cont, signal });
      for (const cd of page.items) if (cd.spec?.artifact?.digest) referenced.add(cd.spec.artifact.digest);
      cont = page.metadata.continue || undefined;
    } while (cont);
    await store.gc(referenced);
    await git.pruneContent(new Set(sources.list().flatMap((s) => (s.status?.commit ? [s.status.commit] : []))));
  }

  /** A path already rendered at this commit (its artifact still on disk, or its error) needs no new render. */
  async function reusable(gs: GitSource, commit: string, path: string): Promise<PathResult | undefined> {
    if (gs.status?.commit !== commit) return undefined;
    const e = gs.status.artifacts?.find((a) => a.path === path);
    if (!e) return undefined;
    if (e.error !== undefined) return { path, error: e.error };
    if (e.commit === commit && e.digest && e.objects !== undefined && (await store.has(e.digest))) return { path, digest: e.digest, objects: e.objects };
    return undefined;
  }

  async function check(gs: GitSource, key: string, rc: ReconcileContext, maxAgeMs: number): Promise<CheckOutcome> {
    let ref: GitRef;
    let fetched: FetchResult;
    try {
      ref = sourceRef(gs.spec.ref);
      const credentials = await credentialsOf(gs, rc.signal);
      const req: FetchRequest = { url: gs.spec.url, ref, credentials, signal: rc.signal };
      const fk = fetchKey(req);
      const group = sharing.get(fk) ?? new Set<string>();
      group.add(key);
      sharing.set(fk, group);
      const before = fetcher.stats(fk).fetches;
      fetched = await fetcher.resolve(req, maxAgeMs);
      if (fetcher.stats(fk).fetches > before) for (const other of group) if (other !== key) controller.queue.add(other);
    } catch (err) {
      if (!(err instanceof PlinthError)) throw err;
      return { ok: false, reason: reasonOf(err), message: err.message };
    }
    const used = deliveries.byIndex('source', key) as FleetDelivery[];
    const paths = await Promise.all(deliveryPaths(used).map(async (p) => (await reusable(gs, fetched.commit, p)) ?? renderPath(gs, fetched, p)));
    return { ok: true, commit: fetched.commit, fetchedAt: fetched.fetchedAt, paths };
  }

  async function reconcile(key: string, rc: ReconcileContext): Promise<Result> {
    const gs = sources.get(key);
    if (!gs || gs.metadata.deletionTimestamp) {
      forced.delete(key);
      pushes.delete(key);
      for (const group of sharing.values()) group.delete(key);
      return DONE;
    }
    if (gs.spec.suspend) return DONE;
    const intervalMs = parseInterval(gs.spec.interval ?? '') ?? DEFAULT_INTERVAL_MS;
    const push = gs.metadata.annotations?.[PUSH_REQUESTED_ANNOTATION];
    const pushed = push !== undefined && pushes.get(key) !== push;
    if (push !== undefined) pushes.set(key, push);
    const force = forced.delete(key) || pushed;
    // A poll shares any check younger than most of the interval (another source of the same URL and ref made it).
    const outcome = await check(gs, key, rc, force ? 0 : Math.floor(intervalMs * 0.8));
    const ns = gs.metadata.namespace ?? '';
    const before = gs.status;
    const written = await writeStatus<GitSource & KubeObject>({
      client,
      resource: inNamespace(SOURCE_RES.gitSources, ns),
      name: gs.metadata.name ?? '',
      current: gs,
      desired: (cur) => sourceStatus(cur, outcome, new Date()),
      signal: rc.signal,
    });
    if (written.changed) {
      const after = written.object.status;
      if (!outcome.ok && before?.conditions?.find((c) => c.type === 'Ready')?.message !== outcome.message) events.warning(gs, outcome.reason, outcome.message);
      if (outcome.ok && after?.commit !== before?.commit) events.normal(gs, 'NewCommit', `fetched commit ${outcome.commit.slice(0, 12)}`);
      for (const p of outcome.ok ? outcome.paths : []) {
        if ('error' in p && !before?.artifacts?.some((e) => e.path === p.path && e.error === p.error)) events.warning(gs, 'RenderFailed', p.error);
      }
      rc.log.info({ commit: after?.commit, ready: after?.conditions?.find((c) => c.type === 'Ready')?.status }, 'git source checked');
      if (outcome.ok) await collectGarbage(rc.signal).catch((err: unknown) => rc.log.warn({ err: errorMessage(err) }, 'artifact garbage collection failed'));
    }
    return requeueAfter(intervalMs);
  }

  const triggerFetch = (namespace: string, name: string): boolean => {
    const key = `${namespace}/${name}`;
    if (!sources.get(key)) return false;
    forced.add(key);
    controller.queue.add(key);
    return true;
  };
  const detach = opts.triggers?.attach(triggerFetch);
  void controller.done.then(() => {
    detach?.();
    return Promise.all([sources.stop(), deliveries.stop()]);
  });

  return Object.assign(controller, { store, fetcher, triggerFetch });
}

/** The manager's entry point: runs the GitSource controller until `ctx.signal` aborts. */
export async function runGitSourceController(ctx: ManagerContext & { dataDir: string; store?: ArtifactStore; triggers?: FetchTriggers }): Promise<void> {
  const c = startGitSourceController({ client: ctx.client, signal: ctx.signal, dataDir: ctx.dataDir, store: ctx.store, triggers: ctx.triggers });
  await c.done;
}
