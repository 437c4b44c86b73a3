// POST /hooks/git/<namespace>/<gitsource>: a Git host says a ref moved. A request signed with the
// GitSource's webhook secret triggers a fetch at once; anything else is refused, logged, and fetches nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitSourceKind, type GitSource } from '../../api/fleet/gitsource.js';
import { PlinthError } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import type { Logger } from '../../kube/log.js';
import { CORE, inNamespace, ref } from '../../kube/resource.js';
import { readBody, sendError, sendJson } from './respond.js';
import { TtlCache, cachedLookup } from './ttl-cache.js';
import { isPingEvent, verifyWebhookSignature } from './webhook-signature.js';

export const GIT_SOURCES = ref(`${GitSourceKind.group}/${GitSourceKind.version}`, GitSourceKind.plural);

/** The largest webhook body read (GitHub caps payloads at 25 MB, but a push event is a few KiB to a few hundred). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** The Secret key holding the shared webhook secret. */
export const WEBHOOK_SECRET_KEY = 'token';

/** Called once per verified push; the GitSource controller fetches the source at once. */
export type OnPush = (namespace: string, name: string) => void | Promise<void>;

export interface HookRoute {
  client: KubeClient;
  log: Logger;
  onPush: OnPush;
  /** Recent answers of webhookSecret by `namespace/name` (see newSecretCache). */
  secrets: TtlCache<string, Promise<string | PlinthError>>;
  bodyLimit?: number;
}

/**
 * The GitSource and its Secret are read at most once per 5 s per source: a flood of (unsigned) requests
 * costs the API server little, and a changed secret is used within 5 s.
 */
export function newSecretCache(): TtlCache<string, Promise<string | PlinthError>> {
  return new TtlCache(5_000, 1024);
}

/** The shared secret of a GitSource's webhook, or the catalogue error saying why there is none. */
async function webhookSecret(client: KubeClient, namespace: string, name: string): Promise<string | PlinthError> {
  let source: GitSource;
  try {
    source = await client.get<GitSource>(inNamespace(GIT_SOURCES, namespace), name);
  } catch (err) {
    if (isNotFound(err)) return new PlinthError('FLEET_WEBHOOK_SOURCE_NOT_FOUND', { namespace, name });
    throw err;
  }
  const secretName = source.spec?.webhookSecretRef?.name;
  if (!secretName) return new PlinthError('FLEET_WEBHOOK_NOT_ENABLED', { namespace, name });
  const unusable = (detail: string): PlinthError => new PlinthError('FLEET_WEBHOOK_SECRET_UNUSABLE', { namespace, name, secret: secretName, detail });
  let data: Record<string, string> | undefined;
  try {
    data = (await client.get<{ data?: Record<string, string> }>(inNamespace(CORE.secrets, namespace), secretName)).data;
  } catch (err) {
    if (isNotFound(err)) return unusable('does not exist');
    throw err;
  }
  const encoded = data?.[WEBHOOK_SECRET_KEY];
  if (encoded === undefined) return unusable(`has no key "${WEBHOOK_SECRET_KEY}"`);
  const secret = Buffer.from(encoded, 'base64').toString('utf8').trim();
  return secret === '' ? unusable(`has an empty "${WEBHOOK_SECRET_KEY}"`) : secret;
}

export async function serveHook(req: IncomingMessage, res: ServerResponse, r: HookRoute, namespace: string, name: string): Promise<void> {
  const from = req.socket.remoteAddress;
  const refuse = (err: PlinthError, extra: Record<string, unknown> = {}): void => {
    r.log.warn({ source: `${namespace}/${name}`, from, code: err.code, ...extra }, err.message);
    sendError(res, err, err.code === 'FLEET_BODY_TOO_LARGE' ? { Connection: 'close' } : {});
  };
  let body: Buffer;
  try {
    body = await readBody(req, r.bodyLimit ?? WEBHOOK_BODY_LIMIT);
  } catch (err) {
    if (err instanceof PlinthError) {
      refuse(err);
      return;
    }
    throw err;
  }
  const secret = await cachedLookup(r.secrets, `${namespace}/${name}`, () => webhookSecret(r.client, namespace, name));
  if (secret instanceof PlinthError) {
    refuse(secret);
    return;
  }
  const check = verifyWebhookSignature(req.headers, body, secret);
  if (!check.ok) {
    refuse(new PlinthError('FLEET_WEBHOOK_SIGNATURE', { namespace, name, detail: check.reason }));
    return;
  }
  if (isPingEvent(req.headers)) {
    r.log.info({ source: `${namespace}/${name}`, from, format: check.format }, 'webhook ping verified (no fetch)');
    sendJson(res, 200, { source: `${namespace}/${name}`, format: check.format, fetch: false });
    return;
  }
  await r.onPush(namespace, name);
  r.log.info({ source: `${namespace}/${name}`, from, format: check.format }, 'webhook verified: fetch requested');
  sendJson(res, 202, { source: `${namespace}/${name}`, format: check.format, fetch: true });
}
