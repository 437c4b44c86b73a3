// The hub's client CA, as an aggregated API server finds it: the `client-ca-file` key of the ConfigMap
// kube-system/extension-apiserver-authentication (the API server keeps it current), re-read periodically.
import { isNotFound } from '../../kube/api-error.js';
import { sleep } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import type { Logger } from '../../kube/log.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { errorMessage } from '../../errors/index.js';

export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication', key: 'client-ca-file' } as const;

/** How often the client CA is re-read (a rotated CA is trusted within this time). */
export const CLIENT_CA_REFRESH_MS = 60_000;

/** The client CA bundle (PEM), or undefined when the cluster publishes none (client certificates are then not accepted). */
export async function readClientCA(client: KubeClient, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const cm = await client.get<{ data?: Record<string, string> }>(inNamespace(CORE.configMaps, AUTHENTICATION_CONFIGMAP.namespace), AUTHENTICATION_CONFIGMAP.name, signal ? { signal } : {});
    const pem = cm.data?.[AUTHENTICATION_CONFIGMAP.key];
    return pem && pem.includes('BEGIN CERTIFICATE') ? pem : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Re-reads the client CA every `everyMs` until `signal` aborts and calls `onChange` when it differs
 * from `current`. A failed read keeps the CA it had (logged).
 */
export async function refreshClientCA(opts: { client: KubeClient; log: Logger; signal: AbortSignal; current: string | undefined; onChange: (pem: string | undefined) => void; everyMs?: number }): Promise<void> {
  let current = opts.current;
  for (;;) {
    try {
      await sleep(opts.everyMs ?? CLIENT_CA_REFRESH_MS, opts.signal);
    } catch {
      return;
    }
    try {
      const next = await readClientCA(opts.client, opts.signal);
      if (next !== current) {
        opts.log.info({ present: next !== undefined }, 'the hub client CA changed');
        current = next;
        opts.onChange(next);
      }
    } catch (err) {
      if (opts.signal.aborted) return;
      opts.log.warn({ err: errorMessage(err) }, 'could not re-read the hub client CA; keeping the one loaded');
    }
  }
}
