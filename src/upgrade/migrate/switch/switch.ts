import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlinthError } from '../../../errors/index.js';
import { readIndex } from '../store.js';
import { INDEX_FILE } from '../types.js';
import { parseKubeVersion } from '../../assess/kb/version.js';
import { clientFor, probe, waitDown, waitHealthy, type Access } from './cluster.js';
import { decideStart, rollbackCommand, switchCommand } from './decide.js';
import { diffIndexes, unservedAt } from './exported.js';
import { waitWorkloadsReady } from './workloads.js';
import { checkReachable, runHosts } from './hosts.js';
import type { MigrateOps } from './ops.js';
import type { Plan } from './plan.js';
import { buildReport, type RunReport } from './report.js';
import { newState, PhaseFailed, runPhases, type PhaseEvent, type PhaseIO, type PhaseSpec } from './runner.js';
import { pidAlive } from '../../../kube/proc.js';
import { archiveState, readState, statePath, writeState, type Operation, type RunState } from './state.js';

export interface RunOptions {
  plan: Plan;
  migrate: MigrateOps;
  onEvent?: (e: PhaseEvent) => void;
}

/** What a run returns: the report, and the error when it failed (the CLI prints both). */
export interface RunOutcome {
  report: RunReport;
  error?: PlinthError;
}

export const exportDir = (p: Plan): string => join(p.workDir, 'export');
/** How long an old apiserver may keep answering after its stop commands. */
const DOWN_TIMEOUT_MS = 30_000;

async function withClient<T>(a: Access, fn: (c: Awaited<ReturnType<typeof clientFor>>) => Promise<T>, requestTimeoutMs = 60_000): Promise<T> {
  const c = await clientFor(a, requestTimeoutMs);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function switchPhases(plan: Plan, m: MigrateOps): PhaseSpec[] {
  const dir = exportDir(plan);
  const rb = `nothing else was changed; fix the cause and rerun ${switchCommand(plan)} to resume, or roll back with ${rollbackCommand(plan)}`;
  const note = (io: PhaseIO) => (msg: string): void => void io.note(msg).catch(() => undefined);
  return [
    {
      name: 'init',
      title: 'check the plan, hosts and the old cluster',
      run: async (io) => {
        await mkdir(plan.workDir, { recursive: true });
        await copyFile(plan.file, join(plan.workDir, 'plan.yaml'));
        const ssh = await checkReachable(plan, io, rb);
        const old = await withClient(plan.old, probe, 10_000);
        if (!old.ok) {
          throw new PlinthError('UPGRADE_SWITCH_PHASE_FAILED', { operation: 'switch', phase: 'init', detail: `the old cluster (${plan.old.kubeconfig}) does not answer: ${old.reason}`, fix: 'the switch starts from a serving old cluster; check old.kubeconfig' });
        }
        const from = parseKubeVersion(old.version);
        if (from && from.minor > plan.targetMinor) {
          throw new PlinthError('UPGRADE_SWITCH_REFUSED', { operation: 'switch', detail: `the old cluster runs ${old.version}, newer than the target ${plan.targetVersion}`, fix: 'a switch only moves forward; check targetVersion and the kubeconfigs' });
        }
        await io.note(`old cluster serves ${old.version}`);
        return `old ${old.version} serving; ${plan.hosts.length} host(s)${ssh ? `, ${ssh} over ssh reachable` : ''}; target ${plan.targetVersion}`;
      },
    },
    {
      name: 'backup',
      title: 'export the old cluster (and snapshot etcd)',
      run: async (io) => {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        const r = await withClient(plan.old, (client) =>
          m.exportCluster({ client, dir, includeStatus: plan.export.includeStatus, ...(plan.export.namespaces ? { namespaces: plan.export.namespaces } : {}), onProgress: note(io) }),
        );
        const unserved = unservedAt((await readIndex(dir)).objects, plan.targetMinor);
        await writeFile(join(plan.workDir, 'assess.json'), JSON.stringify({ targetVersion: plan.targetVersion, source: 'servedAt() over the export', unserved }, null, 2) + '\n');
        const lost = unserved.filter((u) => u.replacement === 'none');
        if (lost.length > 0) {
          throw new PlinthError('UPGRADE_SWITCH_REFUSED', {
            operation: 'switch',
            detail: `${lost.map((u) => `${u.count} ${u.apiVersion} ${u.kind}`).join(', ')} cannot be served by ${plan.targetVersion} and have no replacement`,
            fix: `remove or replace them on the old cluster (see ${join(plan.workDir, 'assess.json')}), then rerun`,
          });
        }
        const conv = unserved.length === 0 ? 'no API removed by the target' : `to convert: ${unserved.map((u) => `${u.count} ${u.apiVersion} ${u.kind}`).join(', ')}`;
        return `${r.summary}; ${conv}`;
      },
    },
    {
      name: 'clean',
      title: 'stop the old control plane',
      serving: 'none',
      run: async (io) => {
        const d = await runHosts(plan, 'old', 'stop', 'clean', io, `the old data is untouched: rerun ${switchCommand(plan)} to resume, or roll back with ${rollbackCommand(plan)}`);
        await waitDown(plan.old, DOWN_TIMEOUT_MS, 'the old apiserver');
        return `${d}; old apiserver down`;
      },
    },
    {
      name: 'install',
      title: 'start the new control plane',
      serving: 'new',
      run: async (io) => {
        const d = await runHosts(plan, 'new', 'start', 'install', io, `roll back with ${rollbackCommand(plan)}, or fix and rerun ${switchCommand(plan)}`);
        const version = await waitHealthy(plan.new, plan.timeouts.healthyMs, 'the new apiserver');
        const v = parseKubeVersion(version);
        if (!v || v.minor !== plan.targetMinor) {
          throw new PlinthError('UPGRADE_SWITCH_REFUSED', { operation: 'switch', detail: `the new apiserver serves ${version}, the plan's target is ${plan.targetVersion}`, fix: `check new.kubeconfig and the new start commands; roll back with ${rollbackCommand(plan)}` });
        }
        return `${d}; new apiserver ${version} healthy`;
      },
    },
    {
      name: 'import',
      title: 'import into the new cluster',
      run: async (io) => (await withClient(plan.new, (client) => m.importCluster({ client, dir, onProgress: note(io) }))).summary,
    },
    {
      name: 'verify',
      title: 'verify every object is on the new cluster and workloads are ready',
      run: async () => (await withClient(plan.new, (client) => m.verifyImport({ client, dir, timeoutMs: plan.timeouts.verifyMs }))).summary,
    },
  ];
}

function rollbackPhases(plan: Plan, m: MigrateOps): PhaseSpec[] {
  const dir = exportDir(plan);
  const again = `rerun ${rollbackCommand(plan)} once fixed`;
  return [
    {
      name: 'init',
      title: 'check the plan, hosts and the export',
      run: async (io) => {
        await mkdir(plan.workDir, { recursive: true });
        const ssh = await checkReachable(plan, io, again);
        const n = (await exists(join(dir, INDEX_FILE))) ? (await readIndex(dir)).objects.length : 0;
        return `${plan.hosts.length} host(s)${ssh ? `, ${ssh} over ssh reachable` : ''}; ${n > 0 ? `export of ${n} objects to check against` : 'no finished export: verify checks health only'}`;
      },
    },
    {
      name: 'clean',
      title: 'stop the new control plane',
      serving: 'none',
      run: async (io) => {
        const d = await runHosts(plan, 'new', 'stop', 'clean', io, again);
        await waitDown(plan.new, DOWN_TIMEOUT_MS, 'the new apiserver');
        return `${d}; new apiserver down`;
      },
    },
    {
      name: 'install',
      title: 'start the old control plane on its untouched data',
      serving: 'old',
      run: async (io) => {
        const d = await runHosts(plan, 'old', 'start', 'install', io, again);
        const version = await waitHealthy(plan.old, plan.timeouts.healthyMs, 'the old apiserver');
        return `${d}; old apiserver ${version} healthy`;
      },
    },
    {
      name: 'verify',
      title: 'verify the old cluster still has every exported object, unchanged',
      run: async (io) => {
        // Only a finished export (its index is written last) is something to compare with.
        if (!(await exists(join(dir, INDEX_FILE)))) return 'old apiserver serves (no finished export to compare)';
        const before = await readIndex(dir);
        const checkDir = join(plan.workDir, 'rollback-check');
        await rm(checkDir, { recursive: true, force: true });
        await mkdir(checkDir, { recursive: true });
        // The workloads are waited for while the old cluster is read again (both only read).
        const stopWaiting = new AbortController();
        const ready = withClient(plan.old, (client) => waitWorkloadsReady(client, before, plan.timeouts.verifyMs, stopWaiting.signal));
        ready.catch(() => undefined);
        try {
          // The re-export writes only its index and the files of objects whose hash differs (to compare by hand).
          const hashes = new Map(before.objects.map((e) => [e.path, e.hash]));
          await withClient(plan.old, (client) =>
            m.exportCluster({
              client,
              dir: checkDir,
              includeStatus: plan.export.includeStatus,
              ...(plan.export.namespaces ? { namespaces: plan.export.namespaces } : {}),
              writeObject: (e) => hashes.has(e.path) && hashes.get(e.path) !== e.hash,
              etcdSnapshot: false,
              onProgress: (msg) => void io.note(msg).catch(() => undefined),
            }),
          );
        } catch (err) {
          stopWaiting.abort();
          throw err;
        }
        // The index carries each object's hash: comparing the two indexes compares every object.
        const diff = diffIndexes(before, await readIndex(checkDir));
        if (diff.missing.length + diff.changed.length > 0) {
          stopWaiting.abort();
          const list = [...diff.missing.map((k) => `missing ${k}`), ...diff.changed.map((k) => `changed ${k}`)];
          throw new PlinthError('UPGRADE_SWITCH_PHASE_FAILED', {
            operation: 'rollback',
            phase: 'verify',
            detail: `${diff.missing.length} exported objects missing and ${diff.changed.length} changed on the old cluster: ${list.slice(0, 5).join('; ')}${list.length > 5 ? '; …' : ''}`,
            fix: `compare the changed objects in ${checkDir}/objects with ${dir}/objects; the export can be re-imported with plinth upgrade import`,
          });
        }
        return `all ${diff.compared} exported objects present and unchanged; ${await ready}`;
      },
    },
  ];
}

async function run(op: Operation, opts: RunOptions): Promise<RunOutcome> {
  const { plan } = opts;
  const phases = op === 'switch' ? switchPhases(plan, opts.migrate) : rollbackPhases(plan, opts.migrate);
  const existing = await readState(plan.workDir);
  const d = decideStart(existing, op, plan, pidAlive);
  if (d.kind === 'refuse') throw new PlinthError('UPGRADE_SWITCH_REFUSED', { operation: op, detail: d.detail, fix: d.fix });
  if (d.kind === 'fresh' && d.archive) await archiveState(plan.workDir, d.archive);
  const state: RunState =
    d.kind === 'resume' ? d.state : newState(op, plan.file, plan.digest, plan.workDir, phases, op === 'switch' ? 'old' : (existing?.serving ?? 'new'));
  // A failed phase runs again from its start on resume.
  for (const p of state.phases) if (p.status === 'failed' || p.status === 'running') p.status = 'pending';
  await writeState(plan.workDir, state);
  const commands = { rollback: rollbackCommand(plan), resume: op === 'switch' ? switchCommand(plan) : rollbackCommand(plan) };
  try {
    const done = await runPhases(plan.workDir, state, phases, opts.onEvent);
    return { report: buildReport(plan, done, statePath(plan.workDir), {}) };
  } catch (err) {
    if (!(err instanceof PhaseFailed)) throw err;
    const e = err.error;
    const error = new PlinthError(
      'UPGRADE_SWITCH_PHASE_FAILED',
      { operation: op, phase: err.phase, detail: e.message, fix: `${e.hint}. State: ${statePath(plan.workDir)}; roll back: ${rollbackCommand(plan)}` },
      { cause: e },
    );
    return { report: buildReport(plan, state, statePath(plan.workDir), commands), error };
  }
}

/** `plinth upgrade switch`: init → backup → clean → install → import → verify, resumable. */
export function runSwitch(opts: RunOptions): Promise<RunOutcome> {
  return run('switch', opts);
}

/** `plinth upgrade rollback`: stop the new control plane, start the old one, verify it kept its state. */
export function runRollback(opts: RunOptions): Promise<RunOutcome> {
  return run('rollback', opts);
}
