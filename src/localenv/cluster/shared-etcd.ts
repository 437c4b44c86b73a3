import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { writeAtomic } from '../../kube/atomic-file.js';
import { ensureBinaries, type Binaries } from '../build/index.js';
import { etcdCommand, etcdDataDir } from './components.js';
import { freePorts, releasePorts } from './ports.js';
import { isClusterProcess, killGroup, processesUsing, spawnComponent } from './process.js';
import { etcdHealthy, ProcessExited, waitFor } from './readiness.js';
import { lastError } from './runner.js';
import { defaultStateDir, validName } from './state.js';
import { startWatchdog } from './watchdog.js';
import { readShared, SHARED_ETCD_RECORD, type SharedEtcdRecord } from './shared-etcd-record.js';

/** One etcd that several member clusters' API servers share, each under its own key prefix. */
export interface SharedEtcd {
  name: string;
  stateDir: string;
  /** http://127.0.0.1:<port> */
  endpoint: string;
  pid: number;
  /** Stop etcd; its data is removed unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface SharedEtcdOptions {
  /** Names its state dir (`<cacheDir>/clusters/<name>` unless stateDir). */
  name: string;
  stateDir?: string;
  /** Keep running after this process exits (`plinth up`). Default false: a watchdog stops it with this process. */
  detached?: boolean;
  binaries?: Binaries;
}

function handle(rec: SharedEtcdRecord, dismiss: () => void): SharedEtcd {
  const pid = rec.pid ?? -1;
  return {
    name: rec.name,
    stateDir: rec.stateDir,
    endpoint: rec.endpoint,
    pid,
    stop: async (o = {}) => {
      dismiss();
      await stopSharedEtcd(rec.stateDir, o);
    },
  };
}

/**
 * Start the etcd that member clusters share (`ClusterOptions.sharedEtcd`), or find it running. A kept one
 * (stopped with keepData) starts again on its ports and data. Resolves when it answers /health.
 */
export async function startSharedEtcd(opts: SharedEtcdOptions): Promise<SharedEtcd> {
  if (!validName(opts.name)) {
    throw new PlinthError('INVALID_ARGUMENT', { what: 'shared etcd name', detail: opts.name, fix: 'use lowercase letters, digits and dashes' });
  }
  const stateDir = resolve(opts.stateDir ?? defaultStateDir(opts.name));
  const kept = await readShared(stateDir);
  if (kept && isClusterProcess(kept.pid, stateDir) && (await etcdHealthy(kept.endpoint).catch(() => false)) === true) {
    return handle(kept, () => undefined);
  }
  for (const pid of processesUsing(stateDir)) await killGroup(pid);
  await mkdir(join(stateDir, 'logs'), { recursive: true });
  const [client = 0, peer = 0] = kept ? [kept.ports.client, kept.ports.peer] : await freePorts(2);
  const bin = opts.binaries ?? (await ensureBinaries('new'));
  const cmd = etcdCommand({ bin: bin.etcd, name: opts.name, dataDir: etcdDataDir(stateDir), clientPort: client, peerPort: peer });
  const log = join(stateDir, 'logs', 'etcd.log');
  const rec: SharedEtcdRecord = {
    name: opts.name,
    stateDir,
    endpoint: `http://127.0.0.1:${client}`,
    pid: null,
    ports: { client, peer },
    detached: opts.detached ?? false,
    startedAt: new Date().toISOString(),
  };
  const watchdog = rec.detached ? undefined : await startWatchdog(stateDir);
  const proc = spawnComponent(cmd.bin, cmd.args, log);
  rec.pid = proc.pid > 0 ? proc.pid : null;
  await writeAtomic(join(stateDir, SHARED_ETCD_RECORD), JSON.stringify(rec, null, 2));
  try {
    await waitFor(() => etcdHealthy(rec.endpoint), { timeoutMs: 30_000, exited: () => proc.exitCode() });
  } catch (err) {
    watchdog?.dismiss();
    await stopSharedEtcd(stateDir, { keepData: true });
    const detail = err instanceof ProcessExited ? `exited (${err.code}): ${await lastError(log)}` : String(err);
    throw new PlinthError('CLUSTER_START_FAILED', { cluster: opts.name, component: 'etcd (shared)', detail, log }, { cause: err });
  }
  return handle(rec, () => watchdog?.dismiss());
}

/** Stop the shared etcd of `stateDir` from any process; its data dir is removed unless `keepData`. */
export async function stopSharedEtcd(stateDir: string, opts: { keepData?: boolean } = {}): Promise<void> {
  const rec = await readShared(stateDir);
  if (rec?.pid && isClusterProcess(rec.pid, stateDir)) await killGroup(rec.pid);
  for (const pid of processesUsing(stateDir)) await killGroup(pid);
  if (rec) await releasePorts([rec.ports.client, rec.ports.peer]);
  if (opts.keepData) {
    if (rec) await writeAtomic(join(stateDir, SHARED_ETCD_RECORD), JSON.stringify({ ...rec, pid: null }, null, 2));
    return;
  }
  await rm(stateDir, { recursive: true, force: true });
}
