// Who holds a lease, and whether that process is gone. A lease identity made by holderIdentity names its host,
// its process id and its PID namespace, so that a later process on the same machine (a node-upgrade run's
// --resume or --abort after a crash, a restarted controller manager) can see that the holder is dead and take
// its lease at once instead of waiting for it to run out. A holder on another machine, or one this process
// cannot check, is never judged dead: its lease is waited out, as before.
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** The inode of this process's PID namespace ('0' where /proc cannot tell): pids are only comparable within one. */
function readPidNamespace(): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
  } catch {
    return '0';
  }
}

let ownPidNamespace: string | undefined;
/** This process's PID namespace, read once (it never changes for a running process). */
function pidNamespace(): string {
  ownPidNamespace ??= readPidNamespace();
  return ownPidNamespace;
}

/** The first 8 hex digits of this kernel's boot id ('0' where /proc cannot tell): the same on one machine only. */
function readBoot(): string {
  try {
    return /^([0-9a-f]{8})/.exec(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim())?.[1] ?? '0';
  } catch {
    return '0';
  }
}

let ownBoot: string | undefined;
function boot(): string {
  ownBoot ??= readBoot();
  return ownBoot;
}

/**
 * `<run>@<host>_<pid>_<pidns>_<boot>_<random>`: unique per process, and checkable by processes on the same
 * machine. The boot id keeps two machines that share a host name (and the initial PID namespace's inode,
 * which is the same on most Linux machines) from judging each other's processes.
 */
export function holderIdentity(run: string): string {
  return `${run}@${hostname()}_${process.pid}_${pidNamespace()}_${boot()}_${Math.random().toString(36).slice(2, 7)}`;
}

interface ParsedHolder {
  host: string;
  pid: number;
  pidns: string;
  boot: string;
}

/** Reads an identity made by holderIdentity; undefined for any other shape (older runs, other tools). */
export function parseHolder(identity: string): ParsedHolder | undefined {
  const at = identity.lastIndexOf('@');
  if (at < 0) return undefined;
  const m = /^(.+)_(\d+)_(\d+)_([0-9a-f]{8}|0)_[a-z0-9]+$/.exec(identity.slice(at + 1));
  if (!m) return undefined;
  const pid = Number(m[2]);
  return Number.isSafeInteger(pid) && pid > 0 ? { host: m[1]!, pid, pidns: m[3]!, boot: m[4]! } : undefined;
}

/** Whether a process with this pid exists here (EPERM: it exists, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * True only when the holder ran on this host (same host name and boot), in this PID namespace, and its process
 * no longer exists. A reused pid makes a dead holder look alive (the lease is then waited out), never the other
 * way round.
 */
export function holderIsDeadHere(identity: string): boolean {
  const h = parseHolder(identity);
  if (!h || h.host !== hostname() || h.pidns === '0' || h.pidns !== pidNamespace()) return false;
  if (h.boot === '0' || h.boot !== boot()) return false;
  if (h.pid === process.pid) return false;
  return !processExists(h.pid);
}
