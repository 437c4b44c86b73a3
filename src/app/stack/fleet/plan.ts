/**
 * The members `plinth up --members N` starts: their fleet names, labels and local cluster names. Pure.
 *
 * Members are named after their tier, as the issue's 1 + 31 + N picture has it: the first half (rounded up)
 * are provincial clusters `province-1..k`, the rest edge clusters `edge-1..m`. Regions cycle over four; the
 * last member (an edge one when there are two or more) runs arm64 nodes. A member's local cluster is named
 * `<hub>-<member>` so that two hubs' members never share a state dir.
 */
import { LABEL_ARCH, LABEL_REGION, LABEL_TIER } from '../../../fleet/names.js';

export const REGIONS = ['north', 'south', 'east', 'west'] as const;

export interface PlannedMember {
  /** The fleet name (MemberCluster name, `plinth kubeconfig --cluster NAME`). */
  name: string;
  /** The local cluster's name (its state dir under the cache dir). */
  localName: string;
  tier: 'province' | 'edge';
  region: string;
  arch: 'amd64' | 'arm64';
  /** tier, region, arch: the labels the member joins with. */
  labels: Record<string, string>;
}

/** `plinth up --members` without a number. */
export const DEFAULT_MEMBERS = 3;
/** More would not fit a developer machine (32 were measured on 2 cores, 24 GiB: docs/fleet/local.md). */
export const MAX_MEMBERS = 64;

export function memberLocalName(hub: string, member: string): string {
  return `${hub}-${member}`;
}

/** The `n` members of hub `hub`, in order. */
export function planMembers(hub: string, n: number): PlannedMember[] {
  const provinces = Math.ceil(n / 2);
  const out: PlannedMember[] = [];
  for (let i = 0; i < n; i++) {
    const tier = i < provinces ? 'province' : 'edge';
    const name = tier === 'province' ? `province-${i + 1}` : `edge-${i - provinces + 1}`;
    const region = REGIONS[i % REGIONS.length]!;
    const arch = n >= 2 && i === n - 1 ? 'arm64' : 'amd64';
    out.push({
      name,
      localName: memberLocalName(hub, name),
      tier,
      region,
      arch,
      labels: { [LABEL_TIER]: tier, [LABEL_REGION]: region, [LABEL_ARCH]: arch },
    });
  }
  return out;
}

/** `k=v,k2=v2` as `plinth fleet join --labels` takes it. */
export function labelsArg(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
