// The fleet server as the manager runs it: while this manager leads, with the settings of its flags.
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { cacheDir } from '../../kube/cache-dir.js';
import { rfc3339Micro } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import type { ManagerContext } from '../../kube/module.js';
import { inNamespace } from '../../kube/resource.js';
import type { ArtifactReader } from '../artifact.js';
import { PUSH_REQUESTED_ANNOTATION } from '../names.js';
import { diskArtifactReader } from './disk-reader.js';
import { GIT_SOURCES, type OnPush } from './hooks.js';
import { startFleetServer } from './server.js';
import type { TlsFiles } from './serving-cert.js';

/** What `plinth manager` flags say about the fleet server. */
export interface FleetServerSettings {
  /** `--fleet-listen` (default 127.0.0.1:0, the local stack). */
  listen?: string;
  /** `--fleet-url`: what agents dial (default the listen address). */
  publicURL?: string;
  /** `--fleet-tls-cert` / `--fleet-tls-key` (default a self-signed CA and certificate made at start). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** `--fleet-tls-ca`: the CA published for agents (default the certificate file, which should then hold the chain). */
  tlsCAFile?: string;
  /** `--data-dir`: the artifact store is <dataDir>/fleet/artifacts. */
  dataDir?: string;
  /** The store to serve from (default the disk store under dataDir). */
  reader?: ArtifactReader;
  /** What a verified push does (default: annotate the GitSource with PUSH_REQUESTED_ANNOTATION). */
  onPush?: OnPush;
}

export const DEFAULT_FLEET_LISTEN = '127.0.0.1:0';

/** The manager's data directory when `--data-dir` is not given: $PLINTH_DATA_DIR, else <cache dir>/data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLINTH_DATA_DIR && env.PLINTH_DATA_DIR !== '' ? env.PLINTH_DATA_DIR : join(cacheDir(env), 'data');
}

export { PUSH_REQUESTED_ANNOTATION };

/** The default onPush: records the push on the GitSource (one merge patch of one annotation). */
export function annotatePush(client: KubeClient): OnPush {
  return async (namespace, name) => {
    await client.patch(inNamespace(GIT_SOURCES, namespace), name, { metadata: { annotations: { [PUSH_REQUESTED_ANNOTATION]: rfc3339Micro(Date.now()) } } }, 'merge');
  };
}

function tlsFiles(settings: FleetServerSettings): TlsFiles | undefined {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile } = settings;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new PlinthError('FLEET_TLS_INVALID', { detail: `only ${certFile ? '--fleet-tls-cert' : '--fleet-tls-key'} was given` });
  return { certFile, keyFile, ...(settings.tlsCAFile ? { caFile: settings.tlsCAFile } : {}) };
}

/** Runs the fleet server until the context's signal aborts (leadership lost or shutdown). */
export async function runFleetServer(ctx: ManagerContext, settings: FleetServerSettings = {}): Promise<void> {
  const tls = tlsFiles(settings);
  const server = await startFleetServer({
    client: ctx.client,
    log: ctx.log,
    signal: ctx.signal,
    listen: settings.listen ?? DEFAULT_FLEET_LISTEN,
    ...(settings.publicURL ? { publicURL: settings.publicURL } : {}),
    ...(tls ? { tls } : {}),
    reader: settings.reader ?? diskArtifactReader(settings.dataDir ?? defaultDataDir()),
    onPush: settings.onPush ?? annotatePush(ctx.client),
  });
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
}
