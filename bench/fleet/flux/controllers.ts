// Flux's source-controller and kustomize-controller as local processes against a hub cluster: the binaries
// install.sh builds from Go modules, each with free loopback ports for metrics and health, source-controller's
// artifact storage served and advertised on loopback, watching all namespaces, no leader election (one replica
// of each, as Plinth's bench runs one manager), logs in `<workDir>/<name>.log`. Also reads their resident
// memory and CPU time from /proc.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sleep } from '../../../src/kube/clock.js';

const run = promisify(execFile);

export interface FluxBuild {
  flux: string;
  go: string;
  builtAt: string;
  controllers: { name: string; module: string; version: string; buildSeconds: number; bytes: number }[];
}

export interface FluxInstall {
  dir: string;
  bin: { sourceController: string; kustomizeController: string };
  crdsDir: string;
  build: FluxBuild;
}

/** Runs install.sh (builds once, then cached) and reads what it built. */
export async function installFlux(): Promise<FluxInstall> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'install.sh');
  const { stdout } = await run('bash', [script], { maxBuffer: 16 << 20, timeout: 60 * 60_000 });
  const dir = stdout.trim().split('\n').pop()!;
  const build = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as FluxBuild;
  return {
    dir,
    bin: { sourceController: join(dir, 'bin/source-controller'), kustomizeController: join(dir, 'bin/kustomize-controller') },
    crdsDir: join(dir, 'crds'),
    build,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ControllerProcess {
  name: 'source-controller' | 'kustomize-controller';
  pid: number;
  metricsPort: number;
  healthPort: number;
  log: string;
  child: ChildProcess;
}

export interface FluxControllers {
  source: ControllerProcess;
  kustomize: ControllerProcess;
  /** `http://127.0.0.1:<port>`: where source-controller serves (and advertises) artifacts. */
  storageUrl: string;
  stop(): Promise<void>;
}

export interface StartControllersOptions {
  install: FluxInstall;
  /** kubeconfig file of the hub (admin). */
  hubKubeconfig: string;
  /** Logs and source-controller's artifact storage go here. */
  workDir: string;
  /** kustomize-controller `--concurrent` (Flux's default is 4). */
  kustomizeConcurrent?: number;
  /** source-controller `--concurrent` (Flux's default is 2). */
  sourceConcurrent?: number;
}

async function waitReady(p: ControllerProcess, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited with code ${p.child.exitCode}; see ${p.log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${p.healthPort}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${p.name} not ready after ${timeoutMs} ms; see ${p.log}`);
    await sleep(200);
  }
}

function startOne(name: ControllerProcess['name'], bin: string, args: string[], env: NodeJS.ProcessEnv, log: string, ports: { metricsPort: number; healthPort: number }): ControllerProcess {
  const fd = openSync(log, 'a');
  const child = spawn(bin, args, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  return { name, pid: child.pid, log, child, ...ports };
}

async function stopOne(p: ControllerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts both controllers and resolves when both answer /readyz. */
export async function startFluxControllers(opts: StartControllersOptions): Promise<FluxControllers> {
  mkdirSync(opts.workDir, { recursive: true });
  const storage = join(opts.workDir, 'storage');
  mkdirSync(storage, { recursive: true });
  const storagePort = await freePort();
  // RUNTIME_NAMESPACE is where Flux's deployments run; with --watch-all-namespaces it only names the
  // namespace of events about the controllers themselves.
  const env = { ...process.env, KUBECONFIG: opts.hubKubeconfig, RUNTIME_NAMESPACE: 'flux-system' };
  const common = (metricsPort: number, healthPort: number): string[] => [
    `--metrics-addr=127.0.0.1:${metricsPort}`,
    `--health-addr=127.0.0.1:${healthPort}`,
    '--watch-all-namespaces=true',
    '--enable-leader-election=false',
    '--log-encoding=json',
    '--log-level=info',
  ];
  const sp = { metricsPort: await freePort(), healthPort: await freePort() };
  const source = startOne(
    'source-controller',
    opts.install.bin.sourceController,
    [
      ...common(sp.metricsPort, sp.healthPort),
      `--storage-path=${storage}`,
      `--storage-addr=127.0.0.1:${storagePort}`,
      `--storage-adv-addr=127.0.0.1:${storagePort}`,
      `--concurrent=${opts.sourceConcurrent ?? 2}`,
    ],
    env,
    join(opts.workDir, 'source-controller.log'),
    sp,
  );
  const kp = { metricsPort: await freePort(), healthPort: await freePort() };
  const kustomize = startOne(
    'kustomize-controller',
    opts.install.bin.kustomizeController,
    [...common(kp.metricsPort, kp.healthPort), `--concurrent=${opts.kustomizeConcurrent ?? 4}`],
    env,
    join(opts.workDir, 'kustomize-controller.log'),
    kp,
  );
  const killAll = (): void => {
    for (const p of [source, kustomize]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  try {
    await Promise.all([waitReady(source), waitReady(kustomize)]);
  } catch (err) {
    killAll();
    throw err;
  }
  return {
    source,
    kustomize,
    storageUrl: `http://127.0.0.1:${storagePort}`,
    async stop(): Promise<void> {
      await Promise.all([stopOne(source), stopOne(kustomize)]);
      process.removeListener('exit', killAll);
    },
  };
}

export interface ProcessMemory {
  /** VmRSS: resident now. */
  rssBytes: number;
  /** VmHWM: the highest resident size so far. */
  peakBytes: number;
}

/** Resident memory of a live process, from /proc/<pid>/status; undefined when it is gone. */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** utime + stime of a live process in seconds; undefined when it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}
