import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The watchdog: one small Node process per (non-detached) cluster that kills the cluster when
 * the process that started it dies, however it dies (see docs/adr/0002). It is started detached
 * with a pipe as stdin whose other end only the owner holds: when the owner dies, even by
 * SIGKILL, the kernel closes the pipe and the watchdog sees end-of-file at once. A poll of the
 * owner's pid every second backs this up.
 *
 * It is plain CommonJS written into the state dir (no TypeScript loader needed, works from the
 * compiled package and from tsx alike).
 */
const SCRIPT = String.raw`'use strict';
// Plinth local-cluster watchdog. Usage: node watchdog.cjs <stateDir> <ownerPid>
const fs = require('fs');
const path = require('path');
const [stateDir, ownerArg] = process.argv.slice(2);
const owner = Number(ownerArg);
const EXES = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
const log = (m) => { try { process.stderr.write(new Date().toISOString() + ' ' + m + '\n'); } catch (e) {} };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const groupAlive = (pid) => { try { process.kill(-pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const argv = (pid) => { try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\0').filter(Boolean); } catch (e) { return undefined; } };
const ours = (pid) => { const a = argv(pid); return a === undefined ? alive(pid) : a.some((x) => x.includes(stateDir + '/')); };
function targets(rec) {
  const pids = new Set();
  for (const c of Object.values((rec && rec.components) || {})) if (c && c.pid && ours(c.pid)) pids.add(c.pid);
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch (e) {}
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const a = argv(pid);
    if (a && EXES.has(path.basename(a[0] || '')) && a.some((x) => x.includes(stateDir + '/'))) pids.add(pid);
  }
  return [...pids];
}
function signal(pid, sig) { try { process.kill(-pid, sig); } catch (e) { try { process.kill(pid, sig); } catch (e2) {} } }
let triggered = false;
function cleanup(why) {
  if (triggered) return;
  triggered = true;
  let rec;
  try { rec = JSON.parse(fs.readFileSync(path.join(stateDir, 'cluster.json'), 'utf8')); } catch (e) {}
  if (rec && rec.phase === 'stopped') { log('owner gone (' + why + '), cluster already stopped'); process.exit(0); }
  const pids = targets(rec);
  log('owner ' + owner + ' gone (' + why + '): stopping ' + JSON.stringify(pids));
  for (const p of pids) signal(p, 'SIGTERM');
  const deadline = Date.now() + 2000;
  const timer = setInterval(() => {
    const left = pids.filter((p) => groupAlive(p) || alive(p));
    if (left.length > 0 && Date.now() < deadline) return;
    for (const p of left) signal(p, 'SIGKILL');
    clearInterval(timer);
    if (rec && rec.removeStateOnStop) {
      setTimeout(() => {
        try { fs.rmSync(stateDir, { recursive: true, force: true }); } catch (e) { log('cannot remove ' + stateDir + ': ' + e.message); }
        process.exit(0);
      }, 200);
    } else {
      try {
        if (rec.phase !== 'failed') rec.phase = 'stopped';
        for (const c of Object.values(rec.components || {})) c.pid = null;
        fs.writeFileSync(path.join(stateDir, 'cluster.json'), JSON.stringify(rec, null, 2));
      } catch (e) {}
      process.exit(0);
    }
  }, 100);
}
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.on('end', () => cleanup('pipe closed'));
process.stdin.on('close', () => cleanup('pipe closed'));
process.stdin.on('error', () => cleanup('pipe error'));
process.stdin.resume();
setInterval(() => { if (!alive(owner)) cleanup('pid gone'); }, 1000);
log('watching owner ' + owner + ' for ' + stateDir);
`;

export interface Watchdog {
  pid: number;
  /** Stop the watchdog without it touching the cluster (after a normal stop()). */
  dismiss(): void;
}

export async function startWatchdog(stateDir: string): Promise<Watchdog> {
  const script = join(stateDir, 'watchdog.cjs');
  await writeFile(script, SCRIPT);
  const fd = openSync(join(stateDir, 'logs', 'watchdog.log'), 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [script, stateDir, String(process.pid)], {
      detached: true,
      stdio: ['pipe', 'ignore', fd],
      // Not the parent's --import/--require hooks (tsx): plain node runs the CommonJS script.
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  } finally {
    closeSync(fd);
  }
  child.unref();
  const stdin = child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  stdin?.unref?.();
  // Swallow EPIPE should the watchdog die first.
  child.stdin?.on('error', () => undefined);
  if (child.pid === undefined) throw new Error('cannot start the cluster watchdog');
  const pid = child.pid;
  return {
    pid,
    dismiss(): void {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}
