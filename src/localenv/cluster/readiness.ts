import { sleep } from '../../kube/clock.js';
import { request, type Tls } from './api.js';
import { errorMessage } from '../../errors/index.js';

/** Why waiting stopped early: the process died. */
export class ProcessExited extends Error {
  constructor(readonly code: number | string) {
    super(`exited (${code})`);
    this.name = 'ProcessExited';
  }
}

export class NotReady extends Error {
  constructor(
    readonly seconds: number,
    readonly last: string,
  ) {
    super(`not ready after ${seconds}s${last ? ` (last check: ${last})` : ''}`);
    this.name = 'NotReady';
  }
}

/**
 * Poll `check` until it returns true. Throws ProcessExited as soon as `exited()` reports the
 * process gone, NotReady after `timeoutMs`. `check` may return a string: a not-ready reason.
 */
export async function waitFor(
  check: () => Promise<boolean | string>,
  opts: { timeoutMs: number; intervalMs?: number; exited?: () => number | string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  let interval = opts.intervalMs ?? 50;
  for (;;) {
    const code = opts.exited?.();
    if (code !== undefined) throw new ProcessExited(code);
    try {
      const r = await check();
      if (r === true) return;
      last = typeof r === 'string' ? r : '';
    } catch (err) {
      last = errorMessage(err);
    }
    if (Date.now() > deadline) throw new NotReady(Math.round(opts.timeoutMs / 1000), last);
    await sleep(interval);
    interval = Math.min(interval * 1.5, 500);
  }
}

/** etcd answers /health with {"health":"true"}. */
export async function etcdHealthy(endpoint: string): Promise<boolean | string> {
  const r = await request(`${endpoint}/health`, { timeoutMs: 2000 });
  return r.status === 200 && r.body.includes('"true"') ? true : `HTTP ${r.status} ${r.body.slice(0, 100)}`;
}

/** GET url (TLS not verified: controller-manager and scheduler serve self-signed certs) is 200. */
export async function healthz(url: string, tls?: Tls): Promise<boolean | string> {
  const r = await request(url, tls ? { tls, timeoutMs: 5000 } : { insecure: true, timeoutMs: 5000 });
  return r.status === 200 ? true : `HTTP ${r.status} ${r.body.slice(0, 200)}`;
}
