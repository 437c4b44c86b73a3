import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { RELEASE_GROUP } from '../../api/release/group.js';
import { selectorMatches } from '../../kube/selector.js';
import { sidecarSetHash } from './hash.js';
import { KEYS } from '../keys.js';

/** Pod annotations the injector writes. */
export const SIDECAR_KEYS = {
  /** The names of the SidecarSets injected, comma-separated in name order. */
  sets: `${RELEASE_GROUP}/sidecarsets`,
  /** JSON {set name: hash of what it injected} (sidecarSetHash). */
  hash: `${RELEASE_GROUP}/sidecar-hash`,
  /** Pod label "true" on every injected pod: what the status counts list and watch. */
  injected: `${RELEASE_GROUP}/sidecar-injected`,
  /**
   * Pod annotation "true": the webhook added the traffic readiness gate (KEYS.gate) the pod did not have, so the
   * SidecarSet controller sets it True once the pod's containers run ready (a CellDeployment's pods have the gate
   * already, and their controller does it).
   */
  gate: `${RELEASE_GROUP}/sidecar-gate`,
} as const;

/** Namespaces the injector never touches (also excluded in the webhook configuration). */
export const EXCLUDED_NAMESPACES = ['kube-system', 'plinth-system'] as const;

export interface JsonPatchOp {
  op: 'add' | 'replace' | 'test';
  path: string;
  value: unknown;
}

export type InjectionPlan =
  | { kind: 'none'; reason: string }
  | { kind: 'patch'; sets: string[]; patch: JsonPatchOp[] }
  | { kind: 'refuse'; message: string };

export interface InjectionInput {
  pod: V1Pod;
  namespace: string;
  namespaceLabels: Record<string, string>;
  sets: readonly SidecarSet[];
  /** The cluster runs native sidecars (Kubernetes >= 1.29): BeforeApp sidecars become init containers with restartPolicy Always. */
  nativeSidecars: boolean;
}

/** The SidecarSets whose selectors match a pod in a namespace, in name order. */
export function matchingSets(sets: readonly SidecarSet[], podLabels: Record<string, string> | undefined, namespace: string, namespaceLabels: Record<string, string>): SidecarSet[] {
  if ((EXCLUDED_NAMESPACES as readonly string[]).includes(namespace)) return [];
  return sets
    .filter((s) => selectorMatches(s.spec.selector, podLabels) && (s.spec.namespaceSelector === undefined || selectorMatches(s.spec.namespaceSelector, namespaceLabels)))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

function podName(pod: V1Pod, namespace: string): string {
  return `${namespace}/${pod.metadata?.name ?? `${pod.metadata?.generateName ?? ''}*`}`;
}

const shq = (s: string): string => `'${s.replace(/'/g, `'"'"'`)}'`;

/**
 * The postStart hook that holds the next containers until the sidecar is ready (clusters without native
 * sidecars): the kubelet starts a pod's containers in order and waits for each postStart hook before the next.
 * Built from the sidecar's readiness probe (exec, httpGet or tcpSocket on a numeric port); needs `sh` (and
 * wget or nc for the network probes) in the sidecar image. Undefined when there is nothing to wait on.
 */
export function waitReadyHook(c: V1Container, timeoutSeconds = 120): V1Container['lifecycle'] | undefined {
  const p = c.readinessProbe;
  let check: string | undefined;
  if (p?.exec?.command?.length) check = p.exec.command.map(shq).join(' ');
  else if (p?.httpGet && typeof p.httpGet.port === 'number') check = `wget -q -O /dev/null ${shq(`http://127.0.0.1:${p.httpGet.port}${p.httpGet.path ?? '/'}`)}`;
  else if (p?.tcpSocket && typeof p.tcpSocket.port === 'number') check = `nc -z 127.0.0.1 ${p.tcpSocket.port}`;
  if (!check) return undefined;
  const script = `i=0; until ${check} >/dev/null 2>&1; do i=$((i+1)); [ "$i" -ge ${timeoutSeconds} ] && exit 1; sleep 1; done`;
  return { ...(c.lifecycle ?? {}), postStart: { exec: { command: ['sh', '-c', script] } } };
}

/** The container as injected for one launch mode. */
function sidecarContainer(raw: Record<string, unknown>, mode: 'native' | 'first' | 'append'): V1Container {
  const c = structuredClone(raw) as unknown as V1Container;
  if (mode === 'native') (c as V1Container & { restartPolicy?: string }).restartPolicy = 'Always';
  if (mode === 'first' && !c.lifecycle?.postStart) {
    const hook = waitReadyHook(c);
    if (hook) c.lifecycle = hook;
  }
  return c;
}

/** Adds items to a pod spec list: the whole list when absent, else one op each at `at` (an index or '-'). */
function addItems(patch: JsonPatchOp[], base: string, present: boolean, items: unknown[], at: 'front' | 'end'): void {
  if (items.length === 0) return;
  if (!present) {
    patch.push({ op: 'add', path: base, value: items });
    return;
  }
  items.forEach((v, i) => patch.push({ op: 'add', path: `${base}/${at === 'front' ? i : '-'}`, value: v }));
}

const esc = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * What the webhook does with a pod being created: nothing (no set matches, or it was injected already — the
 * webhook configuration has one entry per set and the first call injects them all); a JSONPatch adding the
 * containers and volumes of every matching set and the annotations; or a refusal when the sets cannot all be
 * injected (two inject one container name, or a name the pod uses). Never some of the sets.
 */
export function planInjection(input: InjectionInput): InjectionPlan {
  const { pod, namespace, nativeSidecars } = input;
  if (pod.metadata?.annotations?.[SIDECAR_KEYS.sets] !== undefined) return { kind: 'none', reason: 'already injected' };
  const sets = matchingSets(input.sets, pod.metadata?.labels, namespace, input.namespaceLabels);
  if (sets.length === 0) return { kind: 'none', reason: 'no SidecarSet matches' };

  const spec = pod.spec ?? { containers: [] };
  const podNames = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
  const owner = new Map<string, string>();
  for (const s of sets) {
    const set = s.metadata.name!;
    for (const c of s.spec.containers) {
      const other = owner.get(c.name);
      if (other !== undefined) {
        return {
          kind: 'refuse',
          message:
            `SidecarSets ${other} and ${set} both inject a container named "${c.name}" into pod ${podName(pod, namespace)}: ` +
            `rename the container in one of them, or change the selector of one (${set}) so the two do not select the same pods`,
        };
      }
      if (podNames.has(c.name)) {
        return {
          kind: 'refuse',
          message: `SidecarSet ${set} injects a container named "${c.name}" but pod ${podName(pod, namespace)} already has one: rename the sidecar in the SidecarSet or the container in the pod`,
        };
      }
      owner.set(c.name, set);
    }
  }

  const native: V1Container[] = [];
  const first: V1Container[] = [];
  const appended: V1Container[] = [];
  const volumes: unknown[] = [];
  const volumeNames = new Set((spec.volumes ?? []).map((v) => v.name));
  const hashes: Record<string, string> = {};
  for (const s of sets) {
    hashes[s.metadata.name!] = sidecarSetHash(s);
    const before = (s.spec.launchOrder ?? 'BeforeApp') === 'BeforeApp';
    for (const c of s.spec.containers) {
      if (!before) appended.push(sidecarContainer(c, 'append'));
      else if (nativeSidecars) native.push(sidecarContainer(c, 'native'));
      else first.push(sidecarContainer(c, 'first'));
    }
    // A volume the pod (or an earlier set) already has by that name is the pod's: sidecars mount it as it is.
    for (const v of s.spec.volumes ?? []) {
      if (volumeNames.has(v.name)) continue;
      volumeNames.add(v.name);
      volumes.push(structuredClone(v));
    }
  }

  const patch: JsonPatchOp[] = [];
  addItems(patch, '/spec/initContainers', spec.initContainers !== undefined, native, 'front');
  addItems(patch, '/spec/containers', true, first, 'front');
  addItems(patch, '/spec/containers', true, appended, 'end');
  addItems(patch, '/spec/volumes', spec.volumes !== undefined, volumes, 'end');
  // The traffic readiness gate the lossless sequence flips: a sidecar upgrade takes the pod out of the
  // EndpointSlices with it before it restarts the sidecar. A readiness gate can only be added at creation.
  const gated = (spec.readinessGates ?? []).some((g) => g.conditionType === KEYS.gate);
  if (!gated) addItems(patch, '/spec/readinessGates', spec.readinessGates !== undefined, [{ conditionType: KEYS.gate }], 'end');
  const notes: Record<string, string> = { [SIDECAR_KEYS.sets]: sets.map((s) => s.metadata.name!).join(','), [SIDECAR_KEYS.hash]: JSON.stringify(hashes) };
  if (!gated) notes[SIDECAR_KEYS.gate] = 'true';
  if (pod.metadata?.annotations === undefined) patch.push({ op: 'add', path: '/metadata/annotations', value: notes });
  else for (const [k, v] of Object.entries(notes)) patch.push({ op: 'add', path: `/metadata/annotations/${esc(k)}`, value: v });
  if (pod.metadata?.labels === undefined) patch.push({ op: 'add', path: '/metadata/labels', value: { [SIDECAR_KEYS.injected]: 'true' } });
  else patch.push({ op: 'add', path: `/metadata/labels/${esc(SIDECAR_KEYS.injected)}`, value: 'true' });
  return { kind: 'patch', sets: sets.map((s) => s.metadata.name!), patch };
}
