import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { FakeClock, pause, rfc3339, rfc3339Micro, sleep } from './clock.js';

test('RFC 3339 as Kubernetes writes metav1.Time and metav1.MicroTime', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  assert.equal(rfc3339(at), '2026-01-02T03:04:05Z');
  assert.equal(rfc3339(new Date(at)), '2026-01-02T03:04:05Z');
  assert.equal(rfc3339Micro(at), '2026-01-02T03:04:05.678000Z');
});

test('sleep rejects with the abort reason; pause resolves quietly; neither leaves a listener', async () => {
  const ac = new AbortController();
  const clock = new FakeClock();
  const slept = sleep(1000, ac.signal, clock);
  const paused = pause(1000, ac.signal, clock);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1, 'one listener however many wait');
  ac.abort(new Error('stop'));
  await assert.rejects(slept, /stop/);
  await paused;
  const kept = new AbortController();
  const p = Promise.all([sleep(10, kept.signal, clock), pause(10, kept.signal, clock)]);
  await clock.advance(10);
  await p;
  assert.equal(getEventListeners(kept.signal, 'abort').length, 0);
});
