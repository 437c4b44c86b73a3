import type { TObject, Static, TSchema } from '@sinclair/typebox';
import { toStructural, type JsonSchema } from './schema/structural.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** Everything that defines one custom resource kind; the CRD and the TS type both come from it. */
export interface KindDefinition<Spec extends TSchema, Status extends TSchema> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  scope: 'Namespaced' | 'Cluster';
  spec: Spec;
  status: Status;
  /** The scale subresource (kubectl scale, HorizontalPodAutoscalers), as JSON paths in the object. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** Extra CEL rules on the whole object (e.g. comparing metadata and spec). */
  rules?: { rule: string; message: string; fieldPath?: string }[];
  printerColumns: PrinterColumn[];
  description: string;
}

export interface ObjectMetaLite {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
}

/** The TS type of a full object of a kind. */
export interface KubeObjectOf<Spec, Status> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMetaLite;
  spec: Spec;
  status?: Status;
}

export type ObjectOf<D> = D extends KindDefinition<infer S, infer T> ? KubeObjectOf<Static<S>, Static<T>> : never;

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: JsonSchema;
}

/** Build the apiextensions.k8s.io/v1 CRD for a kind definition. Pure. */
export function toCrd<S extends TObject, T extends TObject>(def: KindDefinition<S, T>): CustomResourceDefinition {
  const root: JsonSchema = {
    type: 'object',
    description: def.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toStructural(def.spec),
      status: toStructural(def.status),
    },
  };
  if (def.rules && def.rules.length > 0) root['x-kubernetes-validations'] = def.rules;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}`, labels: { 'app.kubernetes.io/part-of': 'plinth' } },
    spec: {
      group: def.group,
      scope: def.scope,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        ...(def.shortNames ? { shortNames: def.shortNames } : {}),
        ...(def.categories ? { categories: def.categories } : {}),
      },
      versions: [
        {
          name: def.version,
          served: true,
          storage: true,
          subresources: { status: {}, ...(def.scale ? { scale: def.scale } : {}) },
          additionalPrinterColumns: [
            ...def.printerColumns,
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

/** apiVersion string of a kind, e.g. "apps.plinth.dev/v1alpha1". */
export function apiVersionOf(def: { group: string; version: string }): string {
  return `${def.group}/${def.version}`;
}
