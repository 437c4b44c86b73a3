// The fleet server's routes and its listen address, parsed purely (no I/O).
import { isIP } from 'node:net';
import { PlinthError } from '../../errors/index.js';

export type Route =
  | { kind: 'artifact'; digest: string; head: boolean }
  | { kind: 'hook'; namespace: string; name: string }
  | { kind: 'health' }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allow: string };

const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** A Kubernetes object name or namespace (DNS subdomain; namespaces are labels, a subset). */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Which handler a request goes to. `GET|HEAD /artifacts/sha256:<64 hex>` (the colon may be
 * %3A-encoded), `POST /hooks/git/<namespace>/<gitsource>`, `GET /healthz`. The query string is
 * ignored; a malformed digest or name is a 404 (no such resource), a known path with the wrong
 * method a 405.
 */
export function parseRoute(method: string, rawUrl: string): Route {
  const q = rawUrl.indexOf('?');
  const path = (q < 0 ? rawUrl : rawUrl.slice(0, q)).replace(/\/+$/, '');
  const parts = path.split('/').slice(1).map(decode);
  if (parts.some((p) => p === undefined || p === '')) return { kind: 'notFound' };
  const seg = parts as string[];
  if (seg.length === 1 && seg[0] === 'healthz') {
    return method === 'GET' || method === 'HEAD' ? { kind: 'health' } : { kind: 'methodNotAllowed', allow: 'GET' };
  }
  if (seg.length === 2 && seg[0] === 'artifacts') {
    if (method !== 'GET' && method !== 'HEAD') return { kind: 'methodNotAllowed', allow: 'GET, HEAD' };
    return DIGEST.test(seg[1]!) ? { kind: 'artifact', digest: seg[1]!, head: method === 'HEAD' } : { kind: 'notFound' };
  }
  if (seg.length === 4 && seg[0] === 'hooks' && seg[1] === 'git') {
    if (method !== 'POST') return { kind: 'methodNotAllowed', allow: 'POST' };
    return NAME.test(seg[2]!) && NAME.test(seg[3]!) ? { kind: 'hook', namespace: seg[2]!, name: seg[3]! } : { kind: 'notFound' };
  }
  return { kind: 'notFound' };
}

/** A host and port to listen on. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `host:port` (`[v6]:port` for IPv6); port 0 means any free port. */
export function parseListen(listen: string): ListenAddress {
  const bad = (detail: string): PlinthError => new PlinthError('FLEET_LISTEN_INVALID', { listen, detail });
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen.trim());
  if (!m) throw bad('expected host:port');
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw bad('the port is above 65535');
  if (host === '') throw bad('the host is empty (use 0.0.0.0 for every address)');
  if (m[1] !== undefined && isIP(host) !== 6) throw bad('brackets hold an IPv6 address');
  return { host, port };
}

/** The URL agents dial for a server bound to `host:port` (a wildcard bind is reached on loopback). */
export function urlOfListen(host: string, port: number): string {
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `https://${isIP(reach) === 6 ? `[${reach}]` : reach}:${port}`;
}
