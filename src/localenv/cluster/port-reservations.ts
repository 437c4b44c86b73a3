import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../../kube/proc.js';

/**
 * Loopback ports claimed by Plinth processes on this machine. A claim is an empty file
 * `<port>/<pid>` in a machine-wide directory (the OS temp dir), because the clusters that
 * collide are started by different processes: parallel test files, benchmarks, `plinth up`.
 *
 * To claim a port, a process first writes its own file and then lists the port's files; if a
 * live process other than itself also has one, it withdraws. Of two processes racing for a
 * port, the one that lists second always sees the other's file, so at most one keeps it (both
 * may withdraw, which is safe). Nobody ever deletes a live process's file, so there is no
 * take-over race; a dead process's files are stale and are deleted by whoever finds them.
 *
 * One process may start several clusters at once (a fleet test: a hub and its members), so the
 * claims this process holds are also kept in memory: a port already claimed here is not handed
 * out a second time to another cluster of the same process.
 */
export function reservationDir(): string {
  return process.env.PLINTH_PORT_RESERVATIONS ?? join(tmpdir(), 'plinth-ports');
}

function claimFile(port: number, pid: number): string {
  return join(reservationDir(), String(port), String(pid));
}

/** The pids with a claim on `port`. */
async function claimants(port: number): Promise<number[]> {
  const names = await readdir(join(reservationDir(), String(port))).catch(() => [] as string[]);
  return names.map((n) => Number.parseInt(n, 10)).filter((pid) => Number.isFinite(pid));
}

/** Ports this process has claimed and not released. */
const held = new Set<number>();

/**
 * Claim `port` for this process: true when it is ours now, false when another live process has it or this
 * process already handed it out.
 */
export async function reservePort(port: number): Promise<boolean> {
  if (held.has(port)) return false;
  // Held before the first await, so a concurrent call in this process for the same port sees it.
  held.add(port);
  // Port directories are never removed: removing one could race with another process's claim.
  await mkdir(join(reservationDir(), String(port)), { recursive: true });
  const own = claimFile(port, process.pid);
  await writeFile(own, '');
  let contested = false;
  for (const pid of await claimants(port)) {
    if (pid === process.pid) continue;
    if (pidAlive(pid)) contested = true;
    else await unlink(claimFile(port, pid)).catch(() => undefined);
  }
  if (contested) {
    held.delete(port);
    await unlink(own).catch(() => undefined);
  }
  return !contested;
}

/** Drop this process's claims on `ports`. */
export async function releasePorts(ports: Iterable<number>): Promise<void> {
  for (const port of ports) {
    held.delete(port);
    await unlink(claimFile(port, process.pid)).catch(() => undefined);
  }
}
