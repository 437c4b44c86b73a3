// kustomize for the renderer: the binary on PATH, else the one .ci/install-kustomize builds into Plinth's cache,
// else built there on demand from Go modules (sigs.k8s.io/kustomize/kustomize/v5, pinned), once per machine.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cacheDir } from '../../kube/cache-dir.js';
import { PlinthError } from '../../errors/index.js';
import { lastLines } from './exec.js';

/** The pinned version (also in .ci/install-kustomize; a unit test keeps the two equal). */
export const KUSTOMIZE_VERSION = 'v5.7.1';
export const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5';

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where the pinned kustomize is cached: `<cacheDir>/tools/kustomize-<version>/bin`. */
export function kustomizeCacheBin(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'tools', `kustomize-${KUSTOMIZE_VERSION}`, 'bin');
}

/** kustomize on PATH (or $PLINTH_KUSTOMIZE), else the cached build; undefined when neither exists. */
export function findKustomize(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PLINTH_KUSTOMIZE && executable(env.PLINTH_KUSTOMIZE)) return env.PLINTH_KUSTOMIZE;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'kustomize'))) return join(dir, 'kustomize');
  }
  const cached = join(kustomizeCacheBin(env), 'kustomize');
  return executable(cached) ? cached : undefined;
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; onLine?: (l: string) => void }): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      err = (err + c).slice(-16_000);
      if (opts.onLine) for (const l of c.split('\n')) if (l.trim()) opts.onLine(l.trim());
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout: '', stderr: `${err}\n${e.message}`, code: null });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err, code });
    });
  });
}

let building: Promise<string> | undefined;

/**
 * kustomize's path, building it from Go modules into the cache when it is nowhere (a few minutes the first
 * time; `onProgress` hears go's lines). Concurrent callers share one build.
 */
export async function ensureKustomize(onProgress?: (line: string) => void): Promise<string> {
  const found = findKustomize();
  if (found) return found;
  building ??= (async () => {
    const bin = kustomizeCacheBin();
    onProgress?.(`building kustomize ${KUSTOMIZE_VERSION} from Go modules into ${bin}`);
    const env = { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod -buildvcs=false', GOWORK: 'off', GOTOOLCHAIN: 'auto', CGO_ENABLED: '0' };
    const r = await run('go', ['install', `${KUSTOMIZE_MODULE}@${KUSTOMIZE_VERSION}`], { env, cwd: cacheDir(), timeoutMs: 20 * 60_000, onLine: onProgress });
    const built = join(bin, 'kustomize');
    if (r.code !== 0 || !executable(built)) throw new PlinthError('FLEET_KUSTOMIZE_MISSING', { detail: lastLines(r.stderr) || `go install exited ${r.code ?? 'by a signal'}` });
    return built;
  })().finally(() => {
    building = undefined;
  });
  return building;
}

/** `kustomize build DIR`: the YAML stream, or the error kustomize printed (one line). */
export async function kustomizeBuild(dir: string, opts: { timeoutMs?: number; onProgress?: (line: string) => void } = {}): Promise<{ ok: true; yaml: string } | { ok: false; message: string }> {
  const bin = await ensureKustomize(opts.onProgress);
  const r = await run(bin, ['build', dir], { timeoutMs: opts.timeoutMs ?? 60_000 });
  if (r.code === 0) return { ok: true, yaml: r.stdout };
  return { ok: false, message: lastLines(r.stderr.replace(/^Error: /gm, ''), 2) || `kustomize exited ${r.code ?? 'by a signal'}` };
}
