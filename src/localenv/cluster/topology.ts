/** Pure planning of simulated nodes: names, zones, cells, addresses. */

export interface PlannedNode {
  name: string;
  zone: string;
  cell: string;
  /** Cluster-wide index: gives each node its own InternalIP and pod CIDR. */
  index: number;
}

export interface ExistingNode {
  name: string;
  zone: string | undefined;
  cell: string | undefined;
  index: number | undefined;
}

export const MAX_ZONES = 26;

/** zone-a, zone-b, ... zone-z */
export function zoneName(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= MAX_ZONES) throw new RangeError(`zone index ${i} out of 0..${MAX_ZONES - 1}`);
  return `zone-${String.fromCharCode(97 + i)}`;
}

export const cellName = (zone: string, k: number): string => `${zone}-cell-${k}`;

/**
 * Plan `n` more nodes: each goes to the zone with the fewest nodes (or `fixedZone`), and within
 * it to the cell with the fewest nodes; ties go to the first zone/cell. Names are
 * `<zone>-node-<k>` with k counting up per zone; indexes continue after the highest in use.
 */
export function planNodes(
  existing: readonly ExistingNode[],
  n: number,
  zones: number,
  cellsPerZone: number,
  fixedZone?: string,
): PlannedNode[] {
  const zoneNames = Array.from({ length: zones }, (_, i) => zoneName(i));
  if (fixedZone !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(fixedZone)) {
    throw new RangeError(`invalid zone name "${fixedZone}"`);
  }
  const perZone = new Map<string, number>();
  const perCell = new Map<string, number>();
  const names = new Set<string>();
  let nextIndex = 0;
  for (const e of existing) {
    names.add(e.name);
    if (e.zone) perZone.set(e.zone, (perZone.get(e.zone) ?? 0) + 1);
    if (e.cell) perCell.set(e.cell, (perCell.get(e.cell) ?? 0) + 1);
    if (e.index !== undefined) nextIndex = Math.max(nextIndex, e.index + 1);
  }
  const out: PlannedNode[] = [];
  for (let i = 0; i < n; i++) {
    let zone = fixedZone;
    if (zone === undefined) {
      zone = zoneNames[0] ?? 'zone-a';
      for (const z of zoneNames) if ((perZone.get(z) ?? 0) < (perZone.get(zone) ?? 0)) zone = z;
    }
    let cell = cellName(zone, 1);
    for (let k = 1; k <= cellsPerZone; k++) {
      const c = cellName(zone, k);
      if ((perCell.get(c) ?? 0) < (perCell.get(cell) ?? 0)) cell = c;
    }
    let k = (perZone.get(zone) ?? 0) + 1;
    while (names.has(`${zone}-node-${k}`)) k++;
    const name = `${zone}-node-${k}`;
    names.add(name);
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    perCell.set(cell, (perCell.get(cell) ?? 0) + 1);
    out.push({ name, zone, cell, index: nextIndex++ });
  }
  return out;
}

/** 172.18.0.2, 172.18.0.3, ... (250 per /24). */
export function nodeIp(index: number): string {
  return `172.18.${Math.floor(index / 250)}.${(index % 250) + 2}`;
}

/** 10.244.0.0/24, 10.244.1.0/24, ... inside the cluster CIDR 10.244.0.0/16, then 10.245.x... */
export function nodePodCidr(index: number): string {
  return `10.${244 + Math.floor(index / 256)}.${index % 256}.0/24`;
}
