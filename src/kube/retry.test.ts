import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { KubeApiError } from './api-error.js';
import { PlinthError } from '../errors/index.js';
import { isRetryable, retry, retryAfterMs } from './retry.js';

const api = (status: number, reason = '', retryAfterSeconds?: number): KubeApiError =>
  new KubeApiError({ status, reason, message: 'm', verb: 'patch', target: 'pods', ...(retryAfterSeconds ? { statusObject: { details: { retryAfterSeconds } } } : {}) });

test('retryable means conflict, 429, 5xx, timeouts and resets; every other answer is final', () => {
  assert.equal(isRetryable(api(409, 'Conflict')), true);
  assert.equal(isRetryable(api(429)), true);
  assert.equal(isRetryable(api(500)), true);
  assert.equal(isRetryable(api(503)), true);
  assert.equal(isRetryable(new PlinthError('TIMEOUT', { seconds: 30, what: 'x', fix: 'y' })), true);
  assert.equal(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), true);
  assert.equal(isRetryable(api(409, 'AlreadyExists')), false);
  assert.equal(isRetryable(api(404)), false);
  assert.equal(isRetryable(api(422, 'Invalid')), false);
  assert.equal(isRetryable(api(403, 'Forbidden')), false);
  assert.equal(isRetryable(new Error('plain')), false);
});

test('retries a conflict with a fresh attempt and returns the first success', async () => {
  const seen: number[] = [];
  const r = await retry(
    (attempt) => {
      seen.push(attempt);
      return attempt < 3 ? Promise.reject(api(409, 'Conflict')) : Promise.resolve('ok');
    },
    { initialMs: 1 },
  );
  assert.equal(r, 'ok');
  assert.deepEqual(seen, [1, 2, 3]);
});

test('an answer that is not retryable is thrown at once; attempts run out with the last error', async () => {
  let calls = 0;
  await assert.rejects(retry(() => (calls++, Promise.reject(api(422, 'Invalid'))), { initialMs: 1 }), /Invalid/);
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(retry(() => (calls++, Promise.reject(api(503))), { attempts: 3, initialMs: 1 }), (e) => (e as KubeApiError).status === 503);
  assert.equal(calls, 3);
});

test('a 429 waits at least its Retry-After; `also` adds one case of the caller', async () => {
  assert.equal(retryAfterMs(api(429, '', 2)), 2000);
  assert.equal(retryAfterMs(api(503, '', 2)), undefined);
  const pauses: number[] = [];
  const started = Date.now();
  await retry((a) => (a === 1 ? Promise.reject(api(429, '', 1)) : Promise.resolve()), { initialMs: 1, onRetry: (_e, _a, ms) => pauses.push(ms) });
  assert.ok(pauses[0]! >= 1000, `paused ${pauses[0]} ms`);
  assert.ok(Date.now() - started >= 990);
  let calls = 0;
  await retry((a) => (calls++, a === 1 ? Promise.reject(api(404)) : Promise.resolve()), { initialMs: 1, also: (e, a) => (e as KubeApiError).status === 404 && a === 1 });
  assert.equal(calls, 2);
});

test('an abort ends the pause and leaves no listener on the signal', async () => {
  const ac = new AbortController();
  const p = retry(() => Promise.reject(api(503)), { initialMs: 60_000, signal: ac.signal });
  setTimeout(() => ac.abort(new Error('stopped')), 10);
  await assert.rejects(p, /stopped/);
  const kept = new AbortController();
  for (let i = 0; i < 20; i++) await retry((a) => (a === 1 ? Promise.reject(api(503)) : Promise.resolve()), { initialMs: 1, signal: kept.signal });
  assert.equal(getEventListeners(kept.signal, 'abort').length, 0);
});
