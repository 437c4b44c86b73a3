import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../kube/log.js';
import { errorMessage } from '../../errors/index.js';
import { planInjection, type InjectionInput } from './inject.js';

/** What the handler reads: the current SidecarSets and namespace labels (informer caches), or undefined before they synced. */
export type InjectionSource = (namespace: string) => Omit<InjectionInput, 'pod' | 'namespace'> | undefined;

interface AdmissionRequest {
  uid: string;
  operation?: string;
  namespace?: string;
  object?: V1Pod;
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`admission request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

/** The AdmissionReview response for one request: allowed with a JSONPatch, allowed unchanged, or refused. */
export function review(request: AdmissionRequest, source: InjectionSource): Record<string, unknown> {
  const response = (r: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: request.uid, ...r },
  });
  const namespace = request.namespace ?? request.object?.metadata?.namespace ?? '';
  if (request.operation !== 'CREATE' || !request.object) return response({ allowed: true });
  const state = source(namespace);
  if (!state) {
    // Not synced yet: refuse (the API server then applies no patch); the pod's controller retries.
    return response({ allowed: false, status: { code: 503, message: 'the Plinth sidecar injector is starting: retry in a few seconds' } });
  }
  const plan = planInjection({ ...state, pod: request.object, namespace });
  if (plan.kind === 'none') return response({ allowed: true });
  if (plan.kind === 'refuse') return response({ allowed: false, status: { code: 422, reason: 'Invalid', message: plan.message } });
  return response({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(plan.patch)).toString('base64') });
}

export interface WebhookServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves POST /mutate-pods (AdmissionReview v1) and GET /healthz over TLS on host:port (0: any free port). */
export async function serveWebhook(opts: { cert: string; key: string; host: string; port: number; source: InjectionSource; log: Logger }): Promise<WebhookServer> {
  const { log, source } = opts;
  const server = createServer({ cert: opts.cert, key: opts.key, minVersion: 'TLSv1.2' }, (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, 'ok');
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/mutate-pods') return send(res, 404, 'not found');
    readBody(req)
      .then((text) => {
        const body = JSON.parse(text) as { request?: AdmissionRequest };
        if (!body.request?.uid) return send(res, 400, 'not an AdmissionReview request');
        const out = review(body.request, source);
        const r = out['response'] as { allowed: boolean; patch?: string; status?: { message?: string } };
        log.info({ namespace: body.request.namespace, pod: body.request.object?.metadata?.name ?? body.request.object?.metadata?.generateName, allowed: r.allowed, patched: r.patch !== undefined, message: r.status?.message }, 'admission review');
        send(res, 200, out);
      })
      .catch((err: unknown) => send(res, 400, `bad admission request: ${errorMessage(err)}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
