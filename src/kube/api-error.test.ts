import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlinthError } from '../errors/index.js';
import { KubeApiError, isTransientApiError } from './api-error.js';

const api = (status: number, reason = ''): KubeApiError => new KubeApiError({ status, reason, message: 'm', verb: 'get', target: 'pods' });

test('transient: 5xx, 429, client timeouts, unreachable servers and socket resets; not: answers such as 404, 409, 422, 403', () => {
  for (const e of [api(500), api(503), api(504), api(429, 'TooManyRequests'), new PlinthError('TIMEOUT', { seconds: 30, what: 'get pods', fix: 'x' }), new PlinthError('KUBE_UNREACHABLE', { server: 's', detail: 'd' })]) {
    assert.equal(isTransientApiError(e), true, e.message);
  }
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) assert.equal(isTransientApiError(Object.assign(new Error(code), { code })), true, code);
  for (const e of [api(404, 'NotFound'), api(409, 'Conflict'), api(409, 'AlreadyExists'), api(422, 'Invalid'), api(403, 'Forbidden'), new Error('boom'), new PlinthError('INVALID_ARGUMENT', { what: 'x', detail: 'y', fix: 'z' })]) {
    assert.equal(isTransientApiError(e), false, e.message);
  }
  assert.equal(isTransientApiError(undefined), false);
});
