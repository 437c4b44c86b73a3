/**
 * A lock file per cache entry so that two processes never build the same thing at once: the
 * second waits and then reuses the first one's result. The holder refreshes the file's mtime
 * (a heartbeat); a lock whose process is gone, or whose heartbeat stopped, is taken over.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { sleep } from '../../kube/clock.js';
import { pidAlive } from '../../kube/proc.js';

export interface LockInfo {
  pid: number;
  host: string;
  token: string;
  startedAt: string;
}

export interface StaleCheck {
  /** Our host name: a pid can only be checked on the host that wrote it. */
  host: string;
  /** Whether a process with this pid exists on this host. */
  alive: (pid: number) => boolean;
  now: number;
  /** A lock whose mtime is older than this is stale whoever holds it (its heartbeat stopped). */
  heartbeatTimeoutMs: number;
}

/**
 * Whether a lock file can be taken over. `info` is undefined when the file could not be parsed
 * (a writer died between create and write, or it is being written right now: only an old one
 * counts as stale).
 */
export function isLockStale(info: LockInfo | undefined, mtimeMs: number, c: StaleCheck): boolean {
  if (c.now - mtimeMs > c.heartbeatTimeoutMs) return true;
  if (!info) return c.now - mtimeMs > 10_000;
  if (info.host === c.host && !c.alive(info.pid)) return true;
  return false;
}


export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string') {
      return { pid: v.pid, host: v.host, token: v.token, startedAt: String(v.startedAt ?? '') };
    }
  } catch {
    // fall through
  }
  return undefined;
}

export interface LockOptions {
  /** Called (at most every few seconds) while another live process holds the lock. */
  onWait?: (holder: LockInfo | undefined) => void;
  pollMs?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
}

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Waits until the lock at `path` is ours. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<HeldLock> {
  const pollMs = opts.pollMs ?? 1000;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? 5 * 60_000;
  await mkdir(dirname(path), { recursive: true });
  const me: LockInfo = { pid: process.pid, host: hostname(), token: randomUUID(), startedAt: new Date().toISOString() };
  let lastWaitReport = 0;
  for (;;) {
    if (await tryCreate(path, me)) break;
    const current = await readLock(path);
    if (current === 'gone') continue;
    const check: StaleCheck = { host: me.host, alive: pidAlive, now: Date.now(), heartbeatTimeoutMs };
    if (isLockStale(current.info, current.mtimeMs, check)) {
      await takeOver(path, current.text, check);
      continue;
    }
    if (Date.now() - lastWaitReport > 5000) {
      lastWaitReport = Date.now();
      opts.onWait?.(current.info);
    }
    await sleep(pollMs);
  }
  const beat = setInterval(() => {
    const t = new Date();
    utimes(path, t, t).catch(() => undefined);
  }, heartbeatMs);
  beat.unref();
  return {
    path,
    release: async (): Promise<void> => {
      clearInterval(beat);
      const current = await readLock(path);
      if (current !== 'gone' && current.info?.token === me.token) await unlink(path).catch(() => undefined);
    },
  };
}

async function tryCreate(path: string, me: LockInfo): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(JSON.stringify(me));
  } finally {
    await fh.close();
  }
  return true;
}

async function readLock(path: string): Promise<'gone' | { text: string; info: LockInfo | undefined; mtimeMs: number }> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, info: parseLockInfo(text), mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

/**
 * Removes a stale lock, serialised by a short-lived `.takeover` file so that two waiters that
 * both saw the same stale lock cannot remove the fresh lock one of them has just created.
 */
async function takeOver(path: string, staleText: string, check: StaleCheck): Promise<void> {
  const guard = `${path}.takeover`;
  let fh;
  try {
    fh = await open(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Someone else is taking over; a guard left by a process killed inside this tiny section expires.
    const st = await stat(guard).catch(() => undefined);
    if (st && check.now - st.mtimeMs > 10_000) await unlink(guard).catch(() => undefined);
    await sleep(50);
    return;
  }
  try {
    const again = await readLock(path);
    const stillStale =
      again !== 'gone' &&
      again.text === staleText &&
      isLockStale(again.info, again.mtimeMs, { ...check, now: Date.now() });
    if (stillStale) await unlink(path).catch(() => undefined);
  } finally {
    await fh.close();
    await unlink(guard).catch(() => undefined);
  }
}
