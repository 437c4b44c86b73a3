/**
 * Knowledge base: feature gates that stopped being recognised (a component given `--feature-gates=X=…` for a
 * removed gate X refuses to start). Source: "Feature Gates (removed)"
 * (https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates-removed/), whose "To"
 * column is the last minor that still accepts the gate; `removedIn` here is the minor after it.
 * `lockedIn` is when the gate went GA (setting it to false stopped working) or was deprecated.
 */

export interface RemovedGate {
  readonly gate: string;
  readonly stage: 'GA' | 'Deprecated';
  /** The minor it went GA or was deprecated. */
  readonly lockedIn: number;
  readonly removedIn: number;
  readonly note: string;
  readonly source: string;
}

const PAGE = 'https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates-removed/';

function ga(gate: string, lockedIn: number, removedIn: number, note = ''): RemovedGate {
  return { gate, stage: 'GA', lockedIn, removedIn, note, source: PAGE };
}
function dep(gate: string, lockedIn: number, removedIn: number, note: string): RemovedGate {
  return { gate, stage: 'Deprecated', lockedIn, removedIn, note, source: PAGE };
}

export const REMOVED_GATES: readonly RemovedGate[] = [
  ga('AttachVolumeLimit', 17, 22),
  dep('BalanceAttachedNodeVolumes', 22, 23, 'the scheduler priority was removed'),
  ga('SetHostnameAsFQDN', 22, 24),
  ga('TTLAfterFinished', 23, 25),
  ga('DefaultPodTopologySpread', 24, 26),
  ga('IndexedJob', 24, 26),
  ga('SuspendJob', 24, 26),
  ga('ServiceLBNodePortControl', 24, 26),
  ga('CSRDuration', 24, 26),
  ga('PodOverhead', 24, 26),
  ga('AllowInsecureBackendProxy', 21, 26),
  dep('DynamicKubeletConfig', 22, 26, 'Dynamic Kubelet Configuration was removed in 1.24; use a kubelet config file'),
  ga('EphemeralContainers', 25, 27),
  ga('CSIInlineVolume', 25, 27),
  ga('CSIMigration', 25, 27),
  ga('CSIMigrationAWS', 25, 27),
  ga('CSIMigrationGCE', 25, 27),
  ga('NetworkPolicyEndPort', 25, 27),
  ga('StatefulSetMinReadySeconds', 25, 27),
  ga('DaemonSetUpdateSurge', 25, 27),
  ga('ExpandPersistentVolumes', 24, 27),
  ga('ExpandInUsePersistentVolumes', 24, 27),
  ga('ExpandCSIVolumes', 24, 27),
  ga('PodSecurity', 25, 28),
  ga('AdvancedAuditing', 12, 28),
  ga('CSIStorageCapacity', 24, 28),
  ga('KubeletCredentialProviders', 26, 28),
  ga('MixedProtocolLBService', 26, 28),
  ga('ServiceInternalTrafficPolicy', 26, 28),
  ga('LegacyServiceAccountTokenNoAutoGeneration', 26, 29),
  ga('GRPCContainerProbe', 27, 29),
  ga('CronJobTimeZone', 27, 29),
  ga('SeccompDefault', 27, 29),
  ga('TopologyManager', 27, 29),
  ga('DownwardAPIHugePages', 27, 29),
  ga('RemoveSelfLink', 24, 30, 'metadata.selfLink is never set'),
  ga('ExpandedDNSConfig', 28, 30),
  ga('LegacyServiceAccountTokenTracking', 28, 30),
  ga('APIPriorityAndFairness', 29, 31),
  ga('ServerSideApply', 22, 32),
  ga('APIListChunking', 29, 33),
  ga('AdmissionWebhookMatchConditions', 30, 33),
  ga('AggregatedDiscoveryEndpoint', 30, 33),
];

const BY_NAME = new Map<string, RemovedGate>(REMOVED_GATES.map((g) => [g.gate, g]));

export function removedGate(gate: string): RemovedGate | undefined {
  return BY_NAME.get(gate);
}
