// The CellDeployment release's batches as its ReleaseOrder recorded them: size, gap before, duration.
import type { CellDeployment, ReleaseOrder } from '../../src/api/index.js';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace } from '../../src/kube/resource.js';
import { RES } from '../../src/release/keys.js';
import { table } from './window.js';

export async function batchTimes(client: KubeClient, namespace: string, cd: CellDeployment): Promise<string> {
  const name = cd.status?.releaseOrder;
  if (!name) return 'no ReleaseOrder recorded\n';
  const order = await client.get<ReleaseOrder>(inNamespace(RES.releaseOrders, namespace), name);
  const batches = order.status?.batches ?? [];
  let prevEnd = Date.parse(String(order.metadata.creationTimestamp ?? ''));
  const rows = batches.map((b) => {
    const s = Date.parse(String(b.startedAt ?? ''));
    const f = Date.parse(String(b.finishedAt ?? ''));
    const row = [String(b.index), String(b.pods?.length ?? 0), b.phase ?? '', `${((s - prevEnd) / 1000).toFixed(1)}`, `${((f - s) / 1000).toFixed(1)}`];
    prevEnd = f;
    return row;
  });
  return (
    `ReleaseOrder ${name}: ${batches.length} batches, created ${order.metadata.creationTimestamp}, history ${order.status?.history?.length ?? 0} entries\n` +
    table([['batch', 'pods', 'phase', 'gap before (s)', 'duration (s)'], ...rows])
  );
}
