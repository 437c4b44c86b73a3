/** Pure analysis of nodes (kubelet skew, docker:// runtimes) and legacy service-account token Secrets. */
import { skewVerdict, SKEW_SOURCE } from '../kb/skew.js';
import { minorText, parseKubeVersion } from '../kb/version.js';
import type { Finding } from '../types.js';
import { liveIdentity, type LiveObject } from './analyse.js';

interface NodeLike extends LiveObject {
  status?: { nodeInfo?: { kubeletVersion?: string; containerRuntimeVersion?: string } };
}

/** Nodes whose kubelet would break the skew policy at the target, and docker:// nodes crossing 1.24. */
export function nodeFindings(node: NodeLike, target: number): Finding[] {
  const out: Finding[] = [];
  const id = liveIdentity(node, 'Node', 'v1');
  const kv = node.status?.nodeInfo?.kubeletVersion ?? '';
  const runtime = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
  const kubelet = parseKubeVersion(kv);
  if (kubelet) {
    const v = skewVerdict('kubelet', kubelet.minor, target);
    if (!v.ok) {
      out.push({
        severity: 'blocker',
        code: 'kubelet-skew',
        message: `kubelet ${kv} is outside the skew policy for a ${minorText(target)} apiserver (allowed ${minorText(v.oldest)}–${minorText(v.newest)}): ${v.rule}; ${kubelet.minor < v.oldest ? `upgrade the node to at least ${minorText(v.oldest)} first (or replace it)` : 'the node is newer than the target'}`,
        identity: { ...id, client: `kubelet ${kv}` },
        subject: kv,
        source: SKEW_SOURCE,
      });
    }
  }
  if (runtime.startsWith('docker://') && target >= 24) {
    const already = kubelet !== undefined && kubelet.minor >= 24;
    out.push({
      severity: already ? 'info' : 'blocker',
      code: 'dockershim',
      message: already
        ? `runtime ${runtime} on a ${kv} kubelet: served through cri-dockerd (dockershim is gone since 1.24); keep cri-dockerd current or move to containerd`
        : `runtime ${runtime}: dockershim is removed in 1.24, so this node's kubelet cannot be upgraded to ${minorText(target)} as is; move it to containerd or CRI-O (or install cri-dockerd) first`,
      identity: id,
      subject: runtime,
      removedIn: '1.24',
      source: 'https://kubernetes.io/blog/2022/02/17/dockershim-faq/',
    });
  }
  return out;
}

/**
 * Legacy service-account token Secrets (type kubernetes.io/service-account-token): from 1.29 the token
 * clean-up labels those unused for a year invalid and later deletes them. One info finding for all of them.
 */
export function legacyTokenFinding(secrets: readonly LiveObject[], target: number): Finding | undefined {
  if (target < 29 || secrets.length === 0) return undefined;
  const names = secrets.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`);
  const used = secrets.filter((s) => s.metadata?.labels?.['kubernetes.io/legacy-token-last-used'] !== undefined).length;
  return {
    severity: 'info',
    code: 'legacy-sa-token',
    message: `${secrets.length} service-account token Secret(s) (${used} with a last-used label): from 1.29 tokens unused for a year are labelled invalid and then deleted; move their users to projected tokens (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`,
    identity: { source: 'live', apiVersion: 'v1', kind: 'Secret', namespace: secrets[0]!.metadata?.namespace ?? '', name: names.length > 1 ? `${secrets[0]!.metadata?.name ?? ''} (+${names.length - 1} more)` : (secrets[0]!.metadata?.name ?? '') },
    subject: 'kubernetes.io/service-account-token',
    source: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#auto-generated-legacy-serviceaccount-token-clean-up',
  };
}

/**
 * Fold node findings that say the same thing (same code, severity and subject) about more than `max` nodes
 * into one finding naming the first node, the count and a few more names: a 1,000-node pool of old kubelets
 * is one line, not 1,000.
 */
export function groupNodeFindings(findings: readonly Finding[], max = 10): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.code}|${f.severity}|${f.subject ?? ''}`;
    const g = groups.get(key) ?? [];
    g.push(f);
    groups.set(key, g);
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    if (g.length <= max) {
      out.push(...g);
      continue;
    }
    const names = g.map((f) => f.identity.name ?? '?');
    const first = g[0]!;
    out.push({
      ...first,
      identity: { ...first.identity, name: `${names[0]} (+${g.length - 1} more)` },
      message: `${g.length} nodes: ${first.message} (nodes: ${names.slice(0, 5).join(', ')}${g.length > 5 ? ', …' : ''})`,
    });
  }
  return out;
}

