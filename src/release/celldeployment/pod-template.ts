import { randomBytes } from 'node:crypto';
import type { V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { CellDeployment } from '../../api/index.js';
import type { PodTemplateLike } from '../plan/index.js';
import { KEYS, RELEASE_API_VERSION } from '../keys.js';

/** What a new pod is made from. */
export interface NewPod {
  name: string;
  unit: string;
  revision: string;
  /** The template of `revision` (spec.template, or an older one from its ControllerRevision). */
  template: PodTemplateLike;
}

/** The hostname spread inside a unit: best effort, so a unit with a cordoned node still gets its pods. */
const HOSTNAME = 'kubernetes.io/hostname';

/**
 * The pod the CellDeployment controller creates: the template plus Plinth's labels (celldeployment, unit,
 * revision), an owner reference (controller, blockOwnerDeletion), the protect finalizer, the traffic readiness
 * gate, a required node affinity on `topology.unitKey In [unit]` (added to every node selector term of the
 * template, which are ORed, so each keeps its meaning inside the unit) and a topology spread over hostnames
 * among the pods of the same CellDeployment and unit.
 */
export function buildPod(cd: CellDeployment, p: NewPod): V1Pod {
  const meta = p.template.metadata ?? {};
  const spec = structuredClone(p.template.spec ?? {}) as V1PodSpec;
  const unitKey = cd.spec.topology.unitKey;
  spec.affinity = withUnitAffinity(spec.affinity, unitKey, p.unit);
  spec.topologySpreadConstraints = [
    ...(spec.topologySpreadConstraints ?? []).filter((c) => c.topologyKey !== HOSTNAME || !isOurs(c.labelSelector?.matchLabels)),
    {
      maxSkew: 1,
      topologyKey: HOSTNAME,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { [KEYS.cellDeployment]: cd.metadata.name ?? '', [KEYS.unit]: p.unit } },
    },
  ];
  spec.readinessGates = [...(spec.readinessGates ?? []).filter((g) => g.conditionType !== KEYS.gate), { conditionType: KEYS.gate }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: cd.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [KEYS.cellDeployment]: cd.metadata.name ?? '', [KEYS.unit]: p.unit, [KEYS.revision]: p.revision },
      ...(meta.annotations && Object.keys(meta.annotations).length > 0 ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [
        { apiVersion: RELEASE_API_VERSION, kind: 'CellDeployment', name: cd.metadata.name ?? '', uid: cd.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
      finalizers: [KEYS.finalizer],
    },
    spec,
  };
}

function isOurs(labels: Record<string, string> | undefined): boolean {
  return labels !== undefined && KEYS.unit in labels && KEYS.cellDeployment in labels;
}

function withUnitAffinity(affinity: V1PodSpec['affinity'], unitKey: string, unit: string): NonNullable<V1PodSpec['affinity']> {
  const out = structuredClone(affinity ?? {});
  const expr = { key: unitKey, operator: 'In', values: [unit] };
  const required = out.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required?.nodeSelectorTerms ?? [];
  const pinned =
    terms.length === 0
      ? [{ matchExpressions: [expr] }]
      : terms.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? []).filter((e) => e.key !== unitKey), expr] }));
  out.nodeAffinity = { ...(out.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: pinned } };
  return out;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A new pod name: `<cd>-<5 characters>` (the characters ReplicaSet uses: no vowels, no confusable digits). */
export function newPodName(cdName: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
  return `${cdName.slice(0, 57)}-${suffix}`;
}
