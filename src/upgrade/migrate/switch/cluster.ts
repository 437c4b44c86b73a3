import { sleep } from '../../../kube/clock.js';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigFor } from '../../../kube/client.js';
import { PlinthError } from '../../../errors/index.js';
import { KubeClient } from '../../../kube/http.js';

export interface Access {
  kubeconfig: string;
  context?: string;
}

/** A client for one side of the switch (short request timeout: an apiserver may be down). */
export async function clientFor(a: Access, requestTimeoutMs = 10_000): Promise<KubeClient> {
  let kc: KubeConfig;
  try {
    ({ kc } = kubeConfigFor({ kubeconfig: a.kubeconfig, ...(a.context ? { context: a.context } : {}) }));
  } catch (err) {
    throw new PlinthError(
      'INVALID_ARGUMENT',
      { what: 'cluster access in the plan', detail: err instanceof PlinthError ? err.message : String(err), fix: 'fix old.kubeconfig / new.kubeconfig (and context) in the plan, then rerun' },
      { cause: err },
    );
  }
  return KubeClient.fromKubeConfig(kc, { requestTimeoutMs, userAgent: 'plinth-cli/upgrade-switch' });
}

/** The apiserver's gitVersion if it serves reads from storage, else the reason it does not. */
export async function probe(client: KubeClient): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const v = await client.request<{ gitVersion: string }>({ method: 'GET', path: '/version', timeoutMs: 5000 });
    await client.request({ method: 'GET', path: '/api/v1/namespaces/kube-system', timeoutMs: 5000 });
    return { ok: true, version: v.gitVersion };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err) };
  }
}

/** Poll until the apiserver serves (returns its version) or `timeoutMs` passes (TIMEOUT naming the last reason). */
export async function waitHealthy(a: Access, timeoutMs: number, what: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  for (;;) {
    const client = await clientFor(a, 5000);
    try {
      const r = await probe(client);
      if (r.ok) return r.version;
      last = r.reason;
    } finally {
      client.close();
    }
    if (Date.now() > deadline) {
      throw new PlinthError('TIMEOUT', { seconds: Math.round(timeoutMs / 1000), what: `${what} to serve (${a.kubeconfig}); last: ${last}`, fix: 'check the start commands and their log, then rerun' });
    }
    await sleep(500);
  }
}

/**
 * Poll until the apiserver no longer answers (after its stop commands). An old apiserver that
 * still serves after the switch would take writes the new one never sees.
 */
export async function waitDown(a: Access, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let client: KubeClient;
    try {
      client = await clientFor(a, 3000);
    } catch {
      // No usable kubeconfig (e.g. a NEW cluster that never started): nothing can reach it.
      return;
    }
    try {
      const r = await probe(client);
      if (!r.ok) return;
    } finally {
      client.close();
    }
    if (Date.now() > deadline) {
      throw new PlinthError('UPGRADE_SWITCH_PHASE_FAILED', {
        operation: 'switch',
        phase: 'clean',
        detail: `${what} (${a.kubeconfig}) still answers ${Math.round(timeoutMs / 1000)}s after its stop commands`,
        fix: 'make the stop commands stop the apiserver, then rerun',
      });
    }
    await sleep(300);
  }
}
