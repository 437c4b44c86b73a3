/**
 * Knowledge base: behaviour changes an operator must know about when a cluster crosses a minor, 1.16 to
 * 1.34. An assessment lists those between the current minor (exclusive) and the target (inclusive); the
 * scanners also turn some into targeted findings (e.g. a docker:// node crossing 1.24).
 */

export interface BehaviourChange {
  readonly id: string;
  /** The minor in which the change takes effect. */
  readonly minor: number;
  readonly area: string;
  readonly title: string;
  readonly action: string;
  readonly source: string;
}

export const BEHAVIOUR_CHANGES: readonly BehaviourChange[] = [
  {
    id: 'exec-probe-timeout',
    minor: 20,
    area: 'kubelet',
    title: 'exec probes honour timeoutSeconds (default 1s); probes that ran longer used to pass',
    action: 'set timeoutSeconds on slow exec probes before upgrading',
    source: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes',
  },
  {
    id: 'webhook-v1-defaults',
    minor: 22,
    area: 'admission',
    title: 'admissionregistration.k8s.io/v1beta1 is gone; v1 defaults failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds 10 and requires sideEffects and admissionReviewVersions',
    action: 'convert webhook configurations and set failurePolicy/timeoutSeconds explicitly where the old defaults were relied on',
    source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-22',
  },
  {
    id: 'dockershim-removed',
    minor: 24,
    area: 'kubelet',
    title: 'dockershim is removed: nodes must run a CRI runtime (containerd, CRI-O, or cri-dockerd)',
    action: 'move every node off docker:// (plinth reports each such node) before the kubelets reach 1.24',
    source: 'https://kubernetes.io/blog/2022/02/17/dockershim-faq/',
  },
  {
    id: 'sa-token-secrets',
    minor: 24,
    area: 'auth',
    title: 'Secret-based service-account tokens are no longer created automatically (LegacyServiceAccountTokenNoAutoGeneration)',
    action: 'use projected tokens (TokenRequest); create a kubernetes.io/service-account-token Secret explicitly for anything that reads one',
    source: 'https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token',
  },
  {
    id: 'beta-apis-off',
    minor: 24,
    area: 'apiserver',
    title: 'new beta APIs are no longer enabled by default',
    action: 'enable wanted beta APIs with --runtime-config',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-architecture/3136-beta-apis-off-by-default',
  },
  {
    id: 'psp-removed',
    minor: 25,
    area: 'admission',
    title: 'PodSecurityPolicy (API and admission plugin) is removed',
    action: 'migrate to Pod Security Admission (namespace labels) or a policy engine; remove PodSecurityPolicy from --enable-admission-plugins',
    source: 'https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/',
  },
  {
    id: 'pdb-empty-selector',
    minor: 25,
    area: 'policy',
    title: 'PodDisruptionBudgets are served only as policy/v1, where an empty selector ({}) selects every pod of the namespace (policy/v1beta1: none)',
    action: 'check PDBs with an empty selector: after the move they block evictions of every pod in their namespace',
    source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#poddisruptionbudget-v125',
  },
  {
    id: 'klog-flags-removed',
    minor: 26,
    area: 'components',
    title: 'klog flags (--log-dir, --logtostderr, …) are removed from all components',
    action: 'log to stderr and let the supervisor write files',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-instrumentation/2845-deprecate-klog-specific-flags-in-k8s-components',
  },
  {
    id: 'cri-v1alpha2-removed',
    minor: 26,
    area: 'kubelet',
    title: 'the kubelet speaks only CRI v1: containerd older than 1.6 does not work',
    action: 'upgrade containerd to 1.6 or newer (1.7+ recommended) before the kubelets',
    source: 'https://kubernetes.io/blog/2022/11/18/upcoming-changes-in-kubernetes-1-26/#cri-api-removal',
  },
  {
    id: 'registry-k8s-io',
    minor: 27,
    area: 'images',
    title: 'images are published only to registry.k8s.io (k8s.gcr.io is frozen)',
    action: 'point image references and mirrors at registry.k8s.io',
    source: 'https://kubernetes.io/blog/2023/03/10/image-registry-redirect/',
  },
  {
    id: 'kubelet-skew-3',
    minor: 28,
    area: 'skew',
    title: 'kubelets may be up to 3 minors older than the kube-apiserver (was 2)',
    action: 'fewer node upgrades are needed on the way; nodes still must not be newer than the apiserver',
    source: 'https://kubernetes.io/blog/2023/08/15/kubernetes-v1-28-release/',
  },
  {
    id: 'legacy-token-cleanup',
    minor: 29,
    area: 'auth',
    title: 'legacy service-account token Secrets unused for a year are labelled invalid and later deleted (LegacyServiceAccountTokenCleanUp, GA in 1.30)',
    action: 'find tokens still in use (label kubernetes.io/legacy-token-last-used) and move their users to projected or explicitly created tokens',
    source: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#auto-generated-legacy-serviceaccount-token-clean-up',
  },
  {
    id: 'kms-v1-off',
    minor: 29,
    area: 'apiserver',
    title: 'KMS v1 encryption providers need the KMSv1 feature gate (disabled by default)',
    action: 'move to KMS v2 before upgrading, or enable KMSv1 for the transition',
    source: 'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/',
  },
  {
    id: 'cgroup-v1-maintenance',
    minor: 31,
    area: 'kubelet',
    title: 'cgroup v1 support is in maintenance mode; later releases refuse cgroup v1 nodes by default',
    action: 'move nodes to cgroup v2 (a systemd-based distribution with the unified hierarchy)',
    source: 'https://kubernetes.io/blog/2024/08/14/kubernetes-1-31-moving-cgroup-v1-support-maintenance-mode/',
  },
  {
    id: 'in-tree-cloud-providers-removed',
    minor: 31,
    area: 'components',
    title: 'in-tree cloud providers are removed: --cloud-provider accepts only external (or nothing)',
    action: 'run the cloud-controller-manager of your provider and CSI drivers',
    source: 'https://kubernetes.io/blog/2024/05/20/completing-cloud-provider-migration/',
  },
  {
    id: 'endpoints-deprecated',
    minor: 33,
    area: 'apiserver',
    title: 'the v1 Endpoints API is deprecated (still served); EndpointSlices replace it',
    action: 'move clients that read Endpoints to discovery.k8s.io/v1 EndpointSlices',
    source: 'https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/',
  },
];

/** Behaviour changes met on the way from `fromMinor` (exclusive; undefined: unknown) to `toMinor` (inclusive). */
export function changesBetween(fromMinor: number | undefined, toMinor: number): BehaviourChange[] {
  return BEHAVIOUR_CHANGES.filter((c) => c.minor <= toMinor && (fromMinor === undefined || c.minor > fromMinor));
}
