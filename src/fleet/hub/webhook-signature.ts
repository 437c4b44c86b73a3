// Pure checks of Git hosts' webhook signatures (no I/O): GitHub, Gitea and GitLab formats.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Request headers as Node gives them (lower-case names; a repeated header is an array). */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export type WebhookFormat = 'github' | 'gitea' | 'gitlab';

export type SignatureCheck = { ok: true; format: WebhookFormat } | { ok: false; reason: string };

/** The first value of a header, trimmed; undefined when absent or empty. */
function header(h: Headers, name: string): string | undefined {
  const v = h[name];
  const first = Array.isArray(v) ? v[0] : v;
  const t = first?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** HMAC-SHA256 of the body with the secret, as lower-case hex. */
export function hmacSha256Hex(secret: string, body: Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Compares a sent hex HMAC with the expected one in constant time (any malformed value is unequal). */
function sameHex(sent: string, expectedHex: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(sent)) return false;
  return timingSafeEqual(Buffer.from(sent.toLowerCase(), 'hex'), Buffer.from(expectedHex, 'hex'));
}

/** Compares two secrets in constant time whatever their lengths (both are hashed first). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * Verifies a webhook request against the shared secret. The first signature header present decides,
 * in this order:
 * - GitHub `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` (Gitea and Gogs send it too);
 *   the old SHA-1 `X-Hub-Signature: sha1=…` alone is refused (SHA-1 is not accepted);
 * - Gitea `X-Gitea-Signature: <hex HMAC-SHA256>` (Gogs: `X-Gogs-Signature`, same format);
 * - GitLab `X-Gitlab-Token: <the secret itself>`, compared in constant time.
 * No header at all is refused.
 */
export function verifyWebhookSignature(headers: Headers, body: Uint8Array, secret: string): SignatureCheck {
  if (secret === '') return { ok: false, reason: 'the webhook secret is empty' };
  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    const eq = github.indexOf('=');
    const algo = eq < 0 ? '' : github.slice(0, eq).toLowerCase();
    if (algo !== 'sha256') return { ok: false, reason: `X-Hub-Signature-256 must be "sha256=<hex>", got a "${algo || 'bare'}" value` };
    return sameHex(github.slice(eq + 1), hmacSha256Hex(secret, body)) ? { ok: true, format: 'github' } : { ok: false, reason: 'X-Hub-Signature-256 does not match the body' };
  }
  const gitea = header(headers, 'x-gitea-signature') ?? header(headers, 'x-gogs-signature');
  if (gitea !== undefined) {
    return sameHex(gitea, hmacSha256Hex(secret, body)) ? { ok: true, format: 'gitea' } : { ok: false, reason: 'X-Gitea-Signature does not match the body' };
  }
  const gitlab = header(headers, 'x-gitlab-token');
  if (gitlab !== undefined) {
    return sameSecret(gitlab, secret) ? { ok: true, format: 'gitlab' } : { ok: false, reason: 'X-Gitlab-Token is not the shared secret' };
  }
  if (header(headers, 'x-hub-signature') !== undefined) return { ok: false, reason: 'only a SHA-1 X-Hub-Signature was sent; SHA-1 signatures are not accepted (GitHub also sends X-Hub-Signature-256)' };
  return { ok: false, reason: 'no signature header (X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token)' };
}

/**
 * Whether a verified webhook asks for no fetch: GitHub's (and Gitea's) `ping`, sent when a hook is
 * created, carries no push. Everything else (push, tag, release, GitLab's test delivery of a push)
 * triggers a fetch; the fetch finds out itself whether the ref moved.
 */
export function isPingEvent(headers: Headers): boolean {
  const event = header(headers, 'x-github-event') ?? header(headers, 'x-gitea-event') ?? header(headers, 'x-gogs-event');
  return event?.toLowerCase() === 'ping';
}
