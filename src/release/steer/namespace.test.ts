import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { KubeApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { resolveTarget } from './resolve.js';

const notFound = (): Promise<never> => Promise.reject(new KubeApiError({ status: 404, verb: 'get', target: 'x' }));

test('a NAME in a namespace that does not exist says the namespace does not exist', async () => {
  const missing = { get: notFound } as unknown as KubeClient;
  await assert.rejects(resolveTarget(missing, 'nosuchns', 'web'), (e: PlinthError) => e.code === 'NAMESPACE_NOT_FOUND' && /namespace nosuchns does not exist/.test(e.message));
  // The namespace exists: the object is what is missing.
  const exists = { get: (r: { plural: string }) => (r.plural === 'namespaces' ? Promise.resolve({ metadata: { name: 'prod' } }) : notFound()) } as unknown as KubeClient;
  await assert.rejects(resolveTarget(exists, 'prod', 'web'), (e: PlinthError) => e.code === 'RELEASE_NOT_FOUND');
});
