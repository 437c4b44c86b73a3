/**
 * Knowledge base: command-line flags of the control-plane components and the kubelet that were removed (the
 * binary refuses to start when they are set) or deprecated, 1.16 to 1.34, the ones operators hit. Sources:
 * the CHANGELOG of each minor (https://github.com/kubernetes/kubernetes/tree/master/CHANGELOG) and the
 * component reference pages (https://kubernetes.io/docs/reference/command-line-tools-reference/).
 *
 * `removedIn` is the first minor whose binary no longer accepts the flag; null when it is deprecated with no
 * removal announced. A flag whose meaning went away earlier than the flag itself says so in `note`.
 *
 * Checked against the release notes of each minor (kubernetes/sig-release releases/release-1.x/release-notes,
 * the text of the CHANGELOG's x.0 section) and the Kubernetes blog. Entries those did not confirm carry an
 * `unverified:` comment; corroboration from vendors' installers (AKS Engine, the EKS AMI) is named where used.
 */

export type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubelet';
export const COMPONENTS: readonly Component[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet'];

export interface RemovedFlag {
  readonly component: Component;
  /** Without the leading dashes. */
  readonly flag: string;
  /** Only when the flag's value matches (e.g. `--cloud-provider=aws`); a RegExp source, anchored. */
  readonly value?: string;
  readonly deprecatedIn: number;
  readonly removedIn: number | null;
  readonly replacement: string;
  readonly note: string;
  readonly source: string;
}

export interface RemovedAdmissionPlugin {
  readonly plugin: string;
  readonly deprecatedIn: number;
  readonly removedIn: number;
  readonly replacement: string;
  readonly source: string;
}

const CL = (minor: number): string => `https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.${minor}.md`;
const KLOG = 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-instrumentation/2845-deprecate-klog-specific-flags-in-k8s-components';
const DOCKERSHIM = 'https://kubernetes.io/blog/2022/02/17/dockershim-faq/';

const KLOG_FLAGS = ['log-dir', 'log-file', 'log-file-max-size', 'logtostderr', 'alsologtostderr', 'one-output', 'skip-headers', 'skip-log-headers', 'stderrthreshold', 'add-dir-header'];

/** Deprecated in 1.23 (KEP-2845); removed in 1.26 ("Legacy klog flags are no longer available", #112120). */
function klog(component: Component): RemovedFlag[] {
  return KLOG_FLAGS.map((flag) => ({
    component,
    flag,
    deprecatedIn: 23,
    removedIn: 26,
    replacement: 'log to stderr and let the supervisor (systemd, the container runtime) write files',
    note: 'klog-specific flags (KEP-2845)',
    source: KLOG,
  }));
}

/**
 * kube-apiserver: --address, --insecure-bind-address, --port, --insecure-port removed in 1.24 (#106859);
 * kube-controller-manager: --address, --port removed in 1.24 (#106860).
 * unverified: the deprecation minor of the controller-manager and scheduler flags (17), and the scheduler's
 * removal (its 1.23 note, #96345, announces it for 1.24; no removal note was found).
 */
function insecure(component: Component, flags: readonly string[], removedIn: number): RemovedFlag[] {
  return flags.map((flag) => ({
    component,
    flag,
    deprecatedIn: component === 'kube-apiserver' ? 10 : 17,
    removedIn,
    replacement: component === 'kube-apiserver' ? '--secure-port / --bind-address (insecure serving is gone)' : '--secure-port / --bind-address',
    note: 'insecure serving stopped working in 1.20 (only 0 was accepted); the flags themselves were removed later',
    source: CL(removedIn),
  }));
}

const DOCKERSHIM_FLAGS = [
  'docker-endpoint',
  'image-pull-progress-deadline',
  'network-plugin',
  'network-plugin-mtu',
  'cni-conf-dir',
  'cni-bin-dir',
  'cni-cache-dir',
  'experimental-dockershim-root-directory',
  'non-masquerade-cidr',
];

export const REMOVED_FLAGS: readonly RemovedFlag[] = [
  // kube-apiserver
  ...insecure('kube-apiserver', ['insecure-port', 'insecure-bind-address', 'address', 'port'], 24),
  ...['insecure-port', 'port'].map(
    (flag): RemovedFlag => ({ component: 'kube-apiserver', flag, value: '[1-9][0-9]*', deprecatedIn: 10, removedIn: 20, replacement: '--secure-port', note: 'from 1.20 only 0 is accepted ("invalid port value: only zero is allowed")', source: 'https://github.com/kubernetes/kubernetes/pull/95856' }),
  ),
  // unverified: enable-swagger-ui, basic-auth-file, experimental-encryption-provider-config, kubelet-https,
  // target-ram-mb and deserialization-cache-size (removal minors before 1.24 not found in the stored notes).
  { component: 'kube-apiserver', flag: 'enable-swagger-ui', deprecatedIn: 10, removedIn: 14, replacement: 'the OpenAPI endpoints /openapi/v2 and /openapi/v3', note: 'swagger 1.2 is gone', source: CL(14) },
  { component: 'kube-apiserver', flag: 'basic-auth-file', deprecatedIn: 16, removedIn: 19, replacement: 'client certificates, tokens or an authenticating proxy / OIDC', note: 'static password authentication was removed', source: CL(19) },
  { component: 'kube-apiserver', flag: 'experimental-encryption-provider-config', deprecatedIn: 13, removedIn: 14, replacement: '--encryption-provider-config', note: 'renamed', source: CL(14) },
  { component: 'kube-apiserver', flag: 'kubelet-https', deprecatedIn: 19, removedIn: 22, replacement: '(none: the apiserver always talks HTTPS to kubelets)', note: '', source: CL(22) },
  { component: 'kube-apiserver', flag: 'target-ram-mb', deprecatedIn: 20, removedIn: 23, replacement: '(none)', note: 'had no effect', source: CL(23) },
  { component: 'kube-apiserver', flag: 'deserialization-cache-size', deprecatedIn: 13, removedIn: 23, replacement: '(none)', note: 'had no effect', source: CL(23) },
  { component: 'kube-apiserver', flag: 'service-account-api-audiences', deprecatedIn: 24, removedIn: 25, replacement: '--api-audiences', note: 'renamed; removed in 1.25 (#108624)', source: CL(25) }, // unverified: deprecation minor
  { component: 'kube-apiserver', flag: 'master-count', deprecatedIn: 24, removedIn: null, replacement: '--endpoint-reconciler-type=lease (the default)', note: 'deprecated with the master-count reconciler (#108062)', source: CL(24) },
  // Deprecated in 1.26 (#112797, "will be removed in 1.27"). unverified: the removal itself; AKS Engine stops
  // passing it from 1.27.
  { component: 'kube-apiserver', flag: 'master-service-namespace', deprecatedIn: 26, removedIn: 27, replacement: '(none: it had no effect)', note: '', source: CL(26) },
  // In-tree cloud providers: removed in 1.31 (blog "Kubernetes Removals and Major Changes In v1.31"; the
  // DisableCloudProviders gate page: from 1.31 only "" and external are valid). unverified: deprecation minor.
  { component: 'kube-apiserver', flag: 'cloud-provider', value: '(aws|gce|azure|vsphere|openstack)', deprecatedIn: 26, removedIn: 31, replacement: 'an external cloud-controller-manager', note: 'in-tree cloud providers were removed', source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/' },
  { component: 'kube-apiserver', flag: 'admission-control', deprecatedIn: 10, removedIn: null, replacement: '--enable-admission-plugins / --disable-admission-plugins', note: 'deprecated', source: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/' },
  ...klog('kube-apiserver'),
  // kube-controller-manager
  ...insecure('kube-controller-manager', ['address', 'port'], 24),
  // Deprecated in 1.19 (#91154), removed in 1.25 (#108476).
  { component: 'kube-controller-manager', flag: 'experimental-cluster-signing-duration', deprecatedIn: 19, removedIn: 25, replacement: '--cluster-signing-duration', note: 'renamed', source: CL(25) },
  // Removed in 1.25 (#109612). unverified: deprecation minor.
  ...['deleting-pods-qps', 'deleting-pods-burst', 'register-retry-count'].map(
    (flag): RemovedFlag => ({ component: 'kube-controller-manager', flag, deprecatedIn: 24, removedIn: 25, replacement: '(none)', note: '', source: CL(25) }),
  ),
  // pod-eviction-timeout deprecated in 1.26 (#113710); both removed in 1.27 (#115840).
  { component: 'kube-controller-manager', flag: 'pod-eviction-timeout', deprecatedIn: 26, removedIn: 27, replacement: 'taint-based eviction tolerations (tolerationSeconds)', note: '', source: CL(27) },
  // unverified: deprecation minor (the 1.26 notes already call it deprecated).
  { component: 'kube-controller-manager', flag: 'enable-taint-manager', deprecatedIn: 26, removedIn: 27, replacement: '(none: taint-based eviction is always on)', note: '', source: CL(27) },
  // unverified: removal minor.
  { component: 'kube-controller-manager', flag: 'horizontal-pod-autoscaler-use-rest-clients', deprecatedIn: 12, removedIn: 19, replacement: '(none)', note: 'heapster support was removed', source: CL(19) },
  { component: 'kube-controller-manager', flag: 'cloud-provider', value: '(aws|gce|azure|vsphere|openstack)', deprecatedIn: 26, removedIn: 31, replacement: 'an external cloud-controller-manager', note: 'in-tree cloud providers were removed', source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/' },
  ...klog('kube-controller-manager'),
  // kube-scheduler
  ...insecure('kube-scheduler', ['address', 'port'], 24),
  // Removed with the scheduler Policy API in 1.23 (#105424). unverified: algorithm-provider (not named there).
  ...['algorithm-provider', 'policy-config-file', 'policy-configmap', 'policy-configmap-namespace', 'use-legacy-policy-config'].map(
    (flag): RemovedFlag => ({ component: 'kube-scheduler', flag, deprecatedIn: 19, removedIn: 23, replacement: '--config with a KubeSchedulerConfiguration (profiles and plugins)', note: 'the scheduler Policy API was removed', source: CL(23) }),
  ),
  // Removed in 1.28 (#119130). unverified: deprecation minor.
  { component: 'kube-scheduler', flag: 'lock-object-name', deprecatedIn: 19, removedIn: 28, replacement: '--leader-elect-resource-name', note: '', source: CL(28) },
  { component: 'kube-scheduler', flag: 'lock-object-namespace', deprecatedIn: 19, removedIn: 28, replacement: '--leader-elect-resource-namespace', note: '', source: CL(28) },
  ...klog('kube-scheduler'),
  // kubelet
  // dockershim removed in 1.24 (#97252); AKS Engine drops the same nine flags from 1.24.
  ...DOCKERSHIM_FLAGS.map(
    (flag): RemovedFlag => ({ component: 'kubelet', flag, deprecatedIn: 20, removedIn: 24, replacement: 'a CRI runtime (containerd, CRI-O) configured in the runtime itself', note: 'dockershim was removed', source: DOCKERSHIM }),
  ),
  // The website's dockershim migration page: "--container-runtime … (unavailable in Kubernetes v1.27 and later)".
  { component: 'kubelet', flag: 'container-runtime', deprecatedIn: 24, removedIn: 27, replacement: '--container-runtime-endpoint', note: 'only "remote" was accepted from 1.24', source: CL(27) },
  // unverified: removal minor.
  { component: 'kubelet', flag: 'experimental-allocatable-ignore-eviction', deprecatedIn: 24, removedIn: 25, replacement: '(none)', note: '', source: CL(25) },
  // Removed in 1.23 (#103941).
  { component: 'kubelet', flag: 'seccomp-profile-root', deprecatedIn: 19, removedIn: 23, replacement: '<root-dir>/seccomp (fixed)', note: '', source: CL(23) },
  // Removed in 1.31 (#122082, "deprecated in 2017").
  { component: 'kubelet', flag: 'keep-terminated-pod-volumes', deprecatedIn: 8, removedIn: 31, replacement: '(none)', note: '', source: CL(31) },
  // Deprecated in 1.28 (#118596). unverified: the removal; AKS Engine stops passing it from 1.30.
  { component: 'kubelet', flag: 'azure-container-registry-config', deprecatedIn: 28, removedIn: 30, replacement: '--image-credential-provider-config with the ACR credential provider', note: '', source: CL(28) },
  { component: 'kubelet', flag: 'cloud-provider', value: '(aws|gce|azure|vsphere|openstack)', deprecatedIn: 26, removedIn: 31, replacement: '--cloud-provider=external and a cloud-controller-manager', note: 'in-tree cloud providers were removed', source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/' },
  // Deprecated in 1.24 (#108045); no removal announced.
  { component: 'kubelet', flag: 'pod-infra-container-image', deprecatedIn: 24, removedIn: null, replacement: 'the sandbox image setting of the container runtime', note: 'ignored by CRI runtimes', source: CL(24) },
  // The DynamicKubeletConfig gate file: the kubelet dropped the feature in 1.24.
  { component: 'kubelet', flag: 'dynamic-config-dir', deprecatedIn: 22, removedIn: 24, replacement: 'a kubelet config file (--config)', note: 'Dynamic Kubelet Configuration was removed', source: CL(24) },
  ...klog('kubelet'),
];

export const REMOVED_ADMISSION_PLUGINS: readonly RemovedAdmissionPlugin[] = [
  // Removed in 1.25 (#109798).
  { plugin: 'PodSecurityPolicy', deprecatedIn: 21, removedIn: 25, replacement: 'PodSecurity (Pod Security Admission) or a policy engine', source: 'https://kubernetes.io/blog/2021/04/06/podsecuritypolicy-deprecation-past-present-and-future/' },
  // Deprecated in 1.27 (#115879), removed in 1.30 (1.30 release blog).
  { plugin: 'SecurityContextDeny', deprecatedIn: 27, removedIn: 30, replacement: 'PodSecurity admission or a policy engine', source: 'https://kubernetes.io/blog/2024/04/17/kubernetes-v1-30-release/' },
  // unverified: Initializers (before the range the notes were checked for).
  { plugin: 'Initializers', deprecatedIn: 13, removedIn: 14, replacement: 'admission webhooks', source: CL(14) },
  // The 1.13 notes (#72737) deprecate both "for removal in v1.18". unverified: the removal itself.
  { plugin: 'DenyEscalatingExec', deprecatedIn: 13, removedIn: 18, replacement: 'PodSecurity admission or a policy engine', source: CL(18) },
  { plugin: 'DenyExecOnPrivileged', deprecatedIn: 13, removedIn: 18, replacement: 'PodSecurity admission or a policy engine', source: CL(18) },
  // Deprecated in 1.8 (#52618). unverified: the removal in 1.31 (it still existed in 1.30).
  { plugin: 'PersistentVolumeLabel', deprecatedIn: 8, removedIn: 31, replacement: 'the cloud-controller-manager\'s PersistentVolume labels', source: CL(31) },
];

/** The flag entries of a component, by flag name (several may match when one keys on the value). */
export function flagEntries(component: Component, flag: string): RemovedFlag[] {
  return REMOVED_FLAGS.filter((f) => f.component === component && f.flag === flag);
}

export function admissionPlugin(plugin: string): RemovedAdmissionPlugin | undefined {
  return REMOVED_ADMISSION_PLUGINS.find((p) => p.plugin === plugin);
}
