// Applies a ClusterDelivery's overrides to the objects of an artifact (pure; the agent calls it before applying).
import type { ClusterOverrideT } from '../../api/fleet/clusterdelivery.js';
import type { KubeObject } from '../artifact.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';

/** Kinds whose pod template an `images` override reaches, and where the template's pod spec is. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CellDeployment: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

/** Kinds whose `spec.replicas` a `replicas` override sets. */
const REPLICA_KINDS = new Set(['Deployment', 'StatefulSet', 'CellDeployment']);

/** A part of an override that changed no object (the delivery controller surfaces these). */
export interface UnmatchedOverride {
  /** Index of the override in the ClusterDelivery's `overrides`. */
  override: number;
  field: 'images' | 'replicas' | 'labels' | 'annotations' | 'patches';
  /** What matched nothing: the container name, or the patch target. */
  detail: string;
}

/** A patch that could not be applied: the object and the operation. */
export class OverrideError extends Error {
  constructor(
    readonly object: { kind: string; namespace?: string; name: string },
    readonly override: number,
    detail: string,
  ) {
    super(`override ${override} on ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}: ${detail}`);
    this.name = 'OverrideError';
  }
}

export interface OverrideResult {
  objects: KubeObject[];
  unmatched: UnmatchedOverride[];
}

type Json = Record<string, unknown>;

function at(obj: unknown, path: readonly string[]): Json | undefined {
  let cur = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[p];
  }
  return typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? (cur as Json) : undefined;
}

/** The containers and init containers of an object's pod template (none for other kinds). */
export function podContainers(obj: KubeObject): Json[] {
  const path = POD_SPEC_PATHS[obj.kind];
  const spec = path ? at(obj, path) : undefined;
  if (!spec) return [];
  const list = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((c) => typeof c === 'object' && c !== null) as Json[]) : []);
  return [...list(spec.containers), ...list(spec.initContainers)];
}

function targetMatches(obj: KubeObject, t: { kind: string; name?: string; namespace?: string }): boolean {
  return obj.kind === t.kind && (t.name === undefined || obj.metadata.name === t.name) && (t.namespace === undefined || obj.metadata.namespace === t.namespace);
}

function describeTarget(t: { kind: string; name?: string; namespace?: string }): string {
  return `${t.kind}${t.namespace ? ` ${t.namespace}/` : t.name ? ' ' : ''}${t.name ?? (t.namespace ? '*' : '')}`;
}

/**
 * Apply `overrides` in order to copies of `objects` (the input is not modified): images by container name
 * in the pod templates of workloads, replicas of Deployments, StatefulSets and CellDeployments, labels and
 * annotations on every object's metadata, then RFC 6902 patches on the objects their target matches.
 * A patch that fails (a `test` op, a missing path) throws OverrideError naming the object and the op.
 */
export function applyOverrides(objects: readonly KubeObject[], overrides: readonly ClusterOverrideT[] | undefined): OverrideResult {
  let out = objects.map((o) => structuredClone(o));
  const unmatched: UnmatchedOverride[] = [];
  (overrides ?? []).forEach((ov, i) => {
    for (const img of ov.images ?? []) {
      let hit = false;
      for (const o of out) {
        for (const c of podContainers(o)) {
          if (c.name === img.container) {
            c.image = img.image;
            hit = true;
          }
        }
      }
      if (!hit) unmatched.push({ override: i, field: 'images', detail: img.container });
    }
    if (ov.replicas !== undefined) {
      let hit = false;
      for (const o of out) {
        if (!REPLICA_KINDS.has(o.kind)) continue;
        const spec = (o.spec ??= {}) as Json;
        spec.replicas = ov.replicas;
        hit = true;
      }
      if (!hit) unmatched.push({ override: i, field: 'replicas', detail: 'no Deployment, StatefulSet or CellDeployment' });
    }
    for (const field of ['labels', 'annotations'] as const) {
      const add = ov[field];
      if (!add || Object.keys(add).length === 0) continue;
      if (out.length === 0) unmatched.push({ override: i, field, detail: 'no objects' });
      for (const o of out) o.metadata[field] = { ...((o.metadata[field]) ?? {}), ...add };
    }
    for (const p of ov.patches ?? []) {
      let hit = false;
      out = out.map((o) => {
        if (!targetMatches(o, p.target)) return o;
        hit = true;
        try {
          return applyJsonPatch(o, p.patch);
        } catch (err) {
          throw new OverrideError({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }, i, err instanceof JsonPatchError ? err.message : String(err));
        }
      });
      if (!hit) unmatched.push({ override: i, field: 'patches', detail: describeTarget(p.target) });
    }
  });
  return { objects: out, unmatched };
}
