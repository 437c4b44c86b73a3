import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { KubeApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { readClientCA, refreshClientCA } from './client-ca.js';

const PEM1 = '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n';
const PEM2 = '-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n';

/** A client whose ConfigMap reads answer from a script: a PEM, 'missing' (404) or 'down' (a connection error). */
function scripted(answers: string[]): { client: KubeClient; reads: () => number } {
  let i = 0;
  const client = {
    get: (r: { namespace?: string }, name: string): Promise<unknown> => {
      assert.equal(r.namespace, 'kube-system');
      assert.equal(name, 'extension-apiserver-authentication');
      const a = answers[Math.min(i++, answers.length - 1)]!;
      if (a === 'missing') return Promise.reject(new KubeApiError({ status: 404, reason: 'NotFound', verb: 'get', target: 'configmaps' }));
      if (a === 'down') return Promise.reject(new Error('connect ECONNREFUSED'));
      return Promise.resolve({ data: { 'client-ca-file': a } });
    },
  } as unknown as KubeClient;
  return { client, reads: () => i };
}

test('readClientCA: the PEM of client-ca-file, undefined when the ConfigMap or a certificate is missing', async () => {
  assert.equal(await readClientCA(scripted([PEM1]).client), PEM1);
  assert.equal(await readClientCA(scripted(['missing']).client), undefined);
  assert.equal(await readClientCA(scripted(['not a pem']).client), undefined);
  await assert.rejects(readClientCA(scripted(['down']).client), /ECONNREFUSED/);
});

test('refreshClientCA reports each change once, keeps the CA through read errors, stops on abort', async () => {
  const { client, reads } = scripted([PEM1, PEM1, 'down', PEM2, PEM2, 'missing', 'missing']);
  const changes: (string | undefined)[] = [];
  const stop = new AbortController();
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const loop = refreshClientCA({ client, log, signal: stop.signal, current: undefined, everyMs: 5, onChange: (pem) => changes.push(pem) });
  while (reads() < 7) await new Promise((r) => setTimeout(r, 5));
  stop.abort();
  await loop;
  assert.deepEqual(changes, [PEM1, PEM2, undefined]);
  assert.ok(lines.some((l) => l.includes('could not re-read the hub client CA')), 'the failed read is logged');
});
