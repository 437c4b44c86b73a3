import type { FleetDelivery } from '../../../api/index.js';
import { age } from '../../../term/age.js';
import { render, type Column, type OutputFormat } from '../../../term/output.js';

/** `plinth fleet deliveries`: one row per FleetDelivery, kubectl-style. */
export function renderDeliveries(items: readonly FleetDelivery[], output: OutputFormat, allNamespaces: boolean, now = new Date()): string {
  const columns: Column<FleetDelivery>[] = [
    ...(allNamespaces ? [{ header: 'Namespace', value: (d: FleetDelivery) => d.metadata.namespace }] : []),
    { header: 'Name', value: (d) => d.metadata.name },
    { header: 'Source', value: (d) => `${d.spec.sourceRef.name}${d.spec.path ? `/${d.spec.path}` : ''}` },
    { header: 'Phase', value: (d) => d.status?.phase ?? 'Pending' },
    { header: 'Revision', value: (d) => short(d.status?.revision) },
    { header: 'Wave', value: (d) => currentWave(d) },
    { header: 'Placed', value: (d) => d.status?.clusters?.placed ?? 0 },
    { header: 'Healthy', value: (d) => d.status?.clusters?.healthy ?? 0 },
    { header: 'Failed', value: (d) => d.status?.clusters?.failed ?? 0 },
    { header: 'Disconnected', value: (d) => d.status?.clusters?.disconnected ?? 0, wide: true },
    { header: 'Sequence', value: (d) => d.status?.sequence ?? 0, wide: true },
    { header: 'Age', value: (d) => (d.metadata.creationTimestamp ? age(String(d.metadata.creationTimestamp), now) : '') },
  ];
  return render(output, {
    items,
    json: { apiVersion: 'v1', kind: 'List', items },
    columns,
    name: (d) => `fleetdelivery.fleet.plinth.dev/${d.metadata.name ?? ''}`,
  });
}

/** The first wave not Succeeded (name and phase), or the last one. */
export function currentWave(d: FleetDelivery): string {
  const waves = d.status?.waves ?? [];
  const w = waves.find((x) => x.phase !== 'Succeeded' && x.phase !== 'RolledBack') ?? waves[waves.length - 1];
  if (!w) return '';
  return `${w.name} ${waves.indexOf(w) + 1}/${waves.length} ${w.phase}`;
}

/** A commit shown as 12 characters. */
export function short(rev: string | undefined): string {
  return rev ? rev.slice(0, 12) : '';
}
