/**
 * Knowledge base: command-line flags of the control-plane components and the kubelet that were removed (the
 * binary refuses to start when they are set) or deprecated, 1.16 to 1.34, the ones operators hit. Sources:
 * the CHANGELOG of each minor (https://github.com/kubernetes/kubernetes/tree/master/CHANGELOG) and the
 * component reference pages (https://kubernetes.io/docs/reference/command-line-tools-reference/).
 *
 * `removedIn` is the first minor whose binary no longer accepts the flag; null when it is deprecated with no
 * removal announced. A flag whose meaning went away earlier than the flag itself says so in `note`.
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
  { component: 'kube-apiserver', flag: 'enable-swagger-ui', deprecatedIn: 10, removedIn: 14, replacement: 'the OpenAPI endpoints /openapi/v2 and /openapi/v3', note: 'swagger 1.2 is gone', source: CL(14) },
  { component: 'kube-apiserver', flag: 'basic-auth-file', deprecatedIn: 16, removedIn: 19, replacement: 'client certificates, tokens or an authenticating proxy / OIDC', note: 'static password authentication was removed', source: CL(19) },
  { component: 'kube-apiserver', flag: 'experimental-encryption-provider-config', deprecatedIn: 13, removedIn: 14, replacement: '--encryption-provider-config', note: 'renamed', source: CL(14) },
  { component: 'kube-apiserver', flag: 'kubelet-https', deprecatedIn: 19, removedIn: 22, replacement: '(none: the apiserver always talks HTTPS to kubelets)', note: '', source: CL(22) },
  { component: 'kube-apiserver', flag: 'target-ram-mb', deprecatedIn: 20, removedIn: 23, replacement: '(none)', note: 'had no effect', source: CL(23) },
  { component: 'kube-apiserver', flag: 'deserialization-cache-size', deprecatedIn: 13, removedIn: 23, replacement: '(none)', note: 'had no effect', source: CL(23) },
  { component: 'kube-apiserver', flag: 'cloud-provider', value: '(aws|gce|azure|vsphere|openstack)', deprecatedIn: 26, removedIn: 31, replacement: 'an external cloud-controller-manager', note: 'in-tree cloud providers were removed', source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/' },
  { component: 'kube-apiserver', flag: 'admission-control', deprecatedIn: 10, removedIn: null, replacement: '--enable-admission-plugins / --disable-admission-plugins', note: 'deprecated', source: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/' },
  ...klog('kube-apiserver'),
  // kube-controller-manager
  ...insecure('kube-controller-manager', ['address', 'port'], 24),
  { component: 'kube-controller-manager', flag: 'experimental-cluster-signing-duration', deprecatedIn: 19, removedIn: 25, replacement: '--cluster-signing-duration', note: 'renamed', source: CL(25) },
  { component: 'kube-controller-manager', flag: 'pod-eviction-timeout', deprecatedIn: 24, removedIn: 27, replacement: 'taint-based eviction tolerations (tolerationSeconds)', note: '', source: CL(27) },
  { component: 'kube-controller-manager', flag: 'enable-taint-manager', deprecatedIn: 27, removedIn: 29, replacement: '(none: taint-based eviction is always on)', note: '', source: CL(29) },
  { component: 'kube-controller-manager', flag: 'horizontal-pod-autoscaler-use-rest-clients', deprecatedIn: 12, removedIn: 19, replacement: '(none)', note: 'heapster support was removed', source: CL(19) },
  { component: 'kube-controller-manager', flag: 'cloud-provider', value: '(aws|gce|azure|vsphere|openstack)', deprecatedIn: 26, removedIn: 31, replacement: 'an external cloud-controller-manager', note: 'in-tree cloud providers were removed', source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/' },
  ...klog('kube-controller-manager'),
  // kube-scheduler
  ...insecure('kube-scheduler', ['address', 'port'], 24),
  ...['algorithm-provider', 'policy-config-file', 'policy-configmap', 'policy-configmap-namespace', 'use-legacy-policy-config'].map(
    (flag): RemovedFlag => ({ component: 'kube-scheduler', flag, deprecatedIn: 19, removedIn: 23, replacement: '--config with a KubeSchedulerConfiguration (profiles and plugins)', note: 'the scheduler Policy API was removed', source: CL(23) }),
  ),
  { component: 'kube-scheduler', flag: 'lock-object-name', deprecatedIn: 19, removedIn: 27, replacement: '--leader-elect-resource-name', note: '', source: CL(27) },
  { component: 'kube-scheduler', flag: 'lock-object-namespace', deprecatedIn: 19, removedIn: 27, replacement: '--leader-elect-resource-namespace', note: '', source: CL(27) },
  ...klog('kube-scheduler'),
  // kubelet
  ...DOCKERSHIM_FLAGS.map(
    (flag): RemovedFlag => ({ component: 'kubelet', flag, deprecatedIn: 20, removedIn: 24, replacement: 'a CRI runtime (containerd, CRI-O) configured in the runtime itself', note: 'dockershim was removed', source: DOCKERSHIM }),
  ),
  { component: 'kubelet', flag: 'container-runtime', deprecatedIn: 24, removedIn: 27, replacement: '--container-runtime-endpoint', note: 'only "remote" was accepted from 1.24', source: CL(27) },
  { component: 'kubelet', flag: 'experimental-allocatable-ignore-eviction', deprecatedIn: 24, removedIn: 25, replacement: '(none)', note: '', source: CL(25) },
  { component: 'kubelet', flag: 'seccomp-profile-root', deprecatedIn: 19, removedIn: 23, replacement: '<root-dir>/seccomp (fixed)', note: '', source: CL(23) },
  { component: 'kubelet', flag: 'keep-terminated-pod-volumes', deprecatedIn: 8, removedIn: 31, replacement: '(none)', note: '', source: CL(31) },
  { component: 'kubelet', flag: 'cloud-provider', value: '(aws|gce|azure|vsphere|openstack)', deprecatedIn: 26, removedIn: 31, replacement: '--cloud-provider=external and a cloud-controller-manager', note: 'in-tree cloud providers were removed', source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/' },
  { component: 'kubelet', flag: 'pod-infra-container-image', deprecatedIn: 27, removedIn: null, replacement: 'the sandbox image setting of the container runtime', note: 'ignored by CRI runtimes', source: CL(27) },
  { component: 'kubelet', flag: 'dynamic-config-dir', deprecatedIn: 22, removedIn: 24, replacement: 'a kubelet config file (--config)', note: 'Dynamic Kubelet Configuration was removed', source: CL(24) },
  ...klog('kubelet'),
];

export const REMOVED_ADMISSION_PLUGINS: readonly RemovedAdmissionPlugin[] = [
  { plugin: 'PodSecurityPolicy', deprecatedIn: 21, removedIn: 25, replacement: 'PodSecurity (Pod Security Admission) or a policy engine', source: 'https://kubernetes.io/blog/2021/04/06/podsecuritypolicy-deprecation-past-present-and-future/' },
  { plugin: 'Initializers', deprecatedIn: 13, removedIn: 14, replacement: 'admission webhooks', source: CL(14) },
  { plugin: 'DenyEscalatingExec', deprecatedIn: 13, removedIn: 18, replacement: 'PodSecurity admission or a policy engine', source: CL(18) },
  { plugin: 'DenyExecOnPrivileged', deprecatedIn: 13, removedIn: 18, replacement: 'PodSecurity admission or a policy engine', source: CL(18) },
  { plugin: 'PersistentVolumeLabel', deprecatedIn: 8, removedIn: 31, replacement: 'the cloud-controller-manager\'s PersistentVolume labels', source: CL(31) },
];

/** The flag entries of a component, by flag name (several may match when one keys on the value). */
export function flagEntries(component: Component, flag: string): RemovedFlag[] {
  return REMOVED_FLAGS.filter((f) => f.component === component && f.flag === flag);
}

export function admissionPlugin(plugin: string): RemovedAdmissionPlugin | undefined {
  return REMOVED_ADMISSION_PLUGINS.find((p) => p.plugin === plugin);
}
