// Who the caller of a command is (for the history entries of release and fleet actions): shared by both domains.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './api-error.js';
import type { KubeClient } from './http.js';
import { ref } from './resource.js';

/** Who the caller is, and how that was found out. */
export interface Identity {
  /** The user name recorded in history entries (`by`). */
  user: string;
  groups: string[];
  /**
   * `SelfSubjectReview authentication.k8s.io/v1` (or v1beta1, v1alpha1): what the API server says;
   * `kubeconfig impersonation`: the user the kubeconfig acts as;
   * `client certificate`: the CN of the kubeconfig's client certificate (what x509 authentication uses);
   * `kubeconfig user`: the name of the kubeconfig's user entry; `unknown`: nothing was found.
   */
  source: string;
}

/** SelfSubjectReview versions, newest first: v1 (Kubernetes 1.28+), v1beta1 (1.27+), v1alpha1 (1.26+, feature gate). */
export const REVIEW_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;

interface Review {
  status?: { userInfo?: { username?: string; groups?: string[] } };
}

/**
 * Whether a failed SelfSubjectReview should fall back to the next way (the version is not served: 404; the
 * caller may not create reviews: 403; other refusals of the request itself). Transport errors are not
 * fallbacks: the command would fail on its next call anyway, so they are thrown.
 */
export function isFallback(err: unknown): boolean {
  return err instanceof KubeApiError && [400, 401, 403, 404, 405, 406, 415, 501].includes(err.status);
}

/**
 * The caller's identity: a SelfSubjectReview (v1, then v1beta1, then v1alpha1), else the CN of the client
 * certificate in the kubeconfig, else the kubeconfig's user name, else "unknown".
 */
export async function whoAmI(client: Pick<KubeClient, 'create'>, kc: KubeConfig): Promise<Identity> {
  for (const version of REVIEW_VERSIONS) {
    try {
      const review = await client.create<Review>(ref(`authentication.k8s.io/${version}`, 'selfsubjectreviews'), {
        apiVersion: `authentication.k8s.io/${version}`,
        kind: 'SelfSubjectReview',
      });
      const info = review?.status?.userInfo;
      if (info?.username) return { user: info.username, groups: info.groups ?? [], source: `SelfSubjectReview authentication.k8s.io/${version}` };
    } catch (err) {
      if (!isFallback(err)) throw err;
    }
  }
  return identityFromKubeConfig(kc);
}

/**
 * Without a SelfSubjectReview: the user the kubeconfig impersonates, else the client certificate's CN and O
 * (groups), else the basic-auth user name, else the name of the kubeconfig's user entry.
 */
export function identityFromKubeConfig(kc: Pick<KubeConfig, 'getCurrentUser'>): Identity {
  const user = kc.getCurrentUser();
  if (user?.impersonateUser) return { user: user.impersonateUser, groups: [], source: 'kubeconfig impersonation' };
  const cert = certificateSubject(user?.certData, user?.certFile);
  if (cert?.cn) return { user: cert.cn, groups: cert.o, source: 'client certificate' };
  if (user?.username) return { user: user.username, groups: [], source: 'kubeconfig user' };
  if (user?.name) return { user: user.name, groups: [], source: 'kubeconfig user' };
  return { user: 'unknown', groups: [], source: 'unknown' };
}

/** CN and O values of a PEM certificate (base64 data or a file); undefined when unreadable. */
export function certificateSubject(certData: string | undefined, certFile: string | undefined): { cn: string | undefined; o: string[] } | undefined {
  try {
    const pem = certData ? Buffer.from(certData, 'base64') : certFile ? readFileSync(certFile) : undefined;
    if (!pem) return undefined;
    return parseSubject(new X509Certificate(pem).subject);
  } catch {
    return undefined;
  }
}

/** Parses Node's X509Certificate.subject ("CN=alice\nO=team-a\nO=dev"). */
export function parseSubject(subject: string): { cn: string | undefined; o: string[] } {
  let cn: string | undefined;
  const o: string[] = [];
  for (const line of subject.split('\n')) {
    const i = line.indexOf('=');
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (key === 'CN') cn = value;
    else if (key === 'O') o.push(value);
  }
  return { cn, o };
}
