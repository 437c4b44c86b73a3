/**
 * Knowledge base: feature gates that stopped being recognised (a component given `--feature-gates=X=…` for a
 * removed gate X refuses to start). GA and deprecated gates only: they are the ones operators leave set for
 * years after the feature stopped needing them. Removals 1.16 to 1.33.
 *
 * `removedIn` is the first minor whose components no longer accept the gate. `lockedIn` is when it went GA
 * (setting it to a non-default value stopped working) or was deprecated; between the two the gate is accepted
 * but does nothing, and the assessment warns.
 *
 * Sources, in the order they were trusted:
 * - GATE(name): the per-gate data file of the Kubernetes website (`stages[].toVersion` of the last stage is
 *   the last minor that still accepts the gate; `removed: true`). Used for every gate removed from 1.27 on.
 * - PAGE: the "Feature Gates (removed)" table. Its "To" column is NOT consistent: for rows removed before 1.25
 *   it often names the removal release itself (e.g. VolumeSnapshotDataSource "To 1.22" was removed in 1.22,
 *   #101531), for later rows the last release that accepts the gate.
 * - GARDENER: Gardener's per-release gate list, extracted from `pkg/features/kube_features.go` of each
 *   `release-1.x` branch (pkg/utils/validation/features/featuregates.go). Used to settle the pre-1.25 rows.
 * - Release notes (CL(minor)) where they name the removal.
 * Where two sources disagree the earlier minor is kept (dropping a GA-locked gate early is harmless; keeping it
 * one minor too long stops the component) and the entry says `unverified:`.
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
const GATE = (gate: string): string => `https://github.com/kubernetes/website/blob/main/content/en/docs/reference/command-line-tools-reference/feature-gates/${gate}.md`;
const GARDENER = 'https://github.com/gardener/gardener/blob/master/pkg/utils/validation/features/featuregates.go';
const CL = (minor: number): string => `https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.${minor}.md`;

function ga(gate: string, lockedIn: number, removedIn: number, source: string, note = ''): RemovedGate {
  return { gate, stage: 'GA', lockedIn, removedIn, note, source };
}
/** Deprecated gates; several alpha-only ones were deprecated and removed in the same minor (lockedIn === removedIn). */
function dep(gate: string, lockedIn: number, removedIn: number, source: string, note = ''): RemovedGate {
  return { gate, stage: 'Deprecated', lockedIn, removedIn, note, source };
}

export const REMOVED_GATES: readonly RemovedGate[] = [
  // Removed in 1.16-1.20 (PAGE rows agree with GARDENER unless noted).
  ga('CSIPersistentVolume', 13, 16, PAGE),
  ga('CustomPodDNS', 14, 16, PAGE),
  dep('ExperimentalCriticalPodAnnotation', 13, 16, PAGE, 'use Pod priority (priorityClassName) instead'),
  ga('HugePages', 14, 16, PAGE),
  ga('KubeletPluginsWatcher', 13, 16, PAGE),
  ga('PodReadinessGates', 14, 16, PAGE),
  ga('VolumeScheduling', 13, 16, PAGE),
  // unverified: PAGE says 1.16 was the last row, GARDENER first misses them in 1.17.
  ga('GCERegionalPersistentDisk', 13, 16, PAGE),
  ga('PersistentLocalVolumes', 14, 16, PAGE),
  dep('EnableAggregatedDiscoveryTimeout', 16, 17, PAGE),
  dep('MountContainers', 17, 17, GARDENER),
  dep('RequestManagement', 17, 17, GARDENER, 'replaced by APIPriorityAndFairness'),
  ga('CustomResourceDefaulting', 17, 18, PAGE),
  ga('CustomResourcePublishOpenAPI', 16, 18, PAGE),
  ga('CustomResourceSubresources', 16, 18, PAGE),
  ga('CustomResourceValidation', 16, 18, PAGE),
  ga('CustomResourceWebhookConversion', 16, 18, PAGE),
  ga('PodPriority', 14, 18, PAGE),
  ga('ResourceQuotaScopeSelectors', 17, 18, PAGE),
  ga('ScheduleDaemonSetPods', 17, 18, PAGE),
  ga('TaintNodesByCondition', 17, 18, PAGE),
  dep('DynamicAuditing', 19, 19, GARDENER, 'dynamic audit sinks (AuditSink) were removed; use --audit-webhook-config-file'),
  dep('ResourceLimitsPriorityFunction', 19, 19, GARDENER),
  ga('PodShareProcessNamespace', 17, 19, PAGE),
  // unverified: PAGE puts the last row at 1.24, GARDENER's extraction has the gate gone from 1.19.
  ga('VolumeSubpathEnvExpansion', 17, 19, GARDENER),
  ga('ServiceLoadBalancerFinalizer', 17, 20, PAGE),
  ga('SupportIPVSProxyMode', 11, 20, PAGE),
  ga('TaintBasedEvictions', 18, 20, PAGE),
  // unverified: PAGE 1.20, GARDENER 1.21.
  ga('WindowsGMSA', 18, 20, PAGE),
  ga('WindowsRunAsUserName', 18, 20, PAGE),

  // Removed in 1.21 (PAGE "To 1.21" rows; GARDENER: gone from release-1.21).
  ga('AttachVolumeLimit', 17, 21, GARDENER),
  ga('BlockVolume', 18, 21, GARDENER),
  ga('CSIBlockVolume', 18, 21, GARDENER),
  ga('CSIDriverRegistry', 18, 21, GARDENER),
  dep('CSIMigrationAWSComplete', 21, 21, GARDENER, 'replaced by InTreePluginAWSUnregister'),
  dep('CSIMigrationAzureDiskComplete', 21, 21, GARDENER, 'replaced by InTreePluginAzureDiskUnregister'),
  dep('CSIMigrationAzureFileComplete', 21, 21, GARDENER, 'replaced by InTreePluginAzureFileUnregister'),
  dep('CSIMigrationGCEComplete', 21, 21, GARDENER, 'replaced by InTreePluginGCEUnregister'),
  dep('CSIMigrationOpenStackComplete', 21, 21, GARDENER, 'replaced by InTreePluginOpenStackUnregister'),
  // unverified: PAGE 1.22, GARDENER 1.21.
  ga('CSINodeInfo', 17, 21, GARDENER),
  ga('EvenPodsSpread', 19, 21, GARDENER),
  ga('RotateKubeletClientCertificate', 19, 21, GARDENER),
  ga('TokenRequest', 20, 21, GARDENER),
  ga('TokenRequestProjection', 20, 21, GARDENER),
  ga('VolumePVCDataSource', 18, 21, GARDENER),

  // Removed in 1.22.
  dep('BalanceAttachedNodeVolumes', 22, 22, GARDENER, 'the scheduler priority was removed'),
  ga('CRIContainerLogRotation', 21, 22, CL(22)),
  dep('CSIMigrationvSphereComplete', 22, 22, GARDENER, 'replaced by InTreePluginvSphereUnregister'),
  ga('ExternalPolicyForExternalIP', 18, 22, GARDENER),
  ga('LegacyNodeRoleBehavior', 21, 22, GARDENER),
  ga('NodeDisruptionExclusion', 21, 22, GARDENER),
  ga('RootCAConfigMap', 21, 22, CL(22)),
  ga('RunAsGroup', 21, 22, GARDENER),
  ga('SCTPSupport', 20, 22, GARDENER),
  ga('ServiceAppProtocol', 20, 22, GARDENER),
  ga('ServiceNodeExclusion', 21, 22, GARDENER),
  dep('ServiceTopology', 20, 22, GARDENER, 'use topology-aware routing (service.kubernetes.io/topology-mode)'),
  // unverified: PAGE 1.22, GARDENER 1.23.
  ga('Sysctls', 21, 22, PAGE),
  ga('VolumeSnapshotDataSource', 20, 22, CL(22), 'the release notes say it can no longer be set (#101531)'),

  // Removed in 1.23.
  ga('AllowInsecureBackendProxy', 21, 23, GARDENER, 'the PAGE row ("To 1.25") is wrong: the gate was removed in the 1.23 cycle (#103796)'),
  ga('BoundServiceAccountTokenVolume', 22, 23, GARDENER),
  ga('CronJobControllerV2', 22, 23, GARDENER),
  // unverified: PAGE 1.23, GARDENER 1.24.
  ga('NamespaceDefaultLabelName', 22, 23, PAGE),
  ga('NodeLease', 17, 23, CL(23)),
  ga('ServiceAccountIssuerDiscovery', 21, 23, GARDENER),
  ga('StartupProbe', 20, 23, GARDENER),
  ga('SupportNodePidsLimit', 20, 23, GARDENER),
  ga('SupportPodPidsLimit', 20, 23, GARDENER),

  // Removed in 1.24.
  ga('HugePageStorageMediumSize', 22, 24, GARDENER),
  ga('ImmutableEphemeralVolumes', 21, 24, GARDENER),
  ga('RuntimeClass', 20, 24, GARDENER),
  ga('SetHostnameAsFQDN', 22, 24, GARDENER),
  dep('StreamingProxyRedirects', 18, 24, CL(24)),
  dep('ValidateProxyRedirects', 22, 24, CL(24)),
  ga('WarningHeaders', 22, 24, GARDENER),

  // Removed in 1.25 (PAGE "To 1.24"; GARDENER still lists them in release-1.24).
  ga('CSIServiceAccountToken', 22, 25, PAGE),
  ga('EndpointSlice', 21, 25, PAGE),
  ga('EndpointSliceNodeName', 21, 25, PAGE),
  ga('EndpointSliceProxying', 22, 25, PAGE),
  ga('GenericEphemeralVolume', 23, 25, PAGE),
  ga('IngressClassNamespacedParams', 23, 25, PAGE),
  ga('IPv6DualStack', 23, 25, PAGE, 'the cloud-controller-manager kept accepting it until 1.26 (1.27 release notes, #116255)'),
  ga('StorageObjectInUseProtection', 11, 25, PAGE),
  ga('TTLAfterFinished', 23, 25, PAGE),
  ga('VolumeSubpath', 10, 25, PAGE, 'the 1.23 notes announced its removal for 1.25'),
  ga('WindowsEndpointSliceProxying', 22, 25, PAGE),

  // Removed in 1.26 (PAGE "To 1.25"; GARDENER gives the same minor for the ones it still lists).
  ga('ConfigurableFSGroupPolicy', 23, 26, PAGE),
  ga('CSIMigrationOpenStack', 24, 26, PAGE),
  ga('CSIVolumeFSGroupPolicy', 23, 26, PAGE),
  ga('CSRDuration', 24, 26, PAGE),
  ga('DefaultPodTopologySpread', 24, 26, PAGE),
  dep('DynamicKubeletConfig', 22, 26, GATE('DynamicKubeletConfig'), 'the kubelet dropped Dynamic Kubelet Configuration in 1.24; use a kubelet config file'),
  ga('IndexedJob', 24, 26, PAGE),
  ga('NonPreemptingPriority', 24, 26, PAGE),
  ga('PodAffinityNamespaceSelector', 24, 26, PAGE),
  ga('PodDisruptionBudget', 21, 26, PAGE),
  ga('PodOverhead', 24, 26, PAGE),
  ga('PreferNominatedNode', 24, 26, PAGE),
  ga('SelectorIndex', 20, 26, PAGE),
  ga('ServiceLBNodePortControl', 24, 26, PAGE),
  ga('ServiceLoadBalancerClass', 24, 26, PAGE),
  ga('SuspendJob', 24, 26, PAGE),

  // Removed in 1.27 (CL(27): #114410, #113942, #113534).
  ga('ControllerManagerLeaderMigration', 24, 27, PAGE),
  ga('CSIInlineVolume', 25, 27, CL(27)),
  ga('CSIMigration', 25, 27, CL(27)),
  ga('CSIMigrationAWS', 25, 27, GARDENER),
  ga('CSIMigrationAzureDisk', 24, 27, PAGE),
  ga('DaemonSetUpdateSurge', 25, 27, CL(27), 'one revision of the removed-gates page lists 1.28 as its last release; the 1.27 notes and the gate file say removed in 1.27'),
  ga('EphemeralContainers', 25, 27, CL(27)),
  ga('ExpandCSIVolumes', 24, 27, PAGE),
  ga('ExpandInUsePersistentVolumes', 24, 27, PAGE),
  ga('ExpandPersistentVolumes', 24, 27, PAGE),
  ga('IdentifyPodOS', 25, 27, CL(27)),
  ga('LocalStorageCapacityIsolation', 25, 27, CL(27)),
  ga('NetworkPolicyEndPort', 25, 27, CL(27)),
  ga('StatefulSetMinReadySeconds', 25, 27, CL(27)),

  // Removed in 1.28.
  ga('AdvancedAuditing', 12, 28, GATE('AdvancedAuditing')),
  ga('CSIMigrationGCE', 25, 28, GATE('CSIMigrationGCE')),
  ga('CSIStorageCapacity', 24, 28, GATE('CSIStorageCapacity')),
  ga('DelegateFSGroupToCSIDriver', 26, 28, GATE('DelegateFSGroupToCSIDriver')),
  ga('DevicePlugins', 26, 28, GATE('DevicePlugins')),
  ga('DisableAcceleratorUsageMetrics', 25, 28, GATE('DisableAcceleratorUsageMetrics')),
  ga('DryRun', 19, 28, GATE('DryRun')),
  ga('EndpointSliceTerminatingCondition', 26, 28, GATE('EndpointSliceTerminatingCondition')),
  // unverified: the website's gate file says 1.28 still accepts it; GARDENER, AKS Engine (citing kubernetes#116901)
  // and the EKS AMI's nodeadm all stop passing it from 1.28. The earlier minor is kept.
  ga('KubeletCredentialProviders', 26, 28, GARDENER),
  ga('MixedProtocolLBService', 26, 28, GATE('MixedProtocolLBService')),
  ga('PodSecurity', 25, 28, GATE('PodSecurity'), 'the gate only; the PodSecurity admission plugin stays'),
  ga('ServiceInternalTrafficPolicy', 26, 28, GATE('ServiceInternalTrafficPolicy')),
  ga('ServiceIPStaticSubrange', 26, 28, GATE('ServiceIPStaticSubrange')),
  ga('WindowsHostProcessContainers', 26, 28, CL(28)),

  // Removed in 1.29.
  ga('CronJobTimeZone', 27, 29, GATE('CronJobTimeZone')),
  ga('CSIMigrationvSphere', 26, 29, GATE('CSIMigrationvSphere')),
  ga('DownwardAPIHugePages', 27, 29, GATE('DownwardAPIHugePages')),
  ga('GRPCContainerProbe', 27, 29, GATE('GRPCContainerProbe')),
  ga('JobMutableNodeSchedulingDirectives', 27, 29, GATE('JobMutableNodeSchedulingDirectives')),
  ga('JobTrackingWithFinalizers', 26, 29, GATE('JobTrackingWithFinalizers')),
  ga('LegacyServiceAccountTokenNoAutoGeneration', 26, 29, GATE('LegacyServiceAccountTokenNoAutoGeneration')),
  ga('OpenAPIV3', 27, 29, GATE('OpenAPIV3')),
  ga('ProbeTerminationGracePeriod', 28, 29, GATE('ProbeTerminationGracePeriod')),
  ga('RetroactiveDefaultStorageClass', 28, 29, GATE('RetroactiveDefaultStorageClass')),
  ga('SeccompDefault', 27, 29, GATE('SeccompDefault')),
  ga('TopologyManager', 27, 29, GATE('TopologyManager')),

  // Removed in 1.30.
  ga('APISelfSubjectReview', 28, 30, GATE('APISelfSubjectReview')),
  ga('CSIMigrationAzureFile', 26, 30, GATE('CSIMigrationAzureFile')),
  ga('ExpandedDNSConfig', 28, 30, GATE('ExpandedDNSConfig')),
  dep('ExperimentalHostUserNamespaceDefaulting', 28, 30, GARDENER),
  ga('IPTablesOwnershipCleanup', 28, 30, GATE('IPTablesOwnershipCleanup')),
  ga('KubeletPodResources', 28, 30, GARDENER),
  ga('KubeletPodResourcesGetAllocatable', 28, 30, GARDENER),
  ga('LegacyServiceAccountTokenTracking', 28, 30, GATE('LegacyServiceAccountTokenTracking')),
  ga('MinimizeIPTablesRestore', 28, 30, GATE('MinimizeIPTablesRestore')),
  ga('ProxyTerminatingEndpoints', 28, 30, GATE('ProxyTerminatingEndpoints')),
  ga('RemoveSelfLink', 24, 30, GATE('RemoveSelfLink'), 'metadata.selfLink is never set'),

  // Removed in 1.31.
  ga('APIPriorityAndFairness', 29, 31, GATE('APIPriorityAndFairness')),
  ga('ConsistentHTTPGetHandlers', 25, 31, GATE('ConsistentHTTPGetHandlers')),
  ga('CSINodeExpandSecret', 29, 31, GATE('CSINodeExpandSecret')),
  ga('CustomResourceValidationExpressions', 29, 31, GATE('CustomResourceValidationExpressions')),
  ga('JobReadyPods', 29, 31, GATE('JobReadyPods')),
  ga('ReadWriteOncePod', 29, 31, GATE('ReadWriteOncePod')),
  ga('ServiceNodePortStaticSubrange', 29, 31, GARDENER),

  // Removed in 1.32 (gate files only).
  ga('CloudDualStackNodeIPs', 30, 32, GATE('CloudDualStackNodeIPs')),
  ga('HPAContainerMetrics', 30, 32, GATE('HPAContainerMetrics')),
  ga('KMSv2', 29, 32, GATE('KMSv2')),
  ga('KMSv2KDF', 29, 32, GATE('KMSv2KDF')),
  ga('LegacyServiceAccountTokenCleanUp', 30, 32, GATE('LegacyServiceAccountTokenCleanUp')),
  ga('MinDomainsInPodTopologySpread', 30, 32, GATE('MinDomainsInPodTopologySpread')),
  ga('NodeOutOfServiceVolumeDetach', 28, 32, GATE('NodeOutOfServiceVolumeDetach')),
  ga('PodHostIPs', 30, 32, GATE('PodHostIPs')),
  ga('ServerSideApply', 22, 32, GATE('ServerSideApply')),
  ga('ServerSideFieldValidation', 27, 32, GATE('ServerSideFieldValidation')),
  ga('StableLoadBalancerNodeSet', 30, 32, GATE('StableLoadBalancerNodeSet')),
  ga('ValidatingAdmissionPolicy', 30, 32, GATE('ValidatingAdmissionPolicy')),
  ga('ZeroLimitedNominalConcurrencyShares', 30, 32, GATE('ZeroLimitedNominalConcurrencyShares')),

  // Removed in 1.33 (gate files only).
  ga('AdmissionWebhookMatchConditions', 30, 33, GATE('AdmissionWebhookMatchConditions')),
  ga('AggregatedDiscoveryEndpoint', 30, 33, GATE('AggregatedDiscoveryEndpoint')),
  ga('APIListChunking', 29, 33, GATE('APIListChunking')),
  ga('AppArmor', 31, 33, GATE('AppArmor'), 'use the appArmorProfile fields of the security context'),
  ga('DisableCloudProviders', 31, 33, GATE('DisableCloudProviders'), 'in-tree cloud providers are gone; --cloud-provider accepts only "" or external'),
  ga('DisableKubeletCloudCredentialProviders', 31, 33, GATE('DisableKubeletCloudCredentialProviders')),
  ga('KubeProxyDrainingTerminatingNodes', 31, 33, GATE('KubeProxyDrainingTerminatingNodes')),
  ga('PDBUnhealthyPodEvictionPolicy', 31, 33, GATE('PDBUnhealthyPodEvictionPolicy')),
];

const BY_NAME = new Map<string, RemovedGate>(REMOVED_GATES.map((g) => [g.gate, g]));

export function removedGate(gate: string): RemovedGate | undefined {
  return BY_NAME.get(gate);
}
