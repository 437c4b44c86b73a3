// The console under test as its own process (`plinth console` from dist/), so its memory is its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/app/cli/main.js', import.meta.url));

export interface ConsoleProc {
  url: string;
  /** The one-time admin sign-in link it printed. */
  link: string;
  pid: number;
  /** VmRSS in MiB now. */
  rssMiB(): number;
  stop(): Promise<void>;
}

export async function startConsoleProc(kubeconfig: string): Promise<ConsoleProc> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'console', '--listen', '127.0.0.1:0', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const { url, link } = await new Promise<{ url: string; link: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plinth console printed no URL and link in 60 s: ${out}`)), 60_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (c: string) => {
      out += c;
      const u = /listening on (\S+)/.exec(out);
      const l = /(https?:\/\/\S+\/api\/v1\/session\/link\?code=\S+)/.exec(out);
      if (u && l) {
        clearTimeout(timer);
        resolve({ url: u[1]!, link: l[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`plinth console exited ${code}: ${out}`)));
  });
  const pid = child.pid!;
  return {
    url,
    link,
    pid,
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
