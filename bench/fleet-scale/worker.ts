// One process of simulated members: many instances of the real agent (`runAgent`), each with its own hub
// identity (kubeconfig file) and its own namespaces in the shared sink cluster. Started by main.ts.
//   argv: <sink kubeconfig> <members JSON file: [{name, hubKubeconfig}]> <start rate per second>
// Prints one JSON line per second on stdout: {rss, cpuMs, started}.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { runAgent } from '../../src/fleet/agent/run.js';
import { KubeClient } from '../../src/kube/http.js';
import { sleep } from '../../src/kube/clock.js';
import { errorMessage } from '../../src/errors/index.js';

interface Sim {
  name: string;
  hubKubeconfig: string;
}

async function main(): Promise<void> {
  const [sinkPath, membersPath, rateArg] = process.argv.slice(2);
  if (!sinkPath || !membersPath) throw new Error('usage: worker.ts SINK_KUBECONFIG MEMBERS_JSON [RATE]');
  const sims = JSON.parse(readFileSync(membersPath, 'utf8')) as Sim[];
  const rate = Number(rateArg ?? 20);
  const kc = new KubeConfig();
  kc.loadFromFile(sinkPath);
  // One client of the sink for every simulated member of this process (the sink stands for 1,000 clusters).
  const sink = await KubeClient.fromKubeConfig(kc, { maxSockets: 64, requestTimeoutMs: 30_000 });
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every agent of the process listens to it
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  let started = 0;
  let failed = 0;
  const report = setInterval(() => {
    const u = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, cpuMs: (u.user + u.system) / 1000, started, failed })}\n`);
  }, 1000);
  const runs: Array<Promise<void>> = [];
  for (const s of sims) {
    if (stop.signal.aborted) break;
    const prefix = `sim-${s.name}`;
    runs.push(
      runAgent({
        cluster: s.name,
        member: sink,
        hubKubeconfig: s.hubKubeconfig,
        namespace: `${prefix}-system`,
        agentVersion: 'bench',
        mapNamespace: (ns) => `${prefix}-${ns}`,
        signal: stop.signal,
      }).catch((err: unknown) => {
        failed++;
        process.stderr.write(`agent ${s.name} stopped: ${errorMessage(err)}\n`);
      }),
    );
    started++;
    await sleep(1000 / rate, stop.signal).catch(() => undefined);
  }
  await Promise.all(runs);
  clearInterval(report);
  sink.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${errorMessage(err)}\n`);
  process.exit(1);
});
