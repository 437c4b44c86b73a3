// Who holds a lease, and whether that process is gone. A lease identity made by holderIdentity names its host,
// its process id, its PID namespace and its machine's boot, so that a later process on the same machine (a
// node-upgrade run's --resume or --abort after a crash, a restarted controller manager) can see that the holder
// is dead and take its lease at once instead of waiting for it to run out. A holder on another machine, or one
// this process cannot check, is never judged dead: its lease is waited out, as before.
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { pidAlive } from './proc.js';

/** A fact about this process read from /proc once: the first group of `pattern` in it, '0' where it cannot tell. */
function readOnce(read: () => string, pattern: RegExp): () => string {
  let value: string | undefined;
  return (): string => {
    if (value === undefined) {
      try {
        value = pattern.exec(read().trim())?.[1] ?? '0';
      } catch {
        value = '0';
      }
    }
    return value;
  };
}

/** The inode of this process's PID namespace: pids are only comparable within one. */
const pidNamespace = readOnce(() => readlinkSync('/proc/self/ns/pid'), /\[(\d+)\]/);
/** The first 8 hex digits of this kernel's boot id: the same on one machine only. */
const boot = readOnce(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), /^([0-9a-f]{8})/);

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
  return !pidAlive(h.pid);
}
