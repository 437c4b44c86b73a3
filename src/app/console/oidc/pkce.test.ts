import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pkcePair, s256 } from './pkce.js';
import { PendingLogins, safeNext } from './pending.js';

test('S256 is the RFC 7636 example, and each pair is fresh', () => {
  // RFC 7636 appendix B.
  assert.equal(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const a = pkcePair();
  const b = pkcePair();
  assert.match(a.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(a.challenge, s256(a.verifier));
  assert.notEqual(a.verifier, b.verifier);
});

test('a pending sign-in is taken once, within 10 minutes; later it is expired, never issued it is unknown', () => {
  let t = 1_000_000;
  const p = new PendingLogins(() => t);
  const a = p.begin('/releases');
  const b = p.begin('/');
  assert.notEqual(a.state, b.state);
  assert.notEqual(a.nonce, a.state);
  const took = p.take(a.state);
  assert.ok(took.ok);
  assert.equal(took.login.next, '/releases');
  assert.equal(took.login.challenge, s256(took.login.verifier));
  assert.deepEqual(p.take(a.state), { ok: false, reason: 'unknown' }, 'a state works once');
  assert.deepEqual(p.take('forged'), { ok: false, reason: 'unknown' });
  t += 10 * 60_000;
  assert.deepEqual(p.take(b.state), { ok: false, reason: 'expired' });
  const c = p.begin('/');
  t += 10 * 60_000 - 1;
  assert.equal(p.take(c.state).ok, true, 'just within 10 minutes');
  const d = p.begin('/');
  t += 20 * 60_000;
  assert.equal(p.sweep(), 0, 'long-expired sign-ins are forgotten');
  assert.deepEqual(p.take(d.state), { ok: false, reason: 'unknown' });
});

test('next is only ever a path on the console (no open redirect)', () => {
  assert.equal(safeNext('/releases/shop/web?x=1'), '/releases/shop/web?x=1');
  for (const bad of [undefined, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'releases', '/x\r\nSet-Cookie: a=b']) assert.equal(safeNext(bad), '/', String(bad));
});
