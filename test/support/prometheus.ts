// A real Prometheus (Debian's `prometheus` package) on loopback for the release policy tests, scraping a tiny
// HTTP endpoint this process serves whose gauge value the test sets.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../src/kube/clock.js';

export interface TestPrometheus {
  /** http://127.0.0.1:PORT of Prometheus. */
  url: string;
  /** Sets the value of the gauge `plinth_test_gauge` the endpoint serves. */
  setGauge(v: number): void;
  /** Resolves once Prometheus returns `v` for the gauge. */
  waitValue(v: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Fails with the apt package to install when the prometheus binary is missing. */
export function prometheusBinary(): string {
  const r = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  const bin = r.stdout.trim();
  if (r.status !== 0 || !bin) throw new Error('prometheus is not installed: install the Debian package with `apt-get install -y prometheus` (.ci/run does)');
  return bin;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startPrometheus(): Promise<TestPrometheus> {
  const bin = prometheusBinary();
  let gauge = 0;
  const target = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE plinth_test_gauge gauge\nplinth_test_gauge ${gauge}\n`);
  });
  const targetPort = await listen(target);
  const dir = await mkdtemp(join(tmpdir(), 'plinth-prom-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: test\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`);
  const proc: ChildProcess = spawn(bin, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await new Promise<void>((r) => target.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  };
  const query = async (): Promise<number | undefined> => {
    const res = await fetch(`${url}/api/v1/query?query=plinth_test_gauge`);
    const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
    const v = body.data?.result?.[0]?.value[1];
    return v === undefined ? undefined : Number(v);
  };
  const waitValue = async (v: number, timeoutMs = 30_000): Promise<void> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${stderr}`);
      try {
        if ((await query()) === v) return;
      } catch {
        // not up yet
      }
      if (Date.now() > end) throw new Error(`prometheus at ${url} did not report plinth_test_gauge=${v} within ${timeoutMs} ms: ${stderr}`);
      await sleep(250);
    }
  };
  try {
    await waitValue(0);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    setGauge: (v) => {
      gauge = v;
    },
    waitValue,
    stop,
  };
}
