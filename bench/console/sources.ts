// What the console bench listens to while a release runs: the bench's own watch of the release's pods (when
// the API server delivered each change: the reference time), an SSE client of the console (a Node script, as
// a second browser tab would be), and `kubectl get -w` (the peer view). Each records arrivals per change.
import { spawn } from 'node:child_process';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref } from '../../src/kube/resource.js';
import { readSse } from '../../test/support/sse.js';
import { changeKey, type Arrival } from './latency.js';

export interface Recorder {
  arrivals: Arrival[];
  stop(): void;
}

/** The bench's own watch of pods matching `selector`: the time the API server delivered each change. */
export async function watchPods(client: KubeClient, namespace: string, selector: string): Promise<Recorder> {
  const ac = new AbortController();
  const arrivals: Arrival[] = [];
  const pods = inNamespace(ref('v1', 'pods'), namespace);
  const list = await client.list<V1Pod>(pods, { labelSelector: selector, limit: 1 });
  let rv = list.metadata.resourceVersion;
  void (async () => {
    while (!ac.signal.aborted) {
      try {
        for await (const ev of client.watch<V1Pod>(pods, { labelSelector: selector, resourceVersion: rv, signal: ac.signal, allowWatchBookmarks: true })) {
          const at = Date.now();
          rv = ev.object.metadata?.resourceVersion ?? rv;
          if (ev.type === 'BOOKMARK') continue;
          arrivals.push({ key: changeKey(ev.object.metadata?.name ?? '', ev.object.metadata?.resourceVersion ?? ''), at });
        }
      } catch {
        if (ac.signal.aborted) return;
      }
    }
  })();
  return { arrivals, stop: () => ac.abort() };
}

/** A Node SSE client of the console: Pod events of `namespace`, with their arrival times. */
export async function sseClient(base: string, cookie: string, namespace: string): Promise<Recorder> {
  const ac = new AbortController();
  const arrivals: Arrival[] = [];
  const res = await fetch(`${base}/api/v1/events?namespace=${encodeURIComponent(namespace)}`, { headers: { cookie }, signal: ac.signal });
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/v1/events answered ${res.status}: ${await res.text()}`);
  void readSse(res.body as unknown as AsyncIterable<Uint8Array>, (data, at) => {
    const e = data as { kind?: string; name?: string; resourceVersion?: string };
    if (e.kind === 'Pod') arrivals.push({ key: changeKey(e.name ?? '', e.resourceVersion ?? ''), at });
  }).catch(() => undefined); // aborted at stop()
  return { arrivals, stop: () => ac.abort() };
}

/** `kubectl get pods -w`: one line per change (name and resourceVersion columns), with arrival times. */
export function kubectlWatch(kubectl: string, kubeconfig: string, namespace: string, selector: string): Recorder {
  const arrivals: Arrival[] = [];
  const child = spawn(
    kubectl,
    ['--kubeconfig', kubeconfig, 'get', 'pods', '-n', namespace, '-l', selector, '-w', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,RV:.metadata.resourceVersion'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const at = Date.now();
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [name, rv] = buf.slice(0, nl).trim().split(/\s+/);
      buf = buf.slice(nl + 1);
      if (name && rv && /^\d+$/.test(rv)) arrivals.push({ key: changeKey(name, rv), at });
    }
  });
  return { arrivals, stop: () => void child.kill('SIGTERM') };
}
