/**
 * Knowledge base: the Kubernetes version-skew policy (https://kubernetes.io/releases/version-skew-policy/).
 * All numbers are minors of 1.x. The newest kube-apiserver in an HA control plane is the reference.
 */

export const SKEW_SOURCE = 'https://kubernetes.io/releases/version-skew-policy/';

/** How many minors a kubelet (and kube-proxy) may be older than the kube-apiserver: 2 before 1.28, 3 from 1.28. */
export function kubeletMaxBehind(apiserverMinor: number): number {
  return apiserverMinor >= 28 ? 3 : 2;
}

export type SkewComponent = 'kubelet' | 'kube-proxy' | 'kube-controller-manager' | 'kube-scheduler' | 'cloud-controller-manager' | 'kubectl' | 'kube-apiserver';

export interface SkewVerdict {
  readonly ok: boolean;
  /** Oldest and newest minors allowed next to `apiserverMinor`. */
  readonly oldest: number;
  readonly newest: number;
  readonly rule: string;
}

/** Is `component` at `componentMinor` allowed next to a kube-apiserver at `apiserverMinor`? */
export function skewVerdict(component: SkewComponent, componentMinor: number, apiserverMinor: number): SkewVerdict {
  let oldest: number;
  let newest: number;
  let rule: string;
  switch (component) {
    case 'kubelet':
    case 'kube-proxy': {
      const behind = kubeletMaxBehind(apiserverMinor);
      oldest = apiserverMinor - behind;
      newest = apiserverMinor;
      rule = `${component} must not be newer than kube-apiserver and may be up to ${behind} minor versions older${apiserverMinor >= 28 ? ' (3 from 1.28)' : ' (2 before 1.28)'}`;
      break;
    }
    case 'kube-controller-manager':
    case 'kube-scheduler':
    case 'cloud-controller-manager':
      oldest = apiserverMinor - 1;
      newest = apiserverMinor;
      rule = `${component} must not be newer than kube-apiserver and may be at most 1 minor version older`;
      break;
    case 'kubectl':
      oldest = apiserverMinor - 1;
      newest = apiserverMinor + 1;
      rule = 'kubectl is supported within one minor version (older or newer) of kube-apiserver';
      break;
    case 'kube-apiserver':
      oldest = apiserverMinor - 1;
      newest = apiserverMinor;
      rule = 'kube-apiserver instances of an HA control plane must be within 1 minor version of each other';
      break;
  }
  return { ok: componentMinor >= oldest && componentMinor <= newest, oldest, newest, rule };
}

/**
 * In-place upgrades of the control plane go one minor at a time (kube-apiserver may only move by one minor,
 * and storage migrations assume it). Nodes may lag behind as long as the kubelet skew holds.
 */
export const IN_PLACE_STEP = 1;
