/**
 * Sign-ins under way: what the console must remember between sending the browser to the issuer and the
 * callback (the PKCE verifier, the nonce, where to go afterwards), keyed by the random `state`. Kept only on
 * the server, for 10 minutes, and each state is taken once.
 */
import { pkcePair, randomValue } from './pkce.js';

export const PENDING_TTL_MS = 10 * 60_000;
/** At most this many sign-ins may be under way at once (the oldest is dropped beyond it). */
const MAX_PENDING = 10_000;

export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  /** The S256 challenge of `verifier`, sent to the issuer. */
  challenge: string;
  /** The console path to return to. */
  next: string;
  until: number;
}

export type TakeResult = { ok: true; login: PendingLogin } | { ok: false; reason: 'unknown' | 'expired' };

export class PendingLogins {
  private readonly byState = new Map<string, PendingLogin>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = PENDING_TTL_MS,
  ) {}

  /** Starts a sign-in: a new state, nonce and PKCE pair. */
  begin(next: string): PendingLogin {
    this.sweep();
    if (this.byState.size >= MAX_PENDING) {
      const oldest = this.byState.keys().next().value;
      if (oldest !== undefined) this.byState.delete(oldest);
    }
    const { verifier, challenge } = pkcePair();
    const login: PendingLogin = { state: randomValue(), nonce: randomValue(), verifier, challenge, next, until: this.now() + this.ttlMs };
    this.byState.set(login.state, login);
    return login;
  }

  /** The sign-in of `state`, which is then spent: `unknown` for a state never issued or already used, `expired` after 10 minutes. */
  take(state: string): TakeResult {
    const login = this.byState.get(state);
    this.byState.delete(state);
    if (!login) return { ok: false, reason: 'unknown' };
    if (this.now() >= login.until) return { ok: false, reason: 'expired' };
    return { ok: true, login };
  }

  /** Forgets sign-ins expired for another 10 minutes (kept that long to say "expired" rather than "unknown"); returns how many remain. */
  sweep(): number {
    const t = this.now();
    for (const [state, l] of this.byState) if (t >= l.until + this.ttlMs) this.byState.delete(state);
    return this.byState.size;
  }
}

/** Pure: `next` if it is a path on this console (`/...`, not `//host` nor `/\host`), else `/` (no open redirect). */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n\t]/.test(next)) return '/';
  return next;
}
