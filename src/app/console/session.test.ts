import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrfMatches, SessionStore } from './session.js';

const alice = { user: 'alice', groups: ['dev'], via: 'token' as const };

test('a session lives until its absolute expiry, and ends when idle too long', () => {
  let t = 1_000_000;
  const store = new SessionStore({ ttlMs: 10_000, idleMs: 4_000, now: () => t });
  const s = store.create(alice);
  assert.equal(s.expiresAt, 1_010_000);
  assert.notEqual(s.id, s.csrfToken);
  for (let i = 0; i < 3; i++) {
    t += 3_000;
    assert.equal(store.get(s.id)?.identity.user, 'alice', `used every 3 s, alive at +${(i + 1) * 3} s`);
  }
  t += 1_000; // +10 s: the absolute expiry
  assert.equal(store.get(s.id), undefined);
  assert.equal(store.size, 0);

  const idle = store.create(alice);
  t += 2_000;
  assert.equal(store.isLive(idle.id), true);
  t += 2_000;
  assert.equal(store.isLive(idle.id), false, 'isLive does not count as a use');
  assert.equal(store.get(idle.id), undefined, 'unused for idleMs');
});

test('sessions are distinct, deletable, and keep a copy of the identity', () => {
  const store = new SessionStore();
  const groups = ['dev'];
  const a = store.create({ user: 'alice', groups, via: 'token' });
  const b = store.create(alice);
  groups.push('admin');
  assert.notEqual(a.id, b.id);
  assert.deepEqual(store.get(a.id)?.identity.groups, ['dev']);
  assert.equal(store.delete(a.id), true);
  assert.equal(store.get(a.id), undefined);
  assert.equal(store.delete(a.id), false);
  assert.equal(store.get(undefined), undefined);
  assert.equal(store.get(b.id)?.identity.user, 'alice');
});

test('the CSRF header must equal the session token exactly', () => {
  const s = new SessionStore().create(alice);
  assert.equal(csrfMatches(s, s.csrfToken), true);
  assert.equal(csrfMatches(s, undefined), false);
  assert.equal(csrfMatches(s, ''), false);
  assert.equal(csrfMatches(s, [s.csrfToken]), false);
  assert.equal(csrfMatches(s, s.csrfToken.slice(0, -1) + (s.csrfToken.endsWith('A') ? 'B' : 'A')), false);
});
