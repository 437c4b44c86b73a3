// GET /artifacts/<digest>: the bytes of an artifact, only to a caller who may get a ClusterDelivery
// that names it (SubjectAccessReview), with ETag = digest and gzip.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { FLEET_GROUP } from '../../api/fleet/group.js';
import { PlinthError } from '../../errors/index.js';
import type { Logger } from '../../kube/log.js';
import type { ArtifactReader } from '../artifact.js';
import type { ArtifactGrants } from './artifact-grants.js';
import { ARTIFACT_MEDIA_TYPE, artifactDigest } from '../names.js';
import { orderForCaller, type DeliveryIndex } from './delivery-index.js';
import { acceptsGzip, etagMatches, etagOf } from './http-headers.js';
import type { Caller } from './identity.js';
import { sendError } from './respond.js';
import type { Reviews } from './reviews.js';
import { TtlCache, cachedLookup } from './ttl-cache.js';

const gzip = promisify(gzipCb);

/** At most this many ClusterDeliveries naming one digest are asked about per request (own namespace first). */
const MAX_REVIEWS_PER_REQUEST = 16;
/** Artifacts smaller than this go out as they are. */
const GZIP_MIN_BYTES = 1024;

export interface ArtifactRoute {
  index: DeliveryIndex;
  reviews: Reviews;
  reader: ArtifactReader;
  log: Logger;
  /** Gzipped bytes by digest (content-addressed, so never stale). */
  gzipped: TtlCache<string, Promise<Buffer>>;
  /** Grants kept per (identity, digest, delivery uid and generation): one SubjectAccessReview per member and revision. */
  grants?: ArtifactGrants;
}

export function newGzipCache(): TtlCache<string, Promise<Buffer>> {
  return new TtlCache(10 * 60_000, 64);
}

/** Whether the caller may get some ClusterDelivery whose spec.artifact.digest is `digest`; names the one that allowed it. */
export async function authorizeArtifact(route: Pick<ArtifactRoute, 'index' | 'reviews' | 'grants'>, caller: Caller, digest: string): Promise<{ allowed: boolean; by?: string }> {
  const candidates = orderForCaller(route.index.naming(digest), caller.user).slice(0, MAX_REVIEWS_PER_REQUEST);
  const kept = route.grants?.granted(caller, digest, candidates);
  if (kept) return { allowed: true, by: `${kept.metadata.namespace}/${kept.metadata.name}` };
  for (const d of candidates) {
    const { namespace, name } = d.metadata;
    if (await route.reviews.allowed(caller, { verb: 'get', group: FLEET_GROUP, resource: 'clusterdeliveries', namespace, name })) {
      route.grants?.grant(caller, digest, d);
      return { allowed: true, by: `${namespace}/${name}` };
    }
  }
  return { allowed: false };
}

export async function serveArtifact(req: IncomingMessage, res: ServerResponse, r: ArtifactRoute, caller: Caller, digest: string, head: boolean): Promise<void> {
  if (!r.index.informer.hasSynced()) {
    sendError(res, new PlinthError('FLEET_NOT_READY', { what: 'ClusterDeliveries' }), { 'Retry-After': '2' });
    return;
  }
  const decision = await authorizeArtifact(r, caller, digest);
  if (!decision.allowed) {
    r.log.info({ user: caller.user, via: caller.via, digest }, 'artifact refused');
    sendError(res, new PlinthError('FLEET_ARTIFACT_FORBIDDEN', { user: caller.user, digest }));
    return;
  }
  const etag = etagOf(digest);
  const common = { ETag: etag, 'Cache-Control': 'private, max-age=31536000, immutable', Vary: 'Accept-Encoding' };
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const bytes = await r.reader.read(digest);
  if (bytes === undefined) {
    sendError(res, new PlinthError('FLEET_ARTIFACT_NOT_FOUND', { digest }));
    return;
  }
  const got = artifactDigest(bytes);
  if (got !== digest) {
    const err = new PlinthError('FLEET_ARTIFACT_DIGEST_MISMATCH', { digest, got });
    r.log.error({ digest, got }, err.message);
    sendError(res, err);
    return;
  }
  let body = bytes;
  const headers: Record<string, string | number> = { ...common, 'Content-Type': ARTIFACT_MEDIA_TYPE };
  if (bytes.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    body = await cachedLookup(r.gzipped, digest, () => gzip(bytes));
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = body.length;
  r.log.debug({ user: caller.user, digest, by: decision.by, bytes: body.length }, 'artifact served');
  res.writeHead(200, headers);
  res.end(head ? undefined : body);
}
