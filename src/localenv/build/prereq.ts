/**
 * Prerequisites checked before building: a usable `go` on PATH and enough free disk.
 */
import { execFile } from 'node:child_process';
import { mkdir, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { PlinthError } from '../../errors/index.js';
import { compareGoVersions } from './gomod.js';

const execFileP = promisify(execFile);

/** Oldest go on PATH that can fetch the pinned toolchains itself (GOTOOLCHAIN). */
export const MIN_GO = '1.21.0';

/** Free space a cold build of one Kubernetes version needs (binaries, module and build caches). */
export const NEED_FREE_BYTES = 6 * 1024 ** 3;

export interface GoInfo {
  goVersion: string;
  gocache: string;
  gomodcache: string;
}

/** Asks the local go (never a downloaded toolchain) for its version and cache directories. */
export async function localGo(cwd: string, base: NodeJS.ProcessEnv = process.env): Promise<GoInfo> {
  let stdout: string;
  try {
    ({ stdout } = await execFileP('go', ['env', '-json', 'GOVERSION', 'GOCACHE', 'GOMODCACHE'], {
      cwd,
      env: { ...base, GOTOOLCHAIN: 'local', GOFLAGS: '', GOWORK: 'off' },
      timeout: 60_000,
    }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new PlinthError('GO_MISSING', {}, { cause: err });
    // Go before 1.13 has no `go env -json`; anything else is a broken install.
    throw new PlinthError('GO_TOO_OLD', { found: String(e.stderr ?? e.message).trim().split('\n')[0] ?? '', need: MIN_GO }, { cause: err });
  }
  const env = JSON.parse(stdout) as Record<string, string>;
  const goVersion = (env.GOVERSION ?? '').replace(/^go/, '');
  if (!/^\d+\.\d+/.test(goVersion) || compareGoVersions(goVersion.replace(/[^\d.].*$/, ''), MIN_GO) < 0) {
    throw new PlinthError('GO_TOO_OLD', { found: env.GOVERSION ?? 'unknown', need: MIN_GO });
  }
  return { goVersion, gocache: env.GOCACHE ?? '', gomodcache: env.GOMODCACHE ?? '' };
}

/** "5.2 GiB" */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(n / 1024 ** 2)} MiB`;
}

/** Throws DISK_FULL naming the first directory (or its nearest existing parent) short of `need` bytes. */
export async function checkFreeSpace(dirs: readonly string[], need: number = NEED_FREE_BYTES): Promise<void> {
  for (const dir of dirs) {
    if (!dir || dir === 'off') continue;
    const existing = await nearestExisting(dir);
    const fs = await statfs(existing);
    const free = fs.bavail * fs.bsize;
    if (free < need) throw new PlinthError('DISK_FULL', { dir, free: formatBytes(free), need: formatBytes(need) });
  }
}

/** Creates `dir` if it can; returns it, or its nearest existing ancestor. */
async function nearestExisting(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true }).catch(() => undefined);
  let d = dir;
  for (;;) {
    try {
      await stat(d);
      return d;
    } catch {
      const up = dirname(d);
      if (up === d) return d;
      d = up;
    }
  }
}
