// The ConfigMap FLEET_NAMESPACE/HUB_INFO_CONFIGMAP that tells agents where the hub serves artifacts
// (`artifactURL`) and which CA signs that server (`ca.crt`); kept current while the server runs.
import { apply } from '../../kube/apply.js';
import { sleep } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import type { Logger } from '../../kube/log.js';
import { ensureNamespace } from '../../kube/namespaces.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { retry } from '../../kube/retry.js';
import { errorMessage } from '../../errors/index.js';
import { FLEET_NAMESPACE, HUB_INFO_CONFIGMAP } from '../names.js';

export const HUB_INFO_FIELD_MANAGER = 'plinth-fleet-server';
/** How often the ConfigMap is checked (and written again if someone changed or deleted it). */
export const HUB_INFO_RECHECK_MS = 30_000;

export interface HubInfo {
  artifactURL: string;
  ca: string;
}

const CONFIGMAPS = inNamespace(CORE.configMaps, FLEET_NAMESPACE);

/** Creates the namespace if missing and applies the ConfigMap (server-side apply; only its two keys are owned). */
export async function publishHubInfo(client: KubeClient, info: HubInfo, signal?: AbortSignal): Promise<void> {
  await retry(
    async () => {
      await ensureNamespace(client, FLEET_NAMESPACE, signal);
      await apply(
        client,
        CONFIGMAPS,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: HUB_INFO_CONFIGMAP, namespace: FLEET_NAMESPACE }, data: { artifactURL: info.artifactURL, 'ca.crt': info.ca } },
        { fieldManager: HUB_INFO_FIELD_MANAGER, force: true, ...(signal ? { signal } : {}) },
      );
    },
    { signal, attempts: 8 },
  );
}

/** Whether the ConfigMap says what `info` says (a read; no write). */
async function upToDate(client: KubeClient, info: HubInfo, signal: AbortSignal): Promise<boolean> {
  try {
    const cm = await client.get<{ data?: Record<string, string> }>(CONFIGMAPS, HUB_INFO_CONFIGMAP, { signal });
    return cm.data?.artifactURL === info.artifactURL && cm.data?.['ca.crt'] === info.ca;
  } catch {
    return false;
  }
}

/** Re-checks the ConfigMap every `everyMs` until `signal` aborts and writes it again when it drifted. */
export async function keepHubInfo(opts: { client: KubeClient; log: Logger; signal: AbortSignal; info: HubInfo; everyMs?: number }): Promise<void> {
  for (;;) {
    try {
      await sleep(opts.everyMs ?? HUB_INFO_RECHECK_MS, opts.signal);
    } catch {
      return;
    }
    if (await upToDate(opts.client, opts.info, opts.signal)) continue;
    try {
      await publishHubInfo(opts.client, opts.info, opts.signal);
      opts.log.info({ configMap: `${FLEET_NAMESPACE}/${HUB_INFO_CONFIGMAP}` }, 'hub info written again');
    } catch (err) {
      if (opts.signal.aborted) return;
      opts.log.warn({ err: errorMessage(err) }, 'could not write the hub info ConfigMap; retrying later');
    }
  }
}
